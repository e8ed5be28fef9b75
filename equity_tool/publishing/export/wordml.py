"""WordprocessingML for answers: markdown as real Word formatting, tables with header rows.

The XML is written here as text, every piece of data escaped on the way in, rather than
through docxtpl Subdocs: a Subdoc opens a whole new document each time, which for the 70-odd
answers of a full assessment would cost more than the rest of the export. Each result is a
`Markup` of block elements (paragraphs, tables) for a `{{p ... }}` tag in a template.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from markdown_it.token import Token
from markupsafe import Markup

from equity_tool.core.markdown import AUTHORED

# js-default: CommonMark without raw HTML and with link targets checked (no javascript:).
_MONO = '<w:rFonts w:ascii="Courier New" w:hAnsi="Courier New" w:cs="Courier New"/>'
_BORDERS = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="808080"/>'
                   for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
TEXT_WIDTH = 9000  # twips across the page inside the margins of the default template


def escape(text: str) -> str:
    """Text for an XML text node or attribute; braces too, which docxtpl rewrites after
    rendering (`{_{` would become `{{`), so an answer keeps every character it was given."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("{", "&#123;").replace("}", "&#125;"))


class Literal(str):
    """A text for a `{{ ... }}` tag: escaped on output like any text, braces included."""

    __slots__ = ()

    def __html__(self) -> str:
        return escape(self)


def literal(value: Any) -> Any:
    """`value` with every text in it made a Literal (Markup, already XML, is left alone)."""
    if isinstance(value, str):
        return value if isinstance(value, Markup | Literal) else Literal(value)
    if isinstance(value, dict):
        return {key: literal(item) for key, item in value.items()}
    if isinstance(value, list):
        return [literal(item) for item in value]
    return value


def is_rtl(text: str) -> bool:
    """Whether the first strongly directional character is right-to-left (Arabic, Hebrew)."""
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


def _has_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


class WordML:
    """Builds block XML for one document, using that document's styles and numbering."""

    def __init__(self, document: Any) -> None:
        self.document = document
        self.styles = {s.name: s.style_id for s in document.styles}
        self._list_counters: list[int] = []

    # --- paragraphs and runs -----------------------------------------------------------

    def run(self, text: str, *, bold=False, italic=False, strike=False, mono=False,
            link=False) -> str:
        props = []
        if link and "Hyperlink" in self.styles:
            props.append(f'<w:rStyle w:val="{self.styles["Hyperlink"]}"/>')
        if mono:
            props.append(_MONO)
        if bold:
            props.append("<w:b/><w:bCs/>")
        if italic:
            props.append("<w:i/><w:iCs/>")
        if strike:
            props.append("<w:strike/>")
        if link:
            props.append('<w:color w:val="0563C1"/><w:u w:val="single"/>')
        if _has_rtl(text):
            props.append("<w:rtl/>")
        rpr = f"<w:rPr>{''.join(props)}</w:rPr>" if props else ""
        parts = escape(text).split("\n")
        body = "<w:br/>".join(f'<w:t xml:space="preserve">{part}</w:t>' if part else ""
                              for part in parts) or '<w:t xml:space="preserve"></w:t>'
        return f"<w:r>{rpr}{body}</w:r>"

    def paragraph(self, runs: str, *, style: str | None = None, plain_text: str = "",
                  num: tuple[int, int] | None = None, indent: int = 0) -> str:
        props = []
        if style and style in self.styles:
            props.append(f'<w:pStyle w:val="{self.styles[style]}"/>')
        if num:
            props.append(f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/>'
                         "</w:numPr>")
        if is_rtl(plain_text):
            props.append("<w:bidi/>")
        if indent:
            props.append(f'<w:ind w:left="{indent}"/>')
        ppr = f"<w:pPr>{''.join(props)}</w:pPr>" if props else ""
        return f"<w:p>{ppr}{runs}</w:p>"

    def text(self, text: str, *, italic: bool = False) -> Markup:
        """Plain text as one paragraph; its newlines become line breaks."""
        return Markup(self.paragraph(self.run(text, italic=italic), plain_text=text))

    # --- markdown ----------------------------------------------------------------------

    def markdown(self, source: str, *, breaks: bool = True) -> Markup:
        """Markdown as Word paragraphs, lists, links and tables (never as raw markup).

        With `breaks` (what people type: answers), a single line break is a line break, as on
        the web pages; without it (a questionnaire author's wrapped prose) it is a space."""
        blocks = _Blocks(self, breaks=breaks).convert(AUTHORED.parse(source))
        return Markup("".join(blocks) or self.paragraph(""))

    def inline(self, children: Sequence[Token], *, bold: bool = False,
               breaks: bool = False) -> tuple[str, str]:
        """(runs XML, plain text) of an inline token's children; with `breaks`, a soft line
        break is a line break (w:br) like a hard one."""
        marks = {"bold": bold, "italic": False, "strike": False}
        runs: list[str] = []
        plain: list[str] = []
        link: list[str] | None = None
        href = ""
        toggles = {"strong": "bold", "em": "italic", "s": "strike"}
        for child in children:
            kind = child.type
            name = kind.rsplit("_", 1)[0]
            if name in toggles and kind.endswith(("_open", "_close")):
                marks[toggles[name]] = kind.endswith("_open") or (name == "strong" and bold)
                continue
            target = link if link is not None else runs
            if kind == "link_open":
                link, href = [], str(child.attrs.get("href", ""))
            elif kind == "link_close" and link is not None:
                runs.append(self._hyperlink(href, "".join(link)))
                link = None
            elif kind in ("softbreak", "hardbreak"):
                line_break = kind == "hardbreak" or breaks
                target.append(self.run("\n" if line_break else " ", **marks))
                plain.append(" ")
            elif kind in ("text", "text_special", "code_inline", "image", "html_inline"):
                content = child.content
                target.append(self.run(content, mono=kind == "code_inline",
                                       link=link is not None, **marks))
                plain.append(content)
        return "".join(runs), "".join(plain)

    def _hyperlink(self, href: str, runs: str) -> str:
        if not href:
            return runs
        rid = self.document.part.relate_to(href, RT.HYPERLINK, is_external=True)
        return f'<w:hyperlink r:id="{rid}" w:history="1">{runs}</w:hyperlink>'

    # --- lists -------------------------------------------------------------------------

    def list_paragraph(self, runs: str, plain: str, *, ordered: bool, level: int,
                       num_id: int | None, first: bool) -> str:
        """A list item's paragraph in the template's list styles, or indented with a marker
        where the template has none (a custom template made in Word, say)."""
        depth = min(level, 3)
        suffix = "" if depth == 1 else f" {depth}"
        if not first:
            return self.paragraph(runs, style=f"List Continue{suffix}", plain_text=plain,
                                  indent=0 if f"List Continue{suffix}" in self.styles
                                  else 360 * depth)
        style = f"List {'Number' if ordered else 'Bullet'}{suffix}"
        if style in self.styles and (num_id is not None or not ordered):
            return self.paragraph(runs, style=style, plain_text=plain,
                                  num=(num_id, 0) if ordered else None)
        self._list_counters[-1] += 1
        marker = f"{self._list_counters[-1]}. " if ordered else "• "
        return self.paragraph(self.run(marker) + runs, plain_text=plain, indent=360 * depth)

    def new_numbering(self, level: int, start: int) -> int | None:
        """A fresh w:num for an ordered list, so each list counts from its own start."""
        style_name = "List Number" + ("" if min(level, 3) == 1 else f" {min(level, 3)}")
        if style_name not in self.styles:
            return None
        try:
            style_num = self.document.styles[style_name].element.pPr.numPr.numId.val
            numbering = self.document.part.numbering_part.element
            abstract = numbering.num_having_numId(style_num).abstractNumId.val
        except (AttributeError, KeyError):
            return None
        num = numbering.add_num(abstract)
        num.add_lvlOverride(ilvl=0).add_startOverride(start)
        return num.numId

    # --- tables ------------------------------------------------------------------------

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]], *, caption: str,
              markdown_columns: Sequence[int] = ()) -> Markup:
        """A table of texts whose header row repeats on every page it spans."""
        header_cells = [self.paragraph(self.run(h, bold=True), plain_text=h) for h in header]
        body = [[self.markdown(cell) if i in markdown_columns and cell
                 else self.paragraph(self.run(cell), plain_text=cell)
                 for i, cell in enumerate(row)] for row in rows]
        return Markup(self.table_xml(header_cells, body, caption=caption))

    def table_xml(self, header: Sequence[str], rows: Sequence[Sequence[str]], *,
                  caption: str) -> str:
        columns = max([len(header), *(len(r) for r in rows)], default=1)
        width = TEXT_WIDTH // columns
        style = (f'<w:tblStyle w:val="{self.styles["Table Grid"]}"/>'
                 if "Table Grid" in self.styles else "")
        props = (f'<w:tblPr>{style}<w:tblW w:w="5000" w:type="pct"/>'
                 f"<w:tblBorders>{_BORDERS}</w:tblBorders>"
                 '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" '
                 'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>'
                 + (f'<w:tblCaption w:val="{escape(caption[:250])}"/>' if caption else "")
                 + "</w:tblPr>")
        grid = "<w:tblGrid>" + f'<w:gridCol w:w="{width}"/>' * columns + "</w:tblGrid>"

        def row(cells: Sequence[str], head: bool) -> str:
            cells = [*cells, *[self.paragraph("")] * (columns - len(cells))]
            trpr = "<w:trPr><w:tblHeader/></w:trPr>" if head else ""
            return f"<w:tr>{trpr}" + "".join(
                f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
                f"{cell or self.paragraph('')}</w:tc>" for cell in cells) + "</w:tr>"

        head = row(header, True) if header else ""
        return f"<w:tbl>{props}{grid}{head}{''.join(row(r, False) for r in rows)}</w:tbl>"


