"""Evaluating answers: visibility, required, validation of every type, scores, level, flags."""

from __future__ import annotations

import datetime as dt

import pytest

from equity_tool.questionnaire import evaluate
from tests.engine.conftest import load, one_section

TODAY = dt.date(2026, 11, 24)

IMPACTS = one_section(
    """\
    - {id: affects, type: yes_no, label: "Affects residents?", required: true,
       points: {yes: 1, no: 0}}
    - id: groups
      type: multi_choice
      label: Groups
      show_if: affects == 'yes'
      required: true
      choices:
        - {value: black, label: Black or African American, points: 2}
        - {value: latino, label: Hispanic or Latino, points: 1}
        - {value: none_known, label: None known, exclusive: true}
    - id: matrix
      type: table
      label: Benefits and burdens
      rows_from: groups
      columns:
        - {id: burden, type: number, label: Burden, min: 0, max: 3, required: true}
        - {id: evidence, type: long_text, label: Evidence}
    - id: severity
      type: scale
      label: Severity
      required: "count(groups) > 1"
    - {id: cost, type: number, label: Cost, integer: true, min: 0, unit: USD}
    """,
    extra="""
scoring:
  scores:
    - {id: burden, label: Burden, formula: "sum(column(matrix, 'burden'))"}
    - {id: total, label: Total, formula: "burden + points(severity) + points(affects)"}
  level:
    from: total
    bands:
      - {max: 2, id: low, label: Low}
      - {max: 6, id: moderate, label: Moderate}
      - {id: high, label: High}
  flags:
    - {id: costly, when: "cost > 1000000", severity: warning, message: Costly, min_level: high,
       escalate_to: full-assessment}
    - {id: no_groups, when: "affects == 'yes' and count(groups) == 0", severity: high,
       message: No groups named., min_level: moderate}
""",
)


@pytest.fixture(scope="module")
def impacts():
    return load(IMPACTS)


def run(questionnaire, answers, **kwargs):
    return evaluate(questionnaire, answers, today=TODAY, **kwargs)


def test_scores_level_and_flags_follow_the_answers(impacts):
    answers = {
        "affects": "yes",
        "groups": ["latino", "black"],
        "matrix": [{"row": "black", "burden": 3}, {"row": "latino", "burden": 2}],
        "severity": 2,
    }
    result = run(impacts, answers)
    # burden 3 + 2 = 5; total = 5 + severity 2 + yes 1 = 8 -> high
    assert result.scores == {"burden": 5, "total": 8}
    assert result.level.id == "high"
    assert result.flags == [] and result.missing == [] and result.invalid == {}
    assert result.values["groups"] == ["black", "latino"]  # in the choices' order


def test_a_hidden_question_is_kept_but_counts_as_null(impacts):
    answers = {
        "affects": "no",
        "groups": ["black"],
        "severity": 1,
        "matrix": [{"row": "black", "burden": 3}],
    }
    result = run(impacts, answers)
    assert result.hidden == ["groups"]
    assert answers["groups"] == ["black"]  # nothing thrown away
    # matrix has no rows when groups is null; total = 0 + 1 + 0 (no)
    assert result.scores == {"burden": 0, "total": 1}
    assert "groups" not in result.missing


def test_a_null_score_gives_no_band_but_min_level_still_applies():
    questionnaire = load(
        one_section(
            "- {id: n, type: number, label: N}\n",
            extra="""
scoring:
  scores: [{id: s, label: S, formula: "n * 2"}]
  level:
    from: s
    bands: [{max: 1, id: low, label: Low}, {id: high, label: High}]
  flags:
    - {id: unanswered, when: "not answered(n)", severity: info, message: M, min_level: low}
""",
        )
    )
    assert run(questionnaire, {}).scores == {"s": None}
    assert run(questionnaire, {}).level.id == "low"
    assert run(questionnaire, {"n": 5}).level.id == "high"


def test_missing_is_visible_required_and_unanswered(impacts):
    result = run(impacts, {"affects": "yes"})
    assert result.missing == ["groups"]
    assert [f.id for f in result.flags] == ["no_groups"]
    assert result.level.id == "moderate"  # raised from low by the flag
    # severity is required by an expression: count(groups) > 1 is false while groups is null
    assert "severity" not in result.required


def test_required_by_an_expression(impacts):
    result = run(impacts, {"affects": "yes", "groups": ["black", "latino"]})
    assert "severity" in result.missing


def test_an_exclusive_choice_cannot_be_picked_with_another(impacts):
    result = run(impacts, {"affects": "yes", "groups": ["black", "none_known"]})
    assert result.invalid == {"groups": "'None known' cannot be selected with other options"}
    assert result.values["groups"] is None  # invalid counts as null
    assert "groups" not in result.missing
    assert [f.id for f in result.flags] == ["no_groups"]


