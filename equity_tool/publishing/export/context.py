"""The template context of an export: a plain, documented dict (docs/export-templates.md).

Pure: it takes the assessment, its questionnaire, the department's name, the evaluation and
the review record, and gives texts in the assessment's language. Every text is data; the
renderer escapes it. Keys only ever get added, so custom templates keep working.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from equity_tool.core.vocabulary import AssessmentState
from equity_tool.publishing.export.record import ReviewRecord
from equity_tool.questionnaire import (
    TYPES,
    Evaluation,
    Question,
    Questionnaire,
    is_unanswered,
    table_rows,
)
from equity_tool.questionnaire.messages import DATE_FORMATS, MONTHS, long_date

SEVERITIES = ("high", "warning", "info")

# The words a template writes around the data, in the languages the shipped questionnaires use.
WORDS: dict[str, dict[str, Any]] = {
    "en": {
        "draft": "DRAFT", "draft_notice": "Draft: not approved", "summary": "Summary",
        "answers": "Answers", "review_record": "Review record", "signoff": "Sign-off",
        "department": "Department", "questionnaire": "Questionnaire", "version": "version",
        "state": "State", "submitted": "Submitted", "approved": "Approved",
        "impact_level": "Impact level", "scores": "Scores", "score": "Score", "value": "Value",
        "maximum": "Maximum", "flags": "Flags", "no_flags": "No flags were raised.",
        "no_level": "Not determined yet.", "not_answered": "Not answered",
        "needs_correcting": "This answer needs correcting", "decisions": "Decisions",
        "when": "When", "who": "Who", "what": "What", "note": "Note", "comments": "Comments",
        "no_comments": "No comments.", "on_assessment": "On the whole assessment",
        "round": "submission", "addressed": "Addressed", "open": "Not addressed yet",
        "reply": "Reply", "verdicts": "Step verdicts", "step": "Step", "verdict": "Verdict",
        "conditions": "Conditions of approval", "no_conditions": "None.", "role": "Role",
        "name": "Name", "date": "Date", "signature": "Signature", "generated": "Generated",
        "group": "Group", "no_decisions": "No decisions yet.", "no_verdicts": "None.",
        "not_yet": "—",
        "severity": {"high": "High", "warning": "Warning", "info": "Information"},
        "roles": {"director": "Department director", "officer": "Equity officer"},
        "verdict_words": {"acceptable": "acceptable", "needs changes": "needs changes"},
        "states": {s.value: s.value for s in AssessmentState},
        # One date format per language, the engine's (the same as answers on pages).
        "months": list(MONTHS["en"]), "date_format": DATE_FORMATS["en"],
    },
    "es": {
        "draft": "BORRADOR", "draft_notice": "Borrador: no aprobado", "summary": "Resumen",
        "answers": "Respuestas", "review_record": "Registro de la revisión",
        "signoff": "Firmas", "department": "Departamento", "questionnaire": "Cuestionario",
        "version": "versión", "state": "Estado", "submitted": "Enviada",
        "approved": "Aprobada", "impact_level": "Nivel de impacto", "scores": "Puntuaciones",
        "score": "Puntuación", "value": "Valor", "maximum": "Máximo", "flags": "Alertas",
        "no_flags": "No se levantó ninguna alerta.", "no_level": "Aún sin determinar.",
        "not_answered": "Sin respuesta", "needs_correcting": "Hay que corregir esta respuesta",
        "decisions": "Decisiones", "when": "Cuándo", "who": "Quién", "what": "Qué",
        "note": "Nota", "comments": "Comentarios", "no_comments": "Sin comentarios.",
        "on_assessment": "Sobre toda la evaluación", "round": "envío",
        "addressed": "Atendido", "open": "Aún sin atender", "reply": "Respuesta",
        "verdicts": "Valoración de cada paso", "step": "Paso", "verdict": "Valoración",
        "conditions": "Condiciones de la aprobación", "no_conditions": "Ninguna.",
        "role": "Función", "name": "Nombre", "date": "Fecha", "signature": "Firma",
        "generated": "Generado", "group": "Grupo", "no_decisions": "Aún no hay decisiones.",
        "no_verdicts": "Ninguna.", "not_yet": "—",
        "severity": {"high": "Alta", "warning": "Aviso", "info": "Información"},
        "roles": {"director": "Director del departamento", "officer": "Oficial de equidad"},
        "verdict_words": {"acceptable": "aceptable", "needs changes": "necesita cambios"},
        "states": {
            "draft": "borrador", "awaiting sign-off": "en espera de firma",
            "submitted": "enviada", "in review": "en revisión", "returned": "devuelta",
            "resubmitted": "reenviada", "approved": "aprobada", "withdrawn": "retirada",
        },
        "months": list(MONTHS["es"]), "date_format": DATE_FORMATS["es"],
    },
}

# Characters XML 1.0 cannot hold (and \a, \f, which docxtpl turns into breaks) are dropped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def clean(text: str) -> str:
    """Text as a document can hold it: newlines normalised, control characters removed."""
    return _NOT_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def words_for(language: str) -> dict[str, Any]:
    return WORDS.get(language) or WORDS["en"]


def a_date(value: datetime | date | None, language: str, tz: ZoneInfo) -> dict | None:
    """{"iso": "2026-03-04", "text": "4 March 2026", "time": "14:05"} in the city's time."""
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.astimezone(tz)
    text = long_date(value, language)
    if isinstance(value, datetime):
        # To the second: HTML's datetime attribute takes at most three digits of fraction.
        return {"iso": value.isoformat(timespec="seconds"), "text": text,
                "time": value.strftime("%H:%M")}
    return {"iso": value.isoformat(), "text": text, "time": ""}