class _Blocks:
    """Walks markdown-it's flat token stream, keeping the list and quote nesting."""

    def __init__(self, ml: WordML, *, breaks: bool = True) -> None:
        self.ml = ml
        self.breaks = breaks
        self.out: list[str] = []
        self.lists: list[tuple[bool, int | None]] = []  # (ordered, numId) per open list
        self.item_first = False
        self.quote = 0
        self.heading = False

    def convert(self, tokens: list[Token]) -> list[str]:
        index = 0
        while index < len(tokens):
            index = self.step(tokens, index)
        return self.out

    def step(self, tokens: list[Token], index: int) -> int:
        token, ml = tokens[index], self.ml
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            ordered = kind == "ordered_list_open"
            start = int(token.attrs.get("start", 1) or 1)
            num = ml.new_numbering(len(self.lists) + 1, start) if ordered else None
            self.lists.append((ordered, num))
            ml._list_counters.append(start - 1)
        elif kind in ("bullet_list_close", "ordered_list_close"):
            self.lists.pop()
            ml._list_counters.pop()
        elif kind == "list_item_open":
            self.item_first = True
        elif kind in ("blockquote_open", "blockquote_close"):
            self.quote += 1 if kind == "blockquote_open" else -1
        elif kind in ("heading_open", "heading_close"):
            # Headings inside an answer are shown bold: real headings would break the
            # document's outline (an answer is already under its question's heading).
            self.heading = kind == "heading_open"
        elif kind == "inline":
            self.out.append(self.inline(token))
        elif kind in ("fence", "code_block"):
            text = token.content.rstrip("\n")
            self.out.append(ml.paragraph(ml.run(text, mono=True), plain_text=text))
        elif kind == "hr":
            self.out.append(ml.paragraph(ml.run("―" * 10)))
        elif kind == "table_open":
            return self.table(tokens, index)
        return index + 1

    def inline(self, token: Token) -> str:
        ml = self.ml
        runs, plain = ml.inline(token.children or [], bold=self.heading, breaks=self.breaks)
        if self.lists:
            ordered, num = self.lists[-1]
            first, self.item_first = self.item_first, False
            return ml.list_paragraph(runs, plain, ordered=ordered, level=len(self.lists),
                                     num_id=num, first=first)
        style = "Quote" if self.quote else None
        return ml.paragraph(runs, style=style, plain_text=plain,
                            indent=0 if not self.quote or "Quote" in ml.styles else 720)

    def table(self, tokens: list[Token], index: int) -> int:
        header: list[str] = []
        rows: list[list[str]] = []
        in_head = False
        while tokens[index].type != "table_close":
            token = tokens[index]
            if token.type in ("thead_open", "thead_close"):
                in_head = token.type == "thead_open"
            elif token.type == "tr_open" and not in_head:
                rows.append([])
            elif token.type == "inline":
                runs, plain = self.ml.inline(token.children or [], bold=in_head,
                                             breaks=self.breaks)
                cell = self.ml.paragraph(runs, plain_text=plain)
                (header if in_head else rows[-1]).append(cell)
            index += 1
        self.out.append(self.ml.table_xml(header, rows, caption=""))
        return index + 1
