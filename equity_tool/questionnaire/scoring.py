"""Read the `scoring` block: scores, the impact level's bands, and flags."""

from __future__ import annotations

from .expressions import Scope
from .model import Band, Flag, Level, Question, Score, Scoring
from .problems import did_you_mean
from .reader import Reader
from .yamlfile import YList, YMap

SEVERITIES = ("info", "warning", "high")


def read_scoring(reader: Reader, root: YMap, questions: dict[str, Question]) -> Scoring:
    node = reader.mapping(root, "scoring", "scoring")
    if node is None:
        return Scoring()
    reader.keys(node, {"scores", "level", "flags"}, set(), "scoring")
    answerable = {qid: q for qid, q in questions.items() if q.answerable}
    info = frozenset(qid for qid, q in questions.items() if not q.answerable)
    scores, score_ids = _scores(reader, node, answerable, info)
    level = _level(reader, node, score_ids)
    scope = Scope(
        questions=answerable,
        allowed=frozenset(answerable) | set(score_ids),
        scores=frozenset(score_ids),
        info=info,
        context="a flag's when",
    )
    flags = _flags(reader, node, scope, level)
    return Scoring(scores=tuple(scores), level=level, flags=tuple(flags))


def _entries(reader: Reader, node: YMap, key: str, what: str):
    """(mapping, id) for each well-formed entry of a list of things with ids."""
    items = reader.listing(node, key, key) or YList()
    seen: set[str] = set()
    for index, item in enumerate(items):
        if not isinstance(item, YMap):
            reader.problems.error(items.at(index), f"{what} must be a mapping")
            continue
        entry_id = reader.identifier(item, "id", f"{what}'s id") if "id" in item else None
        if entry_id in seen:
            reader.problems.error(item.at("id"), f"the id '{entry_id}' is used twice in {key}")
        seen.add(entry_id)
        yield item, entry_id or ""


def _scores(reader: Reader, node: YMap, answerable: dict, info: frozenset):
    """The scores that compiled, and every score id (so one bad formula does not cascade)."""
    scores: list[Score] = []
    ids: list[str] = []
    for item, score_id in _entries(reader, node, "scores", "a score"):
        reader.keys(item, {"id", "label", "formula", "max"}, {"id", "label", "formula"}, "a score")
        if score_id in answerable or score_id in info:
            reader.problems.error(
                item.at("id"), f"the score id '{score_id}' is also a question id; choose another"
            )
        scope = Scope(
            questions=answerable,
            allowed=frozenset(answerable) | set(ids),
            scores=frozenset(ids) | {score_id},
            info=info,
            context="a formula",
        )
        formula = reader.expression(item, "formula", scope) if "formula" in item else None
        label = reader.text(item, "label", "a score's label")
        maximum = reader.number(item, "max", "max")
        ids.append(score_id)
        if formula is not None and label is not None:
            scores.append(Score(score_id, label, formula, maximum))
    return scores, ids


def _level(reader: Reader, node: YMap, score_ids: list[str]) -> Level | None:
    level = reader.mapping(node, "level", "level")
    if level is None:
        return None
    reader.keys(level, {"from", "bands"}, {"from", "bands"}, "level")
    source = reader.text_value(level, "from")
    if "from" in level and source not in score_ids:
        reader.problems.error(
            level.at("from"),
            f"level.from must name a score; '{source}' is "
            f"not one{did_you_mean(str(source), score_ids)}",
        )
    bands = _bands(reader, level)
    return Level(source or "", tuple(bands)) if bands else None


def _bands(reader: Reader, level: YMap) -> list[Band]:
    items = list(_entries(reader, level, "bands", "a band"))
    bands: list[Band] = []
    previous = None
    for index, (item, band_id) in enumerate(items):
        reader.keys(item, {"id", "label", "max", "description"}, {"id", "label"}, "a band")
        maximum = reader.number(item, "max", "max")
        last = index == len(items) - 1
        if last and "max" in item:
            reader.problems.error(
                item.at("max"),
                "the last band has no max: it takes every score above the one before",
            )
        elif not last and "max" not in item:
            reader.problems.error(item.position, "every band but the last needs a max")
        elif maximum is not None and previous is not None and maximum <= previous:
            reader.problems.error(
                item.at("max"),
                f"each band's max must be greater than the one "
                f"before ({previous}), so bands never overlap",
            )
        previous = maximum if maximum is not None else previous
        label = reader.text(item, "label", "a band's label")
        description = reader.text(item, "description", "a band's description")
        if label is not None:
            bands.append(Band(band_id, label, None if last else maximum, description))
    return bands


def _flags(reader: Reader, node: YMap, scope: Scope, level: Level | None) -> list[Flag]:
    flags = []
    band_ids = [b.id for b in level.bands] if level else []
    keys = {"id", "when", "severity", "message", "min_level", "escalate_to"}
    for item, flag_id in _entries(reader, node, "flags", "a flag"):
        reader.keys(item, keys, {"id", "when", "severity", "message"}, "a flag")
        when = reader.expression(item, "when", scope) if "when" in item else None
        severity = (
            reader.choice_of(item, "severity", SEVERITIES, "severity")
            if "severity" in item
            else None
        )
        message = reader.text(item, "message", "a flag's message")
        min_level = reader.text_value(item, "min_level")
        if "min_level" in item and min_level not in band_ids:
            where = "the level's bands" if band_ids else "a level block (there is none)"
            reader.problems.error(
                item.at("min_level"),
                f"min_level must name one of {where}{did_you_mean(str(min_level), band_ids)}",
            )
        escalate_to = reader.text_value(item, "escalate_to")
        if escalate_to:
            line = item.at("escalate_to")[0]
            reader.problems.escalations.append((flag_id, escalate_to, line))
        if None not in (when, severity, message):
            line = item.at("escalate_to" if escalate_to else "id")[0]
            flags.append(Flag(flag_id, when, severity, message, min_level, escalate_to, line))
    return flags
