"""Guards on the architecture: the engine stays pure, and every question type is complete."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from equity_tool.questionnaire import TYPES, load_text
from equity_tool.questionnaire.answertypes import AnswerType

ROOT = Path(__file__).resolve().parent.parent.parent
FORBIDDEN = {"flask", "flask_wtf", "flask_login", "wtforms", "sqlalchemy", "sqlmodel", "docxtpl",
             "jinja2"}


def test_the_engine_imports_no_web_orm_or_export_library():
    code = (
        "import sys, equity_tool.questionnaire as q\n"
        "q.load_file('questionnaires/rapid-equity-check.yaml')\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    loaded = set(done.stdout.split())
    assert "equity_tool" in loaded
    assert not loaded & FORBIDDEN, loaded & FORBIDDEN


MACROS = (ROOT / "templates" / "macros" / "questions.html").read_text()
EVALUATION_TESTS = (ROOT / "tests" / "engine" / "test_evaluation.py").read_text()
FORMAT = (ROOT / "docs" / "questionnaire-format.md").read_text()
# The types the format defines: the first column of its table of question types.
TYPE_TABLE = FORMAT.split("| type | answer value in expressions |", 1)[1].split("\n\n", 1)[0]
FORMAT_TYPES = sorted(re.findall(r"`([a-z_]+)`", "\n".join(
    line.split("|")[1] for line in TYPE_TABLE.splitlines() if line.startswith("| `"))))
QUESTION = load_text("""
id: guard
version: "1"
title: Guard
sections:
  - id: s
    title: S
    questions:
      - id: q
        type: text
        label: Is it used?
""").questionnaire.question("q")


def test_the_format_lists_question_types():
    assert {"text", "long_text", "table", "info"} <= set(FORMAT_TYPES)


@pytest.mark.parametrize("name", FORMAT_TYPES)
def test_every_format_type_is_defined_end_to_end(name):
    answer_type = TYPES[name]
    # it checks answers in its own way (info collects none)
    assert type(answer_type).check is not AnswerType.check
    # the step page has its macro, and the question macro dispatches to it
    assert re.search(rf"{{% macro {answer_type.macro}\(", MACROS), f"no macro {answer_type.macro}"
    assert f'macro == "{answer_type.macro}"' in MACROS, f"question() never calls {name}'s macro"
    # as a table column it has a control (a plain input needs no branch of its own)
    if answer_type.scalar and answer_type.cell_control != "input":
        assert f'control == "{answer_type.cell_control}"' in MACROS
    # pages and documents know how to show it
    assert answer_type.shown_as in ("text", "markdown", "table")
    # a missing answer is named with the label, without its question mark
    assert answer_type.missing_message(QUESTION, "en") == (
        f"{answer_type.missing_verb} an answer for “Is it used?”")
    # and an evaluation test gives it an answer
    assert f"type: {name}" in EVALUATION_TESTS, f"no evaluation test uses {name}"
