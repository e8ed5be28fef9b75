"""`flask export`: an assessment as a Word or PDF document, from a shell.

Exit status: 0 done, 1 the export failed (unknown assessment, broken template, LibreOffice
missing or failing), 2 a usage mistake (such as an output name that is not .docx or .pdf).
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from equity_tool.core.db import get_session
from equity_tool.core.exceptions import NotFound
from equity_tool.core.models import MAX_ID, Assessment
from equity_tool.publishing.export import (
    DEFAULT_TEMPLATE,
    FORMATS,
    ExportError,
    export_assessment,
    pdf_available,
)
from equity_tool.publishing.export.pdf import MISSING_MESSAGE


@click.command("export")
@click.argument("assessment_id", type=int)
@click.argument("out", metavar="OUT.docx|OUT.pdf",
                type=click.Path(path_type=Path, dir_okay=False, writable=True))
@click.option("--default-template", is_flag=True,
              help="Use the shipped template, even if the questionnaire names its own.")
@with_appcontext
def export(assessment_id: int, out: Path, default_template: bool) -> None:
    """Write assessment ASSESSMENT_ID as a Word (.docx) or PDF (.pdf) document."""
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise click.UsageError(f"Name the output file .docx or .pdf, not {out.name!r}.")
    if fmt == "pdf" and not pdf_available():
        raise click.ClickException(MISSING_MESSAGE)
    session = get_session()
    assessment = session.get(Assessment, assessment_id) if 0 < assessment_id <= MAX_ID else None
    if assessment is None:
        raise click.ClickException(f"No assessment {assessment_id}: `flask --app equity_tool "
                                   "assessments list` shows them all.")
    registry = current_app.extensions["equity_tool.registry"]
    try:
        questionnaire = registry.pinned(session, assessment.questionnaire_id,
                                        assessment.questionnaire_version)
        data = export_assessment(
            session, assessment, questionnaire, fmt,
            timezone=current_app.config["EQUITY_TOOL_TIMEZONE"],
            template=str(DEFAULT_TEMPLATE) if default_template else None)
    except (ExportError, NotFound) as exc:
        raise click.ClickException(str(exc)) from None
    out.write_bytes(data)
    click.echo(f"Wrote {out} ({len(data):,} bytes)")