def build_context(*, assessment: Any, questionnaire: Questionnaire, department: str,
                  evaluation: Evaluation, record: ReviewRecord, timezone: str = "UTC",
                  now: datetime | None = None) -> dict[str, Any]:
    """The whole template context; see docs/export-templates.md for every key."""
    language = assessment.language or questionnaire.default_language
    tz = ZoneInfo(timezone)
    words = words_for(language)
    level = evaluation.level
    context = {
        "language": language,
        "words": words,
        "is_draft": assessment.state != AssessmentState.APPROVED,
        "generated": a_date(now or datetime.now(tz), language, tz),
        "assessment": {
            "id": assessment.id,
            "title": assessment.title,
            "department": department,
            "questionnaire": {"id": questionnaire.id, "title": questionnaire.title.get(language),
                              "version": questionnaire.version},
            "state": str(assessment.state),
            "state_label": _capitalised(words["states"].get(str(assessment.state),
                                                            str(assessment.state))),
            "submitted": a_date(assessment.submitted_at, language, tz),
            "approved": a_date(assessment.approved_at, language, tz),
            "conditions": assessment.conditions,
        },
        "level": None if level is None else {
            "id": level.id, "label": level.label.get(language),
            "description": level.description.get(language) if level.description else "",
        },
        "scores": [_score(s, s.label.get(language), evaluation.scores.get(s.id)
                          if evaluation.score_known(s.id) else None)  # None: not yet known
                   for s in questionnaire.scoring.scores],
        "flags": {severity: [flag.message.get(language) for flag in evaluation.flags
                             if flag.severity == severity] for severity in SEVERITIES},
        "sections": _sections(questionnaire, assessment, evaluation, language),
        "review": _review(questionnaire, assessment, record, language, tz),
        "signoff": _signoff(questionnaire, record, language, tz),
    }
    context["flag_groups"] = [
        {"severity": s, "label": words["severity"][s], "messages": context["flags"][s]}
        for s in SEVERITIES if context["flags"][s]
    ]
    return _cleaned(context)


def _capitalised(text: str) -> str:
    """A label on its own starts with a capital, as on the web: Approved, En revisión."""
    return text[:1].upper() + text[1:]


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return "" if value is None else f"{value:,}"


def _score(score: Any, label: str, value: Any) -> dict[str, Any]:
    return {"id": score.id, "label": label, "value": value, "value_text": _number(value),
            "max": score.max, "max_text": _number(score.max)}


def _sections(questionnaire, assessment, evaluation, language) -> list[dict[str, Any]]:
    return [
        {"id": section.id, "title": section.title.get(language),
         "questions": [_question(q, assessment, evaluation, questionnaire, language)
                       for q in section.questions
                       if q.answerable and evaluation.is_visible(q.id)]}
        for section in questionnaire.sections if section.id not in evaluation.hidden_sections
    ]


