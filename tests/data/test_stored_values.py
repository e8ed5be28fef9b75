"""Values come back from either database as they went in: aware UTC times, enums, JSON."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from equity_tool.accounts import service as accounts
from equity_tool.core.models import AnswerChange, Assessment, AssessmentState, Role


@pytest.fixture
def assessment(draft) -> int:
    return draft[1]


def test_times_are_aware_utc(engine, assessment):
    new_york = timezone(timedelta(hours=-5))
    with Session(engine) as session:
        row = session.get(Assessment, assessment)
        row.submitted_at = datetime(2026, 3, 4, 9, 5, tzinfo=new_york)
        session.commit()
    with Session(engine) as session:
        row = session.get(Assessment, assessment)
        assert row.submitted_at == datetime(2026, 3, 4, 14, 5, tzinfo=UTC)
        assert row.submitted_at.tzinfo == UTC
        assert row.created_at.tzinfo == UTC


def test_naive_times_are_refused(engine, assessment):
    with Session(engine) as session:
        session.get(Assessment, assessment).submitted_at = datetime(2026, 3, 4)
        with pytest.raises(sa.exc.StatementError, match="naive datetime"):
            session.commit()


def test_states_and_roles_come_back_as_enums(engine, assessment):
    with Session(engine) as session:
        row = session.get(Assessment, assessment)
        assert row.state is AssessmentState.DRAFT
        assert row.revision == 0
        assert accounts.find_user(session, email="A@example.org").role is Role.STAFF


def test_answers_are_json_and_changes_in_place_are_saved(engine, assessment):
    with Session(engine) as session:
        row = session.get(Assessment, assessment)
        row.answers["people"] = ["renters", "elders"]
        row.answers["cost"] = 1500.5
        row.other_texts["people"] = "shift workers"
        session.commit()
    with Session(engine) as session:
        row = session.get(Assessment, assessment)
        assert row.answers == {"people": ["renters", "elders"], "cost": 1500.5}
        assert row.other_texts == {"people": "shift workers"}


def test_answer_changes_keep_old_and_new_including_nothing(engine, assessment):
    with Session(engine) as session:
        session.add(AnswerChange(assessment_id=assessment, user_id=1, question_id="q",
                                 old=None, new={"a": [1, "two"]}))
        session.commit()
    with Session(engine) as session:
        change = session.get(AnswerChange, 1)
        assert (change.old, change.new) == (None, {"a": [1, "two"]})


def test_an_assessment_needs_a_stored_questionnaire_version(engine, assessment):
    with Session(engine) as session:
        session.get(Assessment, assessment).questionnaire_version = "99"
        with pytest.raises(sa.exc.IntegrityError):
            session.commit()
