"""Review and routing use cases: transitions, comments, replies, verdicts, what changed.

Each function takes the session and the acting user, checks what that user may do, and
commits once. A transition is one conditional UPDATE (it happens only if the assessment is
still in the state the person saw), so two officers acting at once, or a double click, leave
exactly one recorded transition.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from equity_tool.assessments import access, verdict
from equity_tool.assessments.service import NotReady, coauthors, submission_problems
from equity_tool.core import tallies
from equity_tool.core.exceptions import BadRequest, Conflict, NotFound
from equity_tool.core.models import (
    MAX_ID,
    Assessment,
    AssessmentEvent,
    CommentReply,
    ReviewComment,
    SectionVerdict,
    Submission,
    User,
    utcnow,
)
from equity_tool.core.vocabulary import AssessmentState as State
from equity_tool.core.vocabulary import Role
from equity_tool.followup import service as followup
from equity_tool.notifications import service as notifications
from equity_tool.questionnaire import TYPES, Questionnaire, evaluate
from equity_tool.review import diff
from equity_tool.review.workflow import DONE, Action, InvalidTransition, actions_for, decide

log = logging.getLogger(__name__)

VERDICTS = ("acceptable", "needs changes")
MAX_TEXT = 20_000

# The verdict counted by the dashboard and reports is the one the officer saw or approved.
_VERDICT_KEPT = frozenset({State.SUBMITTED, State.RESUBMITTED, State.APPROVED})


class TransitionConflict(Conflict):
    """The action is not allowed in the assessment's state (409), nothing changed."""


_MOVED_ON = ("This assessment changed since you opened the page (its answers were saved, someone "
             "acted on it a moment ago, or the button was pressed twice), so nothing was done. "
             "Reload the page to see where it stands now.")


def rounds(session: Session, assessment: Assessment) -> int:
    """How many times the assessment has reached the equity officer (after any sign-off)."""
    return session.exec(
        select(func.count()).select_from(Submission).where(
            Submission.assessment_id == assessment.id)
    ).one()


@dataclass(frozen=True)
class Outcome:
    state: State
    event: AssessmentEvent


def transition(session: Session, *, user: User, assessment: Assessment,
               questionnaire: Questionnaire, action: Action, note: str | None = None,
               conditions: str | None = None, expected: State | None = None,
               revision: int | None = None, mail=None) -> Outcome:
    """Carry out `action`; raises TransitionConflict (409) when it is not allowed now.

    `expected` is the state the person saw and `revision` the answers they saw: if either moved
    on since, nothing happens. The check is part of the UPDATE, so a save of the answers racing
    a submission leaves exactly one of them done.
    """
    access.require_acts_for(user, assessment)
    note = _clean(note, "note")
    seen = State(assessment.state)
    if expected is not None and expected != seen:
        raise TransitionConflict(_MOVED_ON + f" It is now {seen}.")
    if revision is not None and revision != assessment.revision:
        raise TransitionConflict(_MOVED_ON)
    try:
        target = decide(seen, action, Role(user.role), signoff=questionnaire.department_signoff,
                        again=rounds(session, assessment) > 0, note=note)
    except InvalidTransition as refused:
        raise TransitionConflict(str(refused)) from None
    _preconditions(session, assessment, questionnaire, action)
    now = utcnow()
    values: dict[str, Any] = {"state": target.value, "updated_at": now,
                              "revision": assessment.revision + 1}
    if target in (State.SUBMITTED, State.RESUBMITTED):
        values["submitted_at"] = now
    if target == State.APPROVED:
        values.update(approved_at=now, conditions=_clean(conditions, "conditions"))
    unchanged = [Assessment.id == assessment.id, Assessment.state == seen.value]
    if revision is not None:
        unchanged.append(Assessment.revision == revision)
    updated = session.execute(sa.update(Assessment).where(*unchanged).values(**values))
    if updated.rowcount != 1:
        session.rollback()
        raise TransitionConflict(_MOVED_ON)
    if target in (State.SUBMITTED, State.RESUBMITTED):
        # A snapshot each time it reaches the officer: "what changed" compares these.
        _snapshot(session, assessment, user, now)
    _keep_outcome(session, assessment, questionnaire, target, now)
    event = AssessmentEvent(assessment_id=assessment.id, user_id=user.id, action=DONE[action],
                            from_state=seen, to_state=target, note=note, at=now)
    session.add(event)
    _notify(session, assessment, questionnaire, user, action, target, note, mail)
    tallies.refresh(session, assessment.id)
    session.commit()
    session.refresh(assessment)
    # The emails wait in the outbox for the mail worker: the request never waits on SMTP.
    return Outcome(target, event)


def _keep_outcome(session: Session, assessment: Assessment, questionnaire: Questionnaire,
                  target: State, now) -> None:
    """The verdict of a submission or approval, and an approval's follow-up items (in the
    transition's commit)."""
    if target in _VERDICT_KEPT:
        verdict.record(session, assessment, questionnaire)
    if target == State.APPROVED:
        followup.on_approved(session, assessment, questionnaire, now)


