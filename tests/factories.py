"""Test data made the way people make it: through the use cases, never as hand-built rows.

Plain functions. Each takes the SQLModel session and keyword-only arguments, and commits what it
makes. tests/conftest.py offers them as fixtures bound to the test's session (`people`,
`make_user`, `answered`, `act`, `bring_to`) and the two questionnaires as `rapid` and `full`.

    staff = user(session, email="ana@city.gov")
    cast = people(session)  # the usual cast: staff, coauthor, director, officer, ...
    assessment = answered(session, author=cast["staff"], questionnaire=load_questionnaire(FULL))
    bring_to(session, assessment=assessment, state="in review")
"""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path

from sqlmodel import Session, col, select

from equity_tool import demo
from equity_tool.accounts import service as accounts
from equity_tool.assessments import service as assessments
from equity_tool.assessments.versions import store_version
from equity_tool.core import tallies
from equity_tool.core.models import Assessment, Department, User
from equity_tool.core.vocabulary import AssessmentState as State
from equity_tool.core.vocabulary import Role
from equity_tool.notifications.service import MailSettings
from equity_tool.questionnaire import Questionnaire, load_file
from equity_tool.questionnaire.answersfile import read_answers
from equity_tool.review import service as review
from equity_tool.review.workflow import Action

# The folder the tests' app reads its questionnaires from (see `app` in tests/conftest.py).
QUESTIONNAIRES = Path(__file__).resolve().parent.parent / "questionnaires"
RAPID, FULL = "rapid-equity-check", "racial-equity-impact-assessment"
TITLE = "Summer library hours"


def rapid_check_text(version: str = "2026.2", title: str = "Rapid equity check") -> str:
    """The shipped rapid check's file as an author would change it: another `version`, and
    another English title."""
    text = (QUESTIONNAIRES / "rapid-equity-check.yaml").read_text()
    return (text.replace('version: "2026.2"', f'version: "{version}"')
            .replace("en: Rapid equity check,", f"en: {title},"))


def shipped_questionnaires(folder: Path) -> Path:
    """A copy of the shipped questionnaire files in `folder` (made if need be), for a test
    whose app publishes or edits files: no test may change the repository's own."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in QUESTIONNAIRES.glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    return folder
# Every user made here signs in with the demo password, so demo users and ours sign in alike.
PASSWORD = demo.DEMO_PASSWORD

# --- people -------------------------------------------------------------------------------


def department(session: Session, *, name: str = "Transportation") -> Department:
    """The department called `name`, added if it is not there yet."""
    return (accounts.find_department(session, name=name)
            or accounts.create_department(session, name=name))


def user(session: Session, *, email: str, role: str = "staff",
         department_name: str | None = "Transportation", name: str = "Test Person",
         password: str = PASSWORD) -> User:
    """A new active user of `role` in `department_name` (added if need be; None for the
    roles without one: officer, councillor, admin)."""
    if department_name:
        department(session, name=department_name)
    return accounts.create_user(session, email=email, name=name, role=role, password=password,
                                department_name=department_name)


# The usual cast: key -> (email, name, role, department). "staff" writes the assessments;
# "coauthor" is a colleague in the same department; "other" is staff of another department.
CAST: dict[str, tuple[str, str, str, str | None]] = {
    "staff": ("ana@city.gov", "Ana Staff", "staff", "Transportation"),
    "coauthor": ("bo@city.gov", "Bo Colleague", "staff", "Transportation"),
    "director": ("dee@city.gov", "Dee Director", "director", "Transportation"),
    "officer": ("olu@city.gov", "Olu Officer", "officer", None),
    "councillor": ("cam@city.gov", "Cam Councillor", "councillor", None),
    "admin": ("adi@city.gov", "Adi Admin", "admin", None),
    "other": ("pat@city.gov", "Pat Housing", "staff", "Housing"),
}


def people(session: Session) -> dict[str, User]:
    """The usual cast (CAST), key -> user; each signs in with PASSWORD."""
    return {key: user(session, email=email, name=name, role=role, department_name=dept)
            for key, (email, name, role, dept) in CAST.items()}


# --- assessments --------------------------------------------------------------------------


@cache
def load_questionnaire(questionnaire_id: str) -> Questionnaire:
    """questionnaires/<id>.yaml, the file the app's registry reads too."""
    result = load_file(QUESTIONNAIRES / f"{questionnaire_id}.yaml")
    assert result.questionnaire is not None, result.problems
    return result.questionnaire


def example_answers(questionnaire: Questionnaire, *, example: str = "complete") -> dict:
    """The answers in questionnaires/examples/<id>--<example>.yaml, as the tool stores them."""
    path = QUESTIONNAIRES / "examples" / f"{questionnaire.id}--{example}.yaml"
    answers, problems = read_answers(questionnaire, path.read_text(encoding="utf-8"), str(path))
    assert not problems, problems
    return answers


