"""The format's follow-up and publishing keys: `tracks` on tables, `follow_up`, `publish` and
`private`, checked at their lines; and the rows that become follow-up items."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from equity_tool.questionnaire import (
    TrackedRow,
    Tracks,
    load_file,
    next_review_date,
    tracked_rows,
)
from equity_tool.questionnaire.answersfile import read_answers
from tests.engine.conftest import load, problems

QUESTIONNAIRES = Path(__file__).parents[2] / "questionnaires"

# After the three lines of the header, so `tracks` is on line 14.
PLAN = """\
sections:
  - id: plan
    title: Plan
    questions:
      - id: decided_on
        type: date
        label: When is the decision?
      - id: actions
        type: table
        label: Actions and milestones
        {tracks}
        columns:
          - id: action
            type: text
            label: Action
          - id: owner
            type: text
            label: Who is responsible
          - id: by_when
            type: date
            label: By when
          - id: notes
            type: long_text
            label: Notes
          - id: cost
            type: number
            label: Cost
"""


def plan(tracks: str) -> str:
    return PLAN.replace("{tracks}", tracks)


def plan_problems(tracks: str) -> list[str]:
    return problems(plan(tracks))


# --- loading ---------------------------------------------------------------------------------


def test_tracks_name_the_columns_of_a_table():
    tracks = "tracks: {kind: commitment, title: action, owner: owner, due: by_when}"
    questionnaire = load(plan(tracks))
    actions = questionnaire.question("actions")
    assert actions.tracks == Tracks(
        kind="commitment", title="action", owner="owner", due="by_when")
    assert questionnaire.tracked_questions() == [actions]
    assert questionnaire.question("decided_on").tracks is None


def test_a_measure_may_name_text_or_number_columns_for_baseline_and_target():
    tracks = load(plan(
        "tracks:\n"
        "          kind: measure\n"
        "          title: action\n"
        "          baseline: notes_short\n"
        "          target: cost\n"
    ).replace("id: notes\n            type: long_text", "id: notes_short\n            type: text"))
    assert tracks.question("actions").tracks == Tracks(
        kind="measure", title="action", baseline="notes_short", target="cost")


def test_tracks_on_anything_but_a_table_is_an_error_at_its_key():
    body = plan("tracks: {kind: commitment, title: action}").replace(
        "label: When is the decision?",
        "label: When is the decision?\n        tracks: {kind: measure, title: x}")
    assert problems(body) == [
        "11:9: error: 'tracks' does not apply to a date question (it is for table)",
    ]


def test_an_unknown_kind_is_an_error_with_a_near_miss():
    assert plan_problems("tracks: {kind: comitment, title: action}") == [
        "14:24: error: tracks: kind must be one of commitment, measure, not 'comitment' "
        "(did you mean 'commitment'?)",
    ]


def test_kind_and_title_are_required():
    assert plan_problems("tracks: {owner: owner}") == [
        "14:17: error: tracks needs the key 'kind'",
        "14:17: error: tracks needs the key 'title'",
    ]


def test_a_key_naming_a_column_that_does_not_exist_is_an_error_with_a_near_miss_or_the_list():
    assert plan_problems("tracks: {kind: commitment, title: acton, owner: boss}") == [
        "14:43: error: tracks: title names 'acton', which is not a column of this table "
        "(did you mean 'action'?)",
        "14:57: error: tracks: owner names 'boss', which is not a column of this table; "
        "the columns are action, owner, by_when, notes, cost",
    ]


@pytest.mark.parametrize(("tracks", "expected"), [
    ("tracks: {kind: commitment, title: notes}",
     "14:43: error: tracks: title names 'notes' (line 25), a long_text column; "
     "title needs a text column"),
    ("tracks: {kind: commitment, title: action, owner: cost}",
     "14:58: error: tracks: owner names 'cost' (line 28), a number column; "
     "owner needs a text column"),
    ("tracks: {kind: commitment, title: action, due: owner}",
     "14:56: error: tracks: due names 'owner' (line 19), a text column; "
     "due needs a date column"),
    ("tracks: {kind: measure, title: action, baseline: by_when}",
     "14:58: error: tracks: baseline names 'by_when' (line 22), a date column; "
     "baseline needs a text or number column"),
    ("tracks: {kind: measure, title: action, target: notes}",
     "14:56: error: tracks: target names 'notes' (line 25), a long_text column; "
     "target needs a text or number column"),
])
def test_a_column_of_the_wrong_type_is_an_error_naming_its_line(tracks, expected):
    assert plan_problems(tracks) == [expected]


def test_unknown_keys_in_tracks_are_errors_with_a_near_miss():
    tracks = "tracks: {kind: commitment, title: action, owners: owner, colour: red}"
    assert plan_problems(tracks) == [
        "14:51: error: unknown key 'owners' in tracks (did you mean 'owner'?)",
        "14:66: error: unknown key 'colour' in tracks",
    ]


def test_tracks_must_be_a_mapping_and_name_each_column_once():
    assert plan_problems("tracks: commitment") == [
        "14:17: error: tracks must be a mapping like {kind: commitment, title: COLUMN_ID, "
        "owner: COLUMN_ID, due: COLUMN_ID}",
    ]
    assert plan_problems("tracks: {kind: measure, title: action, baseline: action}") == [
        "14:58: error: tracks: baseline names the column 'action', which is already the title; "
        "each key names a different column",
    ]


def test_a_baseline_on_a_commitment_is_a_warning_and_the_file_still_loads():
    tracks = "tracks: {kind: commitment, title: action, target: cost}"
    assert plan_problems(tracks) == [
        "14:51: warning: tracks: target is for measures, and this table tracks commitments "
        "(did you mean kind: measure?)",
    ]
    assert load(plan(tracks)).question("actions").tracks.target == "cost"


# --- follow_up, publish, private ---------------------------------------------------------------

# After the three lines of the header and the `follow_up` / `publish` lines given.
QUESTIONS = """\
sections:
  - id: about
    title: About the proposal
    questions:
      - id: summary_for_public
        type: long_text
        label: Summary for the public
      - id: lead_email
        type: email
        label: Lead person's email address
        private: true
      - id: review_on
        type: date
        label: When will this assessment be reviewed next?
      - id: actions
        type: table
        label: Actions and milestones
        columns:
          - id: action
            type: text
            label: Action
          - id: due_on
            type: date
            label: By when
            private: true
