"""The public register's use cases and read functions on SQLite and PostgreSQL (issue 13)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from equity_tool.core.exceptions import NotFound, PermissionDenied
from equity_tool.core.models import Assessment, AssessmentEvent, utcnow
from equity_tool.publishing.register import NotPublishable, publish, read, set_published, withdraw
from equity_tool.publishing.register.limits import allow_search
from tests import factories

SECRET = "hidden.lead-9q@private-mail.example"


@pytest.fixture
def registry(app):
    return app.extensions["equity_tool.registry"]


@pytest.fixture
def approved(people, answered, bring_to, full):
    answers = {**factories.example_answers(full), "lead_email": SECRET,
               "public_summary": "Wider sidewalks by the Café Ñandú, for wheelchair users."}
    return bring_to(answered(people["staff"], full, title="Sidewalk widening", answers=answers),
                    "approved")


def events(session, assessment):
    return [(e.action, e.from_state, e.to_state, e.note) for e in session.exec(
        select(AssessmentEvent).where(AssessmentEvent.assessment_id == assessment.id)
        .order_by(AssessmentEvent.id))]


def test_publish_and_withdraw_are_recorded_once(session, people, approved):
    officer = people["officer"]
    assert publish(session, user=officer, assessment=approved, note="For the council week.")
    assert not publish(session, user=officer, assessment=approved)  # a second click: nothing
    assert approved.published_at is not None
    assert withdraw(session, user=officer, assessment=approved)
    assert not withdraw(session, user=officer, assessment=approved)
    assert approved.published_at is None
    assert events(session, approved)[-2:] == [
        ("published", "approved", "approved", "For the council week."),
        ("unpublished", "approved", "approved", None)]


@pytest.mark.parametrize("role", ["staff", "director", "councillor", "admin"])
def test_other_roles_may_not_publish(session, people, approved, role):
    with pytest.raises(PermissionDenied):
        publish(session, user=people[role], assessment=approved)
    with pytest.raises(NotFound):  # staff of another department do not see it at all
        publish(session, user=people["other"], assessment=approved)
    session.expire_all()
    assert session.get(Assessment, approved.id).published_at is None
    assert "published" not in [e[0] for e in events(session, approved)]


def test_only_approved_assessments_are_published(session, people, answered, bring_to, full):
    reviewing = bring_to(answered(people["staff"], full), "in review")
    with pytest.raises(NotPublishable):
        publish(session, user=people["officer"], assessment=reviewing)
    assert session.get(Assessment, reviewing.id).published_at is None


def test_the_approval_choice_publishes_or_withdraws(session, people, approved):
    assert set_published(session, user=people["officer"], assessment=approved, published=True)
    assert not set_published(session, user=people["officer"], assessment=approved,
                             published=True)
    assert set_published(session, user=people["officer"], assessment=approved, published=False)


def test_search_reads_the_title_and_public_summary_only(session, people, approved, registry):
    publish(session, user=people["officer"], assessment=approved)

    def found(q="", **filters):
        page = read.search(session, registry, read.Filters(q=q, **filters))
        return [e.title for e in page.items]

    assert found() == ["Sidewalk widening"]
    assert found("WHEELCHAIR sidewalk") == ["Sidewalk widening"]
    assert found("Ñandú") == ["Sidewalk widening"]  # as written, on both databases
    assert found("hidden.lead") == []  # a private answer is never searched
    assert found("wheelchair trains") == []  # every word must appear
    assert found("%") == [] and found("_") == []
    year = approved.approved_at.year
    assert found(year=year, level=approved.impact_level,
                 department_id=approved.department_id) == ["Sidewalk widening"]
    assert found(year=year - 1) == [] and found(level="no-such-level") == []
    choices = read.choices(session, registry.all_offered())
    assert choices["year"] == {str(year): str(year)}
    assert list(choices["level"]) == [approved.impact_level]


def test_withdrawn_reopened_and_unknown_are_not_found(session, people, approved, act):
    with pytest.raises(NotFound):
        read.get_published(session, approved.id)
    publish(session, user=people["officer"], assessment=approved)
    assert read.get_published(session, approved.id)[0].id == approved.id
    from equity_tool.review.workflow import Action
    act(people["officer"], approved, Action.REOPEN, note="New figures.")
    with pytest.raises(NotFound):
        read.get_published(session, approved.id)
    for unknown in (0, -1, 2**31, 10**12):
        with pytest.raises(NotFound):
            read.get_published(session, unknown)


def test_the_entry_and_items_hold_nothing_private(session, people, approved, registry):
    publish(session, user=people["officer"], assessment=approved)
    entries = read.all_published(session, registry)
    assert [e.id for e in entries] == [approved.id]
    assert SECRET not in repr(entries)
    items = read.all_items(session, registry)[approved.id]
    assert items and SECRET not in repr(items)


def test_changed_at_moves_with_publication_and_withdrawal(session, people, approved):
    assert read.changed_at(session) is None or read.changed_at(session) <= utcnow()
    publish(session, user=people["officer"], assessment=approved)
    published = read.changed_at(session)
    assert published == session.get(Assessment, approved.id).published_at
    withdraw(session, user=people["officer"], assessment=approved)
    assert read.changed_at(session) > published


def test_the_search_limit_counts_per_address_in_a_window(session):
    now = utcnow()
    assert all(allow_search(session, client_address="192.0.2.1", limit=3, now=now)
               for _ in range(3))
    assert not allow_search(session, client_address="192.0.2.1", limit=3, now=now)
    assert allow_search(session, client_address="192.0.2.2", limit=3, now=now)
    later = now + timedelta(minutes=1, seconds=1)
    assert allow_search(session, client_address="192.0.2.1", limit=3, now=later)


def test_the_year_choices_are_the_citys_years_of_approval(session, people, approved, registry,
                                                         answered, bring_to, full):
    second = bring_to(answered(people["staff"], full, title="Bus shelters"), "approved")
    for assessment, approved_at in ((approved, datetime(2025, 1, 1, 3, 0, tzinfo=UTC)),
                                    (second, datetime(2025, 1, 20, 12, 0, tzinfo=UTC))):
        publish(session, user=people["officer"], assessment=assessment)
        assessment.approved_at = approved_at  # approved at that moment
        session.add(assessment)
    session.commit()
    factories.counted(session, approved, second)

    def years(timezone):
        return list(read.choices(session, registry.all_offered(), timezone=timezone)["year"])

    assert years("UTC") == ["2025"]
    # 3 a.m. on New Year's Day in UTC is still New Year's Eve in Chicago
    assert years("America/Chicago") == ["2025", "2024"]
