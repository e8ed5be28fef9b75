"""Guards on the architecture: the engine stays pure, and every question type is complete."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from equity_tool.questionnaire import TYPES
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


@pytest.mark.parametrize("name", sorted(TYPES))
def test_every_question_type_is_defined_end_to_end(name):
    answer_type = TYPES[name]
    # it checks answers in its own way (info collects none)
    assert type(answer_type).check is not AnswerType.check
    # the step page has a control for it
    assert re.search(rf"q\.type (==|in) .*\"{name}\"", MACROS), f"no macro renders {name}"
    # and an evaluation test gives it an answer
    assert f"type: {name}" in EVALUATION_TESTS, f"no evaluation test uses {name}"
