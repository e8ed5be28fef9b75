"""The questionnaires the service offers, and every version an assessment is pinned to.

The database is the catalogue: each version's text is stored when first seen (read from the
folder, or published in the browser), so an assessment can always be shown with the
definition it started on, and every app server on one database offers the same versions.
For each questionnaire the service offers its newest stored version that is not retired
and loads.

The folder is read at start-up and again whenever a file in it changes; the database is asked
at most every `refresh_seconds` whether a version was added or retired elsewhere. A file that
fails to load never takes the service down: nothing is stored from it, the last good version
stays in use and its problems are kept (`problems`, by path) for the questionnaires page.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from equity_tool.core.exceptions import NotFound
from equity_tool.core.models import Assessment, QuestionnaireVersion
from equity_tool.questionnaire import LoadResult, Problem, Questionnaire, load_folder, load_text
from equity_tool.questionnaire.problems import ERROR

DEFAULT_REFRESH_SECONDS = 2.0


@dataclass
class Registry:
    folder: Path
    engine: sa.Engine
    refresh_seconds: float = DEFAULT_REFRESH_SECONDS
    offered: dict[str, Questionnaire] = field(default_factory=dict)  # id -> current version
    problems: dict[str, list[Problem]] = field(default_factory=dict)  # path -> problems
    # Stored versions whose text no longer loads (never offered): (id, version) -> problems.
    stored_problems: dict[tuple[str, str], list[Problem]] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # id -> the folder file declaring it
    offered_ids: dict[str, int] = field(default_factory=dict)  # id -> its stored row's id
    _pinned: dict[tuple[str, str], Questionnaire] = field(default_factory=dict)
    _unreadable: dict[tuple[str, str], str] = field(default_factory=dict)  # -> content hash
    _signature: tuple = ()
    _database_signature: tuple | None = None
    _next_check: float = 0.0
    _lock: threading.RLock = field(default_factory=threading.RLock)

    def refresh(self, force: bool = False) -> None:
        """Read the folder if a file in it changed, and the database if it is time to."""
        signature = _signature(self.folder)
        folder_changed = force or signature != self._signature
        if not folder_changed and time.monotonic() < self._next_check:
            return
        with self._lock, Session(self.engine) as session:
            if folder_changed:
                try:
                    self._read_folder(session)
                    session.commit()
                except sa.exc.IntegrityError:  # another server stored the same version first
                    session.rollback()
                    self._read_folder(session)
                    session.commit()
                self._signature = signature
            self._sync(session, force=folder_changed)

    def sync(self, session: Session) -> None:
        """Offer what the database holds now, without waiting for the next check."""
        with self._lock:
            self._sync(session, force=True)

    def _read_folder(self, session: Session) -> None:
        results = load_folder(self.folder) if self.folder.is_dir() else []
        for result in results:
            self._accept(session, result)
        self.problems = {result.path: result.problems for result in results}
        self.files = {r.declared_id: r.path for r in reversed(results) if r.declared_id}

    def _accept(self, session: Session, result: LoadResult) -> None:
        """Store the loaded questionnaire's version, or add a problem saying why not."""
        questionnaire = result.questionnaire
        if questionnaire is None:
            return
        conflict = version_conflict(session, questionnaire)
        if conflict:
            result.problems.append(conflict)
            return
        store_version(session, questionnaire)
        self._pinned[(questionnaire.id, questionnaire.version)] = questionnaire

    def _sync(self, session: Session, *, force: bool) -> None:
        rows = session.exec(
            select(QuestionnaireVersion.id, QuestionnaireVersion.questionnaire_id,
                   QuestionnaireVersion.version, QuestionnaireVersion.content_hash,
                   QuestionnaireVersion.retired_at)
            .order_by(col(QuestionnaireVersion.id).desc())
        ).all()
        signature = tuple((r.id, r.content_hash, r.retired_at is not None) for r in rows)
        if force or signature != self._database_signature:
            self._offer(session, rows)
            self._database_signature = signature
        self._next_check = time.monotonic() + self.refresh_seconds

    def _offer(self, session: Session, rows) -> None:
        """Offer, for each questionnaire, its newest version that is not retired and loads."""
        offered: dict[str, Questionnaire] = {}
        offered_ids: dict[str, int] = {}
        for row in rows:  # newest first
            if row.retired_at is not None or row.questionnaire_id in offered:
                continue
            questionnaire = self._stored(session, row)
            if questionnaire is not None:
                offered[row.questionnaire_id] = questionnaire
                offered_ids[row.questionnaire_id] = row.id
        self.offered, self.offered_ids = offered, offered_ids

    def _stored(self, session: Session, row) -> Questionnaire | None:
        """The version `row` stores, loaded once; None (its problems kept) if it fails."""
        key = (row.questionnaire_id, row.version)
        cached = self._pinned.get(key)
        if cached is not None and cached.content_hash == row.content_hash:
            return cached
        if self._unreadable.get(key) == row.content_hash:
            return None
        source = session.exec(
            select(QuestionnaireVersion.source).where(QuestionnaireVersion.id == row.id)
        ).one()
        result = self._load_stored(row.questionnaire_id, source)
        if result.questionnaire is None:
            self.stored_problems[key] = result.problems
            self._unreadable[key] = row.content_hash  # not tried again until its text changes
            return None
        self.stored_problems.pop(key, None)
        self._pinned[key] = result.questionnaire
        return result.questionnaire

    def _load_stored(self, questionnaire_id: str, source: str) -> LoadResult:
        # Named as if in the folder, so a relative export template is found there; accepted
        # when that template is gone, so a stored version stays readable.
        return load_text(source, str(self.folder / f"{questionnaire_id}.yaml"), check_files=False)

    def remember(self, questionnaire: Questionnaire) -> None:
        """Keep a version just loaded and stored elsewhere (publishing), so it is not read
        back from the database."""
        self._pinned[(questionnaire.id, questionnaire.version)] = questionnaire

    def current(self, questionnaire_id: str) -> Questionnaire:
        self.refresh()
        questionnaire = self.offered.get(questionnaire_id)
        if questionnaire is None:
            raise NotFound(f"No questionnaire {questionnaire_id}")
        return questionnaire

    def all_offered(self) -> list[Questionnaire]:
        self.refresh()
        return sorted(self.offered.values(), key=lambda q: q.title.get().lower())

    def pinned(self, session: Session, questionnaire_id: str, version: str) -> Questionnaire:
        """The exact version an assessment started on, from the stored text if need be."""
        key = (questionnaire_id, version)
        if key not in self._pinned:
            stored = session.exec(
                select(QuestionnaireVersion).where(
                    QuestionnaireVersion.questionnaire_id == questionnaire_id,
                    QuestionnaireVersion.version == version,
                )
            ).first()
            if stored is None:
                raise NotFound(f"No questionnaire {questionnaire_id} {version}")
            result = self._load_stored(questionnaire_id, stored.source)
            if result.questionnaire is None:
                raise NotFound(f"Stored questionnaire {questionnaire_id} {version} is unreadable")
            self._pinned[key] = result.questionnaire
        return self._pinned[key]


