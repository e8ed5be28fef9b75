"""Questionnaire drafts on a real database: started blank or from the version on offer, saved
only from the revision they were read at, and uploads read as the folder reads files."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session

from equity_tool.assessments.versions import Registry, store_version
from equity_tool.authoring import drafts
from equity_tool.authoring.checking import check_source
from equity_tool.core.exceptions import NotFound
from equity_tool.questionnaire import load_file
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
RAPID = ROOT / "questionnaires" / "rapid-equity-check.yaml"


@pytest.fixture
def db(engine):
    with Session(engine) as session:
        yield session


@pytest.fixture
def officer(db):
    return factories.user(db, email="o@example.org", role="officer", department_name=None)


def test_a_blank_draft_holds_a_skeleton_that_checks_clean(db, engine, officer):
    draft = drafts.start_draft(db, actor=officer)
    registry = Registry(ROOT / "questionnaires", engine)
    check = check_source(db, draft.source, registry=registry, max_bytes=256 * 1024)
    assert check.ok and check.problems == []
    assert (draft.revision, draft.base_version_id, draft.created_by_id) == (0, None, officer.id)


def test_a_new_version_is_based_on_the_stored_version_on_offer(db, officer):
    rapid = load_file(RAPID).questionnaire
    store_version(db, rapid)
    db.commit()
    draft = drafts.start_new_version(db, actor=officer, questionnaire=rapid)
    assert draft.source == RAPID.read_text()
    assert draft.base_version_id is not None
    assert drafts.draft_name(draft.source) == "rapid-equity-check 2026.2"


def test_a_save_from_an_older_revision_is_refused_and_changes_nothing(db, engine, officer):
    draft = drafts.start_draft(db, actor=officer)
    drafts.save_draft(db, draft=draft, revision=0, source="id: first\n", max_bytes=1000)
    assert draft.revision == 1
    with pytest.raises(drafts.StaleDraft):
        drafts.save_draft(db, draft=draft, revision=0, source="id: second\n", max_bytes=1000)
    with Session(engine) as other:
        stored = drafts.get_draft(other, draft.id)
        assert (stored.source, stored.revision) == ("id: first\n", 1)


def test_a_text_over_the_limit_is_not_saved(db, officer):
    draft = drafts.start_draft(db, actor=officer)
    with pytest.raises(drafts.DraftTooLarge, match="the limit is 100 bytes"):
        drafts.save_draft(db, draft=draft, revision=0, source="#" * 101, max_bytes=100)
    assert drafts.get_draft(db, draft.id).revision == 0


def test_an_unknown_draft_is_not_found(db):
    with pytest.raises(NotFound):
        drafts.get_draft(db, 2**40)


@pytest.mark.parametrize(("name", "data", "message"), [
    ("q.yaml", b"x" * 11, "is too large"),
    ("q.yml", b"\xff\xfe", "is not UTF-8 text"),
    ("q.txt", b"id: q", "is not a questionnaire"),
    ("", b"id: q", "Choose a questionnaire file"),
])
def test_an_upload_that_cannot_be_a_questionnaire_is_refused(name, data, message):
    with pytest.raises(drafts.BadUpload, match=message):
        drafts.read_upload(name, data, max_bytes=10)


def test_an_upload_is_read_as_utf8_text():
    assert drafts.read_upload("q.YAML", "title: Ñandú".encode(), max_bytes=100) == "title: Ñandú"
