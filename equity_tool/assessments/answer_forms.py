"""Turn a posted step form into answers, refusing anything the page did not offer.

Field names: a question's id (`groups`); the text beside an "other" choice (`groups--other`);
a table cell (`matrix--2--burden`, or `matrix--black--burden` for a rows_from table) and a
table's row count (`matrix--rows`). Anything else in a post is an error, not ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from equity_tool.core.exceptions import BadRequest
from equity_tool.questionnaire import TYPES, Question, Questionnaire, Section, stored_rows

SEP = "--"
MAX_FIELD_CHARS = 100_000
MAX_ROWS = 200
META_FIELDS = {"csrf_token", "revision", "action"}
ACTIONS = {"continue", "save", "add-row", "remove-row"}


class BadForm(BadRequest):
    """The post does not match the page; the message names what is wrong (400)."""


@dataclass
class SectionForm:
    revision: int
    action: str = "continue"
    target: str | None = None  # the table a row action is for
    row: int | None = None
    answers: dict[str, Any] = field(default_factory=dict)
    other_texts: dict[str, str] = field(default_factory=dict)


def parse_section_form(
    questionnaire: Questionnaire, section: Section, form, stored: dict[str, Any]
) -> SectionForm:
    """The answers of one step as sent; `form` is a MultiDict, `stored` the saved answers."""
    parsed = SectionForm(revision=_revision(form))
    _action(parsed, form.get("action", "continue"), section)
    allowed = set(META_FIELDS)
    for question in section.questions:
        if not question.answerable:
            continue
        if question.type == "table":
            parsed.answers[question.id] = _table(questionnaire, question, form, stored, allowed)
        else:
            allowed.add(question.id)
            parsed.answers[question.id] = _value(question, form, question.id)
            if any(c.other for c in question.choices):
                name = f"{question.id}{SEP}other"
                allowed.add(name)
                parsed.other_texts[question.id] = _single(form, name) or ""
    _refuse_unknown(form, allowed)
    return parsed


def is_count(text: str) -> bool:
    """Plain ASCII digits: `str.isdigit` alone also accepts "²" and "١", which `int` refuses
    or reads as another number."""
    return text.isascii() and text.isdigit()


def _revision(form) -> int:
    return parse_revision(_single(form, "revision"))


def parse_revision(text: str | None) -> int:
    """The revision a form was based on; BadForm (400) for anything but plain ASCII digits."""
    if text is None or not is_count(text) or len(text) > 9:
        raise BadForm(
            "The form did not say which version of the assessment it was based on. "
            "Reload the page and try again."
        )
    return int(text)


def _action(parsed: SectionForm, action: str, section: Section) -> None:
    name, *rest = action.split(SEP)
    tables = {q.id for q in section.questions if q.type == "table"}
    valid = name in ACTIONS and (
        (name in ("continue", "save") and not rest)
        or (name == "add-row" and len(rest) == 1 and rest[0] in tables)
        or (name == "remove-row" and len(rest) == 2 and rest[0] in tables and is_count(rest[1]))
    )
    if not valid:
        raise BadForm(f"The button '{action[:60]}' is not on this page.")
    parsed.action = name
    if rest:
        parsed.target = rest[0]
        parsed.row = int(rest[1]) if len(rest) == 2 else None


def _single(form, name: str) -> str | None:
    values = form.getlist(name)
    if len(values) > 1:
        raise BadForm(f"The field '{name}' was sent more than once.")
    if values and len(values[0]) > MAX_FIELD_CHARS:
        raise BadForm(
            f"The answer in '{name}' is too long: the limit is {MAX_FIELD_CHARS:,} characters."
        )
    return values[0] if values else None


def _value(question: Question, form, name: str) -> Any:
    answer_type = TYPES[question.type]
    if answer_type.multiple:
        values = form.getlist(name)
        if len(values) > len(question.choices) or any(len(v) > 200 for v in values):
            raise BadForm(f"The field '{name}' sent more options than it offers.")
    else:
        single = _single(form, name)
        values = [] if single is None else [single]
    return answer_type.from_form(question, values)


def _table(questionnaire: Questionnaire, question: Question, form, stored, allowed) -> Any:
    if question.rows_from:
        return _rows_from_table(questionnaire, question, form, stored, allowed)
    count_name = f"{question.id}{SEP}rows"
    allowed.add(count_name)
    text = _single(form, count_name) or "0"
    if not is_count(text) or len(text) > 4 or int(text) > MAX_ROWS:
        raise BadForm(f"A table may have at most {MAX_ROWS} rows.")
    rows = []
    for index in range(int(text)):
        rows.append(_row(question, form, f"{question.id}{SEP}{index}", allowed))
    return rows


def _rows_from_table(questionnaire, question, form, stored, allowed) -> list[dict]:
    """One row per choice of the source question; rows of unpicked choices are kept."""
    source = questionnaire.question(question.rows_from)
    kept = stored_rows(stored.get(question.id))
    # The rows the page showed: field names are TABLE--CHOICE--COLUMN.
    sent = {name.split(SEP)[1] for name in form
            if name.startswith(question.id + SEP) and name.count(SEP) == 2}
    for choice in source.choices:
        prefix = f"{question.id}{SEP}{choice.value}"
        if choice.value in sent:
            kept[choice.value] = {"row": choice.value, **_row(question, form, prefix, allowed)}
    return [kept[c.value] for c in source.choices if c.value in kept]


def _row(question: Question, form, prefix: str, allowed: set[str]) -> dict[str, Any]:
    row = {}
    for column in question.columns:
        name = f"{prefix}{SEP}{column.id}"
        allowed.add(name)
        row[column.id] = _value(column, form, name)
    return row


def _refuse_unknown(form, allowed: set[str]) -> None:
    unknown = sorted(name for name in form if name not in allowed)
    if unknown:
        raise BadForm(
            f"The form sent a field this page does not have: '{unknown[0][:80]}'. "
            "Reload the page and try again."
        )


def apply_row_action(parsed: SectionForm) -> None:
    """Add an empty row to a table, or remove one, before saving."""
    if parsed.action not in ("add-row", "remove-row"):
        return
    rows = list(parsed.answers.get(parsed.target) or [])
    if parsed.action == "add-row" and len(rows) < MAX_ROWS:
        rows.append({})
    elif parsed.action == "remove-row" and parsed.row is not None and parsed.row < len(rows):
        del rows[parsed.row]
    parsed.answers[parsed.target] = rows
