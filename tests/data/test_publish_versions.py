"""Publishing and retiring questionnaire versions, and which version the service offers.

Each test has its own copy of the questionnaires folder; a second Registry on the same
database stands for a second app server that does not share the folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlmodel import select

from equity_tool.assessments.versions import Registry
from equity_tool.authoring import publish as publishing
from equity_tool.authoring.publish import PublishRefused, publish, retire
from equity_tool.core.exceptions import Conflict, NotFound, PermissionDenied
from equity_tool.core.models import AuditEntry, QuestionnaireVersion
from tests import factories
from tests.factories import rapid_check_text as rapid_text

ROOT = Path(__file__).resolve().parents[2]
RAPID = "rapid-equity-check"


@pytest.fixture
def folder(tmp_path) -> Path:
    return factories.shipped_questionnaires(tmp_path / "questionnaires")


@pytest.fixture
def registry(folder, session) -> Registry:
    registry = Registry(folder, session.get_bind())
    registry.refresh()
    return registry


@pytest.fixture
def admin(people):
    return people["admin"]




def stored_id(session, version: str) -> int:
    return session.exec(select(QuestionnaireVersion.id).where(
        QuestionnaireVersion.questionnaire_id == RAPID,
        QuestionnaireVersion.version == version)).one()


# Each line repeats the one before ten times: a million nodes from a few lines.
LAUGHS = "laughs:\n  - &a [ha, ha, ha, ha, ha, ha, ha, ha, ha, ha]\n" + "".join(
    f"  - &{b} [{', '.join(['*' + a] * 10)}]\n" for a, b in zip("abcde", "bcdef", strict=True))


def audit_actions(session) -> list[tuple[str, str]]:
    return [(e.action, e.subject) for e in session.exec(select(AuditEntry).order_by(AuditEntry.id))]


def test_a_published_version_is_stored_written_to_the_folder_and_offered_at_once(
        session, folder, registry, admin):
    text = rapid_text("2026.3", "Quick equity check")
    version = publish(session, actor=admin, source=text,
                      base_version_id=stored_id(session, "2026.2"), registry=registry)
    assert (version.version, version.published_by_id, version.source) == ("2026.3", admin.id,
                                                                           text)
    assert registry.current(RAPID).version == "2026.3"
    assert (folder / f"{RAPID}.yaml").read_text() == text  # the file that held it, replaced
    assert not list(folder.glob(".*.tmp"))
    assert audit_actions(session) == [("version published", f"{RAPID} 2026.3")]


def test_a_second_server_without_the_folder_offers_what_the_first_published(
        session, tmp_path, registry, admin):
    other_folder = tmp_path / "elsewhere"
    shutil.copytree(ROOT / "questionnaires", other_folder)
    other = Registry(other_folder, session.get_bind(), refresh_seconds=0)
    assert other.current(RAPID).version == "2026.2"
    publish(session, actor=admin, source=rapid_text("2026.3"), base_version_id=None,
            registry=registry)
    assert other.current(RAPID).version == "2026.3"
    assert "2026.3" not in (other_folder / f"{RAPID}.yaml").read_text()


def test_a_server_asks_the_database_no_more_often_than_its_setting(session, registry, admin,
                                                                  tmp_path):
    other = Registry(ROOT / "questionnaires", session.get_bind(), refresh_seconds=3600)
    assert other.current(RAPID).version == "2026.2"
    publish(session, actor=admin, source=rapid_text("2026.3"), base_version_id=None,
            registry=registry)
    assert other.current(RAPID).version == "2026.2"  # not asked again within the hour
    other.sync(session)
    assert other.current(RAPID).version == "2026.3"


def test_a_text_with_errors_is_refused_with_the_engines_problems(session, folder, registry,
                                                                 admin):
    before = (folder / f"{RAPID}.yaml").read_text()
    text = rapid_text("2026.3").replace("type: yes_no", "type: yesno", 1)
    with pytest.raises(PublishRefused) as refused:
        publish(session, actor=admin, source=text, base_version_id=None, registry=registry)
    assert refused.value.message == ("The questionnaire has 1 error: correct it, then "
                                     "publish again.")
    [problem] = refused.value.problems
    line = text.splitlines().index(next(x for x in text.splitlines() if "type: yesno" in x)) + 1
    assert (problem.line, problem.column) == (line, 15)
    assert "unknown question type 'yesno'" in problem.message
    assert registry.current(RAPID).version == "2026.2"
    assert (folder / f"{RAPID}.yaml").read_text() == before
    assert audit_actions(session) == []


@pytest.mark.parametrize(("change", "message"), [
    (lambda t: t + LAUGHS, "repeats an alias too often"),
    (lambda t: t.replace("formula: highest_burden + points(worsens_disparity)",
                         "formula: " + "(" * 50 + "1" + ")" * 50), "nested deeper than 40"),
    (lambda t: t.replace("escalate_to: racial-equity-impact-assessment",
                         "escalate_to: no-such-questionnaire"),
     "escalates to 'no-such-questionnaire', which is not a questionnaire"),
    (lambda t: t + "#" * publishing.MAX_SOURCE_BYTES, "the file is too large"),
])
def test_the_engines_limits_refuse_a_text(session, registry, admin, change, message):
    with pytest.raises(PublishRefused) as refused:
        publish(session, actor=admin, source=change(rapid_text("2026.3")), base_version_id=None,
                registry=registry)
    assert any(message in p.message for p in refused.value.problems), refused.value.problems
    assert registry.current(RAPID).version == "2026.2"


def test_changing_the_version_in_use_is_refused(session, registry, admin, people):
    with pytest.raises(PublishRefused) as refused:
        publish(session, actor=admin, source=rapid_text("2026.2", "Quick check"),
                base_version_id=None, registry=registry)
    assert refused.value.message == (
        "Version '2026.2' of Quick check is in use (new assessments start on it), so its "
        "content cannot change: give your text a new version.")
    assert refused.value.current_version == "2026.2"
    assert [c.subject for item in refused.value.diff.questionnaire for c in [item]] == ["title"]
    factories.start_assessment(session, author=people["staff"],
                               questionnaire=registry.current(RAPID))
    with pytest.raises(PublishRefused) as refused:
        publish(session, actor=admin, source=rapid_text("2026.2", "Quick check"),
                base_version_id=None, registry=registry)
    assert "(new assessments start on it and 1 assessment was started on it)" in (
        refused.value.message)


def test_an_existing_version_with_other_content_is_refused(session, registry, admin):
    publish(session, actor=admin, source=rapid_text("2026.3"), base_version_id=None,
            registry=registry)
    # 2026.2 is no longer in use and nobody started on it, but it exists
    with pytest.raises(PublishRefused) as refused:
        publish(session, actor=admin, source=rapid_text("2026.2", "Quick check"),
                base_version_id=None, registry=registry)
    assert refused.value.message == ("Version '2026.2' of Quick check already exists with "
                                     "different content: give your text a new version.")
    assert registry.current(RAPID).version == "2026.3"


def test_the_same_content_again_is_refused(session, registry, admin):
    with pytest.raises(PublishRefused) as refused:
        publish(session, actor=admin, source=rapid_text(), base_version_id=None,
                registry=registry)
    assert refused.value.message == ("Version '2026.2' of Rapid equity check is already "
                                     "published with this content: there is nothing new to "
                                     "publish.")


def test_a_stale_editor_is_refused_with_what_changed_since(session, registry, admin, people):
    base = stored_id(session, "2026.2")
    publish(session, actor=people["officer"], source=rapid_text("2026.3", "Quick equity check"),
            base_version_id=base, registry=registry)
    with pytest.raises(PublishRefused) as refused:
        publish(session, actor=admin, source=rapid_text("2026.4"), base_version_id=base,
                registry=registry)
    assert refused.value.message == (
        "Version '2026.3' of Quick equity check was published after you started from version "
        "'2026.2', so yours was not published. See what changed in '2026.3', bring your text "
        "up to date with it, and publish again.")
    assert refused.value.current_version == "2026.3"
    diff = refused.value.diff
    assert (diff.before_version, diff.after_version) == ("2026.2", "2026.3")
    assert [(c.subject, c.before, c.after) for c in diff.questionnaire] == [
        ("title", "Rapid equity check", "Quick equity check")]
    assert registry.current(RAPID).version == "2026.3"


def test_only_the_equity_office_publishes_and_retires(session, registry, people):
    for role in ("staff", "director", "councillor"):
        with pytest.raises(PermissionDenied):
            publish(session, actor=people[role], source=rapid_text("2026.3"),
                    base_version_id=None, registry=registry)
        with pytest.raises(PermissionDenied):
            retire(session, actor=people[role], questionnaire_id=RAPID, version="2026.2")


def test_retiring_stops_new_starts_and_lets_those_under_way_continue(session, registry, admin,
                                                                     people):
    publish(session, actor=admin, source=rapid_text("2026.3"), base_version_id=None,
            registry=registry)
    under_way = factories.start_assessment(session, author=people["staff"],
                                           questionnaire=registry.current(RAPID))
    retire(session, actor=admin, questionnaire_id=RAPID, version="2026.3", registry=registry)
    assert registry.current(RAPID).version == "2026.2"  # the newest not retired
    assert registry.pinned(session, RAPID, "2026.3").version == "2026.3"
    assert under_way.questionnaire_version == "2026.3"
    retire(session, actor=admin, questionnaire_id=RAPID, version="2026.3", registry=registry)
    retire(session, actor=admin, questionnaire_id=RAPID, version="2026.2", registry=registry)
    with pytest.raises(NotFound):
        registry.current(RAPID)  # nothing left to start on
    assert audit_actions(session) == [("version published", f"{RAPID} 2026.3"),
                                      ("version retired", f"{RAPID} 2026.3"),
                                      ("version retired", f"{RAPID} 2026.2")]
    with pytest.raises(NotFound):
        retire(session, actor=admin, questionnaire_id=RAPID, version="1999.1")


def test_a_stored_text_that_no_longer_loads_is_skipped(session, registry):
    session.add(QuestionnaireVersion(questionnaire_id=RAPID, version="2026.9", content_hash="x",
                                     source="id: rapid-equity-check\nversion: [", title="Broken"))
    session.commit()
    registry.sync(session)
    assert registry.current(RAPID).version == "2026.2"
    assert registry.stored_problems[(RAPID, "2026.9")]


def test_a_file_edited_in_the_folder_is_offered_and_a_broken_one_keeps_the_last_good(
        session, folder, registry):
    path = folder / f"{RAPID}.yaml"
    path.write_text(rapid_text("2026.5"))
    registry.refresh()
    assert registry.current(RAPID).version == "2026.5"
    path.write_text(rapid_text("2026.6").replace("type: yes_no", "type: yesno", 1))
    registry.refresh()
    assert registry.current(RAPID).version == "2026.5"
    assert any("unknown question type" in p.message for p in registry.problems[str(path)])


def test_the_same_version_stored_by_another_server_at_the_same_moment_is_refused(
        session, registry, admin, monkeypatch):
    publish(session, actor=admin, source=rapid_text("2026.3"), base_version_id=None,
            registry=registry)
    # as if both servers had checked before either stored its text
    monkeypatch.setattr(publishing, "_refuse_existing", lambda *args: None)
    with pytest.raises(PublishRefused) as refused:
        publish(session, actor=admin, source=rapid_text("2026.3", "Quick check"),
                base_version_id=None, registry=registry)
    assert refused.value.message == ("Version '2026.3' of Quick check was published by someone "
                                     "else a moment ago: give your text a new version.")
    assert registry.current(RAPID).title.get() == "Rapid equity check"


def test_a_server_that_still_offers_a_just_retired_version_cannot_start_on_it(
        session, registry, admin, people, folder):
    publish(session, actor=admin, source=rapid_text("2026.3"), base_version_id=None,
            registry=registry)
    other_server = Registry(folder, session.get_bind())
    offered_there = other_server.current(RAPID)
    retire(session, actor=admin, questionnaire_id=RAPID, version="2026.3", registry=registry)
    with pytest.raises(Conflict, match=r"2026\.3 of Rapid equity check was retired"):
        factories.start_assessment(session, author=people["staff"], questionnaire=offered_there)
