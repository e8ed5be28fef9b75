"""Demo departments, one user per role, and assessments in every state, so a newcomer sees
the whole round trip at once.

They are made the way people make them: started by the demo staff member, then moved through
the workflow by the demo director and officer, so the history and notifications are real.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from sqlmodel import Session, select

from equity_tool.accounts import service as accounts
from equity_tool.assessments import service as assessments
from equity_tool.core.models import Assessment, ReviewComment, Role, User
from equity_tool.core.vocabulary import AssessmentState
from equity_tool.publishing import register
from equity_tool.questionnaire import Questionnaire
from equity_tool.questionnaire.answersfile import read_answers
from equity_tool.review import service as review
from equity_tool.review.workflow import Action
from equity_tool.settings import PROJECT_ROOT

DEMO_PASSWORD = "equity-demo-password"
DEMO_DEPARTMENTS = ("Transportation", "Parks and Recreation", "Housing")
# role: (email, name, department)
DEMO_USERS = {
    Role.STAFF: ("staff@example.org", "Sam Staff", "Transportation"),
    Role.DIRECTOR: ("director@example.org", "Dana Director", "Transportation"),
    Role.OFFICER: ("officer@example.org", "Olu Officer", None),
    Role.COUNCILLOR: ("councillor@example.org", "Cam Councillor", None),
    Role.ADMIN: ("admin@example.org", "Ari Admin", None),
}

EXAMPLES = PROJECT_ROOT / "questionnaires" / "examples"
DEMO_ANSWERS = EXAMPLES / "demo"  # one answers file per demo assessment, about its decision
RAPID, FULL = "rapid-equity-check", "racial-equity-impact-assessment"


class Demo(NamedTuple):
    """A demo assessment: its answers file (in DEMO_ANSWERS) and the actions that bring it to
    its state once started; `first_round`, the answers it was first submitted with, if the
    department changed them after it was returned."""

    questionnaire: str
    title: str
    answers: str
    actions: list[Action]
    first_round: str | None = None


PLAN: list[Demo] = [
    Demo(RAPID, "Summer hours at branch libraries", "summer-hours-at-branch-libraries.yaml",
         [Action.SUBMIT, Action.START_REVIEW, Action.APPROVE]),
    Demo(FULL, "Eastside bus rapid transit line", "eastside-bus-rapid-transit-line.yaml",
         [Action.SUBMIT, Action.SIGN_OFF, Action.START_REVIEW, Action.APPROVE]),
    Demo(FULL, "Sidewalk repair priorities", "sidewalk-repair-priorities.yaml",
         [Action.SUBMIT]),  # awaiting sign-off
    Demo(RAPID, "Parking meter hours downtown", "parking-meter-hours-downtown.yaml",
         [Action.SUBMIT]),  # submitted
    Demo(RAPID, "Snow route changes", "snow-route-changes.yaml",
         [Action.SUBMIT, Action.START_REVIEW]),  # in review
    Demo(RAPID, "Bike share station siting", "bike-share-station-siting.yaml",
         [Action.SUBMIT, Action.START_REVIEW, Action.RETURN]),  # returned
    Demo(RAPID, "Crosswalk timing near schools", "crosswalk-timing-near-schools.yaml",
         [Action.SUBMIT, Action.START_REVIEW, Action.RETURN, Action.SUBMIT],  # resubmitted
         first_round="crosswalk-timing-near-schools--first-round.yaml"),
    Demo(RAPID, "Fare-free weekend pilot", "fare-free-weekend-pilot.yaml",
         [Action.WITHDRAW]),  # withdrawn
    Demo(RAPID, "Street tree planting plan", "street-tree-planting-plan.yaml", []),  # a draft
]
ACTORS = {Action.SUBMIT: "staff", Action.WITHDRAW: "staff", Action.SIGN_OFF: "director",
          Action.START_REVIEW: "officer", Action.RETURN: "officer", Action.APPROVE: "officer"}
NOTES = {
    Action.RETURN: "Please name the council districts and say who was not reached.",
    Action.WITHDRAW: "The council dropped the pilot from the budget.",
}
CONDITIONS = {  # the officer's conditions on each approval
    "Summer hours at branch libraries": "Report the first summer's results to council in October.",
    "Eastside bus rapid transit line": "Open the housing stability fund before construction "
                                       "starts, and report eviction filings along the corridor "
                                       "every six months.",
}
PUBLISHED = "Eastside bus rapid transit line"  # on the public register
REPLY = "Added the council districts, and the families we have not reached yet."


def create_demo(session: Session) -> None:
    """Demo departments and users, skipping any that exist already."""
    for name in DEMO_DEPARTMENTS:
        if not accounts.find_department(session, name=name):
            accounts.create_department(session, name=name)
    for role, (email, name, department) in DEMO_USERS.items():
        if not accounts.find_user(session, email=email):
            accounts.create_user(
                session, email=email, name=name, role=role, password=DEMO_PASSWORD,
                department_name=department,
            )



def create_demo_data(session: Session, registry) -> int:
    """Demo departments, users and assessments; returns how many assessments were added."""
    create_demo(session)
    users = {role.value: accounts.find_user(session, email=email)
             for role, (email, _, _) in DEMO_USERS.items()}
    return create_demo_assessments(session, registry, users)


def answers_file(questionnaire: Questionnaire, path: Path) -> dict:
    """The answers in a YAML answers file, as the tool stores them."""
    answers, problems = read_answers(questionnaire, path.read_text(encoding="utf-8"), str(path))
    if answers is None:
        raise ValueError(f"{path}: {problems[0]}")
    return answers


def demo_answers(questionnaire: Questionnaire, demo: Demo) -> dict:
    """A demo assessment's answers as they end up, its title included."""
    return {**answers_file(questionnaire, DEMO_ANSWERS / demo.answers), "title": demo.title}


