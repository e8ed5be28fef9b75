"""The questionnaires page's figures: every questionnaire, its versions and their state, the
drafts being written, the folder's files with their problems, and what a diff compares."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, func, select

from equity_tool.assessments.versions import Registry
from equity_tool.core.exceptions import NotFound
from equity_tool.core.models import Assessment, QuestionnaireDraft, QuestionnaireVersion, User
from equity_tool.questionnaire import Problem
from equity_tool.questionnaire.compare import Diff, compare

IN_USE, SUPERSEDED, RETIRED, UNREADABLE = "in use", "superseded", "retired", "cannot be read"
_ID_LINE = re.compile(r"^id:[ \t]*[\"']?([a-z0-9]+(?:-[a-z0-9]+)*)[\"']?[ \t]*(?:#.*)?$",
                      re.MULTILINE)


@dataclass(frozen=True)
class VersionRow:
    id: int
    version: str
    title: str
    state: str  # IN_USE (new assessments start on it), SUPERSEDED, RETIRED or UNREADABLE
    assessments: int  # how many assessments were started on it
    published_by: str | None  # None: it came from the questionnaires folder
    published_at: datetime
    retired_at: datetime | None
    problems: list[Problem] = field(default_factory=list)  # why a stored text cannot be read


@dataclass(frozen=True)
class DraftRow:
    id: int
    written_by: str
    updated_at: datetime
    base_version: str | None  # the version it started from; None: new or uploaded


@dataclass(frozen=True)
class FileStatus:
    name: str
    questionnaire_id: str | None
    problems: list[Problem]

    @property
    def errors(self) -> int:
        return sum(p.is_error for p in self.problems)

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors


@dataclass
class Entry:
    id: str
    title: str
    versions: list[VersionRow] = field(default_factory=list)  # newest first
    drafts: list[DraftRow] = field(default_factory=list)
    file: FileStatus | None = None

    @property
    def in_use(self) -> VersionRow | None:
        return next((v for v in self.versions if v.state == IN_USE), None)

    def in_use_without(self, retired: VersionRow) -> VersionRow | None:
        """The version new assessments would start on once `retired` is retired."""
        if retired.state != IN_USE:
            return self.in_use
        return next((v for v in self.versions if v.state == SUPERSEDED), None)


def declared_id(source: str) -> str | None:
    """The `id:` line of a questionnaire's text, even when the text does not load."""
    match = _ID_LINE.search(source)
    return match.group(1) if match else None


def catalogue(session: Session, registry: Registry) -> list[Entry]:
    """Every questionnaire stored, being written or in the folder, by title."""
    registry.refresh()
    files = folder_files(registry)
    entries: dict[str, Entry] = {}
    for row in _version_rows(session, registry):
        qid, version_row = row
        entries.setdefault(qid, Entry(qid, version_row.title)).versions.append(version_row)
    for qid, draft in _draft_rows(session):
        entries.setdefault(qid, Entry(qid, qid)).drafts.append(draft)
    for status in files:
        if status.questionnaire_id:
            entry = entries.setdefault(status.questionnaire_id,
                                       Entry(status.questionnaire_id, status.questionnaire_id))
            entry.file = entry.file or status
    for qid, questionnaire in registry.offered.items():
        entries[qid].title = questionnaire.title.get()
    return sorted(entries.values(), key=lambda e: (e.title.lower(), e.id))


def folder_files(registry: Registry) -> list[FileStatus]:
    """Each file of the folder as last read, with its problems (as `questionnaires check`)."""
    ids = {path: qid for qid, path in registry.files.items()}
    return [FileStatus(path.rsplit("/", 1)[-1], ids.get(path), problems)
            for path, problems in sorted(registry.problems.items())]


def _uses(session: Session) -> dict[tuple[str, str], int]:
    """Assessments per (questionnaire, version), in one grouped query."""
    rows = session.exec(
        select(Assessment.questionnaire_id, Assessment.questionnaire_version, func.count())
        .group_by(Assessment.questionnaire_id, Assessment.questionnaire_version)
    ).all()
    return {(qid, version): count for qid, version, count in rows}


