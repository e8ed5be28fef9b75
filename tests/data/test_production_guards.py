"""What must never happen on a city's real server."""

from __future__ import annotations

from sqlmodel import Session, select

from equity_tool import create_app
from equity_tool.core import db
from equity_tool.core.models import User
from tests.conftest import ROOT


def test_the_demo_data_refuses_to_run_in_production(database_url):
    app = create_app({
        "EQUITY_TOOL_ENV": "production", "DATABASE_URL": database_url,
        "SECRET_KEY": "a production secret for this test", "TESTING": True,
        "EQUITY_TOOL_QUESTIONNAIRES": ROOT / "questionnaires",
    })
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 1
    assert "not for production" in result.output
    with Session(db.get_engine(app)) as session:
        assert session.exec(select(User)).all() == []  # no admin@example.org with its password
    db.get_engine(app).dispose()
