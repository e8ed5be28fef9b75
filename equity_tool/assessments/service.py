"""Assessment use cases: start, save a step, submit. One function per use case, one commit each.

Every function takes the session and the acting user; none imports Flask. Who may do what is
decided in `access`, which every view asks too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from equity_tool.assessments import access, versions
from equity_tool.assessments import store as answer_store
from equity_tool.core import tallies
from equity_tool.core.exceptions import Conflict, DomainError, PermissionDenied
from equity_tool.core.models import (
    AnswerChange,
    Assessment,
    AssessmentCoauthor,
    AssessmentEvent,
    AssessmentState,
    Role,
    User,
    utcnow,
)
from equity_tool.questionnaire import TYPES, Evaluation, Questionnaire, evaluate, is_unanswered

# The kinds of decision the start page offers when the questionnaire does not name a question
# of its own for it (its `start: decision_kind`, an extension of the format).
DECISION_KINDS = {
    "policy": "Policy",
    "program": "Program",
    "practice": "Practice",
    "budget": "Budget decision",
    "capital": "Capital project",
    "contract": "Contract",
    "other": "Other",
}


class StaleRevision(Conflict):
    """The save was based on an older revision than the one stored."""

    def __init__(self, assessment: Assessment, editor: User | None, viewer: User | None = None):
        if editor is None:
            who = ""
        elif viewer is not None and editor.id == viewer.id:
            who = " in another tab or window"
        else:
            who = f" by {editor.name}"
        super().__init__(
            f"This assessment was changed{who} since you opened this page, so your changes "
            "were not saved. Your answers are still on this page: copy anything you need, then "
            "reload the page to see the latest version."
        )
        self.assessment = assessment


class NotReady(DomainError):
    """Submission refused: some answers are missing or invalid."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("The assessment is not ready to submit")
        self.problems = problems  # (question id, what is wrong)


