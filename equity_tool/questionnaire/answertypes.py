"""One class per question type, defined once end to end: which keys it takes, how a form's
input becomes an answer, how an answer is checked, what a missing answer is called, which
template macro and control show it, and how pages and documents show the answer.

`check` turns a stored answer into its value in expressions, or says why it is invalid.
Stored answers are JSON-like: text, numbers, 'YYYY-MM-DD' dates, lists, lists of mappings.
Invalid input is stored as typed (so it can be shown back) and checked here every time.
The form and template attributes are plain names (no web library here): the wizard's
macros in templates/macros/questions.html are found by `macro`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from . import values as v
from .messages import long_date, message
from .model import Question

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*\.[^\s]+$", re.IGNORECASE)


@dataclass(frozen=True)
class CheckContext:
    language: str | None
    today: dt.date
    values: dict[str, Any]  # values of earlier questions, for tables with rows_from


Checked = tuple[Any, str | None]  # (value in expressions, invalid message)


def is_unanswered(raw: Any) -> bool:
    """An empty string, an empty list and a missing answer are all unanswered."""
    if raw is None:
        return True
    if isinstance(raw, str):
        return raw.strip() == ""
    if isinstance(raw, list):
        return all(is_unanswered(item) for item in raw)
    if isinstance(raw, dict):
        return all(is_unanswered(item) for key, item in raw.items() if key != "row")
    return False


class AnswerType:
    name = ""
    keys: frozenset[str] = frozenset()
    scalar = True  # may be a table column

    multiple = False  # a form sends several values (checkboxes)
    # The form: the macro that draws the question, the control in a table cell, and for an
    # <input> its type, inputmode and autocomplete.
    macro = "text"
    cell_control = "input"
    input_type = "text"
    inputmode: str | None = None
    autocomplete: str | None = None
    # How an answer is read on pages and in documents: "text", "markdown" or "table".
    shown_as = "text"
    # The verb of the missing-answer message: "Enter an answer for …".
    missing_verb = "Enter"

    def check(self, question: Question, raw: Any, ctx: CheckContext) -> Checked:
        raise NotImplementedError

    def from_form(self, question: Question, values: list[str]) -> Any:
        """The answer to store from what a form sent; input that is not valid is kept as typed."""
        return values[0] if values else None

    def display(self, question: Question, raw: Any, language: str | None = None) -> str:
        return "" if is_unanswered(raw) else str(raw)

    def display_with_other(self, question: Question, raw: Any, other: str | None,
                           language: str | None = None) -> str:
        """The answer as read, with the text typed beside an "other" choice where it has one."""
        return self.display(question, raw, language)

    def options(self, question: Question, language: str | None = None) -> list[tuple[Any, str]]:
        """(value, label) for each option of a choice-like control, in order."""
        return []

    def missing_message(self, question: Question, language: str | None = None) -> str:
        label = question.label.get(language) if question.label else question.id
        return f"{self.missing_verb} an answer for “{label.strip()}”"


class TextType(AnswerType):
    name = "text"
    keys = frozenset({"min_length", "max_length", "pattern", "pattern_message"})

    def check(self, question, raw, ctx):
        if not isinstance(raw, str):
            return None, message("text", ctx.language)
        text = raw.strip()
        if question.min_length is not None and len(text) < question.min_length:
            return None, message("too_short", ctx.language, n=question.min_length)
        if question.max_length is not None and len(text) > question.max_length:
            return None, message("too_long", ctx.language, n=question.max_length)
        if question.pattern and not re.fullmatch(question.pattern, text):
            custom = question.pattern_message
            return None, custom.get(ctx.language) if custom else message("pattern", ctx.language)
        return text, None


class LongTextType(TextType):
    name = "long_text"
    keys = frozenset({"min_length", "max_length"})
    macro = "long_text"
    cell_control = "textarea"
    shown_as = "markdown"


def parse_number(text: str) -> Any:
    """1,500.50 or $1500 -> a number; anything else is kept as typed."""
    cleaned = text.strip().replace(",", "").replace("$", "").replace(" ", "")
    if re.fullmatch(r"[-+]?[0-9]{1,15}", cleaned):
        return int(cleaned)
    if re.fullmatch(r"[-+]?[0-9]{0,15}\.[0-9]{1,15}", cleaned):
        return float(cleaned)
    return text


class NumberType(AnswerType):
    name = "number"
    keys = frozenset({"min", "max", "integer", "unit"})
    inputmode = "decimal"

    def from_form(self, question, values):
        return parse_number(values[0]) if values and values[0].strip() else None

    def check(self, question, raw, ctx):
        if not v.is_number(raw):
            return None, message("number", ctx.language)
        if question.integer and int(raw) != raw:
            return None, message("integer", ctx.language)
        if question.min is not None and raw < question.min:
            return None, message("number_min", ctx.language, n=question.min)
        if question.max is not None and raw > question.max:
            return None, message("number_max", ctx.language, n=question.max)
        return v.plain_number(raw), None

    def display(self, question, raw, language=None):
        if is_unanswered(raw):
            return ""
        # Separators from 10,000 up: a year or a four-digit count reads as written (2023).
        text = f"{raw:,}" if v.is_number(raw) and abs(raw) >= 10_000 else str(raw)
        return f"{text} {question.unit.get(language)}" if question.unit else text


def date_bound(bound: Any, today: dt.date) -> dt.date | None:
    return today if bound == "today" else v.as_date(bound)


class DateType(AnswerType):
    name = "date"
    keys = frozenset({"min", "max"})
    input_type = "date"

    def check(self, question, raw, ctx):
        date = v.as_date(raw) if isinstance(raw, str) else None
        if date is None:
            return None, message("date", ctx.language)
        low, high = date_bound(question.min, ctx.today), date_bound(question.max, ctx.today)
        if low and date < low:
            return None, message("date_min", ctx.language, n=low.isoformat())
        if high and date > high:
            return None, message("date_max", ctx.language, n=high.isoformat())
        return date, None

    def display(self, question, raw, language=None):
        # A real date reads as words ("2 March 2027"); anything else is shown as typed.
        date = v.as_date(raw) if isinstance(raw, str) else None
        return long_date(date, language) if date else AnswerType.display(self, question, raw)


class EmailType(AnswerType):
    name = "email"
    input_type = "email"
    autocomplete = "email"

    def check(self, question, raw, ctx):
        if not isinstance(raw, str) or not _EMAIL.match(raw.strip()):
            return None, message("email", ctx.language)
        return raw.strip(), None


class UrlType(AnswerType):
    name = "url"
    input_type = "url"

    def check(self, question, raw, ctx):
        if not isinstance(raw, str) or not _URL.match(raw.strip()):
            return None, message("url", ctx.language)
        return raw.strip(), None


class YesNoType(AnswerType):
    name = "yes_no"
    keys = frozenset({"points", "labels"})
    macro = "yes_no"
    cell_control = "select"
    missing_verb = "Select"

    def check(self, question, raw, ctx):
        if raw not in ("yes", "no"):
            return None, message("yes_no", ctx.language)
        return raw, None

    def display(self, question, raw, language=None):
        if raw not in ("yes", "no"):
            return "" if is_unanswered(raw) else str(raw)
        labels = question.labels or {}
        return labels[raw].get(language) if raw in labels else message(raw, language)

    def options(self, question, language=None):
        return [(answer, self.display(question, answer, language)) for answer in ("yes", "no")]


class ChoiceType(AnswerType):
    """Single and multiple choice: an "other" text is read after the choice it describes."""

    missing_verb = "Select"

    def display_with_other(self, question, raw, other, language=None):
        picked = raw if isinstance(raw, list) else [raw]
        labels = [c.label.get(language) + (f": {other}" if other and c.other else "")
                  for c in question.choices if c.value in picked]
        return "; ".join(labels) if labels else self.display(question, raw, language)

    def options(self, question, language=None):
        return [(c.value, c.label.get(language)) for c in question.choices]


class SingleChoiceType(ChoiceType):
    name = "single_choice"
    keys = frozenset({"choices", "display"})
    macro = "single_choice"
    cell_control = "select"

    def check(self, question, raw, ctx):
        if not isinstance(raw, str) or question.choice(raw) is None:
            return None, message("choice", ctx.language)
        return raw, None

    def display(self, question, raw, language=None):
        choice = question.choice(raw) if isinstance(raw, str) else None
        return choice.label.get(language) if choice else AnswerType.display(self, question, raw)


class MultiChoiceType(ChoiceType):
    name = "multi_choice"
    keys = frozenset({"choices", "min_selected", "max_selected"})
    multiple = True
    macro = "multi_choice"
    cell_control = "checkboxes"

    def from_form(self, question, values):
        return [v for v in values if v] or None

    def check(self, question, raw, ctx):
        picked = [raw] if isinstance(raw, str) else raw
        if not isinstance(picked, list) or not all(isinstance(p, str) for p in picked):
            return None, message("choices", ctx.language)
        picked = [p for p in picked if p.strip()]
        choices = [question.choice(p) for p in picked]
        if any(c is None for c in choices) or len(set(picked)) != len(picked):
            return None, message("choices", ctx.language)
        exclusive = next((c for c in choices if c.exclusive), None)
        if exclusive and len(choices) > 1:
            return None, message("exclusive", ctx.language, label=exclusive.label.get(ctx.language))
        if question.min_selected and len(picked) < question.min_selected and not exclusive:
            return None, message("min_selected", ctx.language, n=question.min_selected)
        if question.max_selected and len(picked) > question.max_selected:
            return None, message("max_selected", ctx.language, n=question.max_selected)
        order = [c.value for c in question.choices]
        return sorted(picked, key=order.index), None

    def display(self, question, raw, language=None):
        picked = raw if isinstance(raw, list) else [raw] if isinstance(raw, str) else []
        labels = [c.label.get(language) for c in question.choices if c.value in picked]
        return "; ".join(labels)


class ScaleType(AnswerType):
    name = "scale"
    keys = frozenset({"min", "max", "labels"})
    macro = "scale"
    cell_control = "select"
    missing_verb = "Select"

    @staticmethod
    def bounds(question: Question) -> tuple[int, int]:
        low = 1 if question.min is None else question.min
        return low, 5 if question.max is None else question.max

    def from_form(self, question, values):
        return parse_number(values[0]) if values and values[0].strip() else None

    def check(self, question, raw, ctx):
        low, high = self.bounds(question)
        if not v.is_number(raw) or int(raw) != raw or not low <= raw <= high:
            return None, message("scale", ctx.language, a=low, b=high)
        return int(raw), None

    def display(self, question, raw, language=None):
        text = AnswerType.display(self, question, raw)
        label = (question.labels or {}).get(raw) if v.is_number(raw) else None
        return f"{text} ({label.get(language)})" if label else text

    def options(self, question, language=None):
        low, high = self.bounds(question)
        return [(n, str(n)) for n in range(low, high + 1)]


class InfoType(AnswerType):
    name = "info"
    keys = frozenset({"text"})
    scalar = False
    macro = "info"

    def check(self, question, raw, ctx):
        return None, None


class TableType(AnswerType):
    name = "table"
    keys = frozenset({"columns", "min_rows", "max_rows", "rows_from", "tracks"})
    scalar = False
    macro = "table"
    shown_as = "table"
    missing_verb = "Complete"

    def rows(self, question: Question, raw: Any, ctx: CheckContext) -> list[dict] | None:
        """The rows to check: as given, or one per choice picked in the `rows_from` question."""
        if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
            return None
        if not question.rows_from:
            return [row for row in raw if not is_unanswered(row)]
        picked = ctx.values.get(question.rows_from) or []
        return [{**row, "row": value} for value, row in rows_by_choice(raw, picked)]

    def check(self, question, raw, ctx):
        rows = self.rows(question, raw, ctx)
        if rows is None:
            return None, message("table", ctx.language)
        if not rows or all(is_unanswered(row) for row in rows):
            return None, None
        checked = []
        for number, row in enumerate(rows, start=1):
            value, problem = self._check_row(question, row, ctx)
            if problem:
                return None, f"{self.row_name(question, row, number, ctx.language)}, {problem}"
            checked.append(value)
        if question.min_rows and len(checked) < question.min_rows:
            return None, message("min_rows", ctx.language, n=question.min_rows)
        if question.max_rows and len(checked) > question.max_rows:
            return None, message("max_rows", ctx.language, n=question.max_rows)
        return checked, None

    def _check_row(self, question: Question, row: dict, ctx: CheckContext) -> Checked:
        known = {c.id for c in question.columns} | ({"row"} if question.rows_from else set())
        unknown = [key for key in row if key not in known]
        if unknown:
            return None, message("unknown_column", ctx.language, n=unknown[0])
        value: dict[str, Any] = {"row": row["row"]} if question.rows_from else {}
        for column in question.columns:
            cell = row.get(column.id)
            label = column.label.get(ctx.language) if column.label else column.id
            if is_unanswered(cell):
                if column.required is True:
                    return None, f"{label}: {message('cell_required', ctx.language)}"
                value[column.id] = None
                continue
            cell_value, problem = TYPES[column.type].check(column, cell, ctx)
            if problem:
                return None, f"{label}: {problem}"
            value[column.id] = cell_value
        return value, None

    @staticmethod
    def row_name(question: Question, row: dict, number: int, language: str | None) -> str:
        name = message("row", language, n=number)
        source = question.rows_from and row.get("row")
        return name if not source else f"{name} ({source})"

    def display(self, question, raw, language=None):
        if not isinstance(raw, list):
            return AnswerType.display(self, question, raw)
        lines = []
        for row in raw:
            if not isinstance(row, dict) or is_unanswered(row):
                continue
            cells = [
                f"{(c.label.get(language) if c.label else c.id)}: "
                f"{TYPES[c.type].display(c, row.get(c.id), language)}"
                for c in question.columns
                if not is_unanswered(row.get(c.id))
            ]
            lines.append("; ".join(cells))
        return "\n".join(lines)


def stored_rows(raw: Any) -> dict[str, dict]:
    """A `rows_from` table's stored rows, by the choice each belongs to."""
    if not isinstance(raw, list):
        return {}
    return {row.get("row"): row for row in raw if isinstance(row, dict)}


