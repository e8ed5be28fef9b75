"""Read YAML 1.2 into plain values that remember where each came from.

ruamel.yaml composes the node graph and we resolve scalars ourselves with the YAML 1.2 core
schema: only `true`/`false` are booleans, so `yes`, `no`, `on` and `off` stay text. Nothing is
ever constructed from tags, so loading is safe whatever the file holds: the core schema's tags
(`!!str`, `!!int`, `!!float`, `!!bool`, `!!null`, `!!seq`, `!!map`, and the non-specific `!`,
which makes a scalar text) are honoured, any other tag is refused. Duplicate keys are reported,
not silently merged.

ruamel's C parser (an old libyaml) is fast but refuses some valid YAML, such as plain
scalars holding `?` or `:` in flow collections (`{url: http://example.org}`); when it fails
we parse again with ruamel's pure-Python parser, whose message is reported if that fails too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.tag import Tag

from . import yamlpure

Position = tuple[int, int]  # 1-based line and column

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_OCT = re.compile(r"^0o[0-7]+$")
_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_CORE = "tag:yaml.org,2002:"
_STR, _SEQ, _MAP = _CORE + "str", _CORE + "seq", _CORE + "map"
_INF_NAN = {
    sign + inf: float(sign + "inf") for sign in ("", "+", "-") for inf in (".inf", ".Inf", ".INF")
} | {nan: float("nan") for nan in (".nan", ".NaN", ".NAN")}
# The tag our resolver gives a plain scalar with no tag: resolve_plain decides its type.
_PLAIN = Tag(suffix="?")
_TEXT = VersionedResolver.DEFAULT_SCALAR_TAG
# A non-specific tag `!` (the scalar is text). The C parser reports it as if there were no tag,
# so text that may hold one goes to the pure parser, which we can ask.
_NON_SPECIFIC = re.compile(r"(?:^|[\s\[{,])!(?:[\s,\]}]|$)", re.MULTILINE)
# Far more than any questionnaire needs; stops alias bombs and runaway nesting.
MAX_NODES = 500_000
MAX_DEPTH = 100


class YAMLLoadError(Exception):
    def __init__(self, position: Position, message: str):
        super().__init__(message)
        self.position = position
        self.message = message


class YMap(dict):
    """A mapping with the position of itself, its keys, and its values."""

    position: Position = (1, 1)
    key_positions: dict[str, Position]
    value_positions: dict[str, Position]
    raw: dict[str, str]  # the source text of plain scalar values

    def key_at(self, key: str) -> Position:
        return self.key_positions.get(key, self.position)

    def at(self, key: str) -> Position:
        return self.value_positions.get(key, self.key_at(key))


class YList(list):
    """A sequence with the position of itself and of each item."""

    position: Position = (1, 1)
    item_positions: list[Position]
    raw: list[str | None]

    def at(self, index: int) -> Position:
        return self.item_positions[index] if index < len(self.item_positions) else self.position


@dataclass(frozen=True)
class Scalar:
    value: Any
    raw: str | None  # source text when the scalar was plain (unquoted), else None


def _position(node) -> Position:
    mark = node.start_mark
    return (mark.line + 1, mark.column + 1)


def resolve_plain(text: str) -> Any:
    """The YAML 1.2 core schema value of an unquoted scalar."""
    if _NULL.match(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.match(text):
        return int(text)
    if _OCT.match(text):
        return int(text[2:], 8)
    if _HEX.match(text):
        return int(text[2:], 16)
    if _FLOAT.match(text):
        return float(text)
    return _INF_NAN.get(text, text)


class _Builder:
    def __init__(self) -> None:
        self.duplicates: list[YAMLLoadError] = []  # reported, and the first value is kept
        self.count = 0
        self.done: dict[int, Any] = {}  # aliases point at one node: build it once
        self.sizes: dict[int, int] = {}

    def build(self, node, depth: int = 0) -> Scalar | YMap | YList:
        # An alias counts the whole subtree it repeats, so alias bombs hit the limit.
        self.count += self.sizes.get(id(node), 1)
        if self.count > MAX_NODES:
            raise YAMLLoadError(
                _position(node), "the file is too large or repeats an alias too often"
            )
        if depth > MAX_DEPTH:
            raise YAMLLoadError(_position(node), f"nesting deeper than {MAX_DEPTH} levels")
        if id(node) in self.done:
            return self.done[id(node)]
        before = self.count
        if isinstance(node, ScalarNode):
            built: Any = _scalar(node)
        elif isinstance(node, SequenceNode):
            _check_collection_tag(node, _SEQ)
            built = self._sequence(node, depth)
        elif isinstance(node, MappingNode):
            _check_collection_tag(node, _MAP)
            built = self._mapping(node, depth)
        else:  # pragma: no cover - ruamel yields only these three
            raise YAMLLoadError(_position(node), "unsupported YAML node")
        self.done[id(node)] = built
        self.sizes[id(node)] = self.count - before + 1
        return built

    def _sequence(self, node, depth: int) -> YList:
        result = YList()
        result.position, result.item_positions, result.raw = _position(node), [], []
        for item in node.value:
            built = self.build(item, depth + 1)
            result.item_positions.append(_position(item))
            if isinstance(built, Scalar):
                result.raw.append(built.raw)
                built = built.value
            else:
                result.raw.append(None)
            result.append(built)
        return result

    def _mapping(self, node, depth: int) -> YMap:
        result = YMap()
        result.position, result.key_positions, result.value_positions, result.raw = (
            _position(node),
            {},
            {},
            {},
        )
        for key_node, value_node in node.value:
            key = self.build(key_node, depth + 1)
            if not isinstance(key, Scalar):
                raise YAMLLoadError(_position(key_node), "a key must be plain text")
            name = key.raw if key.raw is not None else key.value
            name = "" if name is None else str(name)
            value = self.build(value_node, depth + 1)
            if name in result:
                first = result.key_positions[name][0]
                self.duplicates.append(YAMLLoadError(
                    _position(key_node),
                    f"the key '{name}' is given twice in this mapping (first at line {first}); "
                    "keep one",
                ))
                continue
            result.key_positions[name] = _position(key_node)
            result.value_positions[name] = _position(value_node)
            if isinstance(value, Scalar):
                if value.raw is not None:
                    result.raw[name] = value.raw
                value = value.value
            result[name] = value
        return result


def _tag_name(ctag) -> str:
    # reading `str(tag)` formats a string each time: slow on big files
    return ctag.suffix if ctag.handle is None else str(ctag)


def _short(tag: str) -> str:
    return "!!" + tag[len(_CORE):] if tag.startswith(_CORE) else tag


# What a core-schema tag on a scalar needs its text to be.
_NEEDS = {
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "null": "null (or nothing)",
}


def _scalar(node) -> Scalar:
    ctag = node.ctag
    if ctag is _PLAIN:
        # No tag. Plain ('' from the C parser, None from the pure one): resolve by YAML 1.2
        # rules, and keep the text for fields that expect text.
        if not node.style:
            return Scalar(resolve_plain(node.value), node.value)
        return Scalar(node.value, None)
    tag = _tag_name(ctag)
    if tag == _STR:  # quoted, `!!str` or `!`: text as written
        return Scalar(node.value, None)
    return Scalar(_typed(node, tag), None)


def _typed(node, tag: str) -> Any:
    """A scalar with an explicit core-schema tag other than !!str: its text must fit it."""
    text = node.value
    kind = tag[len(_CORE):] if tag.startswith(_CORE) else None
    if kind == "null" and _NULL.match(text):
        return None
    if kind == "bool" and text in _BOOL:
        return _BOOL[text]
    if kind in ("int", "float"):
        value = resolve_plain(text)
        if type(value) is int or (kind == "float" and type(value) is float):
            return float(value) if kind == "float" else value
    if kind in _NEEDS:
        raise YAMLLoadError(
            _position(node), f"the tag !!{kind} needs {_NEEDS[kind]}, not '{text}'; remove the tag"
        )
    if kind in ("seq", "map"):
        raise YAMLLoadError(_position(node), f"the tag !!{kind} does not fit a single value")
    raise YAMLLoadError(_position(node), f"the tag {tag} is not allowed; remove it")


def _check_collection_tag(node, expected: str) -> None:
    ctag = node.ctag
    if ctag is _DEFAULT_SEQ or ctag is _DEFAULT_MAP:  # no tag, or the non-specific `!`
        return
    tag = _tag_name(ctag)
    if tag == expected:
        return
    if tag in (_STR, _SEQ, _MAP) or (tag.startswith(_CORE) and tag[len(_CORE):] in _NEEDS):
        what = "a list" if expected == _SEQ else "a mapping"
        raise YAMLLoadError(_position(node), f"the tag {_short(tag)} does not fit {what}")
    raise YAMLLoadError(_position(node), f"the tag {tag} is not allowed; remove it")


class _NoImplicitTags(VersionedResolver):
    """We resolve plain scalars ourselves (resolve_plain), so skip ruamel's regex pass."""

    def resolve(self, kind, value, implicit):
        if kind is ScalarNode:
            # implicit[0]: plain with no tag (or `!`, which the parsers report the same way)
            return _PLAIN if implicit[0] else _TEXT
        return _DEFAULT_SEQ if kind is SequenceNode else _DEFAULT_MAP


