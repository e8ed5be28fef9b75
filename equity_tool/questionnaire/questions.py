"""Read one question (and its choices or table columns) from its YAML mapping.

Expressions are compiled later, once every question is known, because `validate` rules may
name any question in the file; see `schema.compile_expressions`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from typing import Any

from .answertypes import TYPES, CheckContext, is_unanswered
from .model import Choice, Question, Tracks
from .problems import article, did_you_mean
from .reader import Reader
from .values import as_date
from .yamlfile import YList, YMap

COMMON_KEYS = {
    "id", "type", "label", "help", "required", "show_if", "default", "placeholder",
    "review_guidance", "validate", "private",
}  # fmt: skip
CHOICE_KEYS = {"value", "label", "points", "exclusive", "other"}
_CHOICE_VALUE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_ALL_TYPE_KEYS = {key for t in TYPES.values() for key in t.keys}
_TEXT_TYPES = {"text", "long_text"}


def read_question(reader: Reader, node: Any, choice_lists: dict, column: bool = False):
    """A Question without its expressions, or None when it cannot be read at all."""
    what = "a table column" if column else "a question"
    if not isinstance(node, YMap):
        return None
    question_id = reader.identifier(node, "id", f"the id of {what}") or ""
    type_name = reader.text_value(node, "type")
    if type_name not in TYPES:
        _unknown_type(reader, node, type_name, column)
        # Keep the id (with no type), so expressions naming it do not add errors of their own.
        return Question(id=question_id, type="", line=node.position[0]) if question_id else None
    answer_type = TYPES[type_name]
    if column and not answer_type.scalar:
        reader.problems.error(node.at("type"), f"a table column cannot be of type '{type_name}'")
        return None
    _check_keys(reader, node, answer_type.keys, type_name, column)
    fields: dict[str, Any] = {
        "id": question_id,
        "type": type_name,
        "line": node.position[0],
        "label": reader.text(node, "label", f"the label of {what}", required=type_name != "info"),
        "help": reader.text(node, "help", "help"),
        "placeholder": reader.text(node, "placeholder", "placeholder"),
        "review_guidance": reader.text(node, "review_guidance", "review_guidance"),
    }
    if column and isinstance(node.get("required"), bool):
        fields["required"] = node["required"]
    if "private" in node:
        fields["private"] = reader.boolean(node, "private", "private")
    fields.update(_TYPE_READERS.get(type_name, _no_keys)(reader, node, choice_lists))
    question = Question(**fields)
    default = _checked_default(reader, node, question)
    return question if default is None else replace(question, default=default)


def _unknown_type(reader: Reader, node: YMap, type_name: Any, column: bool) -> None:
    if "type" not in node:
        reader.problems.error(node.position, "a question needs the key 'type'")
        return
    allowed = [n for n, t in TYPES.items() if t.scalar or not column]
    reader.problems.error(
        node.at("type"),
        f"unknown question type '{type_name}'{did_you_mean(str(type_name), allowed)}; "
        f"the types are {', '.join(allowed)}",
    )


def _check_keys(reader: Reader, node: YMap, type_keys: frozenset, type_name: str, column: bool):
    for key in node:
        if key in type_keys or key in COMMON_KEYS:
            if column and key in ("show_if", "validate"):
                reader.problems.error(node.key_at(key), f"a table column cannot have '{key}'")
            elif column and key == "required" and not isinstance(node[key], bool):
                reader.problems.error(
                    node.at(key), "a table column's 'required' must be true or false"
                )
            continue
        if key in _ALL_TYPE_KEYS:
            owners = sorted(n for n, t in TYPES.items() if key in t.keys)
            reader.problems.error(
                node.key_at(key),
                f"'{key}' does not apply to a {type_name} question (it is for {', '.join(owners)})",
            )
        else:
            hint = did_you_mean(key, COMMON_KEYS | type_keys)
            reader.problems.error(node.key_at(key), f"unknown key '{key}' in a question{hint}")
    if "id" not in node:
        reader.problems.error(node.position, "a question needs the key 'id'")


def _no_keys(reader, node, choice_lists) -> dict:
    return {}


def _lengths(reader: Reader, node: YMap, choice_lists) -> dict:
    fields = {
        "min_length": reader.number(node, "min_length", "min_length", integer=True),
        "max_length": reader.number(node, "max_length", "max_length", integer=True),
    }
    _ordered(reader, node, fields["min_length"], fields["max_length"], "min_length", "max_length")
    return fields


def _text(reader: Reader, node: YMap, choice_lists) -> dict:
    fields = _lengths(reader, node, choice_lists)
    pattern = reader.text_value(node, "pattern")
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as exc:
            reader.problems.error(
                node.at("pattern"), f"pattern is not a valid regular expression: {exc}"
            )
            pattern = None
    fields["pattern"] = pattern
    fields["pattern_message"] = reader.text(node, "pattern_message", "pattern_message")
    return fields


def _number(reader: Reader, node: YMap, choice_lists) -> dict:
    fields = {
        "min": reader.number(node, "min", "min"),
        "max": reader.number(node, "max", "max"),
        "integer": reader.boolean(node, "integer", "integer") if "integer" in node else False,
        "unit": reader.text(node, "unit", "unit"),
    }
    _ordered(reader, node, fields["min"], fields["max"], "min", "max")
    return fields


def _date(reader: Reader, node: YMap, choice_lists) -> dict:
    fields = {}
    for key in ("min", "max"):
        value = reader.text_value(node, key)
        if key in node and value != "today" and as_date(value) is None:
            reader.problems.error(node.at(key), f"{key} must be a date like 2026-03-27, or today")
            value = None
        fields[key] = value
    if as_date(fields["min"]) and as_date(fields["max"]):
        _ordered(reader, node, as_date(fields["min"]), as_date(fields["max"]), "min", "max")
    return fields


def _yes_no(reader: Reader, node: YMap, choice_lists) -> dict:
    fields: dict[str, Any] = {}
    points = reader.mapping(node, "points", "points")
    if points is not None:
        reader.keys(points, {"yes", "no"}, set(), "points")
        fields["points"] = {k: reader.number(points, k, f"points for {k}") or 0 for k in points}
    labels = reader.mapping(node, "labels", "labels")
    if labels is not None:
        reader.keys(labels, {"yes", "no"}, set(), "labels")
        fields["labels"] = {k: reader.text(labels, k, f"the label for {k}") for k in labels}
    return fields


def _scale(reader: Reader, node: YMap, choice_lists) -> dict:
    low = reader.number(node, "min", "min", integer=True)
    high = reader.number(node, "max", "max", integer=True)
    _ordered(reader, node, low, high, "min", "max")
    fields: dict[str, Any] = {"min": low, "max": high}
    labels = reader.mapping(node, "labels", "labels")
    if labels is not None:
        fields["labels"] = {}
        bottom, top = 1 if low is None else low, 5 if high is None else high
        for key in labels:
            if not re.fullmatch(r"-?[0-9]+", key) or not bottom <= int(key) <= top:
                reader.problems.error(
                    labels.key_at(key),
                    f"a scale label's key must be a whole "
                    f"number from {bottom} to {top}, not '{key}'",
                )
                continue
            fields["labels"][int(key)] = reader.text(labels, key, f"the label for {key}")
    return fields


def _ordered(reader: Reader, node: YMap, low, high, low_key: str, high_key: str) -> None:
    if low is not None and high is not None and low > high:
        reader.problems.error(node.at(high_key), f"{high_key} must not be less than {low_key}")


def _choice_question(reader: Reader, node: YMap, choice_lists: dict) -> dict:
    fields: dict[str, Any] = {"choices": _choices(reader, node, choice_lists)}
    if "display" in node:
        fields["display"] = reader.choice_of(node, "display", ("radio", "select"), "display")
    for key in ("min_selected", "max_selected"):
        if key in node:
            fields[key] = reader.number(node, key, key, integer=True)
    _ordered(
        reader,
        node,
        fields.get("min_selected"),
        fields.get("max_selected"),
        "min_selected",
        "max_selected",
    )
    return fields


def _choices(reader: Reader, node: YMap, choice_lists: dict) -> tuple[Choice, ...]:
    value = node.get("choices")
    if "choices" not in node:
        reader.problems.error(node.position, "a choice question needs the key 'choices'")
        return ()
    if isinstance(value, str):
        if value not in choice_lists:
            hint = did_you_mean(value, choice_lists)
            reader.problems.error(
                node.at("choices"), f"there is no choice list named '{value}' in choice_lists{hint}"
            )
            return ()
        return choice_lists[value]
    if not isinstance(value, YList):
        reader.problems.error(
            node.at("choices"), "choices must be a list, or the name of a list in choice_lists"
        )
        return ()
    return read_choices(reader, value)


def read_choices(reader: Reader, items: YList) -> tuple[Choice, ...]:
    """A list of choices; values must be identifier-like and unique in the list."""
    choices, seen = [], set()
    if not items:
        reader.problems.error(items.position, "a list of choices needs at least one choice")
    for index, item in enumerate(items):
        if not isinstance(item, YMap):
            reader.problems.error(
                items.at(index), "a choice must be a mapping like {value: low, label: Low}"
            )
            continue
        reader.keys(item, CHOICE_KEYS, {"value", "label"}, "a choice")
        value = reader.text_value(item, "value")
        if "value" in item and (value is None or not _CHOICE_VALUE.match(value)):
            reader.problems.error(
                item.at("value"),
                "a choice's value must be a short code of "
                "letters, digits, _ and -, like 'none_known'",
            )
        elif value in seen:
            reader.problems.error(
                item.at("value"), f"the value '{value}' is used twice in this list of choices"
            )
        seen.add(value)
        choices.append(
            Choice(
                value=value or "",
                label=reader.text(item, "label", "a choice's label") or _blank(reader),
                points=reader.number(item, "points", "points"),
                exclusive=reader.boolean(item, "exclusive", "exclusive")
                if "exclusive" in item
                else False,
                other=reader.boolean(item, "other", "other") if "other" in item else False,
            )
        )
    return tuple(choices)


def _blank(reader: Reader):
    from .model import Text

    return Text({reader.languages[0]: ""}, reader.languages[0])


def _table(reader: Reader, node: YMap, choice_lists: dict) -> dict:
    columns_node = reader.listing(node, "columns", "columns")
    columns, seen = [], set()
    if "columns" not in node:
        reader.problems.error(node.position, "a table needs the key 'columns'")
    for item in columns_node or []:
        column = read_question(reader, item, choice_lists, column=True)
        if column is None:
            if not isinstance(item, YMap):
                reader.problems.error(columns_node.position, "each column must be a mapping")
            continue
        if column.id in seen or column.id == "row":
            reader.problems.error(
                item.at("id"),
                f"the column id '{column.id}' is used twice in this table"
                if column.id in seen
                else "'row' is kept for the choice of rows_from; choose another id",
            )
        seen.add(column.id)
        columns.append(column)
    fields: dict[str, Any] = {"columns": tuple(columns)}
    for key in ("min_rows", "max_rows"):
        if key in node:
            fields[key] = reader.number(node, key, key, integer=True)
    _ordered(reader, node, fields.get("min_rows"), fields.get("max_rows"), "min_rows", "max_rows")
    if "rows_from" in node:
        fields["rows_from"] = reader.text_value(node, "rows_from")
    if "tracks" in node:
        fields["tracks"] = read_tracks(reader, node, tuple(columns))
    return fields


TRACKS_KINDS = ("commitment", "measure")
# What each key of `tracks` names -> the column types it may name. The contract's "a text
# column" is the type `text`: a title or an owner is one line, shown in lists and messages,
# where a long_text (markdown, many lines) does not fit (docs/questionnaire-engine.md).
TRACKS_COLUMNS = {
    "title": ("text",),
    "owner": ("text",),
    "due": ("date",),
    "baseline": ("text", "number"),
    "target": ("text", "number"),
}
TRACKS_EXAMPLE = "{kind: commitment, title: COLUMN_ID, owner: COLUMN_ID, due: COLUMN_ID}"


def read_tracks(reader: Reader, table: YMap, columns: tuple[Question, ...]) -> Tracks | None:
    """A table's `tracks`: its kind, and which of its columns are the title, owner, due date,
    baseline and target of the follow-up item each row becomes. None after any problem."""
    node = table.get("tracks")
    if not isinstance(node, YMap):
        reader.problems.error(
            table.at("tracks"), f"tracks must be a mapping like {TRACKS_EXAMPLE}"
        )
        return None
    errors = _error_count(reader)
    reader.keys(node, {"kind", *TRACKS_COLUMNS}, {"kind", "title"}, "tracks")
    kind = reader.choice_of(node, "kind", TRACKS_KINDS, "tracks: kind") if "kind" in node else None
    by_id = {c.id: c for c in columns}
    named: dict[str, str] = {}  # column id -> the key that named it first
    found: dict[str, str] = {}
    for key, types in TRACKS_COLUMNS.items():
        if key not in node:
            continue
        column_id = _tracked_column(reader, node, key, types, by_id)
        if column_id is None:
            continue
        if column_id in named:
            reader.problems.error(
                node.at(key),
                f"tracks: {key} names the column '{column_id}', which is already the "
                f"{named[column_id]}; each key names a different column",
            )
            continue
        named[column_id] = key
        found[key] = column_id
    if kind == "commitment":
        for key in ("baseline", "target"):
            if key in found:
                reader.problems.warning(
                    node.key_at(key),
                    f"tracks: {key} is for measures, and this table tracks commitments "
                    "(did you mean kind: measure?)",
                )
    if _error_count(reader) > errors or kind is None or "title" not in found:
        return None
    return Tracks(kind=kind, **found)


def _error_count(reader: Reader) -> int:
    return sum(1 for p in reader.problems.items if p.is_error)


def _tracked_column(
    reader: Reader, node: YMap, key: str, types: tuple[str, ...], by_id: dict[str, Question]
) -> str | None:
    """The id of the column that `tracks: KEY` names, after checking it exists and its type."""
    column_id = reader.text_value(node, key)
    if column_id is None:
        reader.problems.error(node.at(key), f"tracks: {key} must be the id of a column, as text")
        return None
    wanted = " or ".join(types)
    column = by_id.get(column_id)
    if column is None:
        hint = did_you_mean(column_id, by_id)
        known = f"; the columns are {', '.join(by_id)}" if by_id and not hint else ""
        if column_id == "row":
            known = "; 'row' holds the choice of a rows_from row, not an answer"
        reader.problems.error(
            node.at(key),
            f"tracks: {key} names '{column_id}', which is not a column of this table{hint}{known}",
        )
        return None
    if column.type and column.type not in types:
        reader.problems.error(
            node.at(key),
            f"tracks: {key} names '{column_id}' (line {column.line}), "
            f"{article(column.type)} column; {key} needs a {wanted} column",
        )
        return None
    return column_id


def _info(reader: Reader, node: YMap, choice_lists: dict) -> dict:
    return {"text": reader.text(node, "text", "an info question's text", required=True)}


_TYPE_READERS = {
    "text": _text,
    "long_text": _lengths,
    "number": _number,
    "date": _date,
    "yes_no": _yes_no,
    "single_choice": _choice_question,
    "multi_choice": _choice_question,
    "scale": _scale,
    "table": _table,
    "info": _info,
}


def _checked_default(reader: Reader, node: YMap, question: Question) -> Any:
    """The default answer, when it is one a person could have given."""
    if "default" not in node or is_unanswered(node["default"]):
        return None
    default = node["default"]
    if question.type in _TEXT_TYPES | {"email", "url", "date", "single_choice"}:
        default = reader.text_value(node, "default")
    if question.type == "date" and default == "today":
        return default
    context = CheckContext(reader.languages[0], dt.date.today(), {})
    _, problem = TYPES[question.type].check(question, default, context)
    if problem:
        reader.problems.error(node.at("default"), f"the default is not a valid answer: {problem}")
        return None
    return default


def check_rows_from(reader: Reader, node: YMap, question: Question, earlier: dict) -> None:
    """rows_from must name an earlier multi_choice question."""
    if not question.rows_from:
        return
    source = earlier.get(question.rows_from)
    if source is None or source.type != "multi_choice":
        names = [q for q, s in earlier.items() if s.type == "multi_choice"]
        hint = did_you_mean(question.rows_from, names)
        reader.problems.error(
            node.at("rows_from"),
            f"rows_from must name an earlier multi_choice question; '{question.rows_from}' "
            f"is {'not one' if source is None else 'a ' + source.type + ' question'}{hint}",
        )
