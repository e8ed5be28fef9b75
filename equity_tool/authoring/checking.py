"""A questionnaire's text checked exactly as `flask questionnaires check` checks a file.

The same loader, the same limits (YAML tags, aliases, nesting, expressions), the same check
across files (escalation targets) and the same version conflicts against the database, so the
editor shows the messages the command prints, word for word. Only the size limit is ours: the
command reads files an administrator put on the server, the browser takes what anyone types.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from equity_tool.assessments.versions import Registry, version_conflict
from equity_tool.questionnaire import Problem, Questionnaire, load_text
from equity_tool.questionnaire.loader import check_across
from equity_tool.questionnaire.problems import ERROR

# Named as if in the questionnaires folder, so a relative export template is looked for there,
# as for the folder's own files.
DRAFT_FILE_NAME = "draft.yaml"


@dataclass(frozen=True)
class Check:
    """What checking a text found: the questionnaire (None when it cannot load) and problems."""

    questionnaire: Questionnaire | None
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def ok(self) -> bool:
        return self.questionnaire is not None and not self.errors


def size_problem(text: str, max_bytes: int, path: str) -> Problem | None:
    """An error when `text` is larger, in UTF-8, than `max_bytes`."""
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size <= max_bytes:
        return None
    return Problem(path, 1, 1, ERROR, too_large_message(size, max_bytes))


def too_large_message(size: int, max_bytes: int) -> str:
    return (f"the file is too large: {size:,} bytes, and the limit is {max_bytes:,} bytes "
            f"({max_bytes // 1024:,} KiB); split it, or shorten its longest texts")


def check_source(session: Session, source: str, *, registry: Registry, max_bytes: int,
                 conflicts: bool = True) -> Check:
    """Check `source` as the command checks a file in the registry's folder: flags may
    escalate to any questionnaire the service knows (offered, or a file in the folder).
    `conflicts=False` leaves out the version conflict (publishing explains it with a diff)."""
    path = str(registry.folder / DRAFT_FILE_NAME)
    too_large = size_problem(source, max_bytes, path)
    if too_large:
        return Check(None, [too_large])
    result = load_text(source, path)
    registry.refresh()
    check_across([result], frozenset(registry.offered) | frozenset(registry.files))
    problems = list(result.problems)
    if conflicts and result.questionnaire is not None:
        conflict = version_conflict(session, result.questionnaire)
        if conflict:
            problems.append(conflict)
    problems.sort(key=lambda p: (p.line, p.column))
    return Check(result.questionnaire, problems)