_DEFAULT_SEQ = VersionedResolver.DEFAULT_SEQUENCE_TAG
_DEFAULT_MAP = VersionedResolver.DEFAULT_MAPPING_TAG


def _composer(pure: bool) -> YAML:
    yaml = YAML(typ="safe", pure=pure)
    yaml.Resolver = _NoImplicitTags
    if pure:
        yaml.Scanner = yamlpure.PureScanner
        yaml.Parser = yamlpure.PureParser
        yaml.Composer = yamlpure.PureComposer
    yaml.version = (1, 2)
    return yaml


def _compose(text: str):
    """The node graph of `text`: the C parser when it can, else the pure one."""
    if "!" not in text or not _NON_SPECIFIC.search(text):
        try:
            return _composer(pure=False).compose(text)
        except (AttributeError, ImportError):  # no C extension: the pure parser is the same
            pass
        except (YAMLError, RecursionError):  # libyaml 0.1.7 refuses some valid YAML
            pass
    try:
        return _composer(pure=True).compose(text)
    except yamlpure.SecondDocument as exc:
        raise YAMLLoadError(
            _mark_position(exc.mark),
            "a second YAML document starts here; a file holds one document: remove it",
        ) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = _first_line(exc.problem or exc.context or str(exc))
        raise YAMLLoadError(_mark_position(mark), f"this is not valid YAML: {message}") from None
    except (YAMLError, AssertionError) as exc:  # e.g. ruamel asserts on `%YAML 1.3`
        raise YAMLLoadError((1, 1), f"this is not valid YAML: {_first_line(str(exc))}") from None
    except RecursionError:
        raise YAMLLoadError((1, 1), "the YAML is nested too deeply") from None


def _mark_position(mark) -> Position:
    return (mark.line + 1, mark.column + 1) if mark else (1, 1)


def _first_line(text: str) -> str:
    lines = str(text).strip().splitlines()
    return lines[0].strip() if lines else "it cannot be read"


def parse(text: str, duplicates: list[YAMLLoadError] | None = None) -> Any:
    """Plain located values (YMap, YList, str, int, float, bool, None) from YAML text.

    A key given twice is added to `duplicates` (the first value is kept), so checking can go
    on and report everything else too; without that list, the first one is raised.
    """
    node = _compose(text)
    if node is None:
        return None
    builder = _Builder()
    built = builder.build(node)
    if builder.duplicates:
        if duplicates is None:
            raise builder.duplicates[0]
        duplicates.extend(builder.duplicates)
    return built.value if isinstance(built, Scalar) else built


def to_plain(value: Any) -> Any:
    """Strip positions: ordinary dicts and lists, for hashing and storage."""
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    return value
