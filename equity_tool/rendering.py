"""Jinja filters for questionnaire content: texts in the assessment's language, safe markdown."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask import Flask
from markdown_it import MarkdownIt
from markupsafe import Markup

from .questionnaire import TYPES, Question, Text
from .questionnaire.messages import message
from .workflow import EVENT_LABELS

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


def yes_no_word(answer: str, language: str | None = None) -> str:
    return message(answer, language) if answer in ("yes", "no") else answer


def cell_options(column: Question, language: str | None = None) -> list[tuple[Any, str]]:
    """(value, label) pairs for a choice-like table cell shown as a select."""
    if column.type == "yes_no":
        labels = column.labels or {}
        return [
            (a, labels[a].get(language) if a in labels else yes_no_word(a, language))
            for a in ("yes", "no")
        ]
    if column.type == "scale":
        low, high = TYPES["scale"].bounds(column)
        return [(n, str(n)) for n in range(low, high + 1)]
    return [(c.value, c.label.get(language)) for c in column.choices]


def event_label(action: str) -> str:
    return EVENT_LABELS.get(action, action.capitalize())


def display(question: Question, value: Any, language: str | None = None) -> str:
    """An answer as a person reads it on check-answers and review pages."""
    return TYPES[question.type].display(question, value, language)


def init_app(app: Flask) -> None:
    for name, fn in {
        "text": text,
        "markdown": markdown,
        "yes_no_word": yes_no_word,
        "cell_options": cell_options,
        "event_label": event_label,
    }.items():
        app.add_template_filter(fn, name)
    app.add_template_global(display, "display_answer")
