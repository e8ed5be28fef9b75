"""The tallies the dashboard and the annual report count from, on a real database: each step
of an assessment's life moves them exactly as a fresh count would, a change of the city's time
zone counts everything again, and progress posted on two items of one assessment at the same
instant (two threads) is counted twice, not once."""

from __future__ import annotations

import datetime as dt
import threading

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from equity_tool.core import db, tallies
from equity_tool.core.models import Assessment, FollowUpItem, Tally, TallyBasis, User
from equity_tool.core.tallies import Tallied
from equity_tool.followup import service as followup
from equity_tool.review.workflow import Action

YEAR = dt.datetime.now(dt.UTC).year


def kept(session: Session, kind: Tallied, **where: object) -> int:
    """The sum of the kept tallies of `kind` (this year unless told) matching `where`."""
    where = {"year": YEAR, **where}
    return session.exec(select(func.coalesce(func.sum(Tally.count), 0)).where(
        Tally.kind == kind.value, *(getattr(Tally, k) == v for k, v in where.items()))).one()


def agrees(session: Session) -> bool:
    session.expire_all()
    return tallies.differences(session) == []


def post(session: Session, user: User, item: FollowUpItem, status: str, note: str = "") -> None:
    session.refresh(item)
    followup.post_update(session, user=user, item_id=item.id, status=status,
                         note=note or f"Now {status}.", value=None,
                         happened_on=dt.date.today(), revision=item.revision,
                         today=dt.date.today())


def test_each_step_of_an_assessments_life_moves_the_tallies(session, people, answered, act,
                                                            bring_to, full, rapid):
    tallies.ensure(session, "UTC")  # kept from the start, as after `flask db upgrade`
    staff, officer = people["staff"], people["officer"]

    pool = answered(staff, full, title="Eastside pool")
    assert kept(session, Tallied.STATE, what="draft") == 1 and agrees(session)
    bring_to(pool, "approved")
    assert kept(session, Tallied.STATE, what="draft") == 0
    assert kept(session, Tallied.STATE, what="approved") == 1
    assert kept(session, Tallied.REACHED) == kept(session, Tallied.APPROVALS) == 1
    assert kept(session, Tallied.COMPLETED, what=pool.impact_level) == 1
    items = session.exec(select(FollowUpItem).where(
        FollowUpItem.assessment_id == pool.id).order_by(col(FollowUpItem.id))).all()
    assert items and kept(session, Tallied.ITEM, year=items[0].due_on.year,
                          detail="not started") >= 1
    assert agrees(session)

    post(session, staff, items[0], "dropped", note="The council cut the budget.")
    assert kept(session, Tallied.ITEM, year=items[0].due_on.year, detail="dropped") == 1
    assert agrees(session)

    bus = bring_to(answered(staff, rapid, title="Bus lanes"), "returned")
    assert kept(session, Tallied.RETURNED) == kept(session, Tallied.RETURNS) == 1
    assert kept(session, Tallied.STATE, what="returned") == 1 and agrees(session)

    act(officer, pool, Action.REOPEN, note="The plan changed.")
    assert kept(session, Tallied.COMPLETED, what=pool.impact_level) == 0
    assert kept(session, Tallied.APPROVALS) == 1  # the approval happened all the same
    assert agrees(session)
    act(staff, bus, Action.SUBMIT)
    assert kept(session, Tallied.STATE, what="resubmitted") == 1 and agrees(session)


def test_a_new_time_zone_counts_everything_again(session, people, answered):
    answered(people["staff"], title="Late-night buses")
    tallies.ensure(session, "UTC")
    assert tallies.kept_in(session) == "UTC"
    tallies.ensure(session, "Pacific/Kiritimati")  # UTC+14: a new year may start a day early
    assert tallies.kept_in(session) == "Pacific/Kiritimati" and agrees(session)
    assert sum(session.exec(select(Tally.count).where(Tally.kind == "state")).all()) == 1


def test_nothing_is_kept_until_counted_once(session, people, answered):
    session.execute(sa.delete(Tally))
    session.execute(sa.delete(TallyBasis))  # as in a database migrated a moment ago
    session.commit()
    answered(people["staff"], title="Tree canopy")
    assert tallies.kept_in(session) is None
    assert session.exec(select(func.count()).select_from(Tally)).one() == 0
    tallies.ensure(session, "UTC")  # the first page that counts
    assert kept(session, Tallied.STATE, what="draft") == 1 and agrees(session)


def test_progress_on_two_items_at_one_instant_counts_both(app, session, people, answered,
                                                          bring_to, full):
    """Raced for real: two people post on two items of the same assessment at one instant;
    each refresh starts from what the other stored."""
    tallies.ensure(session, "UTC")
    pool = bring_to(answered(people["staff"], full, title="Eastside pool"), "approved")
    first, second = session.exec(select(FollowUpItem).where(
        FollowUpItem.assessment_id == pool.id).order_by(col(FollowUpItem.id))).all()[:2]
    engine = db.get_engine(app)
    statuses = ["on track", "at risk"]
    for trial in range(6):
        status = statuses[trial % 2]
        start, failures = threading.Barrier(2), []

        def update(user_id: int, item_id: int, status=status, start=start,
                   failures=failures) -> None:
            with Session(engine) as own:
                user, item = own.get(User, user_id), own.get(FollowUpItem, item_id)
                start.wait()
                try:
                    post(own, user, item, status)
                except Exception as error:  # any failure is reported by the assertion below
                    failures.append(repr(error))

        threads = [threading.Thread(target=update, args=(people[who].id, item.id))
                   for who, item in (("staff", first), ("coauthor", second))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert failures == []
        assert agrees(session), tallies.differences(session)


def test_rows_changed_by_hand_are_counted_again_on_request(runner, session, people, answered):
    bikes = answered(people["staff"], title="Bike share")
    session.execute(sa.update(Assessment).where(Assessment.id == bikes.id)
                    .values(state="withdrawn"))  # by hand, in the database: the app never knew
    session.commit()
    assert not agrees(session)
    result = runner.invoke(args=["db", "recount"])
    assert result.exit_code == 0 and "figure(s) had differed" in result.output
    assert agrees(session) and kept(session, Tallied.STATE, what="withdrawn") == 1