def start_assessment(session: Session, *, author: User, questionnaire: Questionnaire,
                     title: str = TITLE, decision_kind: str = "program",
                     language: str | None = None) -> Assessment:
    """A new draft by `author`, started through the use case (with its "started" event), on
    `questionnaire`'s version, stored first as the registry would."""
    store_version(session, questionnaire)
    session.commit()
    return assessments.start(
        session, user=author, questionnaire=questionnaire,
        request=assessments.StartRequest(title, decision_kind, language=language))


def answered(session: Session, *, author: User, questionnaire: Questionnaire | None = None,
             answers: dict | None = None, other_texts: dict | None = None,
             **start: str | None) -> Assessment:
    """A draft of the rapid check (unless told) holding `answers`, by default every answer of
    the complete example: what the wizard leaves once every step is filled in, stored as it is
    (no validation, no answer history).

    `start` goes to start_assessment (title, decision_kind, language)."""
    questionnaire = questionnaire or load_questionnaire(RAPID)
    assessment = start_assessment(session, author=author, questionnaire=questionnaire, **start)
    assessment.answers = example_answers(questionnaire) if answers is None else answers
    assessment.other_texts = other_texts or {}
    session.add(assessment)
    session.commit()
    return assessment


# --- the workflow -------------------------------------------------------------------------


def act(session: Session, *, user: User, assessment: Assessment, action: Action,
        mail: MailSettings | None = None, **kwargs: str | None) -> review.Outcome:
    """`user` takes `action` through the real workflow (review.transition): checked, recorded,
    notified, and mailed when `mail` is given. `kwargs`: note, conditions, expected."""
    return review.transition(session, user=user, assessment=assessment,
                             questionnaire=load_questionnaire(assessment.questionnaire_id),
                             action=action, mail=mail, **kwargs)


# From a draft to each state. SIGN_OFF is left out for questionnaires without the director's
# sign-off; a return first gets a verdict of "needs changes" (it cannot go back without one).
_ROUTES: dict[State, list[Action]] = {
    State.DRAFT: [],
    State.AWAITING_SIGNOFF: [Action.SUBMIT],
    State.SUBMITTED: [Action.SUBMIT, Action.SIGN_OFF],
    State.IN_REVIEW: [Action.SUBMIT, Action.SIGN_OFF, Action.START_REVIEW],
    State.RETURNED: [Action.SUBMIT, Action.SIGN_OFF, Action.START_REVIEW, Action.RETURN],
    State.RESUBMITTED: [Action.SUBMIT, Action.SIGN_OFF, Action.START_REVIEW, Action.RETURN,
                        Action.SUBMIT, Action.SIGN_OFF],
    State.APPROVED: [Action.SUBMIT, Action.SIGN_OFF, Action.START_REVIEW, Action.APPROVE],
    State.WITHDRAWN: [Action.WITHDRAW],
}
_ACTORS = {Action.SIGN_OFF: Role.DIRECTOR, Action.START_REVIEW: Role.OFFICER,
           Action.RETURN: Role.OFFICER, Action.APPROVE: Role.OFFICER}


def bring_to(session: Session, *, assessment: Assessment, state: str,
             mail: MailSettings | None = None, conditions: str | None = None,
             note: str | None = None) -> Assessment:
    """Move a draft with complete answers to `state` through the real workflow, one `act` at a
    time: the author submits (and withdraws, with `note` or a stock reason), the first director
    of the department signs off when the questionnaire asks for it, and the first officer
    reviews, returns and approves (with `conditions`)."""
    found = load_questionnaire(assessment.questionnaire_id)
    if state == State.AWAITING_SIGNOFF:
        assert found.department_signoff, f"{found.id} has no director's sign-off"
    for action in _ROUTES[State(state)]:
        if action == Action.SIGN_OFF and not found.department_signoff:
            continue
        actor = _actor(session, assessment, action)
        extra = {}
        if action == Action.RETURN:
            review.set_verdict(session, user=actor, assessment=assessment, questionnaire=found,
                               section_id=found.sections[0].id, verdict="needs changes")
        elif action == Action.APPROVE:
            extra = {"conditions": conditions}
        elif action == Action.WITHDRAW:
            extra = {"note": note or "No longer needed."}
        act(session, user=actor, assessment=assessment, action=action, mail=mail, **extra)
    assert assessment.state == state, (assessment.state, state)
    return assessment


def counted(session: Session, *assessments: Assessment) -> None:
    """Rows a test made or changed by hand (re-dated, added, moved to a state) counted into the
    tallies, as each use case counts its own changes (all assessments unless told)."""
    ids = [a.id for a in assessments] or list(session.exec(select(Assessment.id)))
    tallies.refresh(session, *ids)
    session.commit()


def _actor(session: Session, assessment: Assessment, action: Action) -> User:
    role = _ACTORS.get(action)
    if role is None:  # the department's own steps: submitting and withdrawing
        return session.get(User, assessment.created_by_id)
    query = select(User).where(User.role == role, col(User.active)).order_by(col(User.id))
    if role == Role.DIRECTOR:
        query = query.where(User.department_id == assessment.department_id)
    found = session.exec(query).first()
    assert found is not None, f"no {role} to {action} {assessment.title!r}: make one first"
    return found
