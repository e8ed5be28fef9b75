"""Questionnaire drafts: started blank, from a questionnaire's current version or from an
uploaded file, saved with the same stale-save protection as the wizard, deleted once published.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

import sqlalchemy as sa
from sqlmodel import Session, select

from equity_tool.assessments.versions import stored_version
from equity_tool.authoring.checking import too_large_message
from equity_tool.core.exceptions import BadRequest, Conflict, NotFound
from equity_tool.core.models import MAX_ID, QuestionnaireDraft, User, utcnow
from equity_tool.questionnaire import Questionnaire

# A short file that loads without a problem, for authors to grow.
SKELETON = """\
id: new-questionnaire
version: "1"
title: New questionnaire
sections:
  - id: first_step
    title: First step
    questions:
      - id: first_question
        type: yes_no
        label: Is this the first question?
"""

SUFFIXES = (".yaml", ".yml")  # as in the questionnaires folder


class StaleDraft(Conflict):
    """The draft was saved by someone (or another tab) since this editor was opened."""

    def __init__(self) -> None:
        super().__init__(
            "This draft was saved in another tab or by someone else since you opened it, so "
            "your text was not saved. It is still in the editor: copy what you need, then "
            "reload the page to see the latest version."
        )


class BadUpload(BadRequest):
    """An uploaded file that cannot be a questionnaire; the message says why."""


class DraftTooLarge(BadRequest):
    """A draft's text over the size limit; nothing was saved."""


@dataclass(frozen=True)
class DraftRow:
    """A draft as the list of drafts shows it."""

    draft: QuestionnaireDraft
    author: str
    name: str  # the file's id and version as far as they can be read


def start_draft(
    session: Session, *, actor: User, source: str = SKELETON, base_version_id: int | None = None
) -> QuestionnaireDraft:
    draft = QuestionnaireDraft(source=source, base_version_id=base_version_id,
                               created_by_id=actor.id)
    session.add(draft)
    session.commit()
    return draft


def start_new_version(
    session: Session, *, actor: User, questionnaire: Questionnaire
) -> QuestionnaireDraft:
    """A draft holding the text of `questionnaire` (the version on offer), based on it."""
    stored = stored_version(session, questionnaire)
    return start_draft(session, actor=actor, source=questionnaire.source,
                       base_version_id=stored.id if stored else None)


def read_upload(filename: str, data: bytes, max_bytes: int) -> str:
    """The uploaded file's text; BadUpload for a wrong type, a size over the limit or bytes
    that are not UTF-8."""
    name = PurePath(filename or "").name
    if not name:
        raise BadUpload("Choose a questionnaire file (.yaml) to upload.")
    if not name.lower().endswith(SUFFIXES):
        raise BadUpload(f"The file “{name[:100]}” is not a questionnaire: choose a .yaml or "
                        ".yml file.")
    if len(data) > max_bytes:
        raise BadUpload(f"The file “{name[:100]}” is too large: the limit is "
                        f"{max_bytes // 1024:,} KiB.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadUpload(f"The file “{name[:100]}” is not UTF-8 text: save it as UTF-8 and "
                        "upload it again.") from None


def get_draft(session: Session, draft_id: int) -> QuestionnaireDraft:
    draft = session.get(QuestionnaireDraft, draft_id) if 0 < draft_id <= MAX_ID else None
    if draft is None:
        raise NotFound(f"No draft {draft_id}")
    return draft


def save_draft(
    session: Session, *, draft: QuestionnaireDraft, revision: int, source: str, max_bytes: int
) -> QuestionnaireDraft:
    """Store `source` if the draft is still at `revision` (StaleDraft otherwise)."""
    size = len(source.encode("utf-8", errors="surrogatepass"))
    if size > max_bytes:
        raise DraftTooLarge(f"Not saved: {too_large_message(size, max_bytes)}.")
    table = QuestionnaireDraft.__table__
    saved = session.execute(
        sa.update(table)
        .where(table.c.id == draft.id, table.c.revision == revision)
        .values(source=source, revision=revision + 1, updated_at=utcnow())
    ).rowcount
    if saved != 1:
        session.rollback()
        raise StaleDraft()
    session.commit()
    session.refresh(draft)
    return draft


def delete_draft(session: Session, draft: QuestionnaireDraft) -> None:
    session.delete(draft)
    session.commit()


def list_drafts(session: Session) -> list[DraftRow]:
    rows = session.exec(
        select(QuestionnaireDraft, User.name)
        .join(User, User.id == QuestionnaireDraft.created_by_id)
        .order_by(QuestionnaireDraft.updated_at.desc(), QuestionnaireDraft.id.desc())
    ).all()
    return [DraftRow(draft, author, draft_name(draft.source)) for draft, author in rows]


_TOP_LEVEL = re.compile(r"^(id|version)\s*:\s*[\"']?([^\"'#\n]*)", re.MULTILINE)


def draft_name(source: str) -> str:
    """"rapid-equity-check 2026.3", read from the text without loading it (it may not load)."""
    found = {key: value.strip() for key, value in _TOP_LEVEL.findall(source[:20_000])}
    return " ".join(v for v in (found.get("id"), found.get("version")) if v) or "Untitled"
