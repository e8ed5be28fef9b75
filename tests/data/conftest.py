"""Fixtures for tests that talk to the database directly, without a request."""

import pytest
from sqlmodel import Session

from equity_tool.core.db import create_engine
from equity_tool.core.models import Assessment, QuestionnaireVersion
from tests import factories


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
        user = factories.user(session, email="a@example.org", name="A",
                              department_name="Housing")
        assessment = Assessment(questionnaire_id="rapid", questionnaire_version="1", title="T",
                                decision_kind="budget", department_id=user.department_id,
                                created_by_id=user.id)
        session.add(assessment)
        session.commit()
        return user.id, assessment.id
