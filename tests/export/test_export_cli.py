"""`flask assessments list` and `flask export`, run as an administrator would."""

from __future__ import annotations

from equity_tool.publishing.export import pdf as pdf_module
from tests.export.conftest import approve, need_program, open_docx


def test_list_shows_every_assessment_or_those_in_one_state(runner, session, people, answered,
                                                           rapid):
    draft = answered(people["staff"], rapid, title="Library hours")
    approved = approve(session, people, answered(people["staff"], rapid, title="Bus lanes"))
    result = runner.invoke(args=["assessments", "list"])
    assert result.exit_code == 0
    assert result.output == (f"{draft.id}\tdraft\tTransportation\tLibrary hours\n"
                             f"{approved.id}\tapproved\tTransportation\tBus lanes\n")
    result = runner.invoke(args=["assessments", "list", "--state", "approved"])
    assert result.output == f"{approved.id}\tapproved\tTransportation\tBus lanes\n"
    assert runner.invoke(args=["assessments", "list", "--state", "in review"]).output == ""
    result = runner.invoke(args=["assessments", "list", "--state", "lost"])
    assert result.exit_code == 2 and "'lost' is not one of" in result.output


def test_export_writes_a_word_document(runner, session, people, answered, rapid, tmp_path):
    a = answered(people["staff"], rapid)
    out = tmp_path / "library.docx"
    result = runner.invoke(args=["export", str(a.id), str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Wrote {out} (")
    assert open_docx(out.read_bytes()).core_properties.title == "Summer library hours"


def test_export_errors_are_clear(runner, session, people, answered, rapid, tmp_path,
                                 monkeypatch):
    a = answered(people["staff"], rapid)
    result = runner.invoke(args=["export", str(a.id), str(tmp_path / "out.odt")])
    assert result.exit_code == 2 and "Name the output file .docx or .pdf" in result.output
    for missing in ("999", "99999999999"):
        result = runner.invoke(args=["export", missing, str(tmp_path / "out.docx")])
        assert result.exit_code == 1
        assert f"Error: No assessment {missing}" in result.output
    monkeypatch.setattr(pdf_module, "_program", lambda: None)
    result = runner.invoke(args=["export", str(a.id), str(tmp_path / "out.pdf")])
    assert result.exit_code == 1 and "libreoffice-writer-nogui" in result.output
    assert not list(tmp_path.glob("out.*"))


def test_export_writes_a_pdf(runner, session, people, answered, rapid, tmp_path):
    need_program("soffice")
    a = answered(people["staff"], rapid)
    out = tmp_path / "library.pdf"
    result = runner.invoke(args=["export", str(a.id), str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