class BadStart(DomainError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("The assessment could not be started")
        self.errors = errors  # field name -> message


TITLE_MAX = 300  # the assessment's title column


@dataclass(frozen=True)
class StartRequest:
    title: str
    decision_kind: str
    coauthor_ids: tuple[int, ...] = ()
    language: str | None = None
    # The text beside an "other" kind, when the questionnaire's own question asks the kind.
    decision_kind_other: str = ""


def start(
    session: Session, *, user: User, questionnaire: Questionnaire, request: StartRequest
) -> Assessment:
    """A new draft pinned to the questionnaire's current version.

    When the questionnaire names the questions the start page asks (`start`), the title and the
    kind are stored as their answers too, so step 1 shows them answered."""
    if not access.may_start(user):
        raise PermissionDenied("Only department staff can start an assessment.")
    errors = start_errors(session, user=user, questionnaire=questionnaire, request=request)
    if errors:
        raise BadStart(errors)
    _refuse_retired(session, questionnaire)
    answers, other_texts = start_answers(questionnaire, request)
    assessment = Assessment(
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        title=request.title.strip(),
        decision_kind=request.decision_kind,
        department_id=user.department_id,
        created_by_id=user.id,
        language=start_language(questionnaire, request.language),
        answers={**default_answers(questionnaire), **answers},
        other_texts=other_texts,
    )
    session.add(assessment)
    session.flush()
    for coauthor_id in request.coauthor_ids:
        session.add(AssessmentCoauthor(assessment_id=assessment.id, user_id=coauthor_id))
    _record(session, assessment, user, "started", None, AssessmentState.DRAFT)
    tallies.refresh(session, assessment.id)
    session.commit()
    return assessment


def _refuse_retired(session: Session, questionnaire: Questionnaire) -> None:
    """Another app server may offer a version for a moment after it was retired here."""
    stored = versions.stored_version(session, questionnaire)
    if stored is not None and stored.retired_at is not None:
        raise Conflict(f"Version {questionnaire.version} of {questionnaire.title.get()} was "
                       "retired a moment ago: reload the page to start on the version in use.")


def start_language(questionnaire: Questionnaire, language: str | None) -> str:
    """The language an assessment is asked in: the one chosen if the questionnaire has it."""
    return language if language in questionnaire.languages else questionnaire.default_language


def start_errors(
    session: Session, *, user: User, questionnaire: Questionnaire, request: StartRequest
) -> dict[str, str]:
    """What is wrong with a start request, by field (title, decision_kind, coauthors).

    A question the questionnaire names for the start page is checked as step 1 would check
    it, with its own messages in the chosen language; it must be answered here."""
    errors = _start_answer_errors(questionnaire, request)
    if "title" not in errors:
        if not request.title.strip():
            errors["title"] = "Enter a title for the assessment"
        elif len(request.title.strip()) > TITLE_MAX:
            errors["title"] = f"Enter a title of {TITLE_MAX} characters or fewer"
    if (
        "decision_kind" not in questionnaire.start
        and request.decision_kind not in DECISION_KINDS
    ):
        errors["decision_kind"] = "Select the kind of decision"
    colleagues = {u.id for u in department_staff(session, user.department_id)} - {user.id}
    if any(c not in colleagues for c in request.coauthor_ids):
        errors["coauthors"] = "Co-authors must be staff of your department"
    return errors


def start_answers(
    questionnaire: Questionnaire, request: StartRequest
) -> tuple[dict[str, Any], dict[str, str]]:
    """(answers, other texts) the start page gives the questions the questionnaire names."""
    given = {"title": request.title.strip(), "decision_kind": request.decision_kind}
    answers = {qid: given[role] for role, qid in questionnaire.start.items()}
    other_texts = {}
    kind = questionnaire.start_question("decision_kind")
    if kind is not None and any(c.other for c in kind.choices):
        other = request.decision_kind_other.strip()
        if other:
            other_texts[kind.id] = other
    return answers, other_texts


def _start_answer_errors(questionnaire: Questionnaire, request: StartRequest) -> dict[str, str]:
    if not questionnaire.start:
        return {}
    language = start_language(questionnaire, request.language)
    answers, _ = start_answers(questionnaire, request)
    evaluation = evaluate(questionnaire, {**default_answers(questionnaire), **answers},
                          language=language)
    errors = {}
    for role, question_id in questionnaire.start.items():
        question = questionnaire.question(question_id)
        if is_unanswered(answers[question_id]):
            errors[role] = TYPES[question.type].missing_message(question, language)
        elif question_id in evaluation.invalid:
            errors[role] = evaluation.invalid[question_id]
    return errors


def default_answers(questionnaire: Questionnaire) -> dict[str, Any]:
    today = dt.date.today().isoformat()
    return {
        q.id: today if q.default == "today" and q.type == "date" else q.default
        for q in questionnaire.questions()
        if q.default is not None
    }


def department_staff(session: Session, department_id: int | None) -> list[User]:
    query = (
        select(User)
        .where(
            User.department_id == department_id, User.role == Role.STAFF, User.active == sa.true()
        )
        .order_by(User.name)
    )
    return list(session.exec(query).all())


def coauthors(session: Session, assessment: Assessment) -> list[User]:
    query = (
        select(User)
        .join(AssessmentCoauthor, AssessmentCoauthor.user_id == User.id)
        .where(AssessmentCoauthor.assessment_id == assessment.id)
        .order_by(User.name)
    )
    return list(session.exec(query).all())


def save_answers(
    session: Session,
    *,
    user: User,
    assessment: Assessment,
    revision: int,
    answers: dict[str, Any],
    other_texts: dict[str, str],
    questionnaire: Questionnaire | None = None,
) -> list[str]:
    """Store changed answers if `revision` is still current; returns the ids that changed.

    The revision check and the update are one statement, so two saves that read the same
    revision cannot both succeed, whichever database is underneath. Given the questionnaire,
    a changed answer to a question its start page asks (`start`) becomes the assessment's
    title or kind too.
    """
    access.require_editable(user, assessment)
    changed = {qid: value for qid, value in answers.items() if assessment.answers.get(qid) != value}
    others_changed = {k: v for k, v in other_texts.items() if assessment.other_texts.get(k) != v}
    if revision != assessment.revision:
        raise StaleRevision(assessment, _last_editor(session, assessment), user)
    if not changed and not others_changed:
        return []
    new_answers = {**assessment.answers, **changed}
    new_others = {k: v for k, v in {**assessment.other_texts, **others_changed}.items() if v}
    now = utcnow()
    # The history is taken before the UPDATE, from the answers as they were. An empty field
    # saved over a missing answer (a step saved before it was filled in) is stored, so a new
    # empty row stays on the page, but it is no change a reader of the history wants to see.
    history = [(qid, assessment.answers.get(qid), value) for qid, value in changed.items()
               if not (is_unanswered(assessment.answers.get(qid)) and is_unanswered(value))]
    values = {"b_id": assessment.id, "b_revision": revision, "answers": new_answers,
              "other_texts": new_others, "revision": revision + 1, "updated_at": now}
    if not answer_store.store(session, values, user.id, history):
        session.rollback()
        session.refresh(assessment)
        raise StaleRevision(assessment, _last_editor(session, assessment), user)
    columns = _followed_columns(questionnaire, assessment, changed)
    if columns:  # same transaction, after the revision check above succeeded
        session.execute(sa.update(Assessment).where(Assessment.id == assessment.id)
                        .values(columns))
        for name, value in columns.items():
            set_committed_value(assessment, name, value)
    # The object takes the values just stored, as unchanged (no second write), and keeps them
    # through the commit (no second read: expiring would reload the row on the next access).
    for name, value in (("answers", new_answers), ("other_texts", new_others),
                        ("revision", revision + 1), ("updated_at", now)):
        set_committed_value(assessment, name, value)
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire
    return sorted(changed)


def _followed_columns(questionnaire: Questionnaire | None, assessment: Assessment,
                      changed: dict[str, Any]) -> dict[str, str]:
    """The title and kind that follow changed answers to the start page's questions: an
    emptied or overlong title, or a kind that is not one of the choices, changes nothing."""
    if questionnaire is None or not questionnaire.start:
        return {}
    columns = {}
    title_id = questionnaire.start.get("title")
    title = changed.get(title_id) if title_id in changed else None
    if isinstance(title, str) and 0 < len(title.strip()) <= TITLE_MAX:
        columns["title"] = title.strip()
    kind_question = questionnaire.start_question("decision_kind")
    kind = changed.get(kind_question.id) if kind_question else None
    if isinstance(kind, str) and kind_question.choice(kind) is not None:
        columns["decision_kind"] = kind
    return {name: value for name, value in columns.items() if getattr(assessment, name) != value}


def _last_editor(session: Session, assessment: Assessment) -> User | None:
    change = session.exec(
        select(AnswerChange)
        .where(AnswerChange.assessment_id == assessment.id)
        .order_by(AnswerChange.id.desc())  # type: ignore[union-attr]
    ).first()
    return session.get(User, change.user_id) if change else None


def submission_problems(
    questionnaire: Questionnaire, evaluation: Evaluation, language: str | None = None
) -> list[tuple[str, str]]:
    """(question id, what to do) for every missing or invalid answer, in file order."""
    problems = []
    for question in questionnaire.questions():
        if question.id in evaluation.invalid:
            problems.append((question.id, evaluation.invalid[question.id]))
        elif question.id in evaluation.missing:
            problems.append((question.id,
                             TYPES[question.type].missing_message(question, language)))
    return problems


def _record(
    session: Session,
    assessment: Assessment,
    user: User,
    action: str,
    from_state: AssessmentState | None,
    to_state: AssessmentState,
) -> None:
    session.add(
        AssessmentEvent(
            assessment_id=assessment.id,
            user_id=user.id,
            action=action,
            from_state=from_state,
            to_state=to_state,
        )
    )
