"""Load questionnaire files and folders: text in, a Questionnaire and its problems out."""

from __future__ import annotations

import gc
import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from .model import Questionnaire
from .problems import Problem, Problems
from .schema import read_questionnaire
from .yamlfile import YAMLLoadError, parse, to_plain


@dataclass
class LoadResult:
    path: str
    questionnaire: Questionnaire | None
    problems: list[Problem] = field(default_factory=list)
    declared_id: str | None = None  # the file's id, even when it failed to load
    escalations: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.questionnaire is not None and not any(p.is_error for p in self.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]


def content_hash(data) -> str:
    """A hash of what the file says, not how: comments, spacing and key order do not count."""
    canonical = json.dumps(
        to_plain(data), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@contextmanager
def _no_cyclic_gc():
    """Loading makes many small objects and no garbage cycles; without this pause, the cyclic
    collector walks them again and again and takes a third of the load time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_text(text: str, path: str = "<text>", *, check_files: bool = True) -> LoadResult:
    """Load a questionnaire's text; `path` names it in messages and anchors relative files.

    `check_files=False` accepts an export template that is no longer there: a stored
    version must stay readable after its template file is removed.
    """
    with _no_cyclic_gc():
        return _load_text(text, path, check_files)


def _load_text(text: str, path: str, check_files: bool) -> LoadResult:
    problems = Problems(path)
    duplicates: list[YAMLLoadError] = []
    try:
        root = parse(text, duplicates)
    except YAMLLoadError as exc:
        problems.error(exc.position, exc.message)
        return LoadResult(path, None, problems.sorted())
    for duplicate in duplicates:
        problems.error(duplicate.position, duplicate.message)
    questionnaire = read_questionnaire(root, problems, path, check_files)
    if questionnaire is not None:
        questionnaire = replace(questionnaire, content_hash=content_hash(root), source=text)
    return LoadResult(path, questionnaire, problems.sorted(), problems.declared_id,
                      problems.escalations)


def load_file(path: str | Path) -> LoadResult:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems = Problems(str(path))
        reason = "it is not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else exc.strerror
        problems.error((1, 1), f"cannot read the file: {reason}")
        return LoadResult(str(path), None, problems.items)
    return load_text(text, str(path))


def questionnaire_files(folder: str | Path) -> list[Path]:
    return sorted(p for p in Path(folder).iterdir() if p.suffix in (".yaml", ".yml"))


def load_paths(paths: list[Path], known_ids: frozenset[str] = frozenset()) -> list[LoadResult]:
    """Load files, then check what spans files: unique ids and escalation targets.

    `known_ids` are questionnaires loaded elsewhere that flags may escalate to.
    """
    results = [load_file(p) for p in paths]
    check_across(results, known_ids)
    return results


def load_folder(folder: str | Path) -> list[LoadResult]:
    return load_paths(questionnaire_files(folder))


def check_across(results: list[LoadResult], known_ids: frozenset[str]) -> None:
    seen: dict[str, str] = {}
    ids = {r.declared_id for r in results if r.declared_id} | known_ids
    for result in results:
        problems = Problems(result.path)
        if result.questionnaire is not None:
            qid = result.questionnaire.id
            if qid in seen:
                problems.error((1, 1), f"the id '{qid}' is already used by {seen[qid]}; ids "
                               "are unique across the folder")
            seen.setdefault(qid, result.path)
        for flag_id, target, line in result.escalations:
            if target not in ids:
                problems.error((line, 1), f"the flag '{flag_id}' escalates to '{target}', "
                               "which is not a questionnaire in this folder")
        if problems.items:
            result.problems = sorted(result.problems + problems.items)
            if problems.has_errors:
                result.questionnaire = None
