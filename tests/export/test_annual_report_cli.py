"""`flask report annual`, run as the officer's administrator would, with its exit codes."""

from __future__ import annotations

import csv
import io

from equity_tool.publishing import reports
from tests.export.conftest import all_text, open_docx
from tests.export.test_annual_report import Y, world  # noqa: F401  (the fixture)


def run(runner, *args):
    return runner.invoke(args=["report", "annual", *args])


def test_writes_the_word_report_and_the_csv(runner, world, tmp_path):  # noqa: F811
    out = tmp_path / "report.docx"
    result = run(runner, "--year", str(Y), str(out))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Wrote {out} (")
    assert open_docx(out.read_bytes()).core_properties.title == (
        f"Racial equity annual report {Y}: Citywide")
    out = tmp_path / "housing.csv"
    result = run(runner, "--year", str(Y), "--department", "Housing", str(out))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"))))
    assert [(r["record"], r["title"]) for r in rows] == [
        ("assessment", "Rent help"), ("item", "Days to pay")]


def test_bad_input_exits_nonzero_with_a_clear_message(runner, world, tmp_path):  # noqa: F811
    out = tmp_path / "report.docx"
    result = run(runner, "--year", "1990", str(out))
    assert result.exit_code == 1
    assert f"Error: There is nothing to report for 1990: the data holds the years {Y - 1}" in (
        result.output)
    result = run(runner, "--year", str(Y), "--department", "Parks", str(out))
    assert result.exit_code == 1 and "There is no department named “Parks”" in result.output
    result = run(runner, "--year", str(Y), str(tmp_path / "report.odt"))
    assert result.exit_code == 2 and "Name the output file .docx, .csv or .pdf" in result.output
    result = run(runner, str(out))
    assert result.exit_code == 2 and "--year" in result.output
    assert not out.exists()


def test_a_broken_template_is_named_and_the_default_still_works(app, runner, world,  # noqa: F811
                                                                tmp_path):
    broken = tmp_path / "city.docx"
    document = open_docx(reports.DEFAULT_TEMPLATE.read_bytes())
    document.add_paragraph("{% for %}")
    document.save(broken)
    app.config["ANNUAL_REPORT_TEMPLATE"] = str(broken)
    out = tmp_path / "report.docx"
    result = run(runner, "--year", str(Y), str(out))
    assert result.exit_code == 1
    assert f"Error: The annual report template {broken} has a mistake" in result.output
    assert not out.exists()
    result = run(runner, "--year", str(Y), "--default-template", str(out))
    assert result.exit_code == 0, result.output
    assert "Summary for council" in all_text(open_docx(out.read_bytes()))


def test_a_year_without_data_gives_a_report_saying_so(runner, people, tmp_path):
    out = tmp_path / "empty.docx"
    result = run(runner, "--year", str(Y), str(out))
    assert result.exit_code == 0, result.output
    assert f"There is nothing to report for {Y}" in all_text(open_docx(out.read_bytes()))