# Submitting has the check answers page; a review starts when the officer opens it.
_OWN_PAGES = frozenset({Action.SUBMIT, Action.START_REVIEW})


def buttons(session: Session, user: User, assessment: Assessment,
            questionnaire: Questionnaire) -> list[Action]:
    """The transitions `user` may start now from a button, in table order."""
    if not access.acts_for(user, assessment):
        return []
    allowed = actions_for(State(assessment.state), Role(user.role),
                          signoff=questionnaire.department_signoff,
                          again=rounds(session, assessment) > 0)
    return [action for action in allowed if action not in _OWN_PAGES]


def _clean(text: str | None, what: str) -> str | None:
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise TransitionConflict(f"The {what} is too long: keep it under {MAX_TEXT:,} "
                                 "characters.")
    return text or None


def _preconditions(session, assessment, questionnaire, action: Action) -> None:
    if action == Action.SUBMIT:
        problems = submission_problems(questionnaire, evaluate(questionnaire, assessment.answers))
        if problems:
            raise NotReady(problems)
    if action == Action.RETURN:
        round_ = rounds(session, assessment)
        has_comment = session.exec(select(ReviewComment).where(
            ReviewComment.assessment_id == assessment.id, ReviewComment.round == round_)).first()
        needs_changes = session.exec(select(SectionVerdict).where(
            SectionVerdict.assessment_id == assessment.id, SectionVerdict.round == round_,
            SectionVerdict.verdict == "needs changes")).first()
        if not (has_comment or needs_changes):
            raise TransitionConflict("To return the assessment, comment on at least one answer "
                                     "or mark a step as needing changes.")


def _snapshot(session: Session, assessment: Assessment, user: User, now) -> None:
    session.add(Submission(
        assessment_id=assessment.id, round=rounds(session, assessment) + 1,
        answers=dict(assessment.answers), other_texts=dict(assessment.other_texts),
        submitted_by_id=user.id, at=now,
    ))


def _notify(session, assessment, questionnaire, actor, action, target, note, mail) -> None:
    """Officers on submission, authors on return and approval, directors when sign-off is due.

    A resubmission says so, and lists the answers changed since the last submission: without
    that, a second sign-off request or review request reads exactly like the first."""
    title = f"“{assessment.title}”"
    changes: list[Change] | None = None  # None: a first submission, nothing to compare
    if target in (State.SUBMITTED, State.RESUBMITTED):
        users, subject = _with_role(session, Role.OFFICER), f"{title} is waiting for review"
        if target == State.RESUBMITTED:  # its snapshot is already added: compare the last two
            subject = f"{title} was resubmitted and is waiting for review"
            changes = changes_since_last_round(session, assessment, questionnaire)
    elif target == State.AWAITING_SIGNOFF:
        users = _with_role(session, Role.DIRECTOR, assessment.department_id)
        subject = f"{title} is waiting for your sign-off"
        if rounds(session, assessment) > 0:  # no snapshot until it reaches the officer
            subject = f"{title} was resubmitted and is waiting for your sign-off"
            changes = changes_since_last_submission(session, assessment, questionnaire)
    elif target in (State.RETURNED, State.APPROVED) or action == Action.SEND_BACK:
        users = authors(session, assessment)
        subject = f"{title} was {'approved' if target == State.APPROVED else 'returned to you'}"
    else:
        return
    body = f"{actor.name} {DONE[action]} {title} ({questionnaire.title.get()})."
    if changes is not None:
        body += "\n\n" + _what_changed(changes)
    if note:
        body += f"\n\n{note}"
    notifications.notify(session, users=users, subject=subject, body=body,
                         assessment_id=assessment.id, mail=mail)


MAX_LISTED = 10  # changed answers named in a notification; the rest are counted


def _what_changed(changes: list[Change]) -> str:
    """For a notification (plain text in the email, markdown in the app)."""
    if not changes:
        return "This is a resubmission. No answer changed since the last submission."
    count = len(changes)
    lines = [f"This is a resubmission. {count} answer{'s' if count != 1 else ''} changed "
             "since the last submission:", ""]
    lines += [f"- {change.label}" for change in changes[:MAX_LISTED]]
    if count > MAX_LISTED:
        lines.append(f"- and {count - MAX_LISTED} more")
    return "\n".join(lines)


def _with_role(session: Session, role: Role, department_id: int | None = None) -> list[User]:
    query = select(User).where(User.role == role, User.active == sa.true())
    if department_id is not None:
        query = query.where(User.department_id == department_id)
    return list(session.exec(query).all())


def authors(session: Session, assessment: Assessment) -> list[User]:
    creator = session.get(User, assessment.created_by_id)
    return [creator, *coauthors(session, assessment)]


# --- the officer's comments and verdicts ---------------------------------------------------


def _require_in_review(user: User, assessment: Assessment) -> None:
    access.require_reviewer(user)
    if assessment.state != State.IN_REVIEW:
        raise TransitionConflict(f"This assessment is {assessment.state}: comments and "
                                 "verdicts are given while it is in review.")