def create_demo_assessments(session: Session, registry, users: dict[str, User]) -> int:
    """Add the demo assessments unless the demo staff member has some; returns how many."""
    staff = users["staff"]
    if session.exec(select(Assessment).where(Assessment.created_by_id == staff.id)).first():
        return 0
    for demo in PLAN:
        questionnaire = registry.current(demo.questionnaire)
        assessment = _start(session, staff, questionnaire, demo)
        for action in demo.actions:
            if action == Action.SUBMIT and assessment.state == AssessmentState.RETURNED:
                _revise(session, staff, assessment, demo_answers(questionnaire, demo))
            _act(session, users, assessment, questionnaire, action)
    # The approved full assessment is on the public register (shown when PUBLIC_REGISTER is on).
    published = session.exec(select(Assessment).where(Assessment.title == PUBLISHED)).one()
    register.publish(session, user=users["officer"], assessment=published)
    return len(PLAN)


def _start(session, staff, questionnaire, demo: Demo) -> Assessment:
    """Started by the demo staff member, with the answers it is first submitted with (the
    kind of decision is the answer to the questionnaire's own question, where it has one)."""
    answers = demo_answers(questionnaire, demo)
    kind = answers.get(questionnaire.start.get("decision_kind", ""), "program")
    assessment = assessments.start(
        session, user=staff, questionnaire=questionnaire,
        request=assessments.StartRequest(title=demo.title, decision_kind=kind))
    if demo.first_round:
        answers |= answers_file(questionnaire, DEMO_ANSWERS / demo.first_round)
    assessment.answers = answers
    session.add(assessment)
    session.commit()
    return assessment


def _revise(session, staff, assessment, answers: dict) -> None:
    """The department answers the officer's comments and saves its changed answers."""
    for comment in session.exec(select(ReviewComment).where(
            ReviewComment.assessment_id == assessment.id)).all():
        review.reply(session, user=staff, assessment=assessment, comment_id=comment.id,
                     body=REPLY, addressed=True)
    assessments.save_answers(session, user=staff, assessment=assessment,
                             revision=assessment.revision, answers=answers, other_texts={})


def _act(session, users, assessment, questionnaire, action: Action) -> None:
    officer = users["officer"]
    if action == Action.RETURN:
        review.add_comment(session, user=officer, assessment=assessment,
                           questionnaire=questionnaire, question_id="places",
                           body="Which council districts are these?")
    review.transition(session, user=users[ACTORS[action]], assessment=assessment,
                      questionnaire=questionnaire, action=action, note=NOTES.get(action),
                      conditions=CONDITIONS.get(assessment.title)
                      if action == Action.APPROVE else None)
