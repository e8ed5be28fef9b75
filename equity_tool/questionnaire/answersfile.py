"""Read a YAML answers file (question id -> answer) for `questionnaires score` and tests."""

from __future__ import annotations

from typing import Any

from .model import Question, Questionnaire
from .problems import Problem, Problems, did_you_mean
from .yamlfile import YAMLLoadError, YList, YMap, parse

# Answers to these types are text: an unquoted 02134 or 2026 stays as written.
_TEXT_TYPES = {"text", "long_text", "email", "url", "date", "single_choice", "yes_no"}


def read_answers(questionnaire: Questionnaire, text: str, path: str):
    """(answers, problems): the answers as the tool stores them, or the problems found."""
    problems = Problems(path)
    try:
        root = parse(text)
    except YAMLLoadError as exc:
        problems.error(exc.position, exc.message)
        return None, problems.items
    if root is None:
        return {}, []
    if not isinstance(root, YMap):
        problems.error((1, 1), "an answers file must be a mapping of question id to answer")
        return None, problems.items
    answers = {}
    for key in root:
        question = questionnaire.question(key)
        if question is None or not question.answerable:
            ids = [q.id for q in questionnaire.questions() if q.answerable]
            problems.error(
                root.key_at(key),
                f"'{key}' is not a question of {questionnaire.id}{did_you_mean(key, ids)}",
            )
            continue
        answers[key] = _answer(question, root[key], root.raw.get(key))
    return (None if problems.items else answers), problems.items


def _answer(question: Question, value: Any, raw: str | None) -> Any:
    if question.type in _TEXT_TYPES and raw is not None and value is not None:
        return raw
    if question.type == "multi_choice" and isinstance(value, YList):
        return [
            r if r is not None and v is not None else v
            for v, r in zip(value, value.raw, strict=True)
        ]
    if question.type == "table" and isinstance(value, YList):
        return [_row(question, row) for row in value]
    return value


def _row(table: Question, row: Any) -> Any:
    if not isinstance(row, YMap):
        return row
    columns = {c.id: c for c in table.columns}
    return {
        key: _answer(columns[key], row[key], row.raw.get(key))
        if key in columns
        else row.raw.get(key, row[key])
        for key in row
    }


__all__ = ["Problem", "read_answers"]
