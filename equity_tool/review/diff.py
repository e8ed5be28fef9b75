"""What changed in an answer, word by word: the pieces that stayed, went and came, and that
difference as HTML for the review page (<del> and <ins>, each announced to screen readers).

Pure: no database and no web framework. Words are compared with difflib; whitespace is kept,
so joining the "same" and "deleted" pieces gives the old text back, and the "same" and
"inserted" pieces the new one.

Markdown answers (long text) are compared as the page shows them, not as typed: both versions
are rendered with markdown-it's js-default preset (no raw HTML, as everywhere else), the words of
the rendered text are compared, and the new answer's HTML is given back with the inserted words
in <ins> and the deleted words (as plain text) in <del> where they were. So "**" never shows, and
the block is the new answer as rendered everywhere else. A change of formatting alone (a word
made bold) marks no words; "Show the whole previous answer" shows it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from markupsafe import Markup, escape

from equity_tool.core.markdown import TYPED

Kind = Literal["same", "inserted", "deleted"]

# A word (with the marks inside it: 85,000, 2.5, don't, well-known), a run of whitespace, or
# one punctuation mark: "cost," is "cost" and ",".
_TOKEN = re.compile(r"\w+(?:[.,'’-]\w+)*|\s+|[^\w\s]")
_TAG = re.compile(r"(<[^>]*>)")  # in markdown-it's output every < and > in text is escaped
_VOID = frozenset({"br", "hr", "img"})
# Where markdown-it puts only elements, never text: a deleted word waits for the next item.
_NO_TEXT = frozenset({"ul", "ol", "table", "thead", "tbody", "tr"})


@dataclass(frozen=True)
class Segment:
    kind: Kind
    text: str


def tokens(text: str) -> list[str]:
    """`text` as words, whitespace runs and punctuation marks; joined, they give it back."""
    return _TOKEN.findall(text)


def word_diff(old: str | None, new: str | None) -> list[Segment]:
    """The word-level difference between two texts, in reading order: where words were
    replaced, the deleted ones come before the inserted ones."""
    return _segments(tokens(old or ""), tokens(new or ""))


def _segments(old: Sequence[str], new: Sequence[str]) -> list[Segment]:
    found: list[Segment] = []
    for kind, first, second in _hunks(old, new):
        if kind == "same":
            _add(found, "same", "".join(new[first[0]:first[1]]))
        else:
            _add(found, "deleted", "".join(old[first[0]:first[1]]))
            _add(found, "inserted", "".join(new[second[0]:second[1]]))
    return found


def _add(found: list[Segment], kind: Kind, text: str) -> None:
    if not text:
        return
    if found and found[-1].kind == kind:
        found[-1] = Segment(kind, found[-1].text + text)
    else:
        found.append(Segment(kind, text))


Span = tuple[int, int]


def _hunks(old: Sequence[str], new: Sequence[str]) -> Iterator[tuple[str, Span, Span]]:
    """("same", new span, new span) or ("changed", old span, new span), in order.

    Whitespace, or a lone punctuation mark, left alone between two changes joins the change,
    so "the quick brown fox" -> "a slow red dog" reads as one phrase replaced by another, not
    as four words each struck out and replaced with the spaces between them kept."""
    opcodes = SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    merged: list[list] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        between = 0 < index < len(opcodes) - 1
        if tag == "equal" and not (between and _filler(new[j1:j2])):
            merged.append(["same", (j1, j2), (j1, j2)])
        elif merged and merged[-1][0] == "changed":
            merged[-1][1] = (merged[-1][1][0], i2)
            merged[-1][2] = (merged[-1][2][0], j2)
        else:
            merged.append(["changed", (i1, i2), (j1, j2)])
    yield from merged


def _filler(words: Sequence[str]) -> bool:
    """Nothing but spaces, or spaces and one punctuation mark."""
    marks = [w for w in words if w.strip()]
    return len(marks) <= 1 and not any(_is_word(w) for w in marks)


def _is_word(token: str) -> bool:
    return bool(re.match(r"\w", token))


# --- as HTML --------------------------------------------------------------------------------


def _mark(kind: Kind, text: str, announce: bool = True) -> Markup:
    """<del> or <ins> around escaped `text`, spaces at its ends left outside, the change
    announced first to screen readers ("deleted: ", "inserted: ")."""
    core = text.strip()
    if not core:
        return escape(text)
    start, end = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()):]
    tag = "del" if kind == "deleted" else "ins"
    said = Markup('<span class="visually-hidden">{}: </span>').format(kind) if announce else ""
    return (escape(start) + Markup("<{0}>{1}{2}</{0}>").format(tag, said, core)
            + escape(end))


def marked(old: str | None, new: str | None, shown_as: str = "text") -> Markup:
    """The difference as HTML for an answer read as `shown_as` ("markdown" or other)."""
    if shown_as == "markdown":
        return markdown_html(old, new)
    return text_html(word_diff(old, new))


def text_html(segments: Sequence[Segment]) -> Markup:
    """Segments of a plain answer as HTML: every piece escaped, line breaks kept as <br>."""
    out = Markup()
    for before, segment in zip([None, *segments], segments, strict=False):
        if (before and before.kind == "deleted" and segment.kind == "inserted"
                and _is_word(before.text[-1]) and _is_word(segment.text[0])):
            out += " "  # "<del>noon</del> <ins>six</ins>", not "noonsix" read aloud as one
        lines = segment.text.split("\n")
        for number, line in enumerate(lines):
            if number:
                out += Markup("<br>\n")
            out += escape(line) if segment.kind == "same" else _mark(segment.kind, line)
    return out


def markdown_html(old: str | None, new: str | None) -> Markup:
    """The new answer rendered as markdown, with the inserted words in <ins> and the deleted
    ones in <del> (as plain text) where they stood. Only markdown-it's own HTML is passed
    through; every word is unescaped, compared, and escaped again."""
    old_items = _items(TYPED.render(old or ""))
    new_items = _items(TYPED.render(new or ""))
    old_words = [text for is_tag, text in old_items if not is_tag]
    new_words = [text for is_tag, text in new_items if not is_tag]
    # For each new word: "same" or "inserted"; before it, the words deleted there (if any).
    kinds: list[Kind] = ["same"] * len(new_words)
    deleted_before: dict[int, str] = {}
    for kind, first, second in _hunks(old_words, new_words):
        if kind == "changed":
            for j in range(*second):
                kinds[j] = "inserted"
            gone = "".join(old_words[first[0]:first[1]])
            if gone.strip():
                deleted_before[second[0]] = deleted_before.get(second[0], "") + gone
    return _assemble(new_items, kinds, deleted_before)


def _assemble(items: list[tuple[bool, str]], kinds: list[Kind],
              deleted_before: dict[int, str]) -> Markup:
    out: list[Markup] = []
    open_tags: list[str] = []
    run: list[str] = []  # consecutive inserted words in one text node
    pending = deleted_before.pop(0, "")  # deleted words waiting for a place that takes text
    word = 0

    def flush_run() -> None:
        if run:
            out.append(_mark("inserted", "".join(run)))
            run.clear()

    for is_tag, text in items:
        if pending and open_tags and open_tags[-1] not in _NO_TEXT:
            # Right after the word before them, inside the element that word is in.
            flush_run()
            out.append(_mark("deleted", pending))
            if _is_word(pending[-1]) and not is_tag and _is_word(text[0]):
                out.append(Markup(" "))
            pending = ""
        if is_tag:
            flush_run()
            out.append(Markup(text))  # markdown-it's own markup, attributes escaped by it
            _follow(open_tags, text)
            continue
        if kinds[word] == "inserted" and (text.strip() or run):
            run.append(text)
        else:
            flush_run()
            out.append(escape(text))
        word += 1
        pending += deleted_before.pop(word, "")
    flush_run()
    if pending.strip():
        out.append(Markup("<p>{}</p>").format(_mark("deleted", pending)))
    return Markup("").join(out)


def _follow(open_tags: list[str], tag: str) -> None:
    name = re.match(r"</?([a-zA-Z0-9]+)", tag)
    if not name or name.group(1).lower() in _VOID:
        return
    if tag.startswith("</"):
        if open_tags:
            open_tags.pop()
    else:
        open_tags.append(name.group(1).lower())


def _items(rendered: str) -> list[tuple[bool, str]]:
    """markdown-it's HTML as (is a tag, text): tags as they are, text unescaped and split into
    words, spaces and punctuation."""
    found: list[tuple[bool, str]] = []
    for piece in _TAG.split(rendered):
        if not piece:
            continue
        if piece.startswith("<"):
            found.append((True, piece))
        else:
            found.extend((False, word) for word in tokens(html.unescape(piece)))
    return found
