"""Carrying answers over to a newer version: what stays, what is left behind and why."""

from __future__ import annotations

import datetime as dt

from equity_tool.questionnaire.carry_over import carry_over
from tests.engine.conftest import load, one_section

TODAY = dt.date(2026, 11, 24)

OLD = one_section(
    """\
    - id: summary
      type: long_text
      label: What is the proposal?
    - id: cost
      type: number
      label: Estimated cost
      unit: USD
    - id: hours
      type: text
      label: How many hours a week?
    - id: affects
      type: yes_no
      label: Does it affect residents?
    - id: effect
      type: single_choice
      label: Overall, how does it affect them?
      choices:
        - {value: benefit, label: Mostly benefits}
        - {value: mixed, label: Mixed}
        - {value: burden, label: Mostly burdens}
    - id: groups
      type: multi_choice
      label: Which groups are affected?
      choices:
        - {value: black, label: Black or African American}
        - {value: latino, label: Hispanic or Latino}
        - {value: other_group, label: Another group, other: true}
    - id: actions
      type: table
      label: What will the city do?
      columns:
        - {id: action, type: text, label: Action}
        - {id: owner, type: text, label: Who}
        - {id: budget, type: number, label: Budget}
    - id: district
      type: text
      label: Which council district?
    """
)

NEW = one_section(
    """\
    - id: summary
      type: long_text
      label: What is the proposal?
    - id: cost
      type: number
      label: Estimated cost
      unit: USD
      validate:
        - rule: cost <= 1000000
          message: Costs over a million dollars need the full assessment
    - id: hours
      type: number
      label: How many hours a week?
    - id: affects
      type: yes_no
      label: Does it affect residents?
    - id: effect
      type: single_choice
      label: Overall, how does it affect them?
      choices:
        - {value: benefit, label: Mostly benefits}
        - {value: burden, label: Mostly burdens}
    - id: groups
      type: multi_choice
      label: Which groups are affected?
      choices:
        - {value: black, label: Black or African American}
        - {value: other_group, label: Another group, other: true}
    - id: actions
      type: table
      label: What will the city do?
      columns:
        - {id: action, type: text, label: Action}
        - {id: owner, type: text, label: Who}
    """
)
VERSION_2 = 'id: test-questionnaire\nversion: "2"\ntitle: Test\n'


def versions():
    return load(OLD), load(NEW, header=VERSION_2)


ANSWERS = {
    "summary": "Longer summer hours at the branch libraries.",
    "cost": 2_500_000,
    "hours": "about forty",
    "affects": "yes",
    "effect": "mixed",
    "groups": ["black", "latino", "other_group"],
    "actions": [{"action": "Hire staff", "owner": "Libraries", "budget": 300},
                {"action": "Translate notices", "owner": "", "budget": None}],
    "district": "District 4",
}


def moved(answers=ANSWERS, others=None):
    old, new = versions()
    return carry_over(old, new, answers, others or {}, today=TODAY)


def left(result):
    return {item.question_id: item for item in result.left_behind}


def test_unchanged_answers_carry_over_as_they_were():
    result = moved()
    assert result.answers["summary"] == ANSWERS["summary"]
    assert result.answers["affects"] == "yes"
    assert "summary" in result.carried and "summary" not in left(result)


def test_a_removed_question_is_left_behind_with_its_answer():
    item = left(moved())["district"]
    assert item.label == "Which council district?"
    assert item.value == "District 4"
    assert item.reason == "Not asked in version 2"
    assert "district" not in moved().answers


def test_a_single_choice_no_longer_offered_is_named():
    item = left(moved())["effect"]
    assert item.value == "Mixed"
    assert item.reason == "The choice “Mixed” is no longer offered"
    assert "effect" not in moved().answers


def test_a_multi_choice_keeps_the_choices_still_offered_and_names_the_one_gone():
    result = moved(others={"groups": "Hmong families"})
    assert result.answers["groups"] == ["black", "other_group"]
    assert result.other_texts == {"groups": "Hmong families"}
    item = left(result)["groups"]
    assert item.value == "Hispanic or Latino"
    assert item.reason == "“Hispanic or Latino” is no longer offered"