"""


def test_follow_up_and_publish_name_their_questions_and_private_is_read():
    questionnaire = load("follow_up: {next_review: review_on}\n"
                         "publish:\n  summary: summary_for_public\n" + QUESTIONS)
    assert questionnaire.next_review == "review_on"
    assert questionnaire.public_summary == "summary_for_public"
    assert questionnaire.question("lead_email").private is True
    assert questionnaire.question("review_on").private is False
    assert [c.private for c in questionnaire.question("actions").columns] == [False, True]
    plain = load(QUESTIONS)
    assert (plain.next_review, plain.public_summary) == (None, None)


def test_next_review_must_name_a_date_question():
    assert problems("follow_up: {next_review: summary_for_public}\n" + QUESTIONS) == [
        "4:26: error: follow_up: next_review names 'summary_for_public' (line 9), a long_text "
        "question; next_review needs a date question",
    ]
    assert problems("follow_up:\n  next_review: review\n" + QUESTIONS) == [
        "5:16: error: follow_up: next_review names 'review', which is not a question of this "
        "file (did you mean 'review_on'?)",
    ]
    assert problems("follow_up:\n  next_review: due_on\n" + QUESTIONS) == [
        "5:16: error: follow_up: next_review names 'due_on', which is not a question of this "
        "file; it is a column of the table 'actions', and a column is not a question",
    ]


def test_publish_summary_must_name_a_long_text_question_that_is_not_private():
    assert problems("publish: {summary: lead_email}\n" + QUESTIONS) == [
        "4:20: error: publish: summary names 'lead_email' (line 12), an email question; "
        "summary needs a long_text question",
    ]
    private = QUESTIONS.replace("label: Summary for the public",
                                "label: Summary for the public\n        private: true")
    assert problems("publish: {summary: summary_for_public}\n" + private) == [
        "4:20: error: publish: summary names 'summary_for_public' (line 9), which is private: "
        "true; the public summary cannot be private",
    ]


def test_unknown_keys_and_shapes_of_follow_up_and_publish_are_errors():
    assert problems("follow_up: {next_reveiw: review_on}\npublish: summary_for_public\n"
                    + QUESTIONS) == [
        "4:12: error: follow_up needs the key 'next_review'",
        "4:13: error: unknown key 'next_reveiw' in follow_up (did you mean 'next_review'?)",
        "5:10: error: publish must be a mapping like {summary: QUESTION_ID}, naming a "
        "long_text question",
    ]
    assert problems("follow_up:\n  next_review: review_on\n  remind: true\n" + QUESTIONS) == [
        "6:3: error: unknown key 'remind' in follow_up",
    ]


def test_private_must_be_true_or_false_on_questions_and_columns():
    body = (QUESTIONS.replace("private: true", "private: yes", 1)
            .replace("private: true", "private: 'true'"))
    assert problems(body) == [
        "14:18: error: private must be true or false, not 'yes'",
        "28:22: error: private must be true or false, not 'true'",
    ]


def test_every_problem_is_reported_in_one_run():
    body = ("follow_up: {next_review: lead_email}\npublish: {summary: review_on, extra: 1}\n"
            + QUESTIONS.replace("        columns:",
                                "        tracks: {kind: promise, title: due_on}\n        columns:"))
    assert problems(body) == [
        "4:26: error: follow_up: next_review names 'lead_email' (line 13), an email question; "
        "next_review needs a date question",
        "5:20: error: publish: summary names 'review_on' (line 17), a date question; summary "
        "needs a long_text question",
        "5:31: error: unknown key 'extra' in publish",
        "23:24: error: tracks: kind must be one of commitment, measure, not 'promise'",
        "23:40: error: tracks: title names 'due_on' (line 28), a date column; title needs a "
        "text column",
    ]


def test_the_shipped_full_assessment_marks_its_follow_up():
    questionnaire = load_file(QUESTIONNAIRES / "racial-equity-impact-assessment.yaml")
    assert [str(p) for p in questionnaire.problems] == []
    q = questionnaire.questionnaire
    assert q.version == "2026.3"
    assert q.question("implementation_plan").label.get() == "Actions and milestones"
    assert q.question("implementation_plan").tracks == Tracks(
        kind="commitment", title="action", owner="owner", due="date")
    assert q.question("accountability_measures").label.get() == "Measures the city will track"
    assert q.question("accountability_measures").tracks == Tracks(
        kind="measure", title="measure", baseline="baseline", target="target", due="target_date")
    assert [t.id for t in q.tracked_questions()] == ["implementation_plan",
                                                    "accountability_measures"]
    assert q.next_review == "next_review_date"
    assert q.public_summary == "public_summary"
    assert q.section_of("public_summary").id == "about"
    assert q.question("public_summary").required is False
    assert [x.id for x in q.questions() if x.private] == ["lead_email"]


# --- the rows that become follow-up items ----------------------------------------------------

# Written as people write them: unquoted labels, flow mappings for short choices.
FOLLOW_UP = """\
follow_up:
  next_review: review_on
