"""Problems found in a questionnaire file, reported as `PATH:LINE:COLUMN: severity: MESSAGE`."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    column: int
    severity: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


@dataclass
class Problems:
    """Collects every problem of one file, so a single run reports them all."""

    path: str
    items: list[Problem] = field(default_factory=list)
    # Kept even when the file fails, so checks across files still see them.
    declared_id: str | None = None
    escalations: list[tuple[str, str, int]] = field(default_factory=list)  # flag, target, line

    def error(self, position: tuple[int, int], message: str) -> None:
        self.items.append(Problem(self.path, position[0], position[1], ERROR, message))

    def warning(self, position: tuple[int, int], message: str) -> None:
        self.items.append(Problem(self.path, position[0], position[1], WARNING, message))

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.items)

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=lambda p: (p.line, p.column))


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """' (did you mean 'x'?)' when a known word is close to `word`, else ''."""
    close = difflib.get_close_matches(str(word), list(known), n=1, cutoff=0.7)
    return f" (did you mean '{close[0]}'?)" if close else ""


def article(word: str) -> str:
    """'a text', 'an email': the word with its indefinite article."""
    return f"{'an' if str(word)[:1].lower() in 'aeiou' else 'a'} {word}"
