"""The registry keeps every version an assessment uses readable, whatever happens to files."""

from __future__ import annotations

import shutil
from pathlib import Path

from equity_tool.assessments.versions import Registry

ROOT = Path(__file__).resolve().parents[2]


def test_a_stored_version_loads_after_its_file_and_template_are_gone(session, tmp_path):
    folder = tmp_path / "questionnaires"
    shutil.copytree(ROOT / "questionnaires", folder)
    rapid = folder / "rapid-equity-check.yaml"
    shutil.copy(ROOT / "templates" / "docx" / "assessment.docx", folder / "city.docx")
    template = "languages: [en, es]\nexport: {template: city.docx}"
    rapid.write_text(rapid.read_text().replace("languages: [en, es]", template))
    registry = Registry(folder, session.get_bind())
    current = registry.current("rapid-equity-check")
    assert current.export_template == str(folder / "city.docx")
    rapid.unlink()
    (folder / "city.docx").unlink()
    fresh = Registry(folder, session.get_bind())  # a new process: nothing cached
    pinned = fresh.pinned(session, "rapid-equity-check", "2026.2")
    assert pinned.content_hash == current.content_hash
    assert pinned.export_template == str(folder / "city.docx")  # still anchored in the folder


def test_a_broken_file_keeps_the_last_good_version_on_offer(session, tmp_path):
    folder = tmp_path / "questionnaires"
    shutil.copytree(ROOT / "questionnaires", folder)
    registry = Registry(folder, session.get_bind())
    assert registry.current("rapid-equity-check").version == "2026.2"
    rapid = folder / "rapid-equity-check.yaml"
    rapid.write_text(rapid.read_text().replace("type: yes_no", "type: yesno"))
    registry.refresh(force=True)
    assert registry.current("rapid-equity-check").version == "2026.2"
    [problem] = [p for p in registry.problems[str(rapid)] if p.is_error]
    assert "unknown question type 'yesno'" in problem.message


def test_a_formula_that_would_exhaust_the_stack_keeps_the_last_good_version(session, tmp_path,
                                                                           runner):
    folder = tmp_path / "questionnaires"
    shutil.copytree(ROOT / "questionnaires", folder)
    registry = Registry(folder, session.get_bind())
    assert registry.current("rapid-equity-check").version == "2026.2"
    rapid = folder / "rapid-equity-check.yaml"
    text = rapid.read_text()
    formula = next(line for line in text.splitlines() if "formula:" in line)
    rapid.write_text(text.replace(formula, formula.split("formula:")[0] + "formula: "
                                  + "+" * 1500 + "1", 1))
    registry.refresh(force=True)
    assert registry.current("rapid-equity-check").version == "2026.2"
    assert any("too deeply nested" in p.message for p in registry.problems[str(rapid)])
    # `check` reports it with its line, and every other file of the folder as usual
    result = runner.invoke(args=["questionnaires", "check", str(folder)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    [line] = [line for line in result.output.splitlines() if "too deeply nested" in line]
    assert line.startswith(f"{rapid}:")
