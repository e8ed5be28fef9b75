"""`flask questionnaires check` and `score`: output, messages and exit codes as the format says."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tests import factories

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLE = ROOT / "tests" / "engine" / "files" / "format-example.yaml"
ANSWERS = ROOT / "questionnaires" / "examples"


def test_the_shipped_questionnaires_pass_check(runner):
    result = runner.invoke(args=["questionnaires", "check"])
    assert result.exit_code == 0, result.output
    assert "2 file(s) checked: 0 error(s), 0 warning(s)" in result.output


def test_the_format_documents_example_passes_check(runner):
    result = runner.invoke(args=["questionnaires", "check", str(EXAMPLE)])
    assert result.exit_code == 0, result.output


def test_score_on_the_format_documents_example_prints_what_the_format_shows(runner, tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text('{affects_residents: "yes", decision_date: "2026-02-30"}\n')
    result = runner.invoke(args=["questionnaires", "score", str(EXAMPLE), str(answers)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "questionnaire": "rapid-equity-check", "version": "2026.1",
        "scores": {"exposure": 0}, "level": "moderate", "flags": ["no_groups"],
        "hidden": [], "missing": ["summary", "groups"],
        "invalid": {"decision_date": "Enter a real date, for example 2026-03-27"},
    }


def test_check_lists_every_problem_with_its_line_and_exits_1(runner, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(EXAMPLE.read_text().replace("type: yes_no", "type: yesno")
                      .replace('version: "2026.1"', "version: 2026.1"))
    result = runner.invoke(args=["questionnaires", "check", str(broken)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    errors = [line for line in lines if ": error: " in line]
    assert errors == [
        f'{broken}:2:10: error: version must be a quoted string: write version: "2026.1" '
        "(unquoted, 2026.1 is read as a number)",
        f"{broken}:32:15: error: unknown question type 'yesno' (did you mean 'yes_no'?); the "
        "types are text, long_text, number, date, email, url, yes_no, single_choice, "
        "multi_choice, scale, table, info",
    ]
    # the example's plain texts in a two-language file are warnings, each on its own line
    assert all(re.match(rf"{re.escape(str(broken))}:\d+:\d+: (error|warning): ", line)
               for line in lines)
    assert "1 file(s) checked: 2 error(s)" in result.stderr


def test_check_names_a_missing_file(runner, tmp_path):
    result = runner.invoke(args=["questionnaires", "check", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 1
    assert f"{tmp_path / 'nope.yaml'}:1:1: error: no such file" in result.stdout


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ("affects_residents: 'yes'\nmystery: 1\n",
         "answers.yaml:2:1: error: 'mystery' is not a question of rapid-equity-check"),
        ("affects_residents: [yes\n", "answers.yaml:2:1: error: this is not valid YAML"),
        ("- just a list\n", "answers.yaml:1:1: error: an answers file must be a mapping"),
        ("efect: mixed\n", "'efect' is not a question of rapid-equity-check (did you mean "
         "'effect'?)"),
    ],
)
def test_a_malformed_answers_file_is_a_clear_error(runner, tmp_path, answers, message):
    path = tmp_path / "answers.yaml"
    path.write_text(answers)
    result = runner.invoke(args=["questionnaires", "score", str(EXAMPLE), str(path)])
    assert result.exit_code == 1
    assert message in result.output.replace(str(tmp_path) + "/", "")
    assert "Traceback" not in result.output


def _expected(answers: Path) -> dict:
    """The hand-computed result written at the top of each shipped answers file."""
    line = next(line for line in answers.read_text().splitlines()
                if line.startswith("# expected: "))
    return json.loads(line.removeprefix("# expected: "))


@pytest.mark.parametrize("answers", sorted(ANSWERS.glob("*.yaml")), ids=lambda p: p.stem)
def test_score_matches_the_hand_computed_results(runner, answers):
    questionnaire = ROOT / "questionnaires" / (answers.stem.split("--")[0] + ".yaml")
    result = runner.invoke(args=["questionnaires", "score", str(questionnaire), str(answers),
                                 "--today", "2026-11-24"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed.pop("questionnaire") == questionnaire.stem
    printed.pop("version")
    assert printed == _expected(answers)


def test_check_refuses_a_changed_version_that_assessments_use(app, runner, session, make_user,
                                                              tmp_path):
    folder = tmp_path / "questionnaires"
    shutil.copytree(ROOT / "questionnaires", folder)
    app.config["EQUITY_TOOL_QUESTIONNAIRES"] = folder
    from equity_tool.assessments.versions import Registry

    registry = Registry(folder, session.get_bind())
    user = make_user("ana@city.gov")
    factories.start_assessment(session, author=user, title="Bus shelters",
                               questionnaire=registry.current("rapid-equity-check"))
    path = folder / "rapid-equity-check.yaml"
    path.write_text(path.read_text().replace("Rapid equity check,", "Quick equity check,"))
    result = runner.invoke(args=["questionnaires", "check", str(path)])
    assert result.exit_code == 1
    assert (f"{path}:10:1: error: the content of version '2026.2' changed, but 1 "
            "assessment(s) were started on it") in result.stdout
