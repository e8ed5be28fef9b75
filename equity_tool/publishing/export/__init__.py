"""Word and PDF exports of an assessment, from docxtpl templates the city controls.

No Flask here: callers pass a SQLModel session and plain objects, so the web views, the CLI
and the benchmark all export the same way.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sqlmodel import Session

from equity_tool.core.models import Department
from equity_tool.publishing.export.context import build_context
from equity_tool.publishing.export.docx import DEFAULT_TEMPLATE, render_docx
from equity_tool.publishing.export.errors import ExportError
from equity_tool.publishing.export.pdf import available as pdf_available
from equity_tool.publishing.export.pdf import docx_to_pdf
from equity_tool.publishing.export.record import ReviewRecord, load_review_record
from equity_tool.questionnaire import Questionnaire, evaluate

FORMATS = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           "pdf": "application/pdf"}

__all__ = [
    "DEFAULT_TEMPLATE",
    "FORMATS",
    "ExportError",
    "ReviewRecord",
    "assessment_context",
    "build_context",
    "docx_to_pdf",
    "download_name",
    "export_assessment",
    "load_review_record",
    "pdf_available",
    "render_docx",
]


def assessment_context(session: Session, assessment: Any, questionnaire: Questionnaire, *,
                       timezone: str = "UTC") -> dict[str, Any]:
    """The template context of one assessment, read from the database."""
    department = session.get(Department, assessment.department_id)
    return build_context(
        assessment=assessment, questionnaire=questionnaire,
        department=department.name if department else "",
        evaluation=evaluate(questionnaire, assessment.answers, language=assessment.language),
        record=load_review_record(session, assessment), timezone=timezone,
    )


def download_name(assessment: Any, fmt: str) -> str:
    """A file name for a download: the title in plain letters, then the assessment's number."""
    plain = unicodedata.normalize("NFKD", assessment.title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", plain).strip("-").lower()[:60].rstrip("-")
    return f"{slug or 'assessment'}-{assessment.id}.{fmt}"


def export_assessment(session: Session, assessment: Any, questionnaire: Questionnaire,
                      fmt: str = "docx", *, timezone: str = "UTC",
                      template: str | None = None, timeout: float | None = None) -> bytes:
    """The assessment as .docx or .pdf bytes, with the questionnaire's template unless
    `template` names another; raises ExportError with a message for the person."""
    if fmt not in FORMATS:
        raise ExportError(f"Unknown export format {fmt!r}: choose docx or pdf.")
    context = assessment_context(session, assessment, questionnaire, timezone=timezone)
    docx = render_docx(context, template or questionnaire.export_template)
    if fmt == "pdf":
        return docx_to_pdf(docx, **({"timeout": timeout} if timeout else {}))
    return docx
