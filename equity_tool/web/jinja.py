"""Jinja filters and globals: texts in the assessment's language, safe markdown, dates in the
city's time zone.

Markdown that people type (answers, comments, replies, notes, conditions) keeps its single
line breaks as line breaks: five lines typed one per line show as five lines, as in the Word
export. A questionnaire's own texts (through the `text` filter) are prose wrapped in the YAML
file, so there a single line break stays a space, as markdown has it.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, current_app, request, url_for
from markupsafe import Markup

from equity_tool.core import markdown as markdown_dialect
from equity_tool.questionnaire import TYPES, Question, Text, table_rows
from equity_tool.questionnaire.answertypes import AnswerType
from equity_tool.questionnaire.messages import long_date
from equity_tool.review.workflow import EVENT_LABELS


@lru_cache(maxsize=4096)
def render_markdown(source: str, breaks: bool = False) -> Markup:
    renderer = markdown_dialect.TYPED if breaks else markdown_dialect.AUTHORED
    return Markup(renderer.render(source))  # safe: js-default escapes raw HTML


class Authored(str):
    """A questionnaire's own text (help, intro, guidance): markdown wrapped at any width."""

    __slots__ = ()


def text(value: Text | str | None, language: str | None = None) -> str:
    if value is None:
        return ""
    return Authored(value.get(language) if isinstance(value, Text) else value)


def markdown(value: str | None, breaks: bool | None = None) -> Markup:
    """`value` as HTML. A single line break is a <br> in what people type; in a questionnaire's
    own text (an `Authored`, from the `text` filter) it is a space, unless `breaks` says."""
    if breaks is None:
        breaks = not isinstance(value, Authored)
    return render_markdown(str(value or ""), breaks)


def answer_type(question: Question) -> AnswerType:
    """The question's type, which names its macro, its control and how its answer is shown."""
    return TYPES[question.type]


def cell_options(column: Question, language: str | None = None) -> list[tuple[Any, str]]:
    """(value, label) pairs for a choice-like table cell shown as a select."""
    return TYPES[column.type].options(column, language)


def event_label(action: str) -> str:
    return EVENT_LABELS.get(action, action.capitalize())


def display(question: Question, value: Any, language: str | None = None) -> str:
    """An answer as a person reads it on check-answers and review pages."""
    return TYPES[question.type].display(question, value, language)



def format_datetime(value: datetime | None) -> str:
    """`value` in the city's time zone, e.g. "4 March 2026, 2:05pm"."""
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(current_app.config["EQUITY_TOOL_TIMEZONE"]))
    return f"{long_date(local, 'en')}, {_clock(local)}"


def format_time(value: datetime | None) -> str:
    """The time of day in the city's zone, e.g. "2:05pm"."""
    if value is None:
        return ""
    return _clock(value.astimezone(ZoneInfo(current_app.config["EQUITY_TOOL_TIMEZONE"])))


def _clock(local: datetime) -> str:
    return f"{local.hour % 12 or 12}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def url_with(**changes: Any) -> str:
    """This page's URL with some query arguments changed (a pager keeps the list's filters)."""
    arguments = request.args.to_dict()
    arguments.update({key: str(value) for key, value in changes.items()})
    return url_for(request.endpoint, **(request.view_args or {}), **arguments)


def init_app(app: Flask) -> None:
    app.add_template_global(url_with, "url_with")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_time, "time_of_day")
    for name, fn in {
        "text": text,
        "markdown": markdown,
        "cell_options": cell_options,
        "event_label": event_label,
    }.items():
        app.add_template_filter(fn, name)
    app.add_template_global(display, "display_answer")
    app.add_template_global(answer_type, "answer_type")
    app.add_template_global(table_rows, "table_rows")
