"""The dashboard's figures against the hand-counted world of tests/dashboard_world.py, on SQLite
and PostgreSQL."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa

from equity_tool.core import tallies
from equity_tool.publishing import dashboard
from equity_tool.publishing.dashboard import assessment_figures
from tests import dashboard_world
from tests.dashboard_world import NOW

STATES = ("Draft", "Awaiting sign-off", "Submitted", "In review", "Returned", "Resubmitted",
          "Approved", "Withdrawn")


@pytest.fixture
def world(session, monkeypatch):
    return dashboard_world.build(session, monkeypatch)


@pytest.fixture
def registry(app):
    return app.extensions["equity_tool.registry"]


def figures(session, registry, **filters) -> dict[str, dashboard.Table]:
    found = dashboard.build(session, registry, dashboard.Filters(**{"year": 2025, **filters}),
                            now=NOW)
    return found.tables


def by_header(table: dashboard.Table) -> dict:
    """Row header -> the rest of the row."""
    return {row[0]: row[1:] for row in table.rows}


def test_assessments_by_department_and_state(session, registry, world):
    table = figures(session, registry)["by-department-and-state"]
    assert table.columns == ("Department", *STATES, "Total")
    # draft, sign-off, submitted, in review, returned, resubmitted, approved, withdrawn, total
    assert by_header(table) == {"Housing": (0, 0, 0, 1, 0, 0, 1, 1, 3),
                                "Parks": (0, 0, 0, 0, 1, 0, 0, 0, 1),  # P2 was started in 2024
                                "Transportation": (1, 0, 1, 0, 0, 0, 2, 0, 4)}
    assert table.footer == ("All departments", 1, 0, 1, 1, 1, 0, 3, 1, 8)


def test_assessments_by_impact_level_use_the_questionnaires_labels(session, registry, world):
    table = figures(session, registry)["by-impact-level"]
    assert table.rows == [("Low concern", "Rapid equity check", 3),
                          ("Some concern", "Rapid equity check", 3),
                          ("Not yet known", "Rapid equity check", 2)]
    assert table.footer == ("All levels", "", 8)


def test_flags_raised_most_often(session, registry, world):
    table = figures(session, registry)["flags"]
    assert [(row[0][:40], row[2], row[3]) for row in table.rows] == [
        ("This decision needs the full racial equi", "High", 3),
        ("A possible consequence has no mitigation", "Warning", 1)]


def test_turnaround_counts_the_approvals_of_the_year(session, registry, world):
    assert assessment_figures.turnaround_days(
        session, dashboard.Filters(year=2025)) == pytest.approx([2, 4, 8, 10])
    assert by_header(figures(session, registry)["review-figures"]) == {
        "Approved in 2025": (4,),
        "Median days from first submission to approval": (6.0,),
        "90th percentile of days from first submission to approval": (9.4,),
        "Started in 2025 and sent to the equity officer": (6,),
        "Of those, returned at least once": (2,),
        "Share returned at least once": ("33%",),
    }


def test_a_year_with_nothing_approved_has_no_turnaround(session, registry, world):
    rows = by_header(figures(session, registry, year=2024)["review-figures"])
    assert rows["Approved in 2024"] == (0,)
    assert rows["Median days from first submission to approval"] == (None,)
    assert rows["Started in 2024 and sent to the equity officer"] == (1,)  # P2
    assert rows["Share returned at least once"] == ("0%",)


@pytest.mark.parametrize(("values", "median", "ninetieth"), [
    ([], None, None), ([3.0], 3.0, 3.0), ([1.0, 2.0, 3.0], 2.0, 2.8),
    ([2.0, 4.0, 8.0, 10.0], 6.0, 9.4)])
def test_percentiles_interpolate_between_the_nearest_values(values, median, ninetieth):
    assert assessment_figures.percentile(values, 0.5) == pytest.approx(median)
    assert assessment_figures.percentile(values, 0.9) == pytest.approx(ninetieth)


def test_the_oldest_waiting_come_first_whatever_the_year(session, registry, world):
    table = figures(session, registry, year=2024)["waiting-longest"]
    assert [(row[0], row[2], row[4]) for row in table.rows] == [
        ("Assessment H2", "In review", 180), ("Assessment T4", "Submitted", 60)]
    assert table.assessment_ids == [world.assessments["H2"].id, world.assessments["T4"].id]
    assert table.total == 2


def test_items_by_status_per_department(session, registry, world):
    table = figures(session, registry)["items-by-status"]
    assert table.columns == ("Department", "Not started", "On track", "At risk", "Done",
                             "Dropped", "Total")
    # Parks' items are due in 2024 and 2026; Housing's measure has no due date (created 2025)
    assert by_header(table) == {"Housing": (1, 0, 1, 0, 1, 3),
                                "Transportation": (0, 2, 0, 1, 0, 3)}
    assert table.footer == ("All departments", 1, 2, 1, 1, 1, 6)
    assert by_header(figures(session, registry, year=2026)["items-by-status"]) == {
        "Parks": (1, 0, 0, 0, 0, 1)}


def test_overdue_items_oldest_first_with_their_count(session, registry, world):
    table = figures(session, registry)["overdue-items"]
    assert [(row[0], row[1], row[6]) for row in table.rows] == [
        ("Survey riders", "Parks", 273), ("Open the lab", "Housing", 172),
        ("Hire two staff", "Transportation", 92)]
    assert table.total == 3
    cut = dashboard.page.items.overdue(session, dashboard.Filters(year=2025),
                                       today=NOW.date(), limit=2)
    assert (len(cut.rows), cut.total, cut.cut_short) == (2, 3, True)


def test_measures_with_their_latest_value(session, registry, world):
    table = figures(session, registry)["measures"]
    assert table.columns[:8] == ("Measure", "Department", "Assessment", "Baseline", "Target",
                                 "Latest value", "Recorded on", "Status")
    # Soonest due first, a measure with no due date last.
    assert [row[:6] for row in table.rows] == [
        ("Evening visits", "Transportation", "Assessment T1", "100", "200", "150"),
        ("=1+1 households", "Housing", "Assessment H1", "-5", "+50", None)]
    assert table.total == 2


def test_a_department_and_a_questionnaire_narrow_every_figure(session, registry, world):
    housing = world.departments["Housing"]
    tables = figures(session, registry, department_id=housing)
    assert by_header(tables["by-department-and-state"]) == {
        "Housing": (0, 0, 0, 1, 0, 0, 1, 1, 3)}
    assert [r[0] for r in tables["waiting-longest"].rows] == ["Assessment H2"]
    assert [r[0] for r in tables["overdue-items"].rows] == ["Open the lab"]
    assert by_header(tables["review-figures"])["Approved in 2025"] == (1,)
    assert [r[0] for r in tables["flags"].rows] == ["A possible consequence has no mitigation "
                                                   "yet."]
    other = figures(session, registry, questionnaire_id=dashboard_world.factories.FULL)
    assert all(not t.rows for name, t in other.items() if name != "review-figures")
    assert other["overdue-items"].total == 0
    same = figures(session, registry, questionnaire_id=dashboard_world.factories.RAPID)
    assert same["overdue-items"].total == 3 and same["measures"].total == 2


def test_the_year_follows_the_citys_time_zone(session, registry, world):
    # T1..P1 were created on 10 January 2025 at 09:00 UTC, P2 on 20 December 2024: the same
    # years in Chicago.
    table = figures(session, registry, timezone="America/Chicago")["by-department-and-state"]
    assert table.footer[-1] == 8
    session.execute(sa.update(dashboard_world.Assessment)
                    .where(dashboard_world.Assessment.id == world.assessments["T3"].id)
                    .values(created_at=dashboard_world.datetime(2025, 1, 1, 3,
                                                                tzinfo=dashboard_world.UTC)))
    tallies.refresh(session, world.assessments["T3"].id)  # as the app does after a change
    session.commit()
    # 03:00 UTC on New Year's Day is still 2024 in Chicago, 2025 in UTC: the figures are
    # counted again in the city's time zone when it changes.
    chicago = figures(session, registry, timezone="America/Chicago")["by-department-and-state"]
    assert chicago.footer[-1] == 7
    assert figures(session, registry)["by-department-and-state"].footer[-1] == 8
    assert figures(session, registry, timezone="America/Chicago")[
        "by-department-and-state"].footer[-1] == 7


def test_choices_offer_every_year_the_data_holds(session, world):
    found = dashboard.choices(session, today=NOW.date())
    # from P2's item due in 2024 (and P2 created then) to the measure due in 2026
    assert list(found["year"]) == ["2026", "2025", "2024"]
    assert set(found["department"].values()) == {"Transportation", "Housing", "Parks"}
    assert dashboard_world.factories.RAPID in found["questionnaire"]


def test_every_table_downloads_in_full_as_csv_safe_for_spreadsheets(session, registry, world):
    filters = dashboard.Filters(year=2025)
    for name in dashboard.TABLES:
        table = dashboard.table(session, registry, filters, name, now=NOW)
        rows = list(csv.reader(io.StringIO(dashboard.as_csv(table))))
        assert rows[0] == list(table.columns)
        assert len(rows) == 1 + len(table.rows) + (1 if table.footer else 0)
    measures = list(csv.reader(io.StringIO(dashboard.as_csv(
        dashboard.table(session, registry, filters, "measures", now=NOW)))))
    assert measures[2][:6] == ["'=1+1 households", "Housing", "Assessment H1", "'-5", "'+50", ""]


@pytest.mark.parametrize(("value", "safe"), [
    ("=SUM(A1)", "'=SUM(A1)"), ("+1", "'+1"), ("-1", "'-1"), ("@cmd", "'@cmd"),
    ("\tx", "'\tx"), ("plain", "plain"), (3, 3), (None, "")])
def test_cells_that_a_spreadsheet_would_run_are_quoted(value, safe):
    assert dashboard.safe_cell(value) == safe
