"""ruamel's pure-Python YAML parser, brought closer to YAML 1.2 where the official test suite
shows it strays. yamlfile.py uses it when the C parser (an old libyaml) refuses a file.

These classes extend ruamel's scanner, parser and composer, whose internals they rely on:
ruamel.yaml is pinned below 0.20 in pyproject.toml, and tests/engine/test_yaml_conformance.py
fails if a new version changes what they read.
"""

from __future__ import annotations

from ruamel.yaml.composer import Composer
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import StreamEndEvent
from ruamel.yaml.parser import Parser
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scanner import Scanner, ScannerError
from ruamel.yaml.tokens import DocumentEndToken

_TEXT = VersionedResolver.DEFAULT_SCALAR_TAG


class SecondDocument(YAMLError):
    def __init__(self, mark):
        super().__init__("a second document")
        self.mark = mark


class PureComposer(Composer):
    """The pure parser's composer, told apart `! 12` (text) from `12` (a number)."""

    def __init__(self, loader=None) -> None:
        super().__init__(loader)
        self.warn_double_anchors = False  # YAML lets a later anchor reuse a name

    def compose_scalar_node(self, anchor):
        ctag = self.parser.peek_event().ctag
        node = super().compose_scalar_node(anchor)
        if ctag is not None and str(ctag) == "!":
            node.ctag = _TEXT
        return node

    def get_single_node(self):
        self.parser.get_event()  # stream start
        document = None
        if not self.parser.check_event(StreamEndEvent):
            document = self.compose_document()
        if not self.parser.check_event(StreamEndEvent):
            raise SecondDocument(self.parser.peek_event().start_mark)
        self.parser.get_event()  # stream end
        return document


_BREAKS = "\r\n\x85\u2028\u2029"
_TAB_INDENT = "found a tab character where an indentation space is expected"
_FLOW_INDENT = "inside brackets, a line must be indented by at least {} spaces here"


class PureScanner(Scanner):
    """ruamel's pure scanner, closer to YAML 1.2 where the test suite shows it strays.

    - A tab separates tokens in block context too (`key:<TAB>value`, `-<TAB>item`), but
      never stands for indentation: a block entry or key after a tab is refused.
    - A key in a flow mapping may run over lines (`{"key"` then `: value` on the next).
    """

    def __init__(self, loader=None) -> None:
        super().__init__(loader)
        self._tab = False  # the white space before the current token held a tab
        self._key_tab: dict[int, bool] = {}  # the same, for each possible simple key

    def scan_to_next_token(self) -> None:
        peek, forward = self.reader.peek, self.reader.forward
        if self.reader.index == 0 and peek() == "\ufeff":
            forward()
        tab = False
        new_line = self.reader.column == 0
        indent = 0  # the spaces that open the line, before any tab
        while True:
            while peek() in " \t":
                if peek() == "\t":
                    tab = True
                elif not tab:
                    indent += 1
                forward()
            if peek() == "#":
                self._skip_comment()
            if not self.scan_line_break():
                break
            tab, new_line, indent = False, True, 0
            if not self.flow_level:
                self.allow_simple_key = True
        self._tab = tab
        if self.flow_level and new_line:
            self._check_flow_indent(indent)

    def _skip_comment(self) -> None:
        while self.reader.peek() not in _BREAKS and self.reader.peek() != "\0":
            self.reader.forward()

    def _check_flow_indent(self, indent: int) -> None:
        # Inside brackets, a line is indented more than the block it sits in (libyaml lets
        # the closing bracket through, and so do we).
        if indent <= self.indent and self.reader.peek() not in "]}\0":
            raise ScannerError(
                None, None, _FLOW_INDENT.format(self.indent + 1), self.reader.get_mark()
            )

    def scan_block_scalar(self, style, rt=False):
        token = super().scan_block_scalar(style, rt)
        # the line that ends a block scalar cannot be indented with a tab
        if self.reader.peek() == "\t":
            raise ScannerError(None, None, _TAB_INDENT, self.reader.get_mark())
        return token

    def scan_yaml_directive_value(self, start_mark):
        # `%YAML 1.3` is read as 1.2, as the spec asks of a later minor version
        major, minor = super().scan_yaml_directive_value(start_mark)
        return (major, 2) if major == 1 and minor > 2 else (major, minor)

    def _refuse_tab(self, tab: bool) -> None:
        if tab and not self.flow_level:
            raise ScannerError(None, None, _TAB_INDENT, self.reader.get_mark())

    def fetch_block_entry(self) -> None:
        self._refuse_tab(self._tab)
        super().fetch_block_entry()

    def fetch_key(self) -> None:
        self._refuse_tab(self._tab)
        super().fetch_key()

    def save_possible_simple_key(self) -> None:
        super().save_possible_simple_key()
        self._key_tab[self.flow_level] = self._tab

    def fetch_value(self) -> None:
        if self.flow_level in self.possible_simple_keys:
            self._refuse_tab(self._key_tab.get(self.flow_level, False))
        else:
            self._refuse_tab(self._tab)
        super().fetch_value()

    def stale_possible_simple_keys(self) -> None:
        context = self.flow_context
        for level in list(self.possible_simple_keys):
            key = self.possible_simple_keys[level]
            in_flow_mapping = 0 < level <= len(context) and context[level - 1] == "{"
            if (key.line != self.reader.line and not in_flow_mapping) or (
                self.reader.index - key.index > 1024
            ):
                if key.required:
                    raise ScannerError(
                        "while scanning a simple key",
                        key.mark,
                        "could not find expected ':'",
                        self.reader.get_mark(),
                    )
                del self.possible_simple_keys[level]

    def scan_plain_spaces(self, indent, start_mark):
        # ruamel's, with tabs taken as white space like spaces
        peek, forward = self.reader.peek, self.reader.forward
        chunks: list[str] = []
        length = 0
        while peek(length) in " \t":
            length += 1
        whitespaces = self.reader.prefix(length)
        forward(length)
        if peek() in _BREAKS:
            line_break = self.scan_line_break()
            self.allow_simple_key = True
            if self._document_marker():
                return None
            breaks = []
            while peek() in " \t" + _BREAKS:
                if peek() in " \t":
                    forward()
                else:
                    breaks.append(self.scan_line_break())
                    if self._document_marker():
                        return None
            if line_break != "\n":
                chunks.append(line_break)
            elif not breaks:
                chunks.append(" ")
            chunks.extend(breaks)
        elif whitespaces:
            chunks.append(whitespaces)
        return chunks

    def _document_marker(self) -> bool:
        prefix = self.reader.prefix(3)
        return prefix in ("---", "...") and self.reader.peek(3) in "\0 \t" + _BREAKS


class PureParser(Parser):
    def parse_implicit_document_start(self):
        # a stream may open with `...` (a document end with no document)
        while self.scanner.check_token(DocumentEndToken):
            self.scanner.get_token()
        return super().parse_implicit_document_start()
