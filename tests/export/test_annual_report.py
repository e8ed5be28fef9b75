"""The annual report's figures, checked against a small world counted by hand, on SQLite and
PostgreSQL; and the Word document, CSV and PDF made from them, opened back.

The world (this year, Y, is today's year in UTC):

| assessment | department | answers | path | level, flags |
|---|---|---|---|---|
| Bus lanes | Transportation | rapid, complete | approved | low, none |
| Snow routes | Transportation | rapid, escalates | returned once, then approved | high, 2 flags |
| Parking meters | Transportation | rapid, complete | in review | – |
| Bike share | Transportation | rapid, complete | draft | – |
| Rent help | Housing | rapid, escalates | approved | high, 2 flags |
| Shelter beds | Housing | rapid, complete | returned | – |

First submissions are moved to 10, 20 and 4 days before each approval. Follow-up items are
inserted directly (the rapid check tracks none); see `ITEMS`.
"""

from __future__ import annotations

import csv
import io
import subprocess
from datetime import UTC, date, datetime, timedelta

import pytest
from docx.oxml.ns import qn
from sqlmodel import select

from equity_tool.core.models import FollowUpItem, Submission
from equity_tool.core.vocabulary import ItemKind, ItemStatus
from equity_tool.publishing import reports
from equity_tool.publishing.register import publication as register
from equity_tool.publishing.reports import figures
from equity_tool.publishing.reports.report import draw_charts
from equity_tool.review.workflow import Action
from tests import factories
from tests.export.conftest import all_text, headings, need_program, open_docx

TODAY = datetime.now(UTC).date()
Y = TODAY.year
FLAGS = {"full_assessment_needed", "consequence_without_mitigation"}


def _item(a, position, kind, status, due, *, created=None, **fields):
    return FollowUpItem(assessment_id=a.id, department_id=a.department_id, question_id="q",
                        position=position, kind=kind, status=status, due_on=due,
                        created_at=created or datetime.now(UTC), **fields)


@pytest.fixture
def world(session, people, answered, act, bring_to, rapid):
    escalates = {**factories.example_answers(rapid),
                 **factories.example_answers(rapid, example="escalates")}
    staff, other, officer = people["staff"], people["other"], people["officer"]
    made = {
        "bus": bring_to(answered(staff, rapid, title="Bus lanes", decision_kind="policy"),
                        "approved"),
        "snow": bring_to(answered(staff, rapid, title="Snow routes", answers=escalates,
                                  decision_kind="budget"), "returned"),
        "parking": bring_to(answered(staff, rapid, title="Parking meters"), "in review"),
        "bike": answered(staff, rapid, title="Bike share"),
        "rent": bring_to(answered(other, rapid, title="Rent help", answers=escalates,
                                  decision_kind="contract"), "approved"),
        "shelter": bring_to(answered(other, rapid, title="Shelter beds"), "returned"),
    }
    act(staff, made["snow"], Action.SUBMIT)
    act(officer, made["snow"], Action.START_REVIEW)
    act(officer, made["snow"], Action.APPROVE)
    for key, days in (("bus", 10), ("snow", 20), ("rent", 4)):
        first = session.exec(select(Submission).where(
            Submission.assessment_id == made[key].id, Submission.round == 1)).one()
        first.at = made[key].approved_at - timedelta(days=days)
        session.add(first)
    bus, rent = made["bus"], made["rent"]
    session.add_all([
        _item(bus, 1, ItemKind.COMMITMENT, ItemStatus.DONE, date(Y, 3, 1), title="Paint lanes"),
        _item(bus, 2, ItemKind.COMMITMENT, ItemStatus.AT_RISK, TODAY - timedelta(days=1),
              title="Move stops"),
        _item(bus, 3, ItemKind.MEASURE, ItemStatus.ON_TRACK, date(Y + 1, 6, 1),
              title="=Riders from priority areas", baseline="40%", target="60%",
              latest_value="48%", latest_value_on=TODAY),
        _item(bus, 4, ItemKind.MEASURE, ItemStatus.DROPPED, date(Y, 1, 2), title="Old count"),
        _item(rent, 1, ItemKind.MEASURE, ItemStatus.NOT_STARTED, date(Y, 12, 31),
              title="Days to pay", baseline="12 days", target="5 days"),
        _item(rent, 2, ItemKind.COMMITMENT, ItemStatus.ON_TRACK, date(Y - 1, 5, 1),
              title="Hire clerks", created=datetime(Y - 1, 1, 10, tzinfo=UTC)),
    ])
    session.commit()
    factories.counted(session)
    return made


def scope(session, year=Y, department=None):
    return reports.check_scope(session, year=year, department=department, today=TODAY)


def report(session, year=Y, department=None):
    return reports.build_report(session, scope(session, year, department),
                                [factories.load_questionnaire(factories.RAPID)])