def test_a_bad_table_cell_names_the_row_and_column(impacts):
    answers = {
        "affects": "yes",
        "groups": ["black", "latino"],
        "matrix": [{"row": "black", "burden": 1}, {"row": "latino", "burden": 7}],
    }
    result = run(impacts, answers)
    assert result.invalid == {"matrix": "Row 2 (latino), Burden: Enter a number of 3 or less"}
    assert result.scores["burden"] == 0  # the whole table counts as null


def test_a_required_cell_left_empty(impacts):
    answers = {
        "affects": "yes",
        "groups": ["black"],
        "matrix": [{"row": "black", "evidence": "Survey"}],
    }
    assert run(impacts, answers).invalid == {"matrix": "Row 1 (black), Burden: Enter a value"}


def test_rows_for_unpicked_choices_are_kept_but_ignored(impacts):
    answers = {
        "affects": "yes",
        "groups": ["latino"],
        "matrix": [{"row": "black", "burden": 3}, {"row": "latino", "burden": 1}],
    }
    result = run(impacts, answers)
    assert result.scores["burden"] == 1
    assert result.values["matrix"] == [{"row": "latino", "burden": 1, "evidence": None}]


def test_flags_in_file_order_and_escalation(impacts):
    result = run(impacts, {"affects": "yes", "cost": 2_000_000})
    assert [f.id for f in result.flags] == ["costly", "no_groups"]
    assert [f.escalate_to for f in result.escalations] == ["full-assessment"]
    assert result.level.id == "high"


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (12.5, "Enter a whole number"),
        (-1, "Enter a number of 0 or more"),
        ("lots", "Enter a number, like 25 or 1500.50"),
        (True, "Enter a number, like 25 or 1500.50"),
    ],
)
def test_number_answers(impacts, answer, message):
    assert run(impacts, {"cost": answer}).invalid == {"cost": message}


def _single(question_yaml: str):
    return load(one_section(question_yaml))


@pytest.mark.parametrize(
    ("question", "answer", "message"),
    [
        ("{id: q, type: text, label: Q, max_length: 5}", "toolong", "Enter 5 characters or fewer"),
        ("{id: q, type: text, label: Q, min_length: 3}", "ab", "Enter at least 3 characters"),
        (
            "{id: q, type: text, label: Q, pattern: '[0-9]{5}', pattern_message: Enter a ZIP code}",
            "0213",
            "Enter a ZIP code",
        ),
        (
            "{id: q, type: long_text, label: Q, max_length: 3}",
            "four",
            "Enter 3 characters or fewer",
        ),
        (
            "{id: q, type: date, label: Q}",
            "2026-02-30",
            "Enter a real date, for example 2026-03-27",
        ),
        (
            "{id: q, type: date, label: Q, min: today}",
            "2026-11-23",
            "Enter a date on or after 2026-11-24",
        ),
        (
            "{id: q, type: date, label: Q, max: 2026-12-31}",
            "2027-01-01",
            "Enter a date on or before 2026-12-31",
        ),
        (
            "{id: q, type: email, label: Q}",
            "someone@",
            "Enter an email address in the correct format, like name@example.gov",
        ),
        (
            "{id: q, type: url, label: Q}",
            "example.gov",
            "Enter a web address starting with https:// or http://",
        ),
        ("{id: q, type: yes_no, label: Q}", "maybe", "Select yes or no"),
        (
            "{id: q, type: single_choice, label: Q, choices: [{value: a, label: A}]}",
            "b",
            "Select one of the options",
        ),
        (
            "{id: q, type: multi_choice, label: Q, max_selected: 1, "
            "choices: [{value: a, label: A}, {value: b, label: B}]}",
            ["a", "b"],
            "Select at most 1 options",
        ),
        (
            "{id: q, type: multi_choice, label: Q, choices: [{value: a, label: A}]}",
            ["a", "z"],
            "Select only options from the list",
        ),
        ("{id: q, type: scale, label: Q, min: 0, max: 10}", 11, "Select a value from 0 to 10"),
        (
            "{id: q, type: table, label: Q, max_rows: 1, columns: [{id: c, type: text, label: C}]}",
            [{"c": "x"}, {"c": "y"}],
            "Add at most 1 rows",
        ),
        (
            "{id: q, type: table, label: Q, columns: [{id: c, type: text, label: C}]}",
            [{"c": "x", "d": "y"}],
            "Row 1, Unknown column 'd'",
        ),
    ],
)
def test_every_type_explains_an_invalid_answer(question, answer, message):
    questionnaire = _single(f"- {question}\n")
    assert run(questionnaire, {"q": answer}).invalid == {"q": message}