sections:
  - id: about
    title: About the proposal
    questions:
      - id: affects_residents
        type: yes_no
        label: Does it affect residents?
      - id: groups
        type: multi_choice
        label: Which groups are affected?
        choices:
          - {value: black, label: Black or African American}
          - {value: latino, label: Hispanic or Latino}
          - {value: somali, label: Somali}
      - id: review_on
        type: date
        label: When will this assessment be reviewed next?
        min: today
        show_if: affects_residents == 'yes'
  - id: plan
    title: Implementation plan
    show_if: affects_residents != 'no'
    questions:
      - id: actions
        type: table
        label: Actions and milestones
        tracks: {kind: commitment, title: action, owner: owner, due: by_when}
        columns:
          - {id: action, type: text, label: Action}
          - {id: owner, type: text, label: Who is responsible}
          - {id: by_when, type: date, label: By when, min: today}
      - id: measures
        type: table
        label: Measures the city will track
        show_if: count(groups) > 0
        tracks: {kind: measure, title: measure, baseline: baseline, target: target, due: due_on}
        columns:
          - {id: measure, type: text, label: Indicator or performance measure}
          - {id: baseline, type: number, label: Baseline}
          - {id: target, type: text, label: Target}
          - {id: due_on, type: date, label: Target date}
      - id: by_group
        type: table
        label: What the city will do for each group
        rows_from: groups
        tracks: {kind: commitment, title: step}
        columns:
          - {id: step, type: text, label: Next step}
          - {id: cost, type: number, label: Cost}
      - id: untracked
        type: table
        label: Other notes
        columns:
          - {id: note, type: text, label: Note}
