"""Publishing a questionnaire version written in the browser, and retiring versions.

A published version is stored in the database (which every app server reads) with who
published it, and written to the questionnaires folder so people who keep the folder in git
see it. Publishing never changes a version that exists: a changed text needs a new `version`.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, func, select

from equity_tool.assessments import access
from equity_tool.assessments.versions import Registry, stored_version
from equity_tool.authoring.checking import check_source
from equity_tool.core import audit
from equity_tool.core.exceptions import NotFound, PermissionDenied
from equity_tool.core.models import Assessment, QuestionnaireVersion, User, utcnow
from equity_tool.questionnaire import Problem, Questionnaire
from equity_tool.questionnaire.compare import Diff, compare

log = logging.getLogger(__name__)

# The setting QUESTIONNAIRE_MAX_BYTES's default: a larger text is refused before it is parsed.
MAX_SOURCE_BYTES = 256 * 1024


class PublishRefused(Exception):
    """Publishing was refused and nothing changed; `message` says why, for the person."""

    def __init__(self, message: str, *, problems: list[Problem] | None = None,
                 diff: Diff | None = None, current_version: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []  # the engine's problems, with line and column
        self.diff = diff  # what changed since the editor's version, when it is stale
        self.current_version = current_version  # the version in use now, if any


def publish(session: Session, *, actor: User, source: str, base_version_id: int | None,
            registry: Registry, max_bytes: int = MAX_SOURCE_BYTES) -> QuestionnaireVersion:
    """Store `source` as a new version, write it to the folder and offer it at once; or
    PublishRefused, changing nothing. `max_bytes` is the setting QUESTIONNAIRE_MAX_BYTES."""
    if not access.may_manage_questionnaires(actor):
        raise PermissionDenied("Only the equity office publishes questionnaires.")
    result = check_source(session, source, registry=registry, max_bytes=max_bytes,
                          conflicts=False)
    if not result.ok:
        count = len(result.errors)
        which = "1 error: correct it" if count == 1 else f"{count} errors: correct them"
        raise PublishRefused(f"The questionnaire has {which}, then publish again.",
                             problems=result.errors)
    questionnaire = result.questionnaire
    registry.sync(session)  # what is in use now on every server, not what this one last saw
    _refuse_existing(session, registry, questionnaire)
    _refuse_stale(session, registry, questionnaire, base_version_id)
    version = QuestionnaireVersion(
        questionnaire_id=questionnaire.id, version=questionnaire.version,
        content_hash=questionnaire.content_hash, source=source,
        title=questionnaire.title.get(), published_by_id=actor.id,
    )
    session.add(version)
    try:
        session.flush()
    except sa.exc.IntegrityError:  # another server stored this version a moment ago
        session.rollback()
        raise PublishRefused(f"Version '{questionnaire.version}' of {_title(questionnaire)} was "
                             "published by someone else a moment ago: give your text a new "
                             "version.") from None
    path = target_path(registry, questionnaire.id)
    audit.record(session, actor=actor, action="version published",
                 subject=f"{questionnaire.id} {questionnaire.version}", file=path.name)
    session.commit()
    registry.remember(questionnaire)
    registry.sync(session)
    _write_file(path, source)
    return version


def retire(session: Session, *, actor: User, questionnaire_id: str, version: str,
           registry: Registry | None = None) -> QuestionnaireVersion:
    """No new assessment starts on this version from now on; those under way continue.
    Retiring a retired version changes nothing."""
    return _set_retired(session, actor, questionnaire_id, version, registry, retired=True)


def restore(session: Session, *, actor: User, questionnaire_id: str, version: str,
            registry: Registry | None = None) -> QuestionnaireVersion:
    """Undo a retirement: the version may be offered again (if it is the newest one not
    retired). Restoring a version that is not retired changes nothing."""
    return _set_retired(session, actor, questionnaire_id, version, registry, retired=False)


def _set_retired(session: Session, actor: User, questionnaire_id: str, version: str,
                 registry: Registry | None, *, retired: bool) -> QuestionnaireVersion:
    if not access.may_manage_questionnaires(actor):
        raise PermissionDenied("Only the equity office retires questionnaire versions.")
    row = session.exec(select(QuestionnaireVersion).where(
        QuestionnaireVersion.questionnaire_id == questionnaire_id,
        QuestionnaireVersion.version == version)).first()
    if row is None:
        raise NotFound(f"No version {version} of {questionnaire_id}")
    if (row.retired_at is not None) != retired:
        row.retired_at = utcnow() if retired else None
        session.add(row)
        audit.record(session, actor=actor,
                     action="version retired" if retired else "version restored",
                     subject=f"{questionnaire_id} {version}")
        session.commit()
    if registry is not None:
        registry.sync(session)
    return row


def target_path(registry: Registry, questionnaire_id: str | None) -> Path:
    """The folder file that holds this questionnaire, else `<id>.yaml` beside the others."""
    registry.refresh()
    if questionnaire_id and questionnaire_id in registry.files:
        return Path(registry.files[questionnaire_id])
    return Path(registry.folder) / f"{questionnaire_id or 'new-questionnaire'}.yaml"


def _title(questionnaire: Questionnaire) -> str:
    return questionnaire.title.get()


def _refuse_existing(session: Session, registry: Registry, questionnaire: Questionnaire) -> None:
    stored = stored_version(session, questionnaire)
    if stored is None:
        return
    name = f"Version '{questionnaire.version}' of {_title(questionnaire)}"
    current = registry.offered.get(questionnaire.id)
    current_version = current.version if current else None
    if stored.content_hash == questionnaire.content_hash:
        retired = " (it was retired since)" if stored.retired_at else ""
        raise PublishRefused(f"{name} is already published with this content{retired}: there "
                             "is nothing new to publish.", current_version=current_version)
    diff = _diff(session, registry, stored, questionnaire)
    uses = _uses(session, questionnaire)
    if uses or current_version == questionnaire.version:
        why = [f"{uses} assessment{'s were' if uses != 1 else ' was'} started on it"] if uses \
            else []
        if current_version == questionnaire.version:
            why.insert(0, "new assessments start on it")
        raise PublishRefused(f"{name} is in use ({' and '.join(why)}), so its content cannot "
                             "change: give your text a new version.", diff=diff,
                             current_version=current_version)
    raise PublishRefused(f"{name} already exists with different content: give your text a new "
                         "version.", diff=diff, current_version=current_version)


def _uses(session: Session, questionnaire: Questionnaire) -> int:
    return session.exec(select(func.count()).select_from(Assessment).where(
        Assessment.questionnaire_id == questionnaire.id,
        Assessment.questionnaire_version == questionnaire.version)).one()


def _refuse_stale(session: Session, registry: Registry, questionnaire: Questionnaire,
                  base_version_id: int | None) -> None:
    """Refuse when someone published (or retired) a version since the editor was opened."""
    if base_version_id is None:
        return
    base = session.get(QuestionnaireVersion, base_version_id)
    if base is None or base.questionnaire_id != questionnaire.id:
        return  # started from another questionnaire: a copy, not an edit of this one
    current_id = registry.offered_ids.get(questionnaire.id)
    if current_id is None or current_id == base_version_id:
        return
    current = registry.offered[questionnaire.id]
    diff = _diff(session, registry, base, current)
    raise PublishRefused(
        f"Version '{current.version}' of {_title(current)} was published after you started "
        f"from version '{base.version}', so yours was not published. See what changed in "
        f"'{current.version}', bring your text up to date with it, and publish again.",
        diff=diff, current_version=current.version)


def _diff(session: Session, registry: Registry, stored: QuestionnaireVersion,
          questionnaire: Questionnaire) -> Diff | None:
    """From a stored version to `questionnaire`; None when the stored text no longer loads."""
    try:
        return compare(registry.pinned(session, stored.questionnaire_id, stored.version),
                       questionnaire)
    except NotFound:
        return None


def _write_file(path: Path, source: str) -> None:
    """Replace the file at once (a temporary file renamed over it): a reader of the folder
    never sees half a file. The version is published even if the folder cannot be written."""
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-",
                                         suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as file:
            file.write(source)
        os.replace(temporary, path)
    except OSError as error:
        log.warning("Published, but could not write %s: %s", path, error)
        if temporary and os.path.exists(temporary):
            os.unlink(temporary)