def test_citywide_figures_are_those_counted_by_hand(session, world):
    found = report(session).context
    summary = found["summary"]
    assert {k: summary[k] for k in ("completed", "first_submissions", "returns",
                                    "returned_assessments", "approvals", "median_days",
                                    "follow_up_items", "items_made", "items_done", "items_at_risk",
                                    "items_overdue")} == {
        "completed": 3, "first_submissions": 5, "returns": 2, "returned_assessments": 2,
        "approvals": 3, "median_days": 10.0, "follow_up_items": 5, "items_made": 5, "items_done": 1,
        "items_at_risk": 1, "items_overdue": 1}
    assert [(r["level"], r["count"]) for r in found["levels"]] == [("Low concern", 1),
                                                                  ("Serious concern", 2)]
    assert {f["flag_id"]: f["count"] for f in found["flags"]} == dict.fromkeys(FLAGS, 2)
    assert {r["status"]: r["count"] for r in found["items_by_status"]} == {
        "Not started": 1, "On track": 1, "At risk": 1, "Done": 1, "Dropped": 1}
    overview = {d["name"]: d for d in found["overview"]}
    assert list(overview) == ["Housing", "Transportation"]
    assert {k: overview["Transportation"][k] for k in ("completed", "returns", "approvals",
                                                        "median_days_text",
                                                        "follow_up_items", "overdue")} == {
        "completed": 2, "returns": 1, "approvals": 2, "median_days_text": "15.0",
        "follow_up_items": 4,
        "overdue": 1}
    assert overview["Housing"]["median_days_text"] == "4.0"


def test_publishing_and_withdrawing_are_no_approvals(session, world, people):
    before = report(session).context["summary"]["approvals"]
    register.publish(session, user=people["officer"], assessment=world["bus"])
    register.withdraw(session, user=people["officer"], assessment=world["bus"])
    register.publish(session, user=people["officer"], assessment=world["rent"])
    assert report(session).context["summary"]["approvals"] == before == 3


def test_each_department_lists_its_assessments_flags_items_and_measures(session, world):
    departments = {d["name"]: d for d in report(session).context["departments"]}
    transport = departments["Transportation"]
    assert [(a["title"], a["decision"], a["level"]) for a in transport["assessments"]] == [
        ("Bus lanes", "Policy", "Low concern"),
        ("Snow routes", "Budget decision", "Serious concern")]
    assert {f["flag_id"] for f in transport["flags"]} == FLAGS
    assert transport["follow_up"] == {"all": 4, "made": 4, "done": 1, "at_risk": 1,
                                  "overdue": 1, "on_track": 1, "not_started": 0, "dropped": 1}
    [measure] = transport["measures"]
    assert (measure["title"], measure["baseline"], measure["latest"], measure["target"]) == (
        "=Riders from priority areas", "40%", "48%", "60%")
    housing = departments["Housing"]
    assert [a["title"] for a in housing["assessments"]] == ["Rent help"]
    assert [(m["title"], m["latest"]) for m in housing["measures"]] == [("Days to pay", "–")]


def test_one_department_and_another_year(session, world):
    found = report(session, department="housing").context
    assert found["title"] == f"Racial equity annual report {Y}: Housing"
    assert found["summary"]["completed"] == 1 and found["summary"]["returns"] == 1
    assert [d["name"] for d in found["departments"]] == ["Housing"]
    charts = draw_charts(report(session, department="housing"))
    assert charts["departments"] is None  # one department: no chart by department
    assert charts["levels"] and charts["follow_up"]
    last_year = report(session, year=Y - 1).context
    assert last_year["has_data"] and last_year["summary"]["completed"] == 0
    last = last_year["summary"]
    assert (last["follow_up_items"], last["items_overdue"]) == (1, 1)


def test_item_counts_hold_every_item_of_the_year(session, world):
    counts = figures.item_counts(session, scope(session))
    assert sum(c["items"] for c in counts.values()) == 5


def test_bad_input_is_refused_with_a_clear_message(session, world):
    with pytest.raises(reports.ReportInputError, match=f"the years {Y - 1} to {Y + 1}") as caught:
        scope(session, year=1990)
    assert caught.value.field == "year"
    for year in ("", "twenty", "20266"):
        with pytest.raises(reports.ReportInputError) as caught:
            scope(session, year=year)
        assert caught.value.field == "year"
    with pytest.raises(reports.ReportInputError, match=r"no department named “Parks”.*"
                                                       r"Housing, Transportation"):
        scope(session, department="Parks")


def test_a_year_without_data_says_so(session, people):
    found = report(session)
    assert not found.has_data
    document = open_docx(reports.render_docx(found))
    assert f"There is nothing to report for {Y}" in all_text(document)
    assert "Summary for council" not in all_text(document)
    with pytest.raises(reports.ReportInputError, match=f"holds {Y} only"):
        scope(session, year=Y - 1)


# --- the Word document --------------------------------------------------------------------


