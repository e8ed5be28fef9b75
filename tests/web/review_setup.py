"""Set-up for the review tests: people, and assessments already answered and submitted."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlmodel import select

from equity_tool.assessments import service as assessments
from equity_tool.core.models import Assessment, AssessmentEvent, utcnow
from equity_tool.notifications.service import MailSettings
from equity_tool.questionnaire.answersfile import read_answers
from equity_tool.review import service as review
from equity_tool.review.workflow import Action

ANSWERS = Path(__file__).resolve().parents[2] / "questionnaires" / "examples"
RAPID, FULL = "rapid-equity-check", "racial-equity-impact-assessment"


def make_people(make_user):
    """role -> user: Transportation staff and director, the officer, a councillor, and
    staff of another department ("other")."""
    return {
        "staff": make_user("ana@city.gov", name="Ana Staff"),
        "director": make_user("dee@city.gov", role="director", name="Dee Director"),
        "officer": make_user("olu@city.gov", role="officer", department=None, name="Olu Officer"),
        "councillor": make_user("cam@city.gov", role="councillor", department=None,
                                name="Cam Councillor"),
        "other": make_user("pat@city.gov", department="Housing", name="Pat Housing"),
    }


def questionnaire(app, questionnaire_id: str = RAPID):
    return app.extensions["equity_tool.registry"].current(questionnaire_id)


def answered(app, session, author, *, questionnaire_id: str = RAPID, title: str = "Library hours",
             answers_file: str = "complete") -> Assessment:
    """A draft by `author` with every answer of questionnaires/examples/<id>--<file>.yaml."""
    found = questionnaire(app, questionnaire_id)
    path = ANSWERS / f"{questionnaire_id}--{answers_file}.yaml"
    answers, problems = read_answers(found, path.read_text(), str(path))
    assert not problems, problems
    assessment = assessments.start(session, user=author, questionnaire=found,
                                   request=assessments.StartRequest(title, "policy"))
    assessment.answers = answers
    session.add(assessment)
    session.commit()
    return assessment


def act(app, session, user, assessment, action: Action, **kwargs) -> None:
    """`user` takes `action`, with mail sent as the app is configured."""
    review.transition(session, user=user, assessment=assessment,
                      questionnaire=questionnaire(app, assessment.questionnaire_id),
                      action=action, mail=MailSettings.from_config(app.config), **kwargs)


def submitted(app, session, author, **kwargs) -> Assessment:
    assessment = answered(app, session, author, **kwargs)
    act(app, session, author, assessment, Action.SUBMIT)
    return assessment


def waited(session, assessment: Assessment, days: int) -> None:
    """Pretend it was submitted `days` days ago."""
    assessment.submitted_at = utcnow() - timedelta(days=days, hours=1)
    session.add(assessment)
    session.commit()


def events(session, assessment_id: int, action: str | None = None) -> list[AssessmentEvent]:
    session.expire_all()
    query = select(AssessmentEvent).where(AssessmentEvent.assessment_id == assessment_id)
    if action:
        query = query.where(AssessmentEvent.action == action)
    return list(session.exec(query).all())


def state(session, assessment_id: int) -> str:
    session.expire_all()
    return session.get(Assessment, assessment_id).state
