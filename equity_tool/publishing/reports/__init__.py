"""Annual reports to the mayor and council: a year's figures, citywide or for one department,
as Word (from a docxtpl template the city may replace), CSV and PDF.

No Flask here: the CLI, the web page and the benchmark all make the report the same way.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session

from equity_tool.core.models import utcnow
from equity_tool.publishing.export import ExportError
from equity_tool.publishing.export import pdf_available as pdf_available
from equity_tool.publishing.reports.document import (
    DEFAULT_TEMPLATE,
    FORMATS,
    csv_rows,
    render_csv,
    render_docx,
    render_pdf,
)
from equity_tool.publishing.reports.report import AnnualReport, build_report, report_title
from equity_tool.publishing.reports.scope import (
    ReportInputError,
    Scope,
    check_scope,
    departments,
    years_held,
)
from equity_tool.questionnaire import Questionnaire

__all__ = [
    "DEFAULT_TEMPLATE", "FORMATS", "AnnualReport", "ExportError", "ReportInputError", "Scope",
    "build_report", "check_scope", "csv_rows", "departments", "file_name", "make_report",
    "pdf_available", "render_csv", "render_docx", "render_pdf", "report_title", "today_in",
    "years_held",
]


def make_report(session: Session, scope: Scope, questionnaires: Iterable[Questionnaire],
                fmt: str, *, template: str | Path | None = None,
                timeout: float | None = None, now: datetime | None = None) -> bytes:
    """The report for `scope` as docx, csv or pdf bytes; ExportError with a message for the
    person when the template or LibreOffice fails."""
    if fmt not in FORMATS:
        raise ExportError(f"Unknown report format {fmt!r}: choose docx, csv or pdf.")
    report = build_report(session, scope, questionnaires, now=now)
    if fmt == "csv":
        return render_csv(report)
    if fmt == "pdf":
        return render_pdf(report, template, timeout=timeout)
    return render_docx(report, template)


def file_name(scope: Scope, fmt: str) -> str:
    """e.g. "annual-report-2026-transportation.docx": ASCII letters, digits and dashes."""
    parts = ["annual-report", str(scope.year)]
    if scope.department_name:
        plain = unicodedata.normalize("NFKD", scope.department_name).encode(
            "ascii", "ignore").decode()
        slug = re.sub(r"[^A-Za-z0-9]+", "-", plain).strip("-").lower()[:40].rstrip("-")
        parts.append(slug or f"department-{scope.department_id}")
    return "-".join(parts) + f".{fmt}"


def today_in(timezone: str, now: datetime | None = None) -> date:
    """Today's date in the city's time zone."""
    return (now or utcnow()).astimezone(ZoneInfo(timezone)).date()
