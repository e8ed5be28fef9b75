"""Not yet known: no verdict before the answers it needs (docs/questionnaire-engine.md).

A score or flag that reads questions, every one of them unanswered (or hidden, or invalid),
waits: a waiting flag is not raised, a waiting score gives no band.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from equity_tool.questionnaire import evaluate, load_file
from equity_tool.questionnaire.expressions import Scope, compile_expression
from tests.engine.conftest import load, one_section

ROOT = Path(__file__).resolve().parent.parent.parent
TODAY = dt.date(2026, 11, 24)

RULES = one_section(
    """\
    - {id: affects, type: yes_no, label: "Affects residents?", points: {yes: 1, no: 0}}
    - id: groups
      type: multi_choice
      label: Groups
      show_if: affects == 'yes'
      choices:
        - {value: black, label: Black or African American, points: 2}
        - {value: latino, label: Hispanic or Latino, points: 1}
    - {id: severity, type: scale, label: Severity}
    - {id: mitigation, type: long_text, label: Mitigation}
    - {id: cost, type: number, label: Cost, min: 0}
    """,
    extra="""
scoring:
  scores:
    - {id: exposure, label: Exposure, formula: "points(groups) + 2 * points(severity)"}
    - {id: doubled, label: Doubled, formula: "exposure * 2"}
    - {id: constant, label: Constant, formula: "3"}
  level:
    from: exposure
    bands:
      - {max: 2, id: low, label: Low}
      - {max: 6, id: moderate, label: Moderate}
      - {id: high, label: High}
  flags:
    - {id: no_groups, when: "affects == 'yes' and count(groups) == 0", severity: high,
       message: No groups named., min_level: moderate}
    - {id: none_picked, when: "count(groups) == 0", severity: high, message: None picked.,
       min_level: high}
    - {id: severe_unmitigated, when: "doubled >= 8 and not answered(mitigation)",
       severity: high, message: Severe and unmitigated.}
    - {id: no_mitigation, when: "not answered(mitigation)", severity: info, message: No plan.}
    - {id: costly, when: "cost > 1000", severity: warning, message: Costly.}
""",
)


@pytest.fixture(scope="module")
def rules():
    return load(RULES)


def run(questionnaire, answers):
    return evaluate(questionnaire, answers, today=TODAY)


def ids(flags):
    return [flag.id for flag in flags]


def test_an_empty_answer_set_gives_no_level_and_no_raised_flag_that_reads_an_answer(rules):
    result = run(rules, {})
    # only the flag that asks whether a question is answered (and reads no answer) decides
    assert ids(result.flags) == ["no_mitigation"]
    assert ids(result.pending_flags) == ["no_groups", "none_picked", "severe_unmitigated",
                                         "costly"]
    assert result.level is None
    assert result.level_reason == "waiting" and result.level_not_yet_known
    # none_picked is true by the contract alone (count(null) is 0) but waits: its min_level
    # does not apply either
    assert result.pending_scores == ["exposure", "doubled"]


def test_a_score_with_all_its_questions_unanswered_is_not_yet_known(rules):
    result = run(rules, {})
    # the value stays what the format gives (points of nothing is 0), so `score` prints it ...
    assert result.scores == {"exposure": 0, "doubled": 0, "constant": 3}
    # ... but it counts as not yet known, and gives no band
    assert not result.score_known("exposure") and not result.score_known("doubled")
    assert result.score_known("constant")  # reads no question: never waits
    # one answered question it reads (here through the scale) decides it
    answered = run(rules, {"severity": 1})
    assert answered.pending_scores == [] and answered.score_known("exposure")
    assert answered.scores["exposure"] == 2 and answered.level.id == "low"
    assert answered.level_reason is None and not answered.level_not_yet_known


def test_answering_a_question_a_flag_reads_makes_it_decide(rules):
    result = run(rules, {"affects": "yes"})
    # the format's own example: residents affected, no group named -> raised
    assert ids(result.flags) == ["no_groups", "no_mitigation"]
    # none_picked reads only groups, still unanswered: it waits, and its min_level waits too
    assert "none_picked" in ids(result.pending_flags)
    assert result.level.id == "moderate"  # from no_groups' min_level; exposure still waits
    assert "exposure" in result.pending_scores
    decided = run(rules, {"affects": "yes", "groups": ["black"], "mitigation": "A plan"})
    assert ids(decided.flags) == []  # decided, and false
    # severe_unmitigated reads groups through its scores, so it decides too; cost still waits
    assert ids(decided.pending_flags) == ["costly"]
    assert decided.level.id == "low"  # exposure = 2
    costly = run(rules, {"cost": 5000})
    assert "costly" in ids(costly.flags) and "costly" not in ids(costly.pending_flags)


def test_a_flag_waits_on_the_questions_of_the_scores_it_reads(rules):
    # severe_unmitigated reads `doubled`, which reads `exposure`: groups and severity
    waiting = run(rules, {"cost": 10})
    assert "severe_unmitigated" in ids(waiting.pending_flags)
    raised = run(rules, {"severity": 2})  # exposure 4, doubled 8, no mitigation
    assert "severe_unmitigated" in ids(raised.flags)
    assert raised.level.id == "moderate"


def test_a_hidden_or_invalid_answer_counts_as_unanswered(rules):
    # groups is hidden (affects is no): its answer is kept but counts as null
    result = run(rules, {"affects": "no", "groups": ["black"]})
    assert result.hidden == ["groups"]
    assert "none_picked" in ids(result.pending_flags)
    assert "no_groups" not in ids(result.pending_flags + result.flags)  # affects answered
    invalid = run(rules, {"cost": -5})
    assert "cost" in invalid.invalid and "costly" in ids(invalid.pending_flags)


def test_names_inside_answered_are_not_read():
    scope = Scope(questions={}, allowed=frozenset({"a", "b"}))
    expression = compile_expression("not answered(a) and b > 1", scope)
    assert expression.names == {"a", "b"} and expression.values_read == {"b"}
    both = compile_expression("answered(a) and a == 'x'", scope)
    assert both.values_read == {"a"}


@pytest.fixture(scope="module")
def full():
    return load_file(ROOT / "questionnaires" / "racial-equity-impact-assessment.yaml").questionnaire


@pytest.fixture(scope="module")
def rapid():
    return load_file(ROOT / "questionnaires" / "rapid-equity-check.yaml").questionnaire


def test_a_brand_new_full_assessment_has_no_verdict(full):
    result = run(full, {})
    assert result.flags == [] and result.level is None and result.level_not_yet_known
    assert "no_race_data" in ids(result.pending_flags)
    assert "no_performance_measure" in ids(result.pending_flags)
    assert all(not result.score_known(s.id) for s in full.scoring.scores)


def test_the_race_data_flag_decides_once_data_sources_are_given(full):
    none_by_race = [{"source": "Census", "by_race": "no"}]
    result = run(full, {"data_sources": none_by_race})
    assert ids(result.flags) == ["no_race_data"] and result.level.id == "moderate"
    by_race = [{"source": "Census", "by_race": "no"}, {"source": "Survey", "by_race": "yes"}]
    result = run(full, {"data_sources": by_race})
    assert "no_race_data" not in ids(result.flags + result.pending_flags)


def test_a_brand_new_rapid_check_has_no_verdict(rapid):
    result = run(rapid, {})
    assert result.flags == [] and result.level is None
    assert ids(result.pending_flags) == ["full_assessment_needed",
                                         "consequence_without_mitigation"]