@pytest.mark.parametrize(
    ("question", "answer", "value"),
    [
        ("{id: q, type: text, label: Q}", "  trimmed  ", "trimmed"),
        ("{id: q, type: date, label: Q}", "2026-03-27", dt.date(2026, 3, 27)),
        ("{id: q, type: email, label: Q}", "ana@city.gov", "ana@city.gov"),
        ("{id: q, type: url, label: Q}", "https://city.gov/x", "https://city.gov/x"),
        ("{id: q, type: scale, label: Q}", 4, 4),
        ("{id: q, type: number, label: Q}", 2.0, 2),
        (
            "{id: q, type: table, label: Q, columns: [{id: c, type: text, label: C}]}",
            [{"c": "x"}, {"c": ""}],
            [{"c": "x"}],
        ),  # an empty row is dropped
    ],
)
def test_valid_answers_become_their_values(question, answer, value):
    questionnaire = _single(f"- {question}\n")
    result = run(questionnaire, {"q": answer})
    assert result.invalid == {} and result.values["q"] == value


@pytest.mark.parametrize("empty", [None, "", "   ", [], [{"c": ""}]])
def test_empty_answers_are_unanswered(empty):
    questionnaire = _single(
        "- {id: q, type: table, label: Q, required: true, "
        "columns: [{id: c, type: text, label: C}]}\n"
    )
    result = run(questionnaire, {"q": empty})
    assert result.missing == ["q"] and result.values["q"] is None


def test_a_hidden_section_hides_its_questions():
    questionnaire = load("""\
sections:
  - id: a
    title: A
    questions:
      - {id: federal, type: yes_no, label: "Federal funds?"}
  - id: b
    title: B
    show_if: federal == 'yes'
    questions:
      - {id: title_vi, type: long_text, label: Title VI, required: true}
      - {id: note, type: info, text: Read this.}
""")
    result = run(questionnaire, {"federal": "no", "title_vi": "kept"})
    assert result.hidden == ["title_vi"] and result.hidden_sections == {"b"}
    assert result.missing == []
    assert run(questionnaire, {}).hidden == ["title_vi"]  # null hides
    assert run(questionnaire, {"federal": "yes"}).missing == ["title_vi"]


def test_validate_rules_may_use_later_questions_and_break_to_null():
    questionnaire = load(
        one_section("""\
        - id: start
          type: date
          label: Start
          validate:
            - {rule: "start <= finish", message: Start must be on or before the finish}
        - {id: early, type: yes_no, label: "Early?", show_if: "start < '2026-06-01'"}
        - {id: finish, type: date, label: Finish}
        """)
    )
    answers = {"start": "2026-05-01", "finish": "2026-04-01", "early": "yes"}
    result = run(questionnaire, answers)
    assert result.invalid == {"start": "Start must be on or before the finish"}
    assert result.values["start"] is None
    assert result.hidden == ["early"]  # the broken answer counts as null for show_if too
    fixed = run(questionnaire, {**answers, "finish": "2026-06-01"})
    assert fixed.invalid == {} and fixed.hidden == []


def test_a_rule_that_gives_null_is_not_broken():
    questionnaire = load(
        one_section("""\
        - id: a
          type: number
          label: A
          validate: [{rule: "a < b", message: A must be less than B}]
        - {id: b, type: number, label: B}
        """)
    )
    assert run(questionnaire, {"a": 5}).invalid == {}


def test_messages_in_the_assessment_language():
    header = 'id: t\nversion: "1"\ntitle: {en: T, es: T}\nlanguages: [en, es]\n'
    questionnaire = load(
        one_section("- {id: q, type: date, label: {en: D, es: F}}\n").replace(
            "title: Main", "title: {en: Main, es: Principal}"
        ),
        header,
    )
    result = run(questionnaire, {"q": "nope"}, language="es")
    assert result.invalid == {"q": "Escriba una fecha real, por ejemplo 2026-03-27"}


def test_points_of_yes_no_scale_and_choices():
    questionnaire = load(
        one_section(
            """\
        - {id: yn, type: yes_no, label: Q, points: {yes: 3, no: 1}}
        - {id: sc, type: scale, label: S}
        - id: mc
          type: multi_choice
          label: M
          choices: [{value: a, label: A, points: 1.5}, {value: b, label: B}]
        """,
            extra="""
scoring:
  scores: [{id: s, label: S, formula: "points(yn) + points(sc) + points(mc)"}]
""",
        )
    )
    assert run(questionnaire, {"yn": "yes", "sc": 4, "mc": ["a", "b"]}).scores == {"s": 8.5}
    assert run(questionnaire, {}).scores == {"s": 0}


@pytest.mark.parametrize(("answer", "shown"), [(2023, "2023 USD"), (85000, "85,000 USD"),
                                               (1500.5, "1500.5 USD")])
def test_numbers_are_shown_as_people_write_them(impacts, answer, shown):
    from equity_tool.questionnaire import TYPES

    cost = impacts.question("cost")
    assert TYPES["number"].display(cost, answer) == shown
