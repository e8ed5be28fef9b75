"""Follow-up on a real database: items made on approval and matched again on a re-approval,
progress posted and refused, and a stale update raced for real in two threads."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlmodel import Session, select

from equity_tool.core import db
from equity_tool.core.exceptions import NotFound, PermissionDenied
from equity_tool.core.models import (
    Assessment,
    AssessmentCoauthor,
    FollowUpItem,
    FollowUpUpdate,
    User,
)
from equity_tool.followup import lists
from equity_tool.followup import service as followup
from equity_tool.review import service as review
from equity_tool.review.workflow import Action
from tests import factories

TODAY = dt.date(2027, 5, 10)


def items_of(session: Session, assessment: Assessment) -> list[FollowUpItem]:
    session.expire_all()
    return lists.assessment_items(session, assessment.id)


def history(session: Session, item: FollowUpItem) -> list[tuple[str, str, str | None]]:
    """(who, kind, note) of each update, newest first."""
    return [(e.who, e.update.kind, e.update.note) for e in lists.history(session, item)]


@pytest.fixture
def approved(session, people, answered, bring_to, full):
    """The full assessment, answered with its complete example, approved."""
    return bring_to(answered(people["staff"], full, title="Eastside pool"), "approved")


def reapprove(session, people, act, assessment, answers: dict) -> None:
    """Reopened, returned, changed to `answers`, resubmitted and approved again: the way a
    second approval happens."""
    questionnaire = factories.load_questionnaire(assessment.questionnaire_id)
    act(people["officer"], assessment, Action.REOPEN, note="The plan changed.")
    review.set_verdict(session, user=people["officer"], assessment=assessment,
                       questionnaire=questionnaire, section_id="implementation",
                       verdict="needs changes")
    act(people["officer"], assessment, Action.RETURN)
    assessment.answers = answers
    session.add(assessment)
    session.commit()
    act(people["staff"], assessment, Action.SUBMIT)
    act(people["director"], assessment, Action.SIGN_OFF)
    act(people["officer"], assessment, Action.START_REVIEW)
    act(people["officer"], assessment, Action.APPROVE)


def post(session, user, item, **changes):
    fields = {"status": "on track", "note": "Going well.", "value": None,
              "happened_on": TODAY, "revision": item.revision, "today": TODAY}
    return followup.post_update(session, user=user, item_id=item.id, **{**fields, **changes})


# --- approval --------------------------------------------------------------------------------


def test_approval_makes_an_item_of_each_action_and_measure(session, approved):
    items = items_of(session, approved)
    assert [(i.kind, i.title, i.owner, i.due_on, i.status) for i in items] == [
        ("measure", "Share of Eastside sixth graders passing the swim test, by race", None,
         dt.date(2030, 6, 30), "not started"),
        ("measure", "Eastside children completing eight lessons", None, dt.date(2028, 9, 30),
         "not started"),
        ("commitment", "Award the construction contract", "Parks capital projects",
         dt.date(2027, 4, 30), "not started"),
        ("commitment", "Start the Northside shuttle and women-only hours", "Aquatics supervisor",
         dt.date(2027, 9, 1), "not started"),
        ("commitment", "Reopen the pool with free lessons", "Parks and recreation",
         dt.date(2028, 6, 1), "not started"),
    ]
    assert items[1].baseline == "60 (2025)" and items[1].target == "600 a year"
    assert {i.department_id for i in items} == {approved.department_id}
    assert history(session, items[2]) == [("Equity Tool", "created", None)]
    assert approved.next_review_on == dt.date(2029, 6, 30)


def test_nothing_is_made_before_approval(session, people, answered, bring_to, full):
    assessment = bring_to(answered(people["staff"], full), "in review")
    assert items_of(session, assessment) == []
    assert assessment.next_review_on is None


def test_a_second_approval_matches_rows_to_items_by_question_and_position(session, people,
                                                                         approved, act):
    before = {(i.question_id, i.position): i for i in items_of(session, approved)}
    contract = before[("implementation_plan", 1)]
    post(session, people["staff"], contract, status="done", note="Awarded to Acme.")
    answers = dict(approved.answers)
    plan = [dict(row) for row in answers["implementation_plan"]]
    plan[1]["date"] = "2027-10-15"  # moved: the item changes, its history says how
    plan.pop(2)  # the pool's reopening is taken out: its item is dropped
    answers["implementation_plan"] = plan
    answers["accountability_measures"] = [*answers["accountability_measures"], {
        "measure": "Lifeguards hired from the Eastside", "baseline": "2", "target": "10",
        "target_date": "2029-06-30"}]
    answers["next_review_date"] = "2029-12-31"
    reapprove(session, people, act, approved, answers)

    after = {(i.question_id, i.position): i for i in items_of(session, approved)}
    assert len(after) == 6
    kept, moved = after[("implementation_plan", 1)], after[("implementation_plan", 2)]
    assert kept.id == contract.id and kept.status == "done"  # unchanged rows keep progress
    assert [kind for _, kind, _ in history(session, kept)] == ["progress", "created"]
    assert moved.due_on == dt.date(2027, 10, 15) and moved.status == "not started"
    assert history(session, moved)[0] == (
        "Equity Tool", "changed", "- Due: 1 September 2027 → 15 October 2027")
    removed = after[("implementation_plan", 3)]
    assert (removed.status, removed.status_reason) == ("dropped", "removed from the assessment")
    assert history(session, removed)[0][:2] == ("Equity Tool", "removed")
    added = after[("accountability_measures", 3)]
    assert (added.title, added.baseline, added.target) == (
        "Lifeguards hired from the Eastside", "2", "10")
    assert history(session, added) == [("Equity Tool", "created", None)]
    assert approved.next_review_on == dt.date(2029, 12, 31)


def test_a_row_put_back_in_a_later_approval_is_followed_up_again(session, people, approved,
                                                                 act):
    original = dict(approved.answers)
    fewer = {**original, "implementation_plan": original["implementation_plan"][:2]}
    reapprove(session, people, act, approved, fewer)
    reapprove(session, people, act, approved, original)
    [item] = [i for i in items_of(session, approved) if i.position == 3
              and i.question_id == "implementation_plan"]
    assert (item.status, item.status_reason) == ("not started", None)
    assert [kind for _, kind, _ in history(session, item)] == ["changed", "removed", "created"]
    assert history(session, item)[0][2] == "- Back in the assessment."


# --- progress --------------------------------------------------------------------------------


def test_staff_post_progress_and_it_is_the_items_latest(session, people, approved):
    measure = items_of(session, approved)[1]
    update = post(session, people["staff"], measure, note="**90** children so far.",
                  value="90 children", happened_on=dt.date(2027, 5, 1))
    session.refresh(measure)
    assert (measure.status, measure.latest_value, measure.latest_value_on) == (
        "on track", "90 children", dt.date(2027, 5, 1))
    assert measure.latest_update_at == update.at and measure.revision == 1
    assert history(session, measure)[0] == ("Ana Staff", "progress", "**90** children so far.")


def test_a_value_dated_earlier_than_the_latest_is_history_only(session, people, approved):
    measure = items_of(session, approved)[1]
    post(session, people["staff"], measure, value="90", happened_on=dt.date(2027, 5, 1))
    session.refresh(measure)
    post(session, people["staff"], measure, value="40", happened_on=dt.date(2027, 2, 1))
    session.refresh(measure)
    assert (measure.latest_value, measure.latest_value_on) == ("90", dt.date(2027, 5, 1))


def test_the_director_and_a_co_author_may_post(session, people, approved):
    item = items_of(session, approved)[2]
    post(session, people["director"], item)
    session.refresh(item)
    post(session, people["coauthor"], item)
    assert [who for who, _, _ in history(session, item)][:2] == ["Bo Colleague", "Dee Director"]


def test_a_co_author_who_moved_to_another_department_no_longer_posts(session, people, approved,
                                                                   make_user):
    # Like every page of the assessment: what the department does is for its own people.
    item = items_of(session, approved)[2]
    moved = make_user("cy@city.gov", department="Housing", name="Cy Moved")
    session.add(AssessmentCoauthor(assessment_id=approved.id, user_id=moved.id))
    session.commit()
    with pytest.raises(NotFound):
        post(session, moved, item)
    session.refresh(item)
    assert item.revision == 0


@pytest.mark.parametrize("who", ["officer", "admin", "councillor"])
def test_roles_that_only_read_are_refused(session, people, approved, who):
    item = items_of(session, approved)[2]
    with pytest.raises(PermissionDenied):
        post(session, people[who], item)
    assert history(session, item) == [("Equity Tool", "created", None)]


def test_another_departments_item_is_not_found(session, people, approved):
    item = items_of(session, approved)[2]
    with pytest.raises(NotFound):
        post(session, people["other"], item)
    with pytest.raises(NotFound):
        followup.get_item(session, user=people["other"], assessment_id=approved.id,
                          item_id=item.id)
    assert history(session, item) == [("Equity Tool", "created", None)]


def unchanged(session, item: FollowUpItem, before: tuple) -> bool:
    session.expire_all()
    fresh = session.get(FollowUpItem, item.id)
    return (fresh.status, fresh.revision, fresh.latest_value, fresh.latest_update_at) == before


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"happened_on": TODAY + dt.timedelta(days=1)}, "happened_on",
     "The date cannot be in the future: today is 10 May 2027. Record progress once it has "
     "happened."),
    ({"happened_on": "2027-02-30"}, "happened_on", "Enter a real date, like 2027-03-31."),
    ({"happened_on": ""}, "happened_on", "Enter the date the progress was made."),
    ({"status": "finished"}, "status", "Choose the item's status."),
    ({"status": "dropped", "note": "  "}, "note", "Say in the note why the item is dropped."),
    ({"value": "12"}, "value", "Only a measure takes a value: leave it empty for an action."),
    ({"note": "x" * 20_001}, "note", "The note is too long: keep it under 20,000 characters."),
])
def test_bad_input_is_refused_by_field_and_changes_nothing(session, people, approved, changes,
                                                           field, message):
    item = items_of(session, approved)[2]  # an action
    before = (item.status, item.revision, item.latest_value, item.latest_update_at)
    with pytest.raises(followup.ProgressRefused) as refused:
        post(session, people["staff"], item, **changes)
    assert refused.value.errors == {field: message}
    assert unchanged(session, item, before)
    assert len(history(session, item)) == 1


def test_a_measure_counted_in_numbers_takes_a_number(session, people, approved, act):
    answers = {**approved.answers, "accountability_measures": [
        {"measure": "Children who can swim", "baseline": "41", "target": "1,200",
         "target_date": "2029-06-30"}]}
    reapprove(session, people, act, approved, answers)
    measure = next(i for i in items_of(session, approved) if i.status != "dropped"
                   and i.kind == "measure")
    before = (measure.status, measure.revision, measure.latest_value, measure.latest_update_at)
    with pytest.raises(followup.ProgressRefused) as refused:
        post(session, people["staff"], measure, value="about sixty")
    assert refused.value.errors == {"value": "Enter the value as a number, as the baseline (41) "
                                             "and the target (1,200) are: for example 52 or 7.5."}
    assert unchanged(session, measure, before)
    post(session, people["staff"], measure, value="1,050")
    session.refresh(measure)
    assert measure.latest_value == "1,050"


def test_a_measure_in_words_takes_any_value(session, people, approved):
    measure = items_of(session, approved)[0]  # baseline "41% Black, 44% Latino (2025)"
    post(session, people["staff"], measure, value="52% Black, 50% Latino")
    session.refresh(measure)
    assert measure.latest_value == "52% Black, 50% Latino"


def test_dropping_needs_a_reason_and_a_dropped_item_takes_no_more(session, people, approved):
    item = items_of(session, approved)[3]
    post(session, people["staff"], item, status="dropped", note="The shuttle was not funded.")
    session.refresh(item)
    assert (item.status, item.status_reason) == ("dropped", "The shuttle was not funded.")
    with pytest.raises(followup.ItemDropped) as refused:
        post(session, people["staff"], item, status="on track")
    assert str(refused.value) == ("“Start the Northside shuttle and women-only hours” was dropped "
                                  "(The shuttle was not funded.), so it takes no more updates.")
    assert len(history(session, item)) == 2


def test_a_done_item_takes_a_correction(session, people, approved):
    item = items_of(session, approved)[2]
    post(session, people["staff"], item, status="done")
    session.refresh(item)
    post(session, people["staff"], item, status="on track", note="Not done after all.")
    session.refresh(item)
    assert item.status == "on track"


def test_a_stale_revision_is_refused_naming_who_updated(session, people, approved):
    item = items_of(session, approved)[2]
    post(session, people["coauthor"], item, note="First.")
    with pytest.raises(followup.StaleItem) as refused:
        post(session, people["staff"], item, note="Second.", revision=0)
    assert "updated by Bo Colleague since you opened this page" in str(refused.value)
    assert [note for _, _, note in history(session, item)] == ["First.", None]


def test_two_updates_based_on_one_revision_keep_exactly_one(app, session, people, approved):
    """Raced for real: two people send an update based on the same revision at one instant."""
    engine = db.get_engine(app)
    item_id = items_of(session, approved)[2].id
    users = [people["staff"].id, people["coauthor"].id]
    for trial in range(10):
        revision = session.get(FollowUpItem, item_id).revision
        start, outcomes = threading.Barrier(2), []

        def update(user_id: int, revision=revision, trial=trial, start=start,
                   outcomes=outcomes) -> None:
            with Session(engine) as own:
                user = own.get(User, user_id)
                own.get(FollowUpItem, item_id)
                start.wait()
                try:
                    followup.post_update(own, user=user, item_id=item_id, status="on track",
                                         note=f"{trial} by {user.name}", value=None,
                                         happened_on=TODAY, revision=revision, today=TODAY)
                    outcomes.append("kept")
                except followup.StaleItem:
                    outcomes.append("stale")

        threads = [threading.Thread(target=update, args=(u,)) for u in users]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(outcomes) == ["kept", "stale"], outcomes
        session.expire_all()
        assert session.get(FollowUpItem, item_id).revision == revision + 1
    progress = session.exec(select(FollowUpUpdate).where(
        FollowUpUpdate.item_id == item_id, FollowUpUpdate.kind == "progress")).all()
    assert len(progress) == 10
