"""The full assessment as the public reads it: the export's context and Word document built
from the questionnaire and answers without anything private, and with the review record cut
to its decisions, without notes (comments, replies and notes are the department's and the
officer's working notes, and may quote private answers). The export package is unchanged.
No Flask here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from types import SimpleNamespace
from typing import Any

from sqlmodel import Session

from equity_tool.core.models import Assessment, Department
from equity_tool.publishing.export import (
    ReviewRecord,
    build_context,
    load_review_record,
    render_docx,
)
from equity_tool.publishing.register.private import (
    public_answers,
    public_other_texts,
    public_questionnaire,
)
from equity_tool.publishing.register.read import public_title
from equity_tool.questionnaire import Questionnaire, evaluate

# What the shipped template writes where the record would list comments and step verdicts.
LEFT_OUT = {
    "en": {"no_comments": "The review discussion is not part of the public record.",
           "no_verdicts": "Not part of the public record."},
    "es": {"no_comments": "La discusión de la revisión no forma parte del registro público.",
           "no_verdicts": "No forma parte del registro público."},
}


def public_context(session: Session, assessment: Assessment, questionnaire: Questionnaire,
                   department: Department, *, timezone: str = "UTC") -> dict[str, Any]:
    """The export template's context (docs/export-templates.md) of the public version, plus
    `public: True`. Scores, the level and flags are those of every answer, as approved."""
    evaluation = evaluate(questionnaire, assessment.answers, language=assessment.language)
    shown = SimpleNamespace(
        id=assessment.id, title=public_title(questionnaire, assessment),
        language=assessment.language, state=assessment.state,
        submitted_at=assessment.submitted_at, approved_at=assessment.approved_at,
        conditions=assessment.conditions,
        answers=public_answers(questionnaire, assessment.answers),
        other_texts=public_other_texts(questionnaire, assessment.other_texts))
    record = load_review_record(session, assessment)
    context = build_context(
        assessment=shown, questionnaire=public_questionnaire(questionnaire),
        department=department.name, evaluation=evaluation,
        record=ReviewRecord(transitions=tuple(replace(t, note=None) for t in record.transitions)),
        timezone=timezone)
    language = context["language"]
    context["words"] = {**context["words"], **LEFT_OUT.get(language, LEFT_OUT["en"])}
    context["public"] = True
    return context


def public_docx(session: Session, assessment: Assessment, questionnaire: Questionnaire,
                department: Department, *, timezone: str = "UTC") -> bytes:
    """The public version as a Word document, with the questionnaire's template."""
    context = public_context(session, assessment, questionnaire, department, timezone=timezone)
    return render_docx(context, questionnaire.export_template)


def file_name(title: str, assessment_id: int, fmt: str = "docx") -> str:
    """The public title in plain letters, then the assessment's number (as the reading room's
    downloads are named): nothing else about the assessment."""
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", plain).strip("-").lower()[:60].rstrip("-")
    return f"{slug or 'assessment'}-{assessment_id}.{fmt}"
