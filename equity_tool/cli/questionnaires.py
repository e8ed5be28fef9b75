"""`flask questionnaires check` and `flask questionnaires score`: the authors' tools."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from equity_tool.questionnaire import evaluate, load_file, load_paths, questionnaire_files
from equity_tool.questionnaire.answersfile import read_answers
from equity_tool.questionnaire.values import plain_number

group = AppGroup("questionnaires", help="Check questionnaire files and try their scoring.")


def questionnaire_folder() -> Path:
    return Path(current_app.config["EQUITY_TOOL_QUESTIONNAIRES"])


@group.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def check(paths: tuple[Path, ...]) -> None:
    """Check questionnaire files (default: the whole folder); exit 1 on any error."""
    folder = questionnaire_folder()
    files = _expand(paths) if paths else questionnaire_files(folder)
    missing = [p for p in files if not p.is_file()]
    for path in missing:
        click.echo(f"{path}:1:1: error: no such file")
    known = _ids_beside(files)
    results = load_paths([p for p in files if p.is_file()], known)
    problems = [p for r in results for p in r.problems] + _version_conflicts(results)
    for problem in problems:
        click.echo(str(problem))
    errors = sum(p.is_error for p in problems) + len(missing)
    warnings = len(problems) - sum(p.is_error for p in problems)
    click.echo(f"{len(files)} file(s) checked: {errors} error(s), {warnings} warning(s)", err=True)
    sys.exit(1 if errors else 0)


def _expand(paths: tuple[Path, ...]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        files.extend(questionnaire_files(path) if path.is_dir() else [path])
    return files


def _ids_beside(files: list[Path]) -> frozenset[str]:
    """Ids of the questionnaires in the named files' folders, for escalate_to targets."""
    ids = set()
    for folder in {p.parent for p in files if p.is_file()}:
        for path in questionnaire_files(folder):
            if path not in files:
                result = load_file(path)
                if result.questionnaire:
                    ids.add(result.questionnaire.id)
    return frozenset(ids)


def _version_conflicts(results) -> list:
    """A version whose content changed after assessments were started on it is an error."""
    check = current_app.extensions.get("equity_tool.version_conflicts")
    return check(results) if check else []


@group.command("score")
@click.argument("path", type=click.Path(path_type=Path))
@click.argument("answers_path", metavar="ANSWERS.yaml", type=click.Path(path_type=Path))
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Evaluate as on this date (YYYY-MM-DD), for rules that use `today`.")
def score(path: Path, answers_path: Path, today) -> None:
    """Evaluate a questionnaire against a YAML file of answers and print the result as JSON."""
    result = load_file(path)
    if not result.ok:
        for problem in result.problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    try:
        text = answers_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        click.echo(f"{answers_path}:1:1: error: cannot read the answers file: {exc}", err=True)
        sys.exit(1)
    questionnaire = result.questionnaire
    answers, problems = read_answers(questionnaire, text, str(answers_path))
    if answers is None:
        for problem in problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    evaluation = evaluate(questionnaire, answers, today=today.date() if today else None)
    summary = evaluation.summary(questionnaire)
    summary["scores"] = {k: plain_number(v) for k, v in summary["scores"].items()}
    click.echo(json.dumps(summary, ensure_ascii=False, default=str))
