"""The loaded, checked form of a questionnaire file: plain immutable data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .expressions import Expression


@dataclass(frozen=True)
class Text:
    """A text a person reads, in one or more languages; `default` is the file's first language."""

    by_language: dict[str, str]
    default: str

    def get(self, language: str | None = None) -> str:
        """The text in `language`, falling back to the default language."""
        if language and language in self.by_language:
            return self.by_language[language]
        return self.by_language.get(self.default, "")

    def __str__(self) -> str:
        return self.get()


@dataclass(frozen=True)
class Choice:
    value: str
    label: Text
    points: float | int | None = None
    exclusive: bool = False
    other: bool = False


@dataclass(frozen=True)
class Rule:
    """A `validate` entry: the answer is broken when `expression` is false."""

    expression: Expression
    message: Text


@dataclass(frozen=True)
class Tracks:
    """A table's `tracks`: which of its columns make a follow-up item of each row.

    `kind` is "commitment" or "measure"; the other fields are column ids of the table.
    """

    kind: str
    title: str
    owner: str | None = None
    due: str | None = None
    baseline: str | None = None
    target: str | None = None


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    label: Text | None = None
    help: Text | None = None
    required: bool | Expression = False
    show_if: Expression | None = None
    default: Any = None
    placeholder: Text | None = None
    review_guidance: Text | None = None
    validate: tuple[Rule, ...] = ()
    line: int = 0
    # type-specific keys; each type reads only the ones the format gives it
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    pattern_message: Text | None = None
    min: Any = None
    max: Any = None
    integer: bool = False
    unit: Text | None = None
    points: dict[str, float] | None = None  # yes_no points
    labels: dict[Any, Text] | None = None  # yes_no and scale labels
    choices: tuple[Choice, ...] = ()
    display: str = "radio"
    min_selected: int | None = None
    max_selected: int | None = None
    columns: tuple[Question, ...] = ()
    min_rows: int | None = None
    max_rows: int | None = None
    rows_from: str | None = None
    text: Text | None = None  # info
    tracks: Tracks | None = None  # table: its rows become follow-up items when approved
    private: bool = False  # never shown to the public (questions and table columns)

    @property
    def answerable(self) -> bool:
        return self.type != "info"

    def choice(self, value: Any) -> Choice | None:
        for choice in self.choices:
            if choice.value == value:
                return choice
        return None


@dataclass(frozen=True)
class Section:
    id: str
    title: Text
    questions: tuple[Question, ...]
    intro: Text | None = None
    show_if: Expression | None = None
    line: int = 0


@dataclass(frozen=True)
class Score:
    id: str
    label: Text
    formula: Expression
    max: float | int | None = None


@dataclass(frozen=True)
class Band:
    id: str
    label: Text
    max: float | int | None = None
    description: Text | None = None


@dataclass(frozen=True)
class Level:
    source: str  # the score id named by `from`
    bands: tuple[Band, ...]

    def band_for(self, value: Any) -> Band | None:
        if not isinstance(value, int | float) or isinstance(value, bool):
            return None
        for band in self.bands:
            if band.max is None or value <= band.max:
                return band
        return None

    def rank(self, band_id: str) -> int:
        return [band.id for band in self.bands].index(band_id)


@dataclass(frozen=True)
class Flag:
    id: str
    when: Expression
    severity: str
    message: Text
    min_level: str | None = None
    escalate_to: str | None = None
    line: int = 0


@dataclass(frozen=True)
class Scoring:
    scores: tuple[Score, ...] = ()
    level: Level | None = None
    flags: tuple[Flag, ...] = ()


@dataclass(frozen=True)
class Questionnaire:
    id: str
    version: str
    title: Text
    sections: tuple[Section, ...]
    languages: tuple[str, ...] = ("en",)
    summary: Text | None = None
    scoring: Scoring = field(default_factory=Scoring)
    department_signoff: bool = False
    export_template: str | None = None  # absolute path, resolved against the file
    path: str = ""
    content_hash: str = ""
    source: str = ""  # the file's text, stored with each version
    # Extension: the questions the start page asks, by what they give the assessment
    # ("title", "decision_kind"; see START_TYPES in schema.py) -> question id.
    start: dict[str, str] = field(default_factory=dict)
    # `follow_up: {next_review: ID}`: a date question, when the department reviews it again.
    next_review: str | None = None
    # `publish: {summary: ID}`: a long_text question, the plain-language public summary.
    public_summary: str | None = None

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def questions(self) -> list[Question]:
        """Every question in file order, across sections."""
        return [q for section in self.sections for q in section.questions]

    def question(self, question_id: str) -> Question | None:
        return self._index().get(question_id)

    def tracked_questions(self) -> list[Question]:
        """The table questions with `tracks`, in file order."""
        return [q for q in self.questions() if q.tracks is not None]

    def start_question(self, role: str) -> Question | None:
        """The question the start page asks for `role` ("title" or "decision_kind"), if any."""
        question_id = self.start.get(role)
        return self.question(question_id) if question_id else None

    def section_of(self, question_id: str) -> Section | None:
        for section in self.sections:
            if any(q.id == question_id for q in section.questions):
                return section
        return None

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def _index(self) -> dict[str, Question]:
        # Frozen dataclass: cache the index on the instance without tripping __setattr__.
        index = self.__dict__.get("_question_index")
        if index is None:
            index = {q.id: q for q in self.questions()}
            object.__setattr__(self, "_question_index", index)
        return index
