"""The diff between two versions of a questionnaire: what an author changed, matched by id."""

from __future__ import annotations

from equity_tool.questionnaire import load_text
from equity_tool.questionnaire.compare import Change, compare

BEFORE = """\
id: library-hours
version: "1"
title: Library hours check
languages: [en, es]
sections:
  - id: proposal
    title: The proposal
    questions:
      - id: summary
        type: long_text
        label: {en: What is the proposal?, es: ¿Cuál es la propuesta?}
        required: true
      - id: used
        type: yes_no
        label: Is it used?
        points: {yes: 1, no: 0}
      - id: groups
        type: multi_choice
        label: Who is affected?
        choices:
          - {value: youth, label: Young people, points: 1}
          - {value: elders, label: Elders, points: 2}
          - {value: workers, label: Night workers}
      - id: reason
        type: text
        label: Why?
        show_if: used == 'yes'
  - id: money
    title: Money
    questions:
      - id: cost
        type: number
        label: How much does it cost?
        min: 0
scoring:
  scores:
    - id: reach
      label: Reach
      formula: points(used) + points(groups)
      max: 4
  level:
    from: reach
    bands:
      - {id: low, max: 1, label: Low}
      - {id: high, label: High}
  flags:
    - id: costly
      when: cost > 1000
      severity: warning
      message: It costs a lot.
"""

AFTER = """\
id: library-hours
version: "2"
title: Library hours check
languages: [en, es]
sections:
  - id: proposal
    title: What is proposed
    questions:
      - id: summary
        type: long_text
        label: {en: What is the proposal?, es: ¿Qué se propone?}
        help: Two or three sentences.
        required: false
      - id: used
        type: yes_no
        label: Is it used today?
        points: {yes: 2, no: 0}
      - id: groups
        type: multi_choice
        label: Who is affected?
        choices:
          - {value: youth, label: Children and teens, points: 1}
          - {value: workers, label: Night workers}
          - {value: disabled, label: Disabled people, points: 2}
      - id: reason
        type: long_text
        label: Why?
        show_if: used == 'yes' and groups != []
  - id: people
    title: People
    questions:
      - id: contact
        type: email
        label: Who can we ask?
scoring:
  scores:
    - id: reach
      label: Reach
      formula: points(used) + points(groups)
      max: 5
  level:
    from: reach
    bands:
      - {id: low, max: 2, label: Low}
      - {id: high, label: Serious}
  flags:
    - id: nobody
      when: groups == []
      severity: info
      message: Nobody named.
"""


def load(text: str):
    result = load_text(text)
    assert result.ok, result.problems
    return result.questionnaire


def changes_of(items, item_id):
    [item] = [i for i in items if i.id == item_id]
    return set(item.changes)


def test_questions_added_removed_and_changed_are_matched_by_id():
    diff = compare(load(BEFORE), load(AFTER))
    assert (diff.questionnaire_id, diff.before_version, diff.after_version) == (
        "library-hours", "1", "2")
    assert [(i.id, i.name) for i in diff.questions_added] == [("contact", "Who can we ask?")]
    assert [(i.id, i.name) for i in diff.questions_removed] == [
        ("cost", "How much does it cost?")]
    assert [i.id for i in diff.questions_changed] == ["summary", "used", "groups", "reason"]
    assert changes_of(diff.questions_changed, "summary") == {
        Change("label (es)", "¿Cuál es la propuesta?", "¿Qué se propone?"),
        Change("help", "", "Two or three sentences."),
        Change("required", "true", "false"),
    }
    assert changes_of(diff.questions_changed, "used") == {
        Change("label", "Is it used?", "Is it used today?"),
        Change("points", "yes: 1, no: 0", "yes: 2, no: 0"),
    }
    assert changes_of(diff.questions_changed, "reason") == {
        Change("type", "text", "long_text"),
        Change("show_if", "used == 'yes'", "used == 'yes' and groups != []"),
    }


def test_choices_added_removed_and_relabelled():
    diff = compare(load(BEFORE), load(AFTER))
    assert changes_of(diff.questions_changed, "groups") == {
        Change("choice 'elders' removed", "Elders", ""),
        Change("choice 'disabled' added", "", "Disabled people"),
        Change("choice 'youth' label", "Young people", "Children and teens"),
    }


def test_sections_added_removed_and_renamed():
    diff = compare(load(BEFORE), load(AFTER))
    assert [i.id for i in diff.sections_added] == ["people"]
    assert [(i.id, i.name) for i in diff.sections_removed] == [("money", "Money")]
    assert changes_of(diff.sections_changed, "proposal") == {
        Change("title", "The proposal", "What is proposed")}


def test_scoring_changes_scores_bands_and_flags():
    diff = compare(load(BEFORE), load(AFTER))
    assert changes_of(diff.scoring_changed, "reach") == {Change("max", "4", "5")}
    assert changes_of(diff.scoring_changed, "low") == {Change("max", "1", "2")}
    assert changes_of(diff.scoring_changed, "high") == {Change("label", "High", "Serious")}
    assert [(i.kind, i.id) for i in diff.scoring_added] == [("flag", "nobody")]
    assert [(i.kind, i.id, i.name) for i in diff.scoring_removed] == [
        ("flag", "costly", "It costs a lot.")]


def test_a_validation_rule_and_a_flag_condition_are_shown_as_written():
    before = load(BEFORE)
    after = load(BEFORE.replace('version: "1"', 'version: "1.1"')
                 .replace("        min: 0\n", "        min: 0\n        validate:\n"
                          "          - rule: cost < 5000000\n"
                          "            message: Check the amount.\n")
                 .replace("when: cost > 1000", "when: cost > 5000"))
    diff = compare(before, after)
    assert changes_of(diff.questions_changed, "cost") == {
        Change("validation rule added", "", "cost < 5000000 (Check the amount.)")}
    assert changes_of(diff.scoring_changed, "costly") == {
        Change("when", "cost > 1000", "cost > 5000")}


def test_the_same_content_under_a_new_version_is_an_empty_diff():
    diff = compare(load(BEFORE), load(BEFORE.replace('version: "1"', 'version: "1.1"')))
    assert diff.empty
    assert not compare(load(BEFORE), load(AFTER)).empty
