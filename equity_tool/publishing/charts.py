"""Charts as SVG text, drawn on the server: a pure function of the figures, so a page, a Word
report or a PDF can show the same picture without JavaScript.

Every chart is an image with a name and a description (role="img", <title>, <desc>) that read
out the figures themselves; pages still put a table of the same figures beside it. Colours
and fonts are presentation attributes, not CSS, so the SVG looks the same wherever it is
embedded and needs no stylesheet (the page's Content-Security-Policy forbids inline styles).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

BAR_COLOUR = "#005ea2"  # 7:1 against white: bars stand out as non-text content (WCAG 1.4.11)
TEXT_COLOUR = "#1b1b1b"
MUTED_COLOUR = "#565c65"  # 7:1 against white
RULE_COLOUR = MUTED_COLOUR
FAMILY = 'font-family="Source Sans Pro, Helvetica Neue, Arial, sans-serif"'
FONT = f'{FAMILY} font-size="14"'
SMALL_FONT = f'{FAMILY} font-size="12"'

ROW = 28  # pixels per bar
SECOND_LINE = 15  # more per bar when labels have a second line
BAR = 18
PAD = 8
CHAR = 7.4  # the average width of a character at 14px, for laying out labels
VALUE_SPACE = 64
MAX_LABEL = 36  # characters; longer labels are shortened in the picture (the table has them)


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"


def _lines(label: str) -> list[str]:
    return [_short(line) for line in label.split("\n", 1)]


def describe(bars: Sequence[tuple[str, float]], unit: str = "") -> str:
    """The figures in words, "Low: 3; High: 1", for the chart's description."""
    if not bars:
        return "Nothing to show."
    suffix = f" {unit}" if unit else ""
    return "; ".join(f"{_in_words(label)}: {_number(value)}{suffix}"
                     for label, value in bars) + "."


def _in_words(label: str) -> str:
    first, _, second = label.partition("\n")
    return f"{first} ({second})" if second else first


def bar_chart(bars: Sequence[tuple[str, float]], *, title: str, chart_id: str,
              description: str | None = None, unit: str = "", width: int = 640) -> str:
    """A horizontal bar chart of (label, value ≥ 0) pairs, top to bottom, as an SVG string.

    A label may have a second line after a line break ("Low\nRapid check"), drawn smaller.
    `chart_id` makes the ids of its title and description unique in a page; `description`
    defaults to every label and value in words (`describe`).
    """
    desc = description if description is not None else describe(bars, unit)
    labels = [_lines(label) for label, _ in bars]
    label_width = max((len(line) for lines in labels for line in lines), default=4)
    left = round(label_width * CHAR) + 2 * PAD
    span = max(width - left - VALUE_SPACE, 40)
    top = max((value for _, value in bars), default=0) or 1
    row = ROW + (SECOND_LINE if any(len(lines) > 1 for lines in labels) else 0)
    height = max(len(bars), 1) * row + 2 * PAD
    ident = escape(chart_id)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(desc)}</desc>',
    ]
    if not bars:
        parts.append(f'<text x="{PAD}" y="{PAD + BAR}" fill="{TEXT_COLOUR}" {FONT}>'
                     "Nothing to show</text>")
    for index, ((_, value), lines) in enumerate(zip(bars, labels, strict=True)):
        y = PAD + index * row
        length = round(span * value / top, 1)
        middle = y + BAR / 2 + 5  # text baseline, centred on the bar
        parts.append(
            f'<text x="{left - PAD}" y="{middle}" text-anchor="end" fill="{TEXT_COLOUR}" '
            f'{FONT}>{escape(lines[0])}</text>')
        if len(lines) > 1:
            parts.append(
                f'<text x="{left - PAD}" y="{middle + SECOND_LINE}" text-anchor="end" '
                f'fill="{MUTED_COLOUR}" {SMALL_FONT}>{escape(lines[1])}</text>')
        parts.append(
            f'<rect x="{left}" y="{y}" width="{length}" height="{BAR}" fill="{BAR_COLOUR}"/>'
            f'<text x="{left + length + 6}" y="{middle}" fill="{TEXT_COLOUR}" {FONT}>'
            f"{escape(_number(value))}</text>")
    parts.append(f'<line x1="{left}" y1="{PAD / 2}" x2="{left}" y2="{height - PAD / 2}" '
                 f'stroke="{RULE_COLOUR}" stroke-width="1"/>')
    parts.append("</svg>")
    return "".join(parts)
