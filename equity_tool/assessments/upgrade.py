"""Moving a draft to a newer version of its questionnaire: a preview of what carries over, then
the move itself, one commit, refused when the assessment changed since the preview was read.

Answers carry over by question id (questionnaire.carry_over); those that cannot are kept on the
assessment (`left_behind`, listed on its task list) and in its history, never dropped silently.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from equity_tool.assessments import access
from equity_tool.core.exceptions import Conflict, PermissionDenied
from equity_tool.core.models import Assessment, AssessmentEvent, QuestionnaireVersion, User, utcnow
from equity_tool.questionnaire import Questionnaire
from equity_tool.questionnaire.carry_over import CarryOver, LeftBehind, carry_over

MOVED = "moved to a newer version"  # the history's event (AssessmentEvent.action)
SET_ASIDE = "set aside answers not carried over"  # the list's removal from the task list


class MoveRefused(Conflict):
    """The move cannot be made: not a newer version, a retired one, or a stale page."""


class StaleMove(MoveRefused):
    def __init__(self) -> None:
        super().__init__("This assessment was changed since you opened this page, so it was "
                         "not moved. Read what carries over again below, then confirm.")


@dataclass(frozen=True)
class Move:
    """What moving `assessment` from `old` to `new` does to its answers."""

    assessment: Assessment
    old: Questionnaire
    new: Questionnaire
    result: CarryOver


def _stored(session: Session, questionnaire_id: str, version: str) -> QuestionnaireVersion | None:
    return session.exec(select(QuestionnaireVersion).where(
        QuestionnaireVersion.questionnaire_id == questionnaire_id,
        QuestionnaireVersion.version == version)).first()


def is_newer(session: Session, questionnaire: Questionnaire, than: str) -> bool:
    """Stored after version `than`: the order the service offers versions in (newest stored
    first), whatever the versions are called."""
    stored = _stored(session, questionnaire.id, questionnaire.version)
    earlier = _stored(session, questionnaire.id, than)
    return stored is not None and earlier is not None and stored.id > earlier.id


def is_retired(session: Session, questionnaire: Questionnaire) -> bool:
    stored = _stored(session, questionnaire.id, questionnaire.version)
    return stored is not None and stored.retired_at is not None


def offers_move(session: Session, user: User, assessment: Assessment,
                current: Questionnaire | None) -> bool:
    """The task list offers "Move to version X": `current` is newer, in use, and theirs to move."""
    return (current is not None and current.id == assessment.questionnaire_id
            and access.may_move_to_newer_version(user, assessment)
            and current.version != assessment.questionnaire_version
            and is_newer(session, current, assessment.questionnaire_version)
            and not is_retired(session, current))


def preview(session: Session, *, user: User, assessment: Assessment, old: Questionnaire,
            new: Questionnaire, version: str) -> Move:
    """What the move to `version` (which must be `new`, the version offered now) would do."""
    if not access.may_move_to_newer_version(user, assessment):
        raise PermissionDenied("Only the department's staff can move a draft or returned "
                               "assessment to a newer version.")
    _refuse_unless_newer(session, assessment, new, version)
    return Move(assessment, old, new, carry_over(old, new, assessment.answers,
                                                 assessment.other_texts,
                                                 language=assessment.language))


def _refuse_unless_newer(session: Session, assessment: Assessment, new: Questionnaire,
                         version: str) -> None:
    current = assessment.questionnaire_version
    if version == current == new.version:
        raise MoveRefused(f"This assessment already uses version {current}, the newest in "
                          "use: there is nothing to move it to.")
    if version != new.version:
        raise MoveRefused(f"Version {version} is not the version offered now ({new.version}): "
                          "nothing was moved.")
    if version == current or not is_newer(session, new, current):
        raise MoveRefused(f"Version {version} is not newer than version {current}, which this "
                          "assessment uses: nothing was moved.")
    if is_retired(session, new):
        raise MoveRefused(f"Version {version} has been retired: nothing was moved.")


def move(session: Session, *, user: User, assessment: Assessment, old: Questionnaire,
         new: Questionnaire, version: str, revision: int) -> Move:
    """Pin the assessment to `new`, keep what carries over, keep the rest in `left_behind` and
    in its history. Refused (nothing changes) if `revision` is no longer the stored one."""
    planned = preview(session, user=user, assessment=assessment, old=old, new=new,
                      version=version)
    if revision != assessment.revision:
        raise StaleMove()
    result = planned.result
    source = f"version {old.version}"
    values = {"questionnaire_version": new.version, "answers": _with_defaults(new, result),
              "other_texts": result.other_texts, "revision": revision + 1,
              "updated_at": utcnow(),
              "left_behind": kept_behind(assessment.left_behind, result.left_behind, source,
                                         old.version)}
    updated = session.execute(sa.update(Assessment).where(
        Assessment.id == assessment.id, Assessment.revision == revision).values(values))
    if updated.rowcount != 1:
        session.rollback()
        raise StaleMove()
    session.add(AssessmentEvent(assessment_id=assessment.id, user_id=user.id, action=MOVED,
                                from_state=assessment.state, to_state=assessment.state,
                                note=moved_note(old, new, result)))
    session.commit()
    session.refresh(assessment)
    return planned


def set_aside_left_behind(session: Session, *, user: User, assessment: Assessment) -> int:
    """Take the list of answers not carried over off the task list, once the person has dealt
    with them; the history keeps it (in the event of the move or escalation that made it).
    Returns how many were set aside (0: nothing to do)."""
    access.require_editable(user, assessment)
    count = len(assessment.left_behind)
    if count:
        assessment.left_behind = {}
        session.add(assessment)
        session.add(AssessmentEvent(assessment_id=assessment.id, user_id=user.id,
                                    action=SET_ASIDE, from_state=assessment.state,
                                    to_state=assessment.state))
        session.commit()
    return count


def _with_defaults(new: Questionnaire, result: CarryOver) -> dict[str, Any]:
    """New questions with a `default` start with it, as on a new assessment; nothing carried
    over is replaced."""
    today = dt.date.today().isoformat()
    defaults = {q.id: today if q.default == "today" and q.type == "date" else q.default
                for q in new.questions() if q.default is not None}
    return {**defaults, **result.answers}


def kept_behind(existing: dict[str, Any], items: tuple[LeftBehind, ...], source: str,
                version: str) -> dict[str, Any]:
    """`existing` with `items` added (question id -> label, value, reason, version, from); an
    id already there from an earlier move is kept, the new one named with its version."""
    kept = dict(existing or {})
    for item in items:
        key = item.question_id if item.question_id not in kept else f"{item.question_id}@{version}"
        kept[key] = {"label": item.label, "value": item.value, "reason": item.reason,
                     "version": version, "from": source}
    return kept


# The marks that change text in the middle of a line; the note's own lines begin with words or
# "- ", so nothing typed can start a heading or a list. Few escapes: the Word export shows
# notes as plain text, backslashes and all.
_MARKDOWN = re.compile(r"([\\`*_\[\]~<>])")


def plain(text: str) -> str:
    """`text` read literally inside a markdown note: inline marks escaped, on one line."""
    return _MARKDOWN.sub(r"\\\1", " / ".join(text.split("\n")))


def moved_note(old: Questionnaire, new: Questionnaire, result: CarryOver) -> str:
    """The history's note: from which version to which, and each answer left behind."""
    count = len(result.carried)
    lines = [f"From version {plain(old.version)} to version {plain(new.version)}: "
             f"{count} {'answer' if count == 1 else 'answers'} carried over."]
    lines += left_behind_lines(result.left_behind)
    return "\n".join(lines)


def left_behind_lines(items: tuple[LeftBehind, ...]) -> list[str]:
    if not items:
        return ["Every answer carried over."]
    lines = ["", "Not carried over (listed on the task list to enter again):", ""]
    lines += [f"- {plain(i.label)}: “{plain(i.value)}” ({plain(i.reason)})" for i in items]
    return lines
