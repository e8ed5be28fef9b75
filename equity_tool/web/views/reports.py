"""The annual report page: the officer or an administrator chooses a year, a department (or
none, for the whole city) and a format, and downloads the report the CLI makes."""

from __future__ import annotations

import io
from collections.abc import Mapping

from flask import Blueprint, current_app, render_template, request, send_file

from equity_tool.assessments import access
from equity_tool.core.db import get_session
from equity_tool.publishing import reports
from equity_tool.web.auth import allowed_if
from equity_tool.web.views.assessments import registry

bp = Blueprint("reports", __name__)

FORMAT_LABELS = {"docx": "Word document (.docx)", "pdf": "PDF", "csv": "Spreadsheet (.csv): "
                 "one row per assessment and per follow-up item"}
PDF_TIMEOUT = 60.0  # seconds: a long report converts in a few


def _timezone() -> str:
    return current_app.config["EQUITY_TOOL_TIMEZONE"]


def _choices(session) -> dict[str, dict[str, str]]:
    today = reports.today_in(_timezone())
    years = reports.years_held(session, timezone=_timezone(), today=today)
    formats = {k: v for k, v in FORMAT_LABELS.items() if k != "pdf" or reports.pdf_available()}
    return {"year": {str(y): str(y) for y in reversed(years)},
            "department": {str(i): name for i, name in reports.departments(session)},
            "format": formats}


def _render(choices, chosen: Mapping[str, str], errors=(), status: int = 200):
    page = render_template("reports/annual.html", choices=choices, chosen=chosen,
                           errors=list(errors), format_labels=FORMAT_LABELS,
                           custom_template=current_app.config.get("ANNUAL_REPORT_TEMPLATE"))
    return page, status


@bp.get("/reports/annual")
@allowed_if(access.may_make_reports)
def new_annual_report():
    session = get_session()
    choices = _choices(session)
    this_year = str(reports.today_in(_timezone()).year)  # always among the years offered
    return _render(choices, {"year": this_year, "format": "docx"})


@bp.post("/reports/annual")
@allowed_if(access.may_make_reports)
def create_annual_report():
    """The report as a download, or the form again with what to correct."""
    session = get_session()
    choices = _choices(session)
    chosen = {name: request.form.get(name, "").strip()[:100]
              for name in ("year", "department", "format")}
    if chosen["format"] not in choices["format"]:
        return _render(choices, chosen, [("format", "Choose a format from the list.")], 400)
    try:
        scope = reports.check_scope(session, year=chosen["year"],
                                    department_id=chosen["department"] or None,
                                    timezone=_timezone(), today=reports.today_in(_timezone()))
    except reports.ReportInputError as error:
        return _render(choices, chosen, [(error.field, str(error))], 400)
    shipped = request.form.get("template") == "default"
    template = None if shipped else current_app.config.get("ANNUAL_REPORT_TEMPLATE")
    try:
        data = reports.make_report(session, scope, registry().all_offered(), chosen["format"],
                                   template=template, timeout=PDF_TIMEOUT)
    except reports.ExportError as error:
        # A broken template (the city's to fix) or LibreOffice failing: not the person's input.
        return _render(choices, chosen, [("format", str(error))],
                       503 if chosen["format"] == "pdf" and not error.template else 500)
    fmt = chosen["format"]
    response = send_file(io.BytesIO(data), mimetype=reports.FORMATS[fmt], as_attachment=True,
                         download_name=reports.file_name(scope, fmt))
    response.headers["Cache-Control"] = "private, no-store"
    return response