def _version_rows(session: Session, registry: Registry):
    uses = _uses(session)
    rows = session.exec(
        select(QuestionnaireVersion.id, QuestionnaireVersion.questionnaire_id,
               QuestionnaireVersion.version, QuestionnaireVersion.title,
               QuestionnaireVersion.first_seen_at, QuestionnaireVersion.retired_at, User.name)
        .join(User, col(User.id) == QuestionnaireVersion.published_by_id, isouter=True)
        .order_by(col(QuestionnaireVersion.id).desc())
    ).all()
    for row in rows:
        key = (row.questionnaire_id, row.version)
        problems = registry.stored_problems.get(key, [])
        yield row.questionnaire_id, VersionRow(
            row.id, row.version, row.title, _state(registry, row, problems), uses.get(key, 0),
            row.name, row.first_seen_at, row.retired_at, problems)


def _state(registry: Registry, row, problems: list[Problem]) -> str:
    if row.retired_at is not None:
        return RETIRED
    if registry.offered_ids.get(row.questionnaire_id) == row.id:
        return IN_USE
    return UNREADABLE if problems else SUPERSEDED


def _draft_rows(session: Session):
    rows = session.exec(
        select(QuestionnaireDraft, User.name, QuestionnaireVersion.questionnaire_id,
               QuestionnaireVersion.version)
        .join(User, col(User.id) == QuestionnaireDraft.created_by_id)
        .join(QuestionnaireVersion,
              col(QuestionnaireVersion.id) == QuestionnaireDraft.base_version_id, isouter=True)
        .order_by(col(QuestionnaireDraft.updated_at).desc())
    ).all()
    for draft, name, base_id, base_version in rows:
        qid = declared_id(draft.source) or base_id or "new questionnaire"
        yield qid, DraftRow(draft.id, name, draft.updated_at,
                            base_version if base_id == qid else None)


def version_row(session: Session, registry: Registry, questionnaire_id: str,
                version: str) -> tuple[Entry, VersionRow]:
    """One stored version and its questionnaire's entry, or NotFound."""
    for entry in catalogue(session, registry):
        if entry.id == questionnaire_id:
            for row in entry.versions:
                if row.version == version:
                    return entry, row
    raise NotFound(f"No version {version} of {questionnaire_id}")


def title_of(session: Session, registry: Registry, questionnaire_id: str) -> str:
    """The questionnaire's title in the version in use, else in its newest stored version."""
    registry.refresh()
    if questionnaire_id in registry.offered:
        return registry.offered[questionnaire_id].title.get()
    title = session.exec(select(QuestionnaireVersion.title)
                         .where(QuestionnaireVersion.questionnaire_id == questionnaire_id)
                         .order_by(col(QuestionnaireVersion.id).desc())).first()
    return title or questionnaire_id


def stored_text(session: Session, registry: Registry, questionnaire_id: str,
                version: str) -> str:
    """A version's text exactly as it was stored, or NotFound."""
    registry.refresh()
    source = session.exec(select(QuestionnaireVersion.source).where(
        QuestionnaireVersion.questionnaire_id == questionnaire_id,
        QuestionnaireVersion.version == version)).first()
    if source is None:
        raise NotFound(f"No version {version} of {questionnaire_id}")
    return source


def versions_of(session: Session, registry: Registry, questionnaire_id: str) -> list[str]:
    """The stored versions of a questionnaire, newest first; NotFound when it has none."""
    registry.refresh()  # the folder's files are stored when first read
    versions = list(session.exec(
        select(QuestionnaireVersion.version)
        .where(QuestionnaireVersion.questionnaire_id == questionnaire_id)
        .order_by(col(QuestionnaireVersion.id).desc())))
    if not versions:
        raise NotFound(f"No questionnaire {questionnaire_id}")
    return versions


def diff(session: Session, registry: Registry, questionnaire_id: str, before: str,
         after: str) -> Diff | None:
    """What changed from version `before` to `after`; None when either text cannot be read."""
    try:
        return compare(registry.pinned(session, questionnaire_id, before),
                       registry.pinned(session, questionnaire_id, after))
    except NotFound:
        return None
