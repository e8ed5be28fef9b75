"""Escalation: a rapid check whose flag asks for the full assessment starts it pre-filled.

Every answer whose question id the full assessment asks too, and whose value is valid there,
carries over (questionnaire.carry_over); the rest is kept on the new assessment's
`left_behind` and listed on its task list. The two are linked (`escalated_from_id`), each
page naming the other, and a rapid check is escalated once: asking again leads to the
assessment already started.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from equity_tool.assessments import access
from equity_tool.assessments import service as assessments

# The start page's answers and the questions' defaults, exactly as a plain start stores them.
from equity_tool.assessments.service import default_answers as defaults
from equity_tool.assessments.service import start_answers
from equity_tool.assessments.upgrade import kept_behind, left_behind_lines, plain
from equity_tool.core import tallies
from equity_tool.core.exceptions import Conflict, PermissionDenied
from equity_tool.core.models import (
    Assessment,
    AssessmentCoauthor,
    AssessmentEvent,
    AssessmentState,
    User,
)
from equity_tool.questionnaire import Questionnaire, evaluate
from equity_tool.questionnaire.carry_over import CarryOver, carry_over

ESCALATED = "escalated"  # the rapid check's history: the full assessment was started from it


class NotEscalating(Conflict):
    """The rapid check raises no flag that asks for this questionnaire now."""


@dataclass(frozen=True)
class Links:
    """The assessments linked by escalation that a person may see, for the task list."""

    escalated_from: Assessment | None
    escalated_to: list[Assessment]


def links(session: Session, user: User, assessment: Assessment) -> Links:
    source = (session.get(Assessment, assessment.escalated_from_id)
              if assessment.escalated_from_id else None)
    started = session.exec(select(Assessment).where(
        Assessment.escalated_from_id == assessment.id).order_by(col(Assessment.id))).all()
    return Links(source if source and access.may_see(user, source) else None,
                 [a for a in started if access.may_see(user, a)])


def existing(session: Session, rapid: Assessment, target_id: str) -> Assessment | None:
    """The full assessment already started from `rapid` on `target_id`, if any."""
    return session.exec(select(Assessment).where(
        Assessment.escalated_from_id == rapid.id,
        Assessment.questionnaire_id == target_id).order_by(col(Assessment.id))).first()


def require_escalation(user: User, rapid: Assessment, rapid_questionnaire: Questionnaire,
                       target_id: str) -> None:
    """PermissionDenied unless `user` may escalate; NotEscalating unless a flag asks for it."""
    if not access.may_escalate(user, rapid):
        raise PermissionDenied("Only staff of the rapid check's department can start the full "
                               "assessment from it.")
    evaluation = evaluate(rapid_questionnaire, rapid.answers, language=rapid.language)
    if not any(flag.escalate_to == target_id for flag in evaluation.escalations):
        raise NotEscalating("This rapid check does not ask for that assessment now: its answers "
                            "no longer raise the flag that did.")


def preview(rapid: Assessment, rapid_questionnaire: Questionnaire,
            target: Questionnaire) -> CarryOver:
    """What starting `target` from `rapid` would carry over, and what it could not."""
    return carry_over(rapid_questionnaire, target, rapid.answers, rapid.other_texts,
                      language=rapid.language)


def escalate(session: Session, *, user: User, rapid: Assessment,
             rapid_questionnaire: Questionnaire, target: Questionnaire,
             request: assessments.StartRequest) -> Assessment:
    """The full assessment started from `rapid`, pre-filled; the one already started if any.

    The start page's own answers (title, kind, co-authors, language) are checked and stored
    as on any start, over what the rapid check carried for the same questions."""
    require_escalation(user, rapid, rapid_questionnaire, target.id)
    found = existing(session, rapid, target.id)
    if found is not None:
        return found
    errors = assessments.start_errors(session, user=user, questionnaire=target, request=request)
    if errors:
        raise assessments.BadStart(errors)
    result = preview(rapid, rapid_questionnaire, target)
    full = _new_assessment(user, rapid, rapid_questionnaire, target, request, result)
    session.add(full)
    session.flush()
    for coauthor_id in request.coauthor_ids:
        session.add(AssessmentCoauthor(assessment_id=full.id, user_id=coauthor_id))
    session.add(AssessmentEvent(assessment_id=full.id, user_id=user.id, action="started",
                                to_state=AssessmentState.DRAFT,
                                note=_started_note(rapid, result)))
    session.add(AssessmentEvent(assessment_id=rapid.id, user_id=user.id, action=ESCALATED,
                                from_state=rapid.state, to_state=rapid.state,
                                note=f"The full assessment “{plain(full.title)}” was started "
                                     "from this rapid check."))
    tallies.refresh(session, full.id, rapid.id)
    session.commit()
    return full


def _new_assessment(user: User, rapid: Assessment, rapid_questionnaire: Questionnaire,
                    target: Questionnaire, request: assessments.StartRequest,
                    result: CarryOver) -> Assessment:
    given, given_others = start_answers(target, request)
    source = f"the rapid check “{rapid.title}”"
    return Assessment(
        questionnaire_id=target.id,
        questionnaire_version=target.version,
        title=request.title.strip(),
        decision_kind=request.decision_kind,
        department_id=rapid.department_id,
        created_by_id=user.id,
        language=assessments.start_language(target, request.language),
        answers={**defaults(target), **result.answers, **given},
        other_texts={**result.other_texts, **given_others},
        escalated_from_id=rapid.id,
        left_behind=kept_behind({}, result.left_behind, source, rapid_questionnaire.version),
    )


def _started_note(rapid: Assessment, result: CarryOver) -> str:
    count = len(result.carried)
    lines = [f"Started from the rapid check “{plain(rapid.title)}”: {count} "
             f"{'answer' if count == 1 else 'answers'} carried over."]
    return "\n".join(lines + left_behind_lines(result.left_behind))