def test_the_word_document_is_accessible(session, world):
    document = open_docx(reports.render_docx(report(session)))
    assert document.core_properties.title == f"Racial equity annual report {Y}: Citywide"
    assert document.core_properties.language == "en-US"
    lang = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/"
                                        f"{qn('w:rPr')}/{qn('w:lang')}")
    assert lang.get(qn("w:val")) == "en-US"
    found = headings(document)
    assert found[0] == ("Title", f"Racial equity annual report {Y}: Citywide")
    assert ("Heading 1", "Summary for council") in found
    assert ("Heading 2", "Transportation") in found and ("Heading 2", "Housing") in found
    assert ("Heading 3", "Measures") in found
    levels = [int(style.split()[-1]) for style, _ in found if style.startswith("Heading")]
    assert all(b - a <= 1 for a, b in zip([0, *levels], levels, strict=False))  # no level skipped
    for table in document.tables:
        first = table.rows[0]._tr
        assert first.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
        assert table._tbl.tblPr.find(qn("w:tblCaption")) is not None
    text = all_text(document)
    for expected in ("Bus lanes", "Snow routes", "Rent help", "Budget decision",
                     "=Riders from priority areas", "40%", "48%", "60%", "Days to pay"):
        assert expected in text
    assert "Parking meters" not in text and "Bike share" not in text  # not completed
    assert "built-in method" not in text and "None" not in text
    follow_up = [[c.text for c in t.rows[1].cells] for t in document.tables
                 if t._tbl.tblPr.find(qn("w:tblCaption")).get(qn("w:val")) == "Follow-up items"]
    assert follow_up == [["1", "1", "0", "0", "0"], ["4", "4", "1", "1", "1"]]  # Housing first


def test_charts_are_pictures_with_alt_text_and_a_table_beside(session, world):
    document = open_docx(reports.render_docx(report(session)))
    pictures = list(document.element.body.iter(qn("wp:docPr")))
    assert len(pictures) == 3  # levels, departments, items
    alts = [p.get("descr") for p in pictures]
    assert alts[0] == (f"Assessments completed in {Y}, by impact level: Low concern 1; "
                       "Serious concern 2.")
    assert alts[1] == (f"Assessments completed in {Y}, by department: Housing 1; "
                       "Transportation 2.")
    assert alts[2].startswith(f"Follow-up items of {Y}, by status: Not started 1; On track 1")
    images = [p for p in document.part.package.parts if p.content_type == "image/png"]
    assert len(images) == 3 and all(i.blob.startswith(b"\x89PNG") for i in images)
    captions = [t._tbl.tblPr.find(qn("w:tblCaption")).get(qn("w:val")) for t in
                document.tables]
    assert "Assessments completed, by impact level" in captions
    assert "Figures by department" in captions
    assert "Follow-up items of the year, by status" in captions


def test_a_broken_template_is_named_and_the_default_still_works(session, world, tmp_path):
    broken = tmp_path / "broken.docx"
    source = open_docx(reports.DEFAULT_TEMPLATE.read_bytes())
    source.add_paragraph("{{ title | shout }}")
    source.save(broken)
    found = report(session)
    with pytest.raises(reports.ExportError, match=f"template {broken} has a mistake"):
        reports.render_docx(found, broken)
    not_word = tmp_path / "notes.docx"
    not_word.write_text("hello")
    with pytest.raises(reports.ExportError, match=r"is not a Word \.docx file"):
        reports.render_docx(found, not_word)
    with pytest.raises(reports.ExportError, match="does not exist"):
        reports.render_docx(found, tmp_path / "missing.docx")
    assert open_docx(reports.render_docx(found)).core_properties.title


# --- CSV and PDF --------------------------------------------------------------------------


def test_the_csv_has_a_row_per_assessment_and_per_item(session, world):
    data = reports.render_csv(report(session))
    assert data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r["record"] for r in rows] == ["assessment"] * 3 + ["item"] * 5
    assessments = {r["title"]: r for r in rows if r["record"] == "assessment"}
    assert set(assessments) == {"Bus lanes", "Snow routes", "Rent help"}
    snow = assessments["Snow routes"]
    assert (snow["id"], snow["returns"], snow["impact_level"], snow["turnaround_days"]) == (
        str(world["snow"].id), "1", "high", "20.0")
    assert snow["approved_on"] == world["snow"].approved_at.date().isoformat()
    items = [r for r in rows if r["record"] == "item"]
    assert all(r["assessment_id"] and r["id"].isdigit() for r in items)
    riders = next(r for r in items if "Riders" in r["title"])
    assert riders["title"] == "'=Riders from priority areas"  # never run as a formula
    assert (riders["baseline"], riders["latest_value"], riders["target"]) == ("40%", "48%",
                                                                              "60%")
    assert [r["overdue"] for r in items].count("yes") == 1
    again = reports.render_csv(report(session))
    assert again == data  # stable


def test_the_pdf_is_made_by_libreoffice(session, world, tmp_path):
    need_program("soffice", "pdftotext")
    path = tmp_path / "report.pdf"
    path.write_bytes(reports.render_pdf(report(session)))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert f"Racial equity annual report {Y}: Citywide" in text
    assert "Snow routes" in text
