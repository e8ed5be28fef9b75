"""The `start` extension: which of its questions a questionnaire has the start page ask."""

from __future__ import annotations

import textwrap
from pathlib import Path

from equity_tool.questionnaire import load_file
from tests.engine.conftest import load, problems

QUESTIONNAIRES = Path(__file__).parents[2] / "questionnaires"

QUESTIONS = """\
sections:
  - id: about
    title: About
    questions:
      - id: proposal
        type: text
        label: Name of the proposal
        min_length: 5
      - id: summary
        type: long_text
        label: Summary
      - id: kind
        type: single_choice
        label: What kind of decision is it?
        choices:
          - {value: policy, label: Policy or ordinance}
          - {value: program, label: Program or service}
      - id: later
        type: single_choice
        label: Which?
        show_if: "kind == 'policy'"
        choices:
          - {value: a, label: A}
  - id: more
    title: More
    show_if: "kind == 'program'"
    questions:
      - id: detail
        type: text
        label: Detail
"""  # after the 3 lines of the header and the lines of `start`


def with_start(start: str) -> str:
    return textwrap.dedent(start) + QUESTIONS


def test_a_questionnaire_names_the_questions_its_start_page_asks():
    questionnaire = load(with_start("start: {title: proposal, decision_kind: kind}\n\n"))
    assert questionnaire.start == {"title": "proposal", "decision_kind": "kind"}
    assert questionnaire.start_question("title").label.get() == "Name of the proposal"
    assert [c.label.get() for c in questionnaire.start_question("decision_kind").choices] == [
        "Policy or ordinance", "Program or service"]


def test_either_question_may_be_left_to_the_start_page_and_without_start_it_asks_its_own():
    assert load(with_start("start:\n  title: proposal\n")).start == {"title": "proposal"}
    questionnaire = load(QUESTIONS)
    assert questionnaire.start == {}
    assert questionnaire.start_question("title") is None


def test_an_unknown_question_id_is_an_error_at_its_line_with_a_near_miss():
    assert problems(with_start("start:\n  title: proposl\n")) == [
        "5:10: error: start: title names 'proposl', which is not a question of this file "
        "(did you mean 'proposal'?)"
    ]


def test_the_title_must_be_a_text_question_and_the_kind_a_single_choice():
    assert problems(with_start("start:\n  title: summary\n  decision_kind: proposal\n")) == [
        "5:10: error: start: title: 'summary' (line 15) is a long_text question; title needs "
        "a text question",
        "6:18: error: start: decision_kind: 'proposal' (line 11) is a text question; "
        "decision_kind needs a single_choice question",
    ]


def test_a_question_shown_only_sometimes_cannot_be_asked_on_the_start_page():
    assert problems(with_start("start:\n  title: detail\n  decision_kind: later\n")) == [
        "5:10: error: start: title: 'detail' (line 34) cannot be asked on the start page: its "
        "section 'more' has a show_if, and the start page always asks its questions",
        "6:18: error: start: decision_kind: 'later' (line 24) cannot be asked on the start "
        "page: it has a show_if, and the start page always asks its questions",
    ]


def test_unknown_keys_a_key_twice_and_a_wrong_shape_are_errors_with_their_lines():
    assert problems(with_start("start:\n  titel: proposal\n")) == [
        "5:3: error: unknown key 'titel' in start (did you mean 'title'?)"
    ]
    assert problems(with_start("start:\n  title: proposal\n  title: summary\n"))[0].startswith(
        "6:3: error: the key 'title' is given twice"
    )
    assert problems(with_start("start: [proposal, kind]\n")) == [
        "4:8: error: start must be a mapping like {title: QUESTION_ID, decision_kind: "
        "QUESTION_ID}"
    ]
    assert problems(with_start("start:\n  title: [proposal]\n")) == [
        "5:10: error: start: title must be text"
    ]


def test_the_shipped_questionnaires_ask_the_name_and_the_kind_on_the_start_page():
    full = load_file(QUESTIONNAIRES / "racial-equity-impact-assessment.yaml").questionnaire
    assert full.start == {"title": "title", "decision_kind": "decision_kind"}
    assert full.start_question("decision_kind").choice("policy").label.get() == (
        "Policy or ordinance")
    rapid = load_file(QUESTIONNAIRES / "rapid-equity-check.yaml").questionnaire
    assert rapid.start == {"title": "title"}  # it has no question on the kind of decision
    assert rapid.start_question("title").label.get("es") == "Nombre de la decisión"
