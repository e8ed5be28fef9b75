"""What changed between two versions of a questionnaire, as plain data for a page to show.

Questions, sections, scores, level bands and flags are matched by id. Every changed property
is one `Change` with its text before and after, as an author reads it in the file: texts in
each language, expressions as written, choices by value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .model import Choice, Question, Questionnaire, Section, Text


@dataclass(frozen=True)
class Change:
    subject: str  # what changed, as a person names it: "label", "choice 'yes' added"
    before: str  # "" when it was added
    after: str  # "" when it was removed


@dataclass(frozen=True)
class Item:
    """A question, section, score, band or flag: added, removed, or with its changes."""

    kind: str  # "question", "section", "score", "level", "band" or "flag"
    id: str
    name: str  # its label or title in the newer version (the older one when removed)
    changes: tuple[Change, ...] = ()


@dataclass(frozen=True)
class Diff:
    questionnaire_id: str
    before_version: str
    after_version: str
    questionnaire: tuple[Change, ...]  # title, summary, languages, sign-off, …
    sections_added: tuple[Item, ...]
    sections_removed: tuple[Item, ...]
    sections_changed: tuple[Item, ...]
    questions_added: tuple[Item, ...]
    questions_removed: tuple[Item, ...]
    questions_changed: tuple[Item, ...]
    scoring_added: tuple[Item, ...]  # scores, bands and flags
    scoring_removed: tuple[Item, ...]
    scoring_changed: tuple[Item, ...]

    @property
    def empty(self) -> bool:
        return not any(getattr(self, name) for name in (
            "questionnaire", "sections_added", "sections_removed", "sections_changed",
            "questions_added", "questions_removed", "questions_changed", "scoring_added",
            "scoring_removed", "scoring_changed"))


def compare(before: Questionnaire, after: Questionnaire) -> Diff:
    """Everything that differs from `before` to `after` (two versions of one questionnaire)."""
    sections = _match(before.sections, after.sections, "section", _section_name, _section_changes)
    questions = _match(before.questions(), after.questions(), "question", _question_name,
                       lambda old, new: _question_changes(old, new, before, after))
    scoring = (
        _match(before.scoring.scores, after.scoring.scores, "score", lambda s: s.label.get(),
               _score_changes),
        _match(_bands(before), _bands(after), "band", lambda b: b.label.get(), _band_changes),
        _match(before.scoring.flags, after.scoring.flags, "flag",
               lambda f: _short(f.message.get()), _flag_changes),
    )
    level = _level_changes(before, after)
    return Diff(
        questionnaire_id=before.id, before_version=before.version, after_version=after.version,
        questionnaire=tuple(_questionnaire_changes(before, after)),
        sections_added=sections[0], sections_removed=sections[1], sections_changed=sections[2],
        questions_added=questions[0], questions_removed=questions[1],
        questions_changed=questions[2],
        scoring_added=tuple(item for part in scoring for item in part[0]),
        scoring_removed=tuple(item for part in scoring for item in part[1]),
        scoring_changed=((level,) if level else ()) + tuple(
            item for part in scoring for item in part[2]),
    )


Matched = tuple[tuple[Item, ...], tuple[Item, ...], tuple[Item, ...]]


def _match(old: Iterable[Any], new: Iterable[Any], kind: str, name: Callable[[Any], str],
           changes: Callable[[Any, Any], list[Change]]) -> Matched:
    """(added, removed, changed) items of `kind`, matched by id, in file order."""
    before = {item.id: item for item in old}
    after = {item.id: item for item in new}
    added = tuple(Item(kind, i, name(x)) for i, x in after.items() if i not in before)
    removed = tuple(Item(kind, i, name(x)) for i, x in before.items() if i not in after)
    changed = []
    for i, x in after.items():
        if i in before and (found := changes(before[i], x)):
            changed.append(Item(kind, i, name(x), tuple(found)))
    return added, removed, tuple(changed)


# --- how things read ------------------------------------------------------------------------


def _show(value: Any) -> str:
    """A value as an author writes it in the file."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Text):
        return value.get()
    if hasattr(value, "source") and hasattr(value, "names"):  # an Expression
        return value.source
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_show(v)}" for k, v in value.items())
    if isinstance(value, tuple | list):
        return ", ".join(_show(v) for v in value)
    return str(value)


