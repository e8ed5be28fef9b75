"""Demo departments, one user per role, and assessments in every state, so a newcomer sees
the whole round trip at once.

They are made the way people make them: started by the demo staff member, then moved through
the workflow by the demo director and officer, so the history and notifications are real.
"""

from __future__ import annotations

from sqlmodel import Session, select

from equity_tool.accounts import service as accounts
from equity_tool.assessments import service as assessments
from equity_tool.core.models import Assessment, Role, User
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

# Complete answer sets, with their scores worked out by hand (also used by the tests).
EXAMPLES = PROJECT_ROOT / "questionnaires" / "examples"
RAPID, FULL = "rapid-equity-check", "racial-equity-impact-assessment"

# (questionnaire, title, the actions that bring it to its state, after it is started)
PLAN: list[tuple[str, str, list[Action]]] = [
    (RAPID, "Summer hours at branch libraries", [Action.SUBMIT, Action.START_REVIEW,
                                                 Action.APPROVE]),
    (FULL, "Eastside bus rapid transit line", [Action.SUBMIT, Action.SIGN_OFF,
                                               Action.START_REVIEW, Action.APPROVE]),
    (FULL, "Sidewalk repair priorities", [Action.SUBMIT]),  # awaiting sign-off
    (RAPID, "Parking meter hours downtown", [Action.SUBMIT]),  # submitted
    (RAPID, "Snow route changes", [Action.SUBMIT, Action.START_REVIEW]),  # in review
    (RAPID, "Bike share station siting", [Action.SUBMIT, Action.START_REVIEW, Action.RETURN]),
    (RAPID, "Crosswalk timing near schools", [Action.SUBMIT, Action.START_REVIEW,
                                              Action.RETURN, Action.SUBMIT]),  # resubmitted
    (RAPID, "Fare-free weekend pilot", [Action.WITHDRAW]),
    (RAPID, "Street tree planting plan", []),  # a draft, partly answered
]
ACTORS = {Action.SUBMIT: "staff", Action.WITHDRAW: "staff", Action.SIGN_OFF: "director",
          Action.START_REVIEW: "officer", Action.RETURN: "officer", Action.APPROVE: "officer"}
NOTES = {
    Action.RETURN: "Please name the council districts and say who was not reached.",
    Action.WITHDRAW: "The council dropped the pilot from the budget.",
}


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


def example_answers(questionnaire: Questionnaire) -> dict:
    path = EXAMPLES / f"{questionnaire.id}--complete.yaml"
    answers, problems = read_answers(questionnaire, path.read_text(encoding="utf-8"), str(path))
    if answers is None:
        raise ValueError(f"{path}: {problems[0]}")
    return answers


def create_demo_assessments(session: Session, registry, users: dict[str, User]) -> int:
    """Add the demo assessments unless the demo staff member has some; returns how many."""
    staff = users["staff"]
    if session.exec(select(Assessment).where(Assessment.created_by_id == staff.id)).first():
        return 0
    for questionnaire_id, title, actions in PLAN:
        questionnaire = registry.current(questionnaire_id)
        assessment = assessments.start(
            session, user=staff, questionnaire=questionnaire,
            request=assessments.StartRequest(title=title, decision_kind="program"))
        answers = example_answers(questionnaire)
        if not actions:
            answers = {k: v for k, v in answers.items() if k in ("title", "decision_summary")}
        assessment.answers = {**answers, "title": title}
        session.add(assessment)
        session.commit()
        for action in actions:
            _act(session, users, assessment, questionnaire, action)
    return len(PLAN)


def _act(session, users, assessment, questionnaire, action: Action) -> None:
    officer = users["officer"]
    if action == Action.RETURN:
        review.add_comment(session, user=officer, assessment=assessment,
                           questionnaire=questionnaire, question_id="places",
                           body="Which council districts are these?")
    review.transition(session, user=users[ACTORS[action]], assessment=assessment,
                      questionnaire=questionnaire, action=action, note=NOTES.get(action),
                      conditions="Report the first summer's results to council in October."
                      if action == Action.APPROVE else None)

