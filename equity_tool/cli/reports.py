"""`flask report annual`: a year's annual report as Word, CSV or PDF, from a shell.

Exit status: 0 done; 1 the report could not be made (a year the data does not hold, an unknown
department, a broken template, LibreOffice missing or failing); 2 a usage mistake (such as an
output name that is not .docx, .csv or .pdf).
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from equity_tool.core.db import get_session
from equity_tool.publishing import reports
from equity_tool.publishing.export.pdf import MISSING_MESSAGE

report_cli = click.Group("report", help="Reports to the mayor and council.")


@report_cli.command("annual")
@click.option("--year", required=True, help="The calendar year, e.g. 2026.")
@click.option("--department", default=None, help="One department's name; citywide without.")
@click.option("--default-template", is_flag=True,
              help="Use the shipped template, even if ANNUAL_REPORT_TEMPLATE names another.")
@click.argument("out", metavar="OUT.docx|OUT.csv|OUT.pdf",
                type=click.Path(path_type=Path, dir_okay=False, writable=True))
@with_appcontext
def annual(year: str, department: str | None, default_template: bool, out: Path) -> None:
    """Write the annual report for YEAR (citywide, or for one department) to OUT."""
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in reports.FORMATS:
        raise click.UsageError(f"Name the output file .docx, .csv or .pdf, not {out.name!r}.")
    if fmt == "pdf" and not reports.pdf_available():
        raise click.ClickException(MISSING_MESSAGE)
    timezone = current_app.config["EQUITY_TOOL_TIMEZONE"]
    session = get_session()
    template = None if default_template else current_app.config.get("ANNUAL_REPORT_TEMPLATE")
    try:
        scope = reports.check_scope(session, year=year, department=department,
                                    timezone=timezone, today=reports.today_in(timezone))
        data = reports.make_report(
            session, scope, current_app.extensions["equity_tool.registry"].all_offered(), fmt,
            template=template)
    except (reports.ReportInputError, reports.ExportError) as exc:
        raise click.ClickException(str(exc)) from None
    out.write_bytes(data)
    click.echo(f"Wrote {out} ({len(data):,} bytes)")
