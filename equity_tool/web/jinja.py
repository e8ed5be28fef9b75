"""Jinja filters and globals: texts in the assessment's language, safe markdown, dates in the
city's time zone."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from markdown_it import MarkdownIt
from markupsafe import Markup

from equity_tool.questionnaire import TYPES, Question, Text, table_rows
from equity_tool.questionnaire.answertypes import AnswerType
from equity_tool.review.workflow import EVENT_LABELS

# js-default: CommonMark without raw HTML and with link targets checked, so a questionnaire
# author (or anyone whose text passes through here) cannot inject markup or script.
_MARKDOWN = MarkdownIt("js-default")


@lru_cache(maxsize=4096)
def render_markdown(source: str) -> Markup:
    return Markup(_MARKDOWN.render(source))  # safe: js-default escapes raw HTML


def text(value: Text | str | None, language: str | None = None) -> str:
    if value is None:
        return ""
    return value.get(language) if isinstance(value, Text) else str(value)


def markdown(value: str | None) -> Markup:
    return render_markdown(value or "")


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
    hour = local.hour % 12 or 12
    return f"{local.day} {local:%B %Y}, {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def format_time(value: datetime | None) -> str:
    """The time of day in the city's zone, e.g. "2:05pm"."""
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(current_app.config["EQUITY_TOOL_TIMEZONE"]))
    return f"{local.hour % 12 or 12}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def init_app(app: Flask) -> None:
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
