"""The report's charts as PNG images, drawn by matplotlib without a display (the Agg backend).

A chart only ever repeats a table printed beside it, so its alt text states the figures in
words and nothing is lost to a reader who cannot see it. Colours: one dark blue, 7:1 against
white, so the bars are visible to everyone (WCAG 1.4.11); values are written at the bars' ends.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # before pyplot is imported: no display, no GUI toolkit

from matplotlib.figure import Figure

BAR_COLOUR = "#005ea2"
TEXT_COLOUR = "#1b1b1b"
MAX_LABEL = 40  # characters; the table beside the chart has the whole label
DPI = 150


@dataclass(frozen=True)
class Chart:
    """A picture with its title and alt text (the figures in words)."""

    title: str
    alt: str
    png: bytes
    width_inches: float


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"


def describe(title: str, bars: Sequence[tuple[str, int | float]]) -> str:
    """"Title: Low 3; High 1." — the alt text."""
    figures = "; ".join(f"{label} {value:g}" for label, value in bars)
    return f"{title}: {figures}." if bars else f"{title}: none."


def bar_chart(bars: Sequence[tuple[str, int | float]], *, title: str,
              width_inches: float = 6.0) -> Chart:
    """A horizontal bar chart of (label, value ≥ 0), first bar on top."""
    height = 0.9 + 0.38 * max(len(bars), 1)
    figure = Figure(figsize=(width_inches, height), dpi=DPI)
    axes = figure.add_subplot()
    labels = [_short(label) for label, _ in bars]
    values = [value for _, value in bars]
    positions = list(range(len(bars)))
    axes.barh(positions, values, color=BAR_COLOUR, height=0.6)
    axes.set_yticks(positions, labels=labels, color=TEXT_COLOUR, fontsize=9)
    axes.invert_yaxis()
    top = max(values, default=0) or 1
    for position, value in zip(positions, values, strict=True):
        axes.text(value + top * 0.01, position, f"{value:g}", va="center", fontsize=9,
                  color=TEXT_COLOUR)
    axes.set_xlim(0, top * 1.15)
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.set_title(title, fontsize=10, color=TEXT_COLOUR, loc="left")
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.tight_layout()
    out = io.BytesIO()
    # No timestamps or software version in the file: the same figures give the same bytes.
    figure.savefig(out, format="png", metadata={"Software": None})
    return Chart(title, describe(title, bars), out.getvalue(), width_inches)