def add_comment(session: Session, *, user: User, assessment: Assessment,
                questionnaire: Questionnaire, question_id: str | None, body: str) -> ReviewComment:
    _require_in_review(user, assessment)
    if question_id is not None and questionnaire.question(question_id) is None:
        raise NotFound(f"No question {question_id}")
    body = _clean(body, "comment")
    if not body:
        raise TransitionConflict("Write the comment before adding it.")
    comment = ReviewComment(assessment_id=assessment.id, question_id=question_id,
                            round=rounds(session, assessment), author_id=user.id, body=body)
    session.add(comment)
    session.commit()
    return comment


def set_verdict(session: Session, *, user: User, assessment: Assessment,
                questionnaire: Questionnaire, section_id: str, verdict: str) -> None:
    _require_in_review(user, assessment)
    if questionnaire.section(section_id) is None or verdict not in VERDICTS:
        raise BadRequest("The form sent a step or a verdict that this assessment does not have.")
    round_ = rounds(session, assessment)
    existing = session.exec(select(SectionVerdict).where(
        SectionVerdict.assessment_id == assessment.id, SectionVerdict.round == round_,
        SectionVerdict.section_id == section_id)).first()
    row = existing or SectionVerdict(assessment_id=assessment.id, round=round_,
                                     section_id=section_id, verdict=verdict, officer_id=user.id)
    row.verdict, row.officer_id, row.at = verdict, user.id, utcnow()
    session.add(row)
    session.commit()


def verdicts(session: Session, assessment: Assessment) -> dict[str, str]:
    """The latest round's verdict for each step."""
    round_ = rounds(session, assessment)
    rows = session.exec(select(SectionVerdict).where(
        SectionVerdict.assessment_id == assessment.id, SectionVerdict.round == round_)).all()
    return {row.section_id: row.verdict for row in rows}


# --- the department's answers to comments --------------------------------------------------


def _department_comment(session, user: User, assessment: Assessment,
                        comment_id: int) -> ReviewComment:
    access.require_acts_for(user, assessment)
    access.require_comment_answerer(user)
    comment = session.get(ReviewComment, comment_id) if 0 < comment_id <= MAX_ID else None
    if comment is None or comment.assessment_id != assessment.id:
        raise NotFound(f"No comment {comment_id}")
    if assessment.state != State.RETURNED:
        raise TransitionConflict("Comments are answered while the assessment is returned to "
                                 "the department.")
    return comment


def reply(session: Session, *, user: User, assessment: Assessment, comment_id: int,
          body: str, addressed: bool = False) -> CommentReply | None:
    comment = _department_comment(session, user, assessment, comment_id)
    body = _clean(body, "reply")
    added = None
    if body:
        added = CommentReply(comment_id=comment.id, author_id=user.id, body=body)
        session.add(added)
    if addressed and comment.addressed_at is None:
        comment.addressed_at, comment.addressed_by_id = utcnow(), user.id
        session.add(comment)
    if not body and not addressed:
        raise TransitionConflict("Write a reply, or mark the comment as addressed.")
    session.commit()
    return added


# --- what changed since the last submission -------------------------------------------------


@dataclass(frozen=True)
class Change:
    question_id: str
    label: str
    old: str  # the answers as read on the page (display), "" when not answered
    new: str
    shown_as: str = "text"  # how the answer is read: "text", "markdown" or "table"

    @property
    def marked(self) -> str:
        """The new answer with the deleted words in <del> and the inserted ones in <ins>, as
        Markup (review/diff.py): markdown rendered as everywhere else, anything else escaped
        with its line breaks kept."""
        return diff.marked(self.old, self.new, self.shown_as)


def changes_since_last_round(session: Session, assessment: Assessment,
                             questionnaire: Questionnaire) -> list[Change]:
    """Answer by answer, what differs between the last two submissions (file order)."""
    previous, latest = _last_two(session, assessment)
    if previous is None:
        return []
    return _changes(questionnaire, previous.answers, latest.answers, assessment.language)


def changes_since_last_submission(session: Session, assessment: Assessment,
                                  questionnaire: Questionnaire) -> list[Change]:
    """Answer by answer, what differs between the last submission and the answers now: for a
    resubmission waiting for the director's sign-off, whose snapshot is only taken once it
    reaches the officer (file order)."""
    _, latest = _last_two(session, assessment)
    if latest is None:
        return []
    return _changes(questionnaire, latest.answers, assessment.answers, assessment.language)


def _changes(questionnaire: Questionnaire, before: dict, after: dict,
             language: str | None) -> list[Change]:
    found = []
    for question in questionnaire.questions():
        old, new = before.get(question.id), after.get(question.id)
        if old == new or not question.answerable:
            continue
        kind = TYPES[question.type]
        found.append(Change(question.id, question.label.get(language),
                            kind.display(question, old, language),
                            kind.display(question, new, language), kind.shown_as))
    return found


def _last_two(session: Session, assessment: Assessment):
    rows = session.exec(select(Submission).where(Submission.assessment_id == assessment.id)
                        .order_by(col(Submission.round).desc()).limit(2)).all()
    if len(rows) < 2:
        return None, rows[0] if rows else None
    return rows[1], rows[0]