def picked_values(source: Question, answer: Any) -> list[str]:
    """The choices of `source` picked in `answer`, in the order the questionnaire lists them."""
    picked = answer if isinstance(answer, list) else []
    return [c.value for c in source.choices if c.value in picked]


def rows_by_choice(raw: Any, picked: list[str]) -> list[tuple[str, dict]]:
    """The rows of a `rows_from` table: one per picked choice value, in `picked`'s order, each
    the row stored for it or an empty one. Rows of choices no longer picked are left out here
    but stay stored, so picking the choice again brings its row back."""
    stored = stored_rows(raw)
    return [(value, stored.get(value, {})) for value in picked]


def table_rows(questionnaire: Any, question: Question, raw: Any, answers: dict,
               language: str | None = None) -> list[tuple[str, str, dict]]:
    """(key, label, row) for each row of a table answer, the one way every page, form and
    document lists them: a `rows_from` table has a row per choice still picked there (empty
    if nothing was typed for it), keyed by the choice's value and labelled with it; any other
    table has its stored rows, keyed by position and labelled "Row 1", "Row 2"…"""
    if question.rows_from:
        source = questionnaire.question(question.rows_from)
        picked = picked_values(source, answers.get(question.rows_from))
        return [(value, source.choice(value).label.get(language), row)
                for value, row in rows_by_choice(raw, picked)]
    stored = [row for row in raw if isinstance(row, dict)] if isinstance(raw, list) else []
    return [(str(i), f"Row {i + 1}", row) for i, row in enumerate(stored)]


TYPES: dict[str, AnswerType] = {
    t.name: t
    for t in (
        TextType(),
        LongTextType(),
        NumberType(),
        DateType(),
        EmailType(),
        UrlType(),
        YesNoType(),
        SingleChoiceType(),
        MultiChoiceType(),
        ScaleType(),
        TableType(),
        InfoType(),
    )
}
