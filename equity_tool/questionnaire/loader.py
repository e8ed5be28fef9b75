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


def load_text(text: str, path: str = "<text>") -> LoadResult:
    with _no_cyclic_gc():
        return _load_text(text, path)


def _load_text(text: str, path: str) -> LoadResult:
    problems = Problems(path)
    try:
        root = parse(text)
    except YAMLLoadError as exc:
        problems.error(exc.position, exc.message)
        return LoadResult(path, None, problems.sorted())
    questionnaire = read_questionnaire(root, problems, path)
    if questionnaire is not None:
        questionnaire = replace(questionnaire, content_hash=content_hash(root), source=text)
    return LoadResult(path, questionnaire, problems.sorted())


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
    _check_across(results, known_ids)
    return results


def load_folder(folder: str | Path) -> list[LoadResult]:
    return load_paths(questionnaire_files(folder))


def _check_across(results: list[LoadResult], known_ids: frozenset[str]) -> None:
    seen: dict[str, str] = {}
    ids = {r.questionnaire.id for r in results if r.questionnaire}
    for result in results:
        q = result.questionnaire
        if q is None:
            continue
        problems = Problems(result.path)
        if q.id in seen:
            problems.error(
                (1, 1),
                f"the id '{q.id}' is already used by {seen[q.id]}; ids are "
                "unique across the folder",
            )
        seen.setdefault(q.id, result.path)
        for flag in q.scoring.flags:
            if flag.escalate_to and flag.escalate_to not in ids | known_ids:
                problems.error(
                    (flag.line, 1),
                    f"the flag '{flag.id}' escalates to '{flag.escalate_to}', "
                    "which is not a questionnaire in this folder",
                )
        if problems.items:
            result.problems = sorted(result.problems + problems.items)
            if problems.has_errors:
                result.questionnaire = None