def _short(text: str, limit: int = 80) -> str:
    """A long text (a flag's message) cut at a word, to name it in a heading."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


def _same(old: Any, new: Any) -> bool:
    return _show(old) == _show(new) and _texts(old) == _texts(new)


def _texts(value: Any) -> dict[str, str]:
    return value.by_language if isinstance(value, Text) else {}


def _property(subject: str, old: Any, new: Any) -> list[Change]:
    """The change of one property; a text differing in several languages is one per language."""
    if isinstance(old, Text) or isinstance(new, Text):
        return _text_changes(subject, old, new)
    return [] if _same(old, new) else [Change(subject, _show(old), _show(new))]


def _text_changes(subject: str, old: Text | None, new: Text | None) -> list[Change]:
    before, after = _texts(old), _texts(new)
    languages = list(dict.fromkeys([*after, *before]))
    default = (new or old).default if (new or old) else ""
    return [
        Change(subject if lang == default or len(languages) == 1 else f"{subject} ({lang})",
               before.get(lang, ""), after.get(lang, ""))
        for lang in languages
        if before.get(lang, "") != after.get(lang, "")
    ]


def _properties(old: Any, new: Any, names: dict[str, str]) -> list[Change]:
    """Changes of the attributes `names` (attribute -> subject) between two objects."""
    return [c for attr, subject in names.items()
            for c in _property(subject, getattr(old, attr), getattr(new, attr))]


# --- the questionnaire and its sections -----------------------------------------------------

QUESTIONNAIRE = {"title": "title", "summary": "summary", "languages": "languages",
                 "department_signoff": "department sign-off", "start": "start page questions",
                 "next_review": "next review question", "public_summary": "public summary question"}
SECTION = {"title": "title", "intro": "introduction", "show_if": "show_if"}


def _questionnaire_changes(before: Questionnaire, after: Questionnaire) -> list[Change]:
    changes = _properties(before, after, QUESTIONNAIRE)
    old, new = _template_name(before), _template_name(after)
    return changes + ([Change("export template", old, new)] if old != new else [])


def _template_name(questionnaire: Questionnaire) -> str:
    return (questionnaire.export_template or "").replace("\\", "/").rsplit("/", 1)[-1]


def _section_name(section: Section) -> str:
    return section.title.get()


def _section_changes(old: Section, new: Section) -> list[Change]:
    return _properties(old, new, SECTION)


# --- questions ------------------------------------------------------------------------------

# Properties compared as they are; choices, columns and rules have their own comparisons.
QUESTION = {
    "type": "type", "label": "label", "help": "help", "required": "required",
    "show_if": "show_if", "default": "default", "placeholder": "placeholder",
    "review_guidance": "review guidance", "min_length": "min_length",
    "max_length": "max_length", "pattern": "pattern", "pattern_message": "pattern message",
    "min": "min", "max": "max", "integer": "integer", "unit": "unit", "points": "points",
    "display": "display", "min_selected": "min_selected", "max_selected": "max_selected",
    "min_rows": "min_rows", "max_rows": "max_rows", "rows_from": "rows_from", "text": "text",
    "private": "private",
}


def _question_name(question: Question) -> str:
    text = question.label or question.text
    return text.get() if text else question.id


def _question_changes(old: Question, new: Question, before: Questionnaire,
                      after: Questionnaire) -> list[Change]:
    changes = _properties(old, new, QUESTION)
    changes += _label_map_changes(old.labels, new.labels)
    changes += _rule_changes(old, new)
    changes += _choice_changes(old.choices, new.choices)
    changes += _column_changes(old.columns, new.columns)
    changes += _property("tracks", _tracks(old), _tracks(new))
    old_section, new_section = before.section_of(old.id), after.section_of(new.id)
    if old_section and new_section and old_section.id != new_section.id:
        changes.append(Change("section", old_section.title.get(), new_section.title.get()))
    return changes


def _tracks(question: Question) -> str:
    tracks = question.tracks
    if tracks is None:
        return ""
    keys = ("kind", "title", "owner", "due", "baseline", "target")
    return ", ".join(f"{k}: {getattr(tracks, k)}" for k in keys if getattr(tracks, k))


def _label_map_changes(old: dict | None, new: dict | None) -> list[Change]:
    """yes_no and scale labels, by value."""
    old, new = old or {}, new or {}
    return [c for value in dict.fromkeys([*new, *old])
            for c in _property(f"label of {_show(value)}", old.get(value), new.get(value))]


def _rule_changes(old: Question, new: Question) -> list[Change]:
    before = [f"{_show(r.expression)} ({r.message.get()})" for r in old.validate]
    after = [f"{_show(r.expression)} ({r.message.get()})" for r in new.validate]
    changes = [Change("validation rule removed", rule, "") for rule in before if rule not in after]
    return changes + [Change("validation rule added", "", rule)
                      for rule in after if rule not in before]


def _choice_changes(old: tuple[Choice, ...], new: tuple[Choice, ...]) -> list[Change]:
    before = {c.value: c for c in old}
    after = {c.value: c for c in new}
    changes = [Change(f"choice '{_show(v)}' removed", c.label.get(), "")
               for v, c in before.items() if v not in after]
    changes += [Change(f"choice '{_show(v)}' added", "", c.label.get())
                for v, c in after.items() if v not in before]
    for value, choice in after.items():
        if value in before:
            name = f"choice '{_show(value)}'"
            changes += _properties(before[value], choice, {
                "label": f"{name} label", "points": f"{name} points",
                "exclusive": f"{name} exclusive", "other": f"{name} other"})
    if not changes and [c.value for c in old] != [c.value for c in new]:
        changes.append(Change("order of choices", _show([c.value for c in old]),
                              _show([c.value for c in new])))
    return changes


def _column_changes(old: tuple[Question, ...], new: tuple[Question, ...]) -> list[Change]:
    before = {c.id: c for c in old}
    after = {c.id: c for c in new}
    changes = [Change(f"column '{i}' removed", _question_name(c), "")
               for i, c in before.items() if i not in after]
    changes += [Change(f"column '{i}' added", "", _question_name(c))
                for i, c in after.items() if i not in before]
    for column_id, column in after.items():
        if column_id in before:
            for change in _properties(before[column_id], column, QUESTION):
                changes.append(Change(f"column '{column_id}' {change.subject}", change.before,
                                      change.after))
            changes += [Change(f"column '{column_id}' {c.subject}", c.before, c.after)
                        for c in _choice_changes(before[column_id].choices, column.choices)]
    return changes


# --- scoring --------------------------------------------------------------------------------


def _bands(questionnaire: Questionnaire) -> tuple:
    level = questionnaire.scoring.level
    return level.bands if level else ()


def _score_changes(old, new) -> list[Change]:
    return _properties(old, new, {"label": "label", "formula": "formula", "max": "max"})


def _band_changes(old, new) -> list[Change]:
    return _properties(old, new, {"label": "label", "max": "max", "description": "description"})


def _flag_changes(old, new) -> list[Change]:
    return _properties(old, new, {"when": "when", "severity": "severity", "message": "message",
                                  "min_level": "min_level", "escalate_to": "escalate_to"})


def _level_changes(before: Questionnaire, after: Questionnaire) -> Item | None:
    """The level's score and the order of its bands (the bands themselves are items)."""
    old, new = before.scoring.level, after.scoring.level
    changes = _property("from", old.source if old else None, new.source if new else None)
    order = ([b.id for b in old.bands] if old else [], [b.id for b in new.bands] if new else [])
    if old and new and [i for i in order[0] if i in order[1]] != [i for i in order[1]
                                                                  if i in order[0]]:
        changes.append(Change("order of bands", _show(order[0]), _show(order[1])))
    return Item("level", "level", "Impact level", tuple(changes)) if changes else None
