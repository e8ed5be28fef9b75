"""What of an assessment the public may see: its questionnaire and answers without anything
marked `private: true`.

Pure: no database, no Flask. Evaluation (visibility, scores, the level, flags) still runs on
the whole questionnaire and every answer; only what is shown is filtered, here, once, so that
the register's pages, its .docx, its feeds and its search all read the same filtered answers.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from equity_tool.questionnaire import Question, Questionnaire


def private_ids(questionnaire: Questionnaire) -> frozenset[str]:
    """The questions never shown to the public: those marked private, and tables whose rows
    are named after a private question's answer (their group labels would repeat it)."""
    # Frozen dataclass: kept on the instance, as Questionnaire keeps its question index.
    found = questionnaire.__dict__.get("_private_ids")
    if found is None:
        marked = {q.id for q in questionnaire.questions() if q.private}
        grouped = {q.id for q in questionnaire.questions() if q.rows_from in marked}
        found = frozenset(marked | grouped)
        object.__setattr__(questionnaire, "_private_ids", found)
    return found


def public_questionnaire(questionnaire: Questionnaire) -> Questionnaire:
    """`questionnaire` without its private questions and private table columns."""
    hidden = private_ids(questionnaire)
    sections = tuple(
        dataclasses.replace(section, questions=tuple(
            _public_question(q) for q in section.questions if q.id not in hidden))
        for section in questionnaire.sections)
    return dataclasses.replace(questionnaire, sections=sections)


def _public_question(question: Question) -> Question:
    if not any(column.private for column in question.columns):
        return question
    return dataclasses.replace(
        question, columns=tuple(c for c in question.columns if not c.private))


def public_answers(questionnaire: Questionnaire, answers: dict[str, Any]) -> dict[str, Any]:
    """The answers without private questions' and private columns' values."""
    hidden = private_ids(questionnaire)
    shown: dict[str, Any] = {}
    for question_id, value in answers.items():
        question = questionnaire.question(question_id)
        if question_id in hidden or question is None:
            continue  # an answer to no question of this version is nobody's to publish
        shown[question_id] = _without_private_cells(question, value)
    return shown


def _without_private_cells(question: Question, value: Any) -> Any:
    private = {c.id for c in question.columns if c.private}
    if not private:
        return value
    if isinstance(value, list):  # a table's rows
        return [{k: v for k, v in row.items() if k not in private} if isinstance(row, dict)
                else row for row in value]
    if isinstance(value, dict):  # rows_from: group value -> row
        return {key: {k: v for k, v in row.items() if k not in private}
                if isinstance(row, dict) else row for key, row in value.items()}
    return value


def public_other_texts(questionnaire: Questionnaire, other_texts: dict[str, str]) -> dict:
    hidden = private_ids(questionnaire)
    return {k: v for k, v in (other_texts or {}).items() if k not in hidden}


def is_private(questionnaire: Questionnaire, question_id: str | None) -> bool:
    """Whether the question `question_id` (a start question, a tracked table, ...) is hidden
    from the public; unknown ids count as private."""
    return question_id is None or question_id in private_ids(questionnaire) \
        or questionnaire.question(question_id) is None


def private_column(question: Question | None, column_id: str | None) -> bool:
    if question is None or column_id is None:
        return True
    return any(c.id == column_id and c.private for c in question.columns)
