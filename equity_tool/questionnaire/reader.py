"""Typed reads of located YAML values that report a problem, with its position, and go on.

Every read returns a usable value or None and never raises, so one run of `check` lists every
problem of a file rather than stopping at the first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .expressions import ExpressionError, Scope, compile_expression
from .model import Text
from .problems import Problems, did_you_mean
from .values import is_number
from .yamlfile import Position, YList, YMap

IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")

_TYPE_NAMES = {
    str: "text",
    int: "a whole number",
    float: "a number",
    bool: "true or false",
    YMap: "a mapping (key: value lines)",
    YList: "a list",
    type(None): "empty",
}


def describe(value: Any) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


@dataclass
class Reader:
    problems: Problems
    languages: tuple[str, ...] = ("en",)

    # structure
    def keys(self, node: YMap, allowed: set[str], required: set[str], what: str) -> None:
        """Report unknown keys (with a near miss) and missing required ones."""
        for key in node:
            if key not in allowed:
                hint = did_you_mean(key, allowed)
                self.problems.error(node.key_at(key), f"unknown key '{key}' in {what}{hint}")
        for key in sorted(required - set(node)):
            self.problems.error(node.position, f"{what} needs the key '{key}'")

    def mapping(self, parent: YMap, key: str, what: str) -> YMap | None:
        value = parent.get(key)
        if value is None:
            return None
        if not isinstance(value, YMap):
            self.problems.error(parent.at(key), f"{what} must be a mapping, not {describe(value)}")
            return None
        return value

    def listing(self, parent: YMap, key: str, what: str, non_empty: bool = True) -> YList | None:
        value = parent.get(key)
        if value is None and key not in parent:
            return None
        if not isinstance(value, YList):
            self.problems.error(parent.at(key), f"{what} must be a list, not {describe(value)}")
            return None
        if non_empty and not value:
            self.problems.error(parent.at(key), f"{what} needs at least one entry")
        return value

    # scalars
    def text_value(self, parent: YMap, key: str) -> str | None:
        """Plain text; an unquoted number or date keeps the characters written (02134)."""
        value = parent.get(key)
        if isinstance(value, str):
            return value
        if key in parent.raw and isinstance(value, int | float) and not isinstance(value, bool):
            return parent.raw[key]
        return None

    def identifier(self, parent: YMap, key: str, what: str) -> str | None:
        value = self.text_value(parent, key)
        if value is None:
            if key in parent:
                self.problems.error(parent.at(key), f"{what} must be text")
            return None
        if not IDENTIFIER.match(value):
            self.problems.error(
                parent.at(key),
                f"{what} '{value}' must start with a lower-case letter and use only a-z, 0-9 "
                f"and _ (for example '{_suggest_identifier(value)}')",
            )
        return value

    def boolean(self, parent: YMap, key: str, what: str) -> bool:
        value = parent.get(key, False)
        if not isinstance(value, bool):
            raw = parent.raw.get(key, value)
            self.problems.error(parent.at(key), f"{what} must be true or false, not '{raw}'")
            return False
        return value

    def number(self, parent: YMap, key: str, what: str, integer: bool = False) -> Any:
        value = parent.get(key)
        if value is None:
            return None
        if not is_number(value) or (integer and not isinstance(value, int)):
            kind = "a whole number" if integer else "a number"
            raw = parent.raw.get(key, value)
            self.problems.error(parent.at(key), f"{what} must be {kind}, not '{raw}'")
            return None
        return value

    def choice_of(self, parent: YMap, key: str, options: tuple[str, ...], what: str) -> str | None:
        value = self.text_value(parent, key)
        if value not in options:
            hint = did_you_mean(str(value), options)
            self.problems.error(
                parent.at(key), f"{what} must be one of {', '.join(options)}, not '{value}'{hint}"
            )
            return None
        return value

    def text(self, parent: YMap, key: str, what: str, required: bool = False) -> Text | None:
        """A person-readable text: a string, or a mapping of language code to string."""
        if key not in parent:
            if required:
                self.problems.error(parent.position, f"{what} needs the key '{key}'")
            return None
        value = parent.get(key)
        if isinstance(value, YMap):
            return self._translations(value, what)
        text = self.text_value(parent, key)
        if text is None:
            self.problems.error(parent.at(key), f"{what} must be text, not {describe(value)}")
            return None
        if len(self.languages) > 1:
            self.problems.warning(
                parent.at(key),
                f"{what} has no translation into {', '.join(self.languages[1:])}; "
                f"'{self.languages[0]}' is shown",
            )
        return Text({self.languages[0]: text}, self.languages[0])

    def _translations(self, node: YMap, what: str) -> Text | None:
        texts: dict[str, str] = {}
        for code in node:
            if code not in self.languages:
                hint = did_you_mean(code, self.languages)
                self.problems.error(
                    node.key_at(code),
                    f"'{code}' is not one of this file's languages ({', '.join(self.languages)})"
                    f"{hint}",
                )
            elif (text := self.text_value(node, code)) is None:
                self.problems.error(node.at(code), f"{what} in '{code}' must be text")
            else:
                texts[code] = text
        default = self.languages[0]
        if default not in node:
            self.problems.error(
                node.position, f"{what} has no text in the default language '{default}'"
            )
            return None
        for code in self.languages[1:]:
            if code not in node:
                self.problems.warning(
                    node.position, f"{what} has no '{code}' translation; '{default}' is shown"
                )
        return Text(texts, default)

    def expression(self, parent: YMap, key: str, scope: Scope):
        """A compiled expression, or None after reporting where it goes wrong."""
        source = self.text_value(parent, key)
        if source is None:
            value = parent.get(key)
            self.problems.error(
                parent.at(key),
                f"{scope.context} must be an expression in text, not {describe(value)}",
            )
            return None
        try:
            return compile_expression(source, scope)
        except ExpressionError as exc:
            self.problems.error(_inside(parent, key, exc), f"{scope.context}: {exc.message}")
            return None


def _inside(parent: YMap, key: str, exc: ExpressionError) -> Position:
    """The file position of a problem inside an expression's text."""
    line, column = parent.at(key)
    if exc.line > 1:
        return line + exc.line - 1, exc.column
    quoted = key not in parent.raw
    return line, column + exc.column - 1 + (1 if quoted else 0)


def _suggest_identifier(value: str) -> str:
    slug = re.sub(r"[^a-z0-9_]+", "_", value.lower()).strip("_") or "answer"
    return slug if slug[0].isalpha() else f"q_{slug}"
