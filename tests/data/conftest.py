"""Fixtures for tests that talk to the database directly, without a request."""

import pytest
from sqlmodel import Session

from equity_tool.accounts import service as accounts
from equity_tool.core.db import create_engine
from equity_tool.core.models import Assessment, QuestionnaireVersion


@pytest.fixture
def engine(database_url):
    engine = create_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def draft(engine) -> tuple[int, int]:
    """(user id, assessment id): a staff member's draft on a stored questionnaire version."""
    with Session(engine) as session:
        session.add(QuestionnaireVersion(questionnaire_id="rapid", version="1", content_hash="0",
                                         source="id: rapid", title="Rapid check"))
        department = accounts.create_department(session, name="Housing")
        user = accounts.create_user(session, email="a@example.org", name="A", role="staff",
                                    password="long enough", department_name="Housing")
        assessment = Assessment(questionnaire_id="rapid", questionnaire_version="1", title="T",
                                decision_kind="budget", department_id=department.id,
                                created_by_id=user.id)
        session.add(assessment)
        session.commit()
        return user.id, assessment.id