def _signature(folder: Path) -> tuple:
    if not folder.is_dir():
        return ()
    return tuple(
        (p.name, p.stat().st_mtime_ns, p.stat().st_size)
        for p in sorted(folder.iterdir())
        if p.suffix in (".yaml", ".yml")
    )


def stored_version(session: Session, questionnaire: Questionnaire) -> QuestionnaireVersion | None:
    return session.exec(
        select(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == questionnaire.id,
            QuestionnaireVersion.version == questionnaire.version,
        )
    ).first()


def store_version(session: Session, questionnaire: Questionnaire) -> None:
    """Store a version's text when first seen (or while no assessment uses it yet)."""
    stored = stored_version(session, questionnaire)
    if stored is None:
        session.add(
            QuestionnaireVersion(
                questionnaire_id=questionnaire.id,
                version=questionnaire.version,
                content_hash=questionnaire.content_hash,
                source=questionnaire.source,
                title=questionnaire.title.get(),
            )
        )
    elif stored.content_hash != questionnaire.content_hash:
        stored.content_hash = questionnaire.content_hash
        stored.source = questionnaire.source
        stored.title = questionnaire.title.get()
        session.add(stored)
    session.flush()


def version_conflict(session: Session, questionnaire: Questionnaire) -> Problem | None:
    """An error when the file changed a version that assessments already use."""
    stored = stored_version(session, questionnaire)
    if stored is None or stored.content_hash == questionnaire.content_hash:
        return None
    in_use = session.exec(
        select(func.count())
        .select_from(Assessment)
        .where(
            Assessment.questionnaire_id == questionnaire.id,
            Assessment.questionnaire_version == questionnaire.version,
        )
    ).one()
    if not in_use:
        return None
    return Problem(
        questionnaire.path,
        _version_line(questionnaire.source),
        1,
        ERROR,
        f"the content of version '{questionnaire.version}' changed, but {in_use} assessment(s) "
        "were started on it: give the changed file a new version, or undo the change",
    )


def _version_line(source: str) -> int:
    match = re.search(r"^version\s*:", source, re.MULTILINE)
    return source.count("\n", 0, match.start()) + 1 if match else 1


def conflicts_for_check(engine: sa.Engine):
    """For `questionnaires check`: version conflicts, when the database is there to ask."""

    def check(results: list[LoadResult]) -> list[Problem]:
        try:
            with Session(engine) as session:
                found = [
                    version_conflict(session, r.questionnaire)
                    for r in results
                    if r.questionnaire is not None
                ]
        except sa.exc.DBAPIError:  # no database yet: nothing can be pinned to a version
            return []
        return [problem for problem in found if problem]

    return check


def init_app(app) -> None:
    """One registry per app; the folder is read on first use, not at import."""
    engine = app.extensions["equity_tool.engine"]
    app.extensions["equity_tool.registry"] = Registry(
        Path(app.config["EQUITY_TOOL_QUESTIONNAIRES"]), engine,
        refresh_seconds=float(app.config.get("QUESTIONNAIRE_REFRESH_SECONDS",
                                             DEFAULT_REFRESH_SECONDS)),
    )
    app.extensions["equity_tool.version_conflicts"] = conflicts_for_check(engine)