def test_an_other_choice_removed_keeps_its_description_with_what_is_left_behind():
    old, _ = versions()
    new = load(NEW.replace("{value: other_group, label: Another group, other: true}",
                           "{value: latino, label: Hispanic or Latino}"), header=VERSION_2)
    result = carry_over(old, new, {"groups": ["black", "other_group"]},
                        {"groups": "Hmong families"}, today=TODAY)
    assert result.answers == {"groups": ["black"]}
    assert result.other_texts == {}
    assert left(result)["groups"].value == "Another group: Hmong families"


def test_a_value_that_breaks_a_new_rule_is_left_behind_with_the_rules_message():
    item = left(moved())["cost"]
    assert item.value == "2,500,000 USD"
    assert item.reason == "Costs over a million dollars need the full assessment"
    assert "cost" not in moved().answers


def test_a_value_within_the_new_rule_carries_over():
    result = moved({**ANSWERS, "cost": 40_000})
    assert result.answers["cost"] == 40_000


def test_a_changed_type_leaves_behind_what_the_new_type_cannot_hold():
    item = left(moved())["hours"]
    assert item.value == "about forty"
    assert item.reason == "The question now asks for a number instead of a short text"


def test_a_changed_type_keeps_what_the_new_type_accepts():
    old = load(one_section("- {id: note, type: text, label: A short note}"))
    new = load(one_section("- {id: note, type: long_text, label: A longer note}"))
    result = carry_over(old, new, {"note": "Kept as typed"}, today=TODAY)
    assert result.answers == {"note": "Kept as typed"} and not result.left_behind


def test_a_removed_table_column_keeps_the_rows_and_lists_the_cells_left_behind():
    result = moved()
    assert result.answers["actions"] == [
        {"action": "Hire staff", "owner": "Libraries"},
        {"action": "Translate notices", "owner": ""},
    ]
    item = left(result)["actions"]
    assert item.value == "Row 1: Budget: 300"
    assert item.reason == "The column “Budget” is no longer in the table"


def test_nothing_answered_is_dropped_silently():
    result = moved()
    assert result.is_complete(ANSWERS)
    accounted = set(result.carried) | {item.question_id for item in result.left_behind}
    assert accounted == set(ANSWERS)


def test_unanswered_questions_are_neither_carried_nor_left_behind():
    result = moved({"summary": "", "groups": []})
    assert result.carried == () and result.left_behind == ()


def test_escalation_to_another_questionnaire_names_it():
    rapid = load(one_section("- {id: worsens_gap, type: yes_no, label: Could it widen a gap?}"))
    full = load(one_section("- {id: summary, type: long_text, label: Summary}"),
                header="id: full-assessment\nversion: \"1\"\ntitle: Full assessment\n")
    result = carry_over(rapid, full, {"worsens_gap": "yes"}, today=TODAY)
    assert left(result)["worsens_gap"].reason == "Not asked in “Full assessment”"
    assert left(result)["worsens_gap"].value == "Yes"


def test_a_hidden_answer_that_breaks_a_new_bound_is_left_behind():
    old = load(one_section("""\
        - {id: affects, type: yes_no, label: Does it affect residents?}
        - {id: people, type: number, label: How many people?, show_if: affects == 'yes'}
        """))
    new = load(one_section("""\
        - {id: affects, type: yes_no, label: Does it affect residents?}
        - {id: people, type: number, label: How many people?, show_if: affects == 'yes',
           max: 100}
        """))
    result = carry_over(old, new, {"affects": "no", "people": 500}, today=TODAY)
    assert left(result)["people"].reason == "Enter a number of 100 or less"


def test_a_table_keeps_its_rows_when_a_new_required_column_is_empty():
    old = load(one_section("""\
        - id: risks
          type: table
          label: What could go wrong?
          columns:
            - {id: what, type: text, label: What could happen, required: true}
        """))
    new = load(one_section("""\
        - id: risks
          type: table
          label: What could go wrong?
          columns:
            - {id: what, type: text, label: What could happen, required: true}
            - id: likelihood
              type: single_choice
              label: Likelihood
              required: true
              choices: [{value: low, label: Low}, {value: high, label: High}]
        """))
    rows = [{"what": "Longer trips"}]
    result = carry_over(old, new, {"risks": rows}, today=TODAY)
    assert result.answers == {"risks": rows} and not result.left_behind