"""

TODAY = dt.date(2026, 12, 2)


@pytest.fixture(scope="module")
def questionnaire():
    return load(FOLLOW_UP)


def rows(questionnaire, answers, today=TODAY):
    return tracked_rows(questionnaire, answers, today=today)


def test_each_non_empty_row_of_a_tracked_table_is_returned_with_its_columns(questionnaire):
    answers = {
        "affects_residents": "yes",
        "actions": [
            {"action": "Open the housing fund", "owner": "Housing", "by_when": "2026-06-30"},
            {"action": "", "owner": "  ", "by_when": None},  # left after pressing "Add row"
            {"action": "  Start the grants ", "owner": None, "by_when": "2027-01-15"},
        ],
        "untracked": [{"note": "not followed up"}],
    }
    assert rows(questionnaire, answers) == [
        TrackedRow("actions", 1, "commitment", "Open the housing fund", "Housing",
                   dt.date(2026, 6, 30), None, None, answers["actions"][0]),
        TrackedRow("actions", 3, "commitment", "Start the grants", None,
                   dt.date(2027, 1, 15), None, None, answers["actions"][2]),
    ]


def test_a_due_date_in_the_past_stays_although_min_today_would_now_refuse_it(questionnaire):
    answers = {"actions": [{"action": "Open the fund", "by_when": "2026-06-30"}]}
    [row] = rows(questionnaire, answers, today=dt.date(2027, 3, 1))
    assert row.due == dt.date(2026, 6, 30)


def test_a_due_date_that_is_not_a_real_date_is_none(questionnaire):
    answers = {"actions": [{"action": "A", "by_when": "2026-02-30"},
                           {"action": "B", "by_when": "next spring"}]}
    assert [r.due for r in rows(questionnaire, answers)] == [None, None]


def test_a_row_without_a_title_is_called_by_its_position(questionnaire):
    answers = {"actions": [{"action": "First"}, {"owner": "Parks", "by_when": "2027-05-01"}]}
    assert [(r.position, r.title) for r in rows(questionnaire, answers)] == [
        (1, "First"), (2, "Row 2")]


def test_numbers_are_given_as_people_write_them(questionnaire):
    answers = {
        "groups": ["black"],
        "measures": [
            {"measure": "Weekday riders", "baseline": 7400.0, "target": " 10500 ",
             "due_on": "2030-12-31"},
            {"measure": "Evening trip, minutes", "baseline": 52.5, "target": "34"},
            {"measure": "Eviction filings", "baseline": None, "target": "Fewer each year"},
        ],
    }
    found = [(r.kind, r.title, r.baseline, r.target, r.due, r.owner)
             for r in rows(questionnaire, answers)]
    assert found == [
        ("measure", "Weekday riders", "7400", "10500", dt.date(2030, 12, 31), None),
        ("measure", "Evening trip, minutes", "52.5", "34", None, None),
        ("measure", "Eviction filings", None, "Fewer each year", None, None),
    ]


def test_rows_of_a_hidden_table_or_section_are_left_out(questionnaire):
    answers = {
        "affects_residents": "no",  # hides the section of the plan
        "groups": ["black"],
        "actions": [{"action": "Open the fund"}],
        "measures": [{"measure": "Riders", "baseline": 1, "target": "2"}],
    }
    assert rows(questionnaire, answers) == []
    answers["affects_residents"] = "yes"
    assert [r.question_id for r in rows(questionnaire, answers)] == ["actions", "measures"]
    answers["groups"] = []  # the measures' own show_if: count(groups) > 0
    assert [r.question_id for r in rows(questionnaire, answers)] == ["actions"]


def test_a_section_whose_show_if_cannot_tell_yet_hides_its_rows():
    questionnaire = load(FOLLOW_UP.replace("show_if: affects_residents != 'no'",
                                           "show_if: review_on > '2026-01-01'"))
    answers = {"affects_residents": "yes", "actions": [{"action": "Open the fund"}]}
    assert rows(questionnaire, answers) == []  # review_on unanswered: the show_if is null
    answers["review_on"] = "2027-01-15"
    assert [r.title for r in rows(questionnaire, answers)] == ["Open the fund"]


def test_rows_from_rows_follow_the_choices_still_picked_keeping_their_stored_position(
        questionnaire):
    answers = {
        "groups": ["somali", "black"],
        "by_group": [
            {"row": "latino", "step": "Bilingual outreach"},  # latino no longer picked
            {"row": "somali", "step": "Hire a Somali-speaking liaison", "cost": 60000},
            {"row": "black", "step": None, "cost": 25000.0},
        ],
    }
    found = [(r.position, r.title, r.values) for r in rows(questionnaire, answers)
             if r.question_id == "by_group"]
    assert found == [
        (3, "Black or African American", answers["by_group"][2]),  # no step: the choice
        (2, "Hire a Somali-speaking liaison", answers["by_group"][1]),
    ]


def test_rows_from_rows_whose_cells_are_all_empty_are_left_out(questionnaire):
    answers = {"groups": ["black", "somali"],
               "by_group": [{"row": "black", "step": " ", "cost": None}]}
    assert rows(questionnaire, answers) == []


def test_the_values_are_a_copy_of_the_row_as_stored(questionnaire):
    stored = {"action": "Open the fund", "extra": "kept"}
    answers = {"affects_residents": "yes", "actions": [stored]}
    [row] = rows(questionnaire, answers)
    assert row.values == stored and row.values is not stored
    assert row.key == ("actions", 1)


def test_tables_come_in_file_order_and_a_file_without_tracks_gives_none(questionnaire):
    answers = {
        "affects_residents": "yes",
        "groups": ["latino"],
        "by_group": [{"row": "latino", "step": "Bilingual outreach"}],
        "measures": [{"measure": "Riders"}],
        "actions": [{"action": "Open the fund"}],
    }
    assert [r.question_id for r in rows(questionnaire, answers)] == [
        "actions", "measures", "by_group"]
    assert tracked_rows(load(QUESTIONS), {"actions": [{"action": "A"}]}) == []


def test_a_show_if_on_today_is_judged_on_the_day_given():
    body = FOLLOW_UP.replace("show_if: count(groups) > 0", "show_if: today >= '2027-01-01'")
    questionnaire = load(body)
    answers = {"measures": [{"measure": "Riders", "baseline": 5}]}
    assert rows(questionnaire, answers, today=dt.date(2026, 12, 31)) == []
    assert [r.title for r in rows(questionnaire, answers, today=dt.date(2027, 1, 1))] == [
        "Riders"]


# --- the next review date --------------------------------------------------------------------


def test_the_next_review_date_is_the_answer_to_the_question_follow_up_names(questionnaire):
    answers = {"affects_residents": "yes", "review_on": "2028-03-31"}
    assert next_review_date(questionnaire, answers) == dt.date(2028, 3, 31)


def test_a_next_review_date_that_has_come_is_still_given(questionnaire):
    answers = {"affects_residents": "yes", "review_on": "2026-06-30"}  # min: today breaks it
    assert next_review_date(questionnaire, answers, today=dt.date(2026, 12, 2)) == dt.date(
        2026, 6, 30)


@pytest.mark.parametrize("answers", [
    {"affects_residents": "no", "review_on": "2028-03-31"},  # hidden by its show_if
    {"affects_residents": "yes"},  # unanswered
    {"affects_residents": "yes", "review_on": "  "},
    {"affects_residents": "yes", "review_on": "2028-02-30"},  # not a real date
    {"affects_residents": "yes", "review_on": "next March"},
])
def test_there_is_no_next_review_date_when_it_is_hidden_unanswered_or_not_a_date(
        questionnaire, answers):
    assert next_review_date(questionnaire, answers) is None


def test_a_file_without_follow_up_has_no_next_review_date():
    assert next_review_date(load(QUESTIONS), {"review_on": "2028-03-31"}) is None


# --- the shipped demo: the approved full assessment has something to follow up -------------


def test_the_approved_demo_assessment_has_actions_measures_a_review_date_and_a_summary():
    loaded = load_file(QUESTIONNAIRES / "racial-equity-impact-assessment.yaml").questionnaire
    path = QUESTIONNAIRES / "examples" / "demo" / "eastside-bus-rapid-transit-line.yaml"
    answers, found = read_answers(loaded, path.read_text(encoding="utf-8"), str(path))
    assert found == []
    items = tracked_rows(loaded, answers, today=TODAY)
    actions = [r for r in items if r.kind == "commitment"]
    assert len(actions) >= 3 and all(r.owner and r.due for r in actions)
    assert any(r.due < TODAY for r in actions)  # overdue
    assert any(TODAY <= r.due <= TODAY + dt.timedelta(days=30) for r in actions)  # due soon
    assert any(r.due > TODAY + dt.timedelta(days=365) for r in actions)
    numeric = [r for r in items if r.kind == "measure"
               and r.baseline.isdigit() and r.target.isdigit()]
    assert len(numeric) >= 2
    assert next_review_date(loaded, answers, today=TODAY) == dt.date(2028, 3, 31)
    assert "bus line" in answers[loaded.public_summary]
