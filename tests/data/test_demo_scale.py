"""`flask demo --scale N`: N assessments across 20 departments and five years, made through
the real workflow, the same ones for the same N."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session, col, func, select

from equity_tool import create_app
from equity_tool.core import db
from equity_tool.core.models import (
    Assessment,
    AssessmentEvent,
    Department,
    FollowUpItem,
    FollowUpUpdate,
    Submission,
    User,
)
from equity_tool.demo import PLAN
from equity_tool.demo_scale import DEPARTMENTS, YEARS, create_scaled_demo
from tests.conftest import ROOT, new_database

TODAY = date.today()  # the full assessment's next review date must be after the real today
SCALE = 60


def made(app) -> list[tuple]:
    """(title, department, questionnaire, state, stored level, flags) of every assessment, in
    the order made."""
    with Session(db.get_engine(app)) as session:
        rows = session.exec(
            select(Assessment, Department.name).join(Department)
            .order_by(col(Assessment.id))).all()
        return [(a.title, name, a.questionnaire_id, a.state, a.impact_level)
                for a, name in rows]


def scaled(app, scale: int = SCALE):
    with app.app_context():
        return create_scaled_demo(db.get_session(), app.extensions["equity_tool.registry"],
                                  scale=scale, today=TODAY)


@pytest.fixture
def other_app(request, tmp_path):
    """A second app on an SQLite database of its own."""
    folder = tmp_path / "other"
    folder.mkdir()
    databases = new_database(request, "sqlite", folder)
    app = create_app({"TESTING": True, "DATABASE_URL": next(databases),
                      "SECRET_KEY": "not secret: tests only",
                      "EQUITY_TOOL_QUESTIONNAIRES": ROOT / "questionnaires"})
    yield app
    db.get_engine(app).dispose()


def test_the_same_n_makes_the_same_assessments(app, other_app):
    first = scaled(app)
    assert first.assessments == SCALE
    again = scaled(other_app)
    assert made(app) == made(other_app)
    assert (first.items, first.updates) == (again.items, again.updates)
    # and a second run on the same database adds nothing
    assert scaled(app).assessments == 0
    assert len(made(app)) == len(PLAN) + SCALE


def test_a_realistic_mix_across_departments_and_years(app, session):
    result = scaled(app)
    rows = made(app)[len(PLAN):]
    states = Counter(state for *_, state, _level in rows)
    assert states["approved"] > SCALE / 2  # most are approved
    assert {"draft", "submitted", "in review", "returned"} <= set(states)
    assert len({department for _, department, *_ in rows}) >= 15
    assert {questionnaire for _, _, questionnaire, *_ in rows} == {
        "rapid-equity-check", "racial-equity-impact-assessment"}
    assert len({level for *_, level in rows if level}) >= 2  # the answers vary
    assert session.exec(select(func.count()).select_from(Department)).one() == len(DEPARTMENTS)
    for name in DEPARTMENTS:
        roles = set(session.exec(select(User.role).join(Department).where(
            Department.name == name)).all())
        assert {"staff", "director"} <= roles, name
    # follow-up items and progress on some of them
    demo_titles = [d.title for d in PLAN]
    assert result.items == session.exec(
        select(func.count()).select_from(FollowUpItem).join(Assessment)
        .where(col(Assessment.title).not_in(demo_titles))).one()
    assert result.items > 0 and result.updates > 0
    progress = session.exec(select(FollowUpUpdate).where(
        FollowUpUpdate.kind == "progress")).all()
    assert len(progress) == result.updates
    assert all(update.happened_on <= TODAY for update in progress)


def test_every_state_was_reached_through_recorded_transitions_on_the_planned_dates(app,
                                                                                   session):
    scaled(app)
    oldest = datetime.combine(TODAY - timedelta(days=YEARS * 366), datetime.min.time(),
                              tzinfo=UTC)
    latest = datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC) + timedelta(days=1)
    approved = session.exec(select(Assessment).where(Assessment.state == "approved")).all()
    demo_titles = {d.title for d in PLAN}
    years = {a.approved_at.year for a in approved if a.title not in demo_titles}
    assert len(years) >= 3  # spread over the years
    for assessment in session.exec(select(Assessment).where(
            col(Assessment.title).not_in(demo_titles))).all():
        events = session.exec(select(AssessmentEvent).where(
            AssessmentEvent.assessment_id == assessment.id)
            .order_by(col(AssessmentEvent.id))).all()
        assert events[-1].to_state == assessment.state
        times = [event.at for event in events]
        assert times == sorted(times) and oldest <= times[0] and times[-1] < latest
        assert assessment.created_at == times[0]
        if assessment.state == "approved":
            assert assessment.approved_at == times[-1]
            assert assessment.impact_level is not None
        if assessment.submitted_at:
            rounds = session.exec(select(Submission.at).where(
                Submission.assessment_id == assessment.id)).all()
            assert assessment.submitted_at == max(rounds)


def test_the_command_says_what_it_added(runner, session):
    result = runner.invoke(args=["demo", "--scale", "12"])
    assert result.exit_code == 0, result.output
    assert "Added 12 assessments across 20 departments" in result.output
    again = runner.invoke(args=["demo", "--scale", "12"])
    assert "were added before" in again.output
    assert session.exec(select(func.count()).select_from(Assessment)).one() == len(PLAN) + 12
