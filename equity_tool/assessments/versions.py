"""The questionnaires the service offers, and every version an assessment is pinned to.

The folder is read at start-up and again whenever a file in it changes. Each version's text is
stored when first seen, so an assessment can always be shown with the definition it started
on. A file that fails to load never takes the service down: the last good version stays in
use and its problems are kept (`problems`, by path) for `questionnaires check` to report.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, func, select

from equity_tool.core.exceptions import NotFound
from equity_tool.core.models import Assessment, QuestionnaireVersion
from equity_tool.questionnaire import LoadResult, Problem, Questionnaire, load_folder, load_text
from equity_tool.questionnaire.problems import ERROR


@dataclass
class Registry:
    folder: Path
    engine: sa.Engine
    offered: dict[str, Questionnaire] = field(default_factory=dict)  # id -> current version
    problems: dict[str, list[Problem]] = field(default_factory=dict)  # path -> problems
    _pinned: dict[tuple[str, str], Questionnaire] = field(default_factory=dict)
    _signature: tuple = ()
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def refresh(self, force: bool = False) -> None:
        """Reload the folder if any file in it changed since the last look."""
        signature = _signature(self.folder)
        if signature == self._signature and not force:
            return
        with self._lock:
            results = load_folder(self.folder) if self.folder.is_dir() else []
            with Session(self.engine) as session:
                offered, problems = {}, {}
                for result in results:
                    questionnaire = self._accept(session, result)
                    if questionnaire is not None:
                        offered[questionnaire.id] = questionnaire
                    problems[result.path] = result.problems
                session.commit()
            self.offered = {**self._last_good(offered, results), **offered}
            self.problems = problems
            self._signature = signature

    def _accept(self, session: Session, result: LoadResult) -> Questionnaire | None:
        """The loaded questionnaire once its version is stored, or None with a problem added."""
        questionnaire = result.questionnaire
        if questionnaire is None:
            return None
        conflict = version_conflict(session, questionnaire)
        if conflict:
            result.problems.append(conflict)
            return None
        store_version(session, questionnaire)
        self._pinned[(questionnaire.id, questionnaire.version)] = questionnaire
        return questionnaire

    def _last_good(self, offered: dict, results: list[LoadResult]) -> dict[str, Questionnaire]:
        """Keep offering what was offered before for a file that now fails."""
        failed_paths = {r.path for r in results if r.questionnaire is None or not r.ok}
        return {
            qid: q
            for qid, q in self.offered.items()
            if qid not in offered and q.path in failed_paths
        }

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
            # Named as if in the folder, so a relative export template is found there.
            result = load_text(stored.source, str(self.folder / f"{questionnaire_id}.yaml"),
                               check_files=False)
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
        Path(app.config["EQUITY_TOOL_QUESTIONNAIRES"]), engine
    )
    app.extensions["equity_tool.version_conflicts"] = conflicts_for_check(engine)