def _question(question: Question, assessment, evaluation, questionnaire, language) -> dict:
    raw = assessment.answers.get(question.id)
    other = (assessment.other_texts or {}).get(question.id) or None
    answer_type = TYPES[question.type]
    answered = not is_unanswered(raw)
    table = _table(question, raw, assessment.answers, questionnaire, language) \
        if answered and answer_type.shown_as == "table" else None
    answer = answer_type.display_with_other(question, raw, other, language) if answered else ""
    kind = "none" if not answered else (
        "table" if table else "markdown" if answer_type.shown_as == "markdown" else "text")
    return {
        "id": question.id, "type": question.type,
        "label": question.label.get(language) if question.label else question.id,
        "answered": answered, "answer": answer, "format": kind,
        "markdown": answer if kind == "markdown" else None,
        "table": table, "other": other, "problem": evaluation.invalid.get(question.id),
    }


def _table(question, raw, answers, questionnaire, language) -> dict | None:
    """{"header": [...], "rows": [[...], ...]}; a rows_from table starts with the group."""
    header = [c.label.get(language) if c.label else c.id for c in question.columns]
    if question.rows_from:
        header = [words_for(language)["group"], *header]
    rows = []
    for _key, label, row in table_rows(questionnaire, question, raw, answers, language):
        # Left out: a group never saved, a blank row. A saved group stays, even if empty.
        if not row or (not question.rows_from and is_unanswered(row)):
            continue
        cells = [TYPES[c.type].display(c, row.get(c.id), language) for c in question.columns]
        rows.append([label, *cells] if question.rows_from else cells)
    return {"header": header, "rows": rows,
            "markdown_columns": [i + (1 if question.rows_from else 0)
                                 for i, c in enumerate(question.columns)
                                 if TYPES[c.type].shown_as == "markdown"]} if rows else None


def _review(questionnaire, assessment, record: ReviewRecord, language, tz) -> dict[str, Any]:
    words = words_for(language)

    def state(value):
        return words["states"].get(value, value) if value else None

    def where(question_id):
        question = questionnaire.question(question_id) if question_id else None
        section = questionnaire.section_of(question_id) if question else None
        return (question.label.get(language) if question and question.label else None,
                section.title.get(language) if section else None)

    comments = []
    for c in record.comments:
        label, section = where(c.question_id)
        comments.append({
            "at": a_date(c.at, language, tz), "who": c.who, "body": c.body, "round": c.round,
            "question_id": c.question_id, "question": label or words["on_assessment"],
            "section": section, "addressed": c.addressed_at is not None,
            "addressed_at": a_date(c.addressed_at, language, tz),
            "addressed_by": c.addressed_by,
            "replies": [{"at": a_date(r.at, language, tz), "who": r.who, "body": r.body}
                        for r in c.replies],
        })
    return {
        "transitions": [
            {"at": a_date(t.at, language, tz), "who": t.who, "action": t.action,
             "from_state": state(t.from_state), "to_state": state(t.to_state),
             "note": t.note} for t in record.transitions],
        "comments": comments,
        "verdicts": [
            {"at": a_date(v.at, language, tz), "who": v.who, "round": v.round,
             "section": (questionnaire.section(v.section_id).title.get(language)
                         if questionnaire.section(v.section_id) else v.section_id),
             "verdict": words["verdict_words"].get(v.verdict, v.verdict)}
            for v in record.verdicts],
        "conditions": assessment.conditions,
    }


def _signoff(questionnaire, record: ReviewRecord, language, tz) -> list[dict[str, Any]]:
    """One line per signature the process needs, filled in once that step has happened."""
    words = words_for(language)
    needed = (["director"] if questionnaire.department_signoff else []) + ["officer"]
    actions = {"director": "signed off", "officer": "approved"}
    lines = []
    for role in needed:
        done = [t for t in record.transitions if t.action == actions[role]]
        last = done[-1] if done else None
        lines.append({"role": words["roles"][role], "name": last.who if last else "",
                      "date": a_date(last.at, language, tz) if last else None,
                      "signed": last is not None})
    return lines


def _cleaned(value: Any) -> Any:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {key: _cleaned(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_cleaned(item) for item in value]
    return value
