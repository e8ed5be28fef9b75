"""Follow-up: which rows of an assessment's tracked tables become follow-up items, and when
the department reviews the assessment again (the format's "Follow-up and publishing").

Pure functions of a questionnaire and stored answers. Visibility is the engine's own
(`evaluate`): a row counts only when its table, and the table's section, are shown. Values are
read from the answers as stored, not through the questions' rules: a due date or a next-review
date stays what it is once it has passed, although `min: today` would now refuse it.
Choices made where the format is silent are in docs/questionnaire-engine.md ("Follow-up").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .answertypes import is_unanswered, picked_values
from .evaluate import evaluate
from .messages import message
from .model import Question, Questionnaire
from .values import as_date, is_number, plain_number


@dataclass(frozen=True)
class TrackedRow:
    """A visible, non-empty row of a table with `tracks`: what becomes a follow-up item."""

    question_id: str
    position: int  # 1-based position among the table's rows as stored (stable key with question_id)
    kind: str  # "commitment" or "measure"
    title: str  # never blank: "Row N" (or a rows_from row's choice) when the cell is empty
    owner: str | None
    due: dt.date | None  # None when the cell is empty or not a real date
    baseline: str | None  # as text; a number as people write it (52, not 52.0)
    target: str | None
    values: dict = field(hash=False)  # the row as stored (a copy)

    @property
    def key(self) -> tuple[str, int]:
        """What matches an item to its row again after a reopening: (question id, position)."""
        return self.question_id, self.position


def tracked_rows(
    questionnaire: Questionnaire, answers: dict[str, Any], today: dt.date | None = None
) -> list[TrackedRow]:
    """Every visible, non-empty row of every table with `tracks`, tables in file order.

    A row is non-empty when at least one of the table's columns has a non-blank cell. Rows of
    a plain table come in stored order; a `rows_from` table gives one row per choice still
    picked, in the choices' order, and rows of choices no longer picked are ignored. `today`
    is the day visibility is judged on (a `show_if` may use `today`).
    """
    tables = questionnaire.tracked_questions()
    if not tables:
        return []
    evaluation = evaluate(questionnaire, answers, today=today)
    rows: list[TrackedRow] = []
    for table in tables:
        if table.id in evaluation.hidden:
            continue
        raw = answers.get(table.id)
        stored = raw if isinstance(raw, list) else []
        for index, label in _row_order(questionnaire, table, stored, evaluation.values):
            row = stored[index]
            if any(not is_unanswered(row.get(c.id)) for c in table.columns):
                rows.append(_tracked(questionnaire, table, index + 1, row, label))
    return rows


def next_review_date(
    questionnaire: Questionnaire, answers: dict[str, Any], today: dt.date | None = None
) -> dt.date | None:
    """The date named by `follow_up: {next_review: ...}`, or None when the file names no
    question, or the question is hidden, unanswered or not a real date."""
    question_id = questionnaire.next_review
    if not question_id:
        return None
    if question_id in evaluate(questionnaire, answers, today=today).hidden:
        return None
    return _date(answers.get(question_id))


def _row_order(
    questionnaire: Questionnaire, table: Question, stored: list, values: dict[str, Any]
) -> list[tuple[int, str | None]]:
    """(index in `stored`, the label of its rows_from choice or None) for each row, in the
    order pages show them."""
    if not table.rows_from:
        return [(index, None) for index, row in enumerate(stored) if isinstance(row, dict)]
    source = questionnaire.question(table.rows_from)
    if source is None:
        return []
    picked = picked_values(source, values.get(table.rows_from))  # null when hidden or invalid
    where: dict[str, int] = {}
    for index, row in enumerate(stored):
        if isinstance(row, dict) and row.get("row") in picked:
            where[row["row"]] = index  # the last one, as the tables themselves read it
    language = questionnaire.default_language
    return [(where[value], source.choice(value).label.get(language))
            for value in picked if value in where]


def _tracked(
    questionnaire: Questionnaire, table: Question, position: int, row: dict, label: str | None
) -> TrackedRow:
    tracks = table.tracks
    assert tracks is not None

    def cell(column_id: str | None) -> str | None:
        return _text(row.get(column_id)) if column_id else None

    title = cell(tracks.title)
    if title is None:
        fallback = message("row", questionnaire.default_language, n=position)
        title = label or fallback
    return TrackedRow(
        question_id=table.id,
        position=position,
        kind=tracks.kind,
        title=title,
        owner=cell(tracks.owner),
        due=_date(row.get(tracks.due)) if tracks.due else None,
        baseline=cell(tracks.baseline),
        target=cell(tracks.target),
        values=dict(row),
    )


def _text(value: Any) -> str | None:
    """A cell as text: None when blank, a number as people write it (52, 7.5, not 52.0)."""
    if is_unanswered(value):
        return None
    if is_number(value):
        return str(plain_number(value))
    return value.strip() if isinstance(value, str) else str(value)


def _date(value: Any) -> dt.date | None:
    return as_date(value.strip()) if isinstance(value, str) else None
