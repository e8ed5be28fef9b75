"""`flask assessments list`: every assessment, one a line, for scripts and the export command."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from equity_tool.assessments import lists
from equity_tool.core.db import get_session
from equity_tool.core.vocabulary import AssessmentState

assessments_cli = AppGroup("assessments", help="List assessments.")


@assessments_cli.command("list")
@click.option("--state", type=click.Choice([s.value for s in AssessmentState]),
              help="Only assessments in this state (quote states with a space).")
def list_assessments(state: str | None) -> None:
    """List assessments, one a line: id, state, department, title (tab-separated)."""
    chosen = AssessmentState(state) if state else None
    for assessment, department in lists.every_assessment(get_session(), state=chosen):
        click.echo(f"{assessment.id}\t{assessment.state}\t{department.name}\t{assessment.title}")
