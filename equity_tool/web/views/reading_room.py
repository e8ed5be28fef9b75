"""The reading room (approved assessments for everyone signed in) and document downloads."""

from __future__ import annotations

import io
from collections.abc import Mapping

from flask import Blueprint, current_app, render_template, request, send_file

from equity_tool.core.db import get_session
from equity_tool.core.paging import page_number
from equity_tool.publishing import reading_room
from equity_tool.publishing.export import (
    DEFAULT_TEMPLATE,
    FORMATS,
    ExportError,
    assessment_context,
    download_name,
    export_assessment,
    pdf_available,
)
from equity_tool.web.views.assessments import load_assessment, registry
from equity_tool.web.views.filters import chosen_filters

bp = Blueprint("reading_room", __name__)
bp.add_app_template_global(pdf_available, "pdf_available")

MAX_QUERY = 200  # characters: longer is a paste gone wrong, not a search
# Under gunicorn's default 30-second worker timeout, so a slow conversion ends in our message
# rather than a killed worker; the CLI keeps the export package's longer default.
PDF_TIMEOUT = 25.0
# field name -> what the person chose, for the error message
FILTERS = {"department": "a department", "year": "a year of approval",
           "level": "an impact level"}


def _timezone() -> str:
    return current_app.config["EQUITY_TOOL_TIMEZONE"]


@bp.get("/reading-room")
def list_approved():
    session = get_session()
    choices = reading_room.choices(session, registry().all_offered(), timezone=_timezone())
    filters, errors = _parse(request.args, choices)
    found = reading_room.search(session, registry(), filters, timezone=_timezone(),
                                page=page_number(request.args.get("page")))
    page = render_template("reading_room/list.html", page=found, choices=choices,
                           q=filters.q, chosen={k: request.args.get(k, "") for k in FILTERS},
                           filtered=filters != reading_room.Filters(), errors=errors)
    return page, 400 if errors else 200


def _parse(args: Mapping[str, str], choices) -> tuple[reading_room.Filters, list]:
    """The filters chosen, and an error for each value that is not one of the options."""
    chosen, errors = chosen_filters(args, choices, FILTERS)
    q = " ".join(args.get("q", "").split())
    if len(q) > MAX_QUERY:
        errors.append(("search-q", f"Search for {MAX_QUERY} characters or fewer."))
        q = ""
    filters = reading_room.Filters(
        q=q, level=chosen.get("level"),
        department_id=int(chosen["department"]) if "department" in chosen else None,
        year=int(chosen["year"]) if "year" in chosen else None)
    return filters, errors


@bp.get("/reading-room/<int:assessment_id>")
def show_assessment(assessment_id: int):
    """An approved assessment to read; councillors see no others (see assessments.may_see)."""
    assessment, questionnaire = load_assessment(assessment_id)
    document = assessment_context(get_session(), assessment, questionnaire,
                                  timezone=_timezone())
    return render_template("reading_room/assessment.html", assessment=assessment,
                           questionnaire=questionnaire, doc=document, lang=document["language"])


@bp.get("/assessments/<int:assessment_id>/export.<any(docx, pdf):fmt>")
def download_assessment(assessment_id: int, fmt: str):
    """The assessment as a Word or PDF file; `?template=default` skips a custom template."""
    assessment, questionnaire = load_assessment(assessment_id)
    default = request.args.get("template") == "default"
    try:
        data = export_assessment(get_session(), assessment, questionnaire, fmt,
                                 timezone=_timezone(), timeout=PDF_TIMEOUT,
                                 template=str(DEFAULT_TEMPLATE) if default else None)
    except ExportError as error:
        # A PDF fails for want of LibreOffice (503); a .docx only through a broken template.
        page = render_template("reading_room/export_failed.html", assessment=assessment,
                               fmt=fmt, message=str(error), default_template=default)
        return page, 503 if fmt == "pdf" else 500
    response = send_file(io.BytesIO(data), mimetype=FORMATS[fmt], as_attachment=True,
                         download_name=download_name(assessment, fmt))
    response.headers["Cache-Control"] = "private, no-store"  # drafts are not for proxies
    return response
