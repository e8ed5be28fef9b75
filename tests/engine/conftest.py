"""Engine tests: no app, no database; questionnaires written inline as YAML text."""

from __future__ import annotations

import textwrap

import pytest

from equity_tool.questionnaire import evaluate, load_text

HEADER = """\
id: test-questionnaire
version: "1"
title: Test
"""


def yaml_text(body: str, header: str = HEADER) -> str:
    return header + textwrap.dedent(body)


def problems(body: str, header: str = HEADER) -> list[str]:
    """Each problem as 'LINE:COLUMN: severity: message' (the path left off)."""
    result = load_text(yaml_text(body, header), "q.yaml")
    return [str(p).removeprefix("q.yaml:") for p in result.problems]


def load(body: str, header: str = HEADER):
    result = load_text(yaml_text(body, header), "q.yaml")
    assert result.ok, [str(p) for p in result.problems]
    return result.questionnaire


def one_section(questions: str, extra: str = "") -> str:
    """A file with one section holding `questions` (YAML list items at column 0)."""
    indented = textwrap.indent(textwrap.dedent(questions), "      ")
    return f"sections:\n  - id: main\n    title: Main\n    questions:\n{indented}{extra}"


@pytest.fixture
def evaluate_answers():
    def run(questionnaire, answers, **kwargs):
        return evaluate(questionnaire, answers, **kwargs)

    return run
