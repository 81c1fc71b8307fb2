"""Charts drawn on the server (STYLE.md section 8, "a chart"): accessible SVG, readable without
JavaScript, printable, and never without a title, a text summary and the table behind it.

A chart is plain data (`Chart`: categories, one or more `Series` of counts) turned into geometry here and
drawn by the template `core/charts/chart.html` (`{% include "core/charts/chart.html" with chart=... %}`).
The figure carries the title as its caption, the summary as visible text (and as the SVG's `<desc>`), and
the table of the same figures in a GOV.UK details element, so a screen reader, a printout and a person
who cannot tell red from green each get the whole picture. The SVG draws only presentation attributes
(no inline style), so the strict Content-Security-Policy holds.

Two kinds:
- `bars`: one horizontal bar per category, its series stacked (the cohort by rating within each legal
  status, overdue contacts by team); with `share=True` each bar is scaled to 100 % of its own total
  (progress against a target: signed off, awaiting, not started).
- `line`: the categories are periods in order (weeks, fortnights, months, days) and each series a line
  across them (compliance over time, staff available, deadlines met on time).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

# GOV.UK Frontend's colour palette (govuk-frontend/dist/govuk/settings/_colours-palette.scss).
TONES = {
    "red": "#d4351c",
    "amber": "#f47738",
    "green": "#00703c",
    "blue": "#1d70b8",
    "purple": "#4c2c92",
    "grey": "#b1b4b6",
    "black": "#0b0c0c",
    "turquoise": "#28a197",
}
# Lines are told apart by dash as well as colour (WCAG 1.4.1: colour is not the only means).
DASHES = ("", "8 4", "2 3", "12 4 2 4")

WIDTH = 640  # the viewBox's width; the SVG scales to its container (width 100 %)
LABEL_WIDTH = 190  # room for the category names at the left of a bar chart
BAR_HEIGHT = 22
BAR_GAP = 10
LINE_HEIGHT = 220
LINE_LEFT = 48
LINE_BOTTOM = 40
LINE_TOP = 12


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[int | float | None, ...]  # one per category; None: not known for that category
    tone: str = "blue"

    @property
    def colour(self) -> str:
        return TONES.get(self.tone, TONES["blue"])


@dataclass(frozen=True)
class Chart:
    id: str  # unique on the page: the ids of the title, summary and table derive from it
    title: str
    summary: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    kind: Literal["bars", "line"] = "bars"
    unit: str = "children"
    share: bool = False  # bars: each bar as shares of its own total
    category_heading: str = ""  # the table's first column heading
    links: tuple[str, ...] = ()  # a link per category (the list behind it), from the table's row headers
    maximum: float | None = None  # line: the top of the scale (100 for percentages)
    show_table: bool = True  # False where the page shows the same figures in its own table beside it

    def __post_init__(self) -> None:
        for s in self.series:
            if len(s.values) != len(self.categories):
                raise ValueError(
                    f"series {s.label!r} has {len(s.values)} values for {len(self.categories)} categories"
                )
        if self.links and len(self.links) != len(self.categories):
            raise ValueError("one link per category, or none")

    @property
    def is_empty(self) -> bool:
        return not self.categories or all(not v for s in self.series for v in s.values)

    def table(self) -> list[tuple[str, list[int | float | None], int | float | None, str]]:
        """The rows of the table behind the chart: category, each series' value, the total (bars) and the
        category's link. Links live in the table, not in the SVG: an image holds no controls (axe-core
        nested-interactive), and the table is where a keyboard or screen-reader user finds them."""
        rows = []
        for i, category in enumerate(self.categories):
            values = [s.values[i] for s in self.series]
            total = sum(v or 0 for v in values) if self.kind == "bars" and len(self.series) > 1 else None
            rows.append((category, values, total, self.links[i] if self.links else ""))
        return rows

    def geometry(self) -> BarsGeometry | LineGeometry:
        return bars_geometry(self) if self.kind == "bars" else line_geometry(self)


# --- Bars -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    colour: str
    label: str  # "Red: 12 children"


@dataclass(frozen=True)
class Bar:
    y: float
    text_y: float
    label: str
    total_text: str
    total_x: float
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class BarsGeometry:
    width: int
    height: int
    label_width: int
    label_x: int
    plot_width: int
    bar_height: int
    bars: tuple[Bar, ...]
    legend: tuple[tuple[str, str], ...] = field(default=())


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def bars_geometry(chart: Chart) -> BarsGeometry:
    plot = WIDTH - LABEL_WIDTH - 60  # leave room for the total after the longest bar
    totals = [sum(s.values[i] or 0 for s in chart.series) for i in range(len(chart.categories))]
    biggest = max(totals, default=0) or 1
    bars = []
    for i, category in enumerate(chart.categories):
        scale = (plot / totals[i] if totals[i] else 0) if chart.share else plot / biggest
        x = float(LABEL_WIDTH)
        segments = []
        for s in chart.series:
            value = s.values[i] or 0
            width = value * scale
            if width > 0:
                segments.append(
                    Segment(round(x, 2), round(width, 2), s.colour, f"{s.label}: {_number(value)}")
                )
            x += width
        if chart.share:
            done = chart.series[0].values[i] or 0
            total_text = f"{round(100 * done / totals[i]) if totals[i] else 0}%"
        else:
            total_text = _number(totals[i])
        y = LINE_TOP + i * (BAR_HEIGHT + BAR_GAP)
        bars.append(Bar(y, y + 16, category, total_text, round(x + 6, 2), tuple(segments)))
    height = LINE_TOP + len(bars) * (BAR_HEIGHT + BAR_GAP) + 4
    legend = tuple((s.label, s.colour) for s in chart.series) if len(chart.series) > 1 else ()
    return BarsGeometry(WIDTH, height, LABEL_WIDTH, LABEL_WIDTH - 8, plot, BAR_HEIGHT, tuple(bars), legend)


# --- Lines over time ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Line:
    points: str  # SVG polyline points; a gap (None) splits the line into pieces
    pieces: tuple[str, ...]
    markers: tuple[tuple[float, float, str], ...]
    colour: str
    dash: str
    label: str


@dataclass(frozen=True)
class LineGeometry:
    width: int
    height: int
    left: int
    label_x: int
    top: int
    bottom: float
    right: float
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    lines: tuple[Line, ...]
    legend: tuple[tuple[str, str, str], ...]


def nice_maximum(value: float) -> float:
    """The top of a scale: the smallest of 1, 2, 2.5 or 5 times a power of ten at or above `value`."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1.0, 2.0, 2.5, 5.0):
        if step * power >= value:
            return step * power
    return 10.0 * power


def line_geometry(chart: Chart) -> LineGeometry:
    values = [v for s in chart.series for v in s.values if v is not None]
    top_value = chart.maximum if chart.maximum is not None else nice_maximum(max(values, default=0))
    bottom = LINE_HEIGHT - LINE_BOTTOM
    right = WIDTH - 16
    count = len(chart.categories)
    step = (right - LINE_LEFT) / (count - 1) if count > 1 else 0

    def x_at(i: int) -> float:
        return round(float(LINE_LEFT + (i * step if count > 1 else (right - LINE_LEFT) / 2)), 2)

    def y_at(v: float) -> float:
        return round(float(bottom - (bottom - LINE_TOP) * (v / top_value)), 2)

    y_ticks = tuple(Tick(y_at(top_value * k / 4), _number(top_value * k / 4)) for k in range(5))
    every = max(1, math.ceil(count / 8))  # at most about 8 labels under the axis
    x_ticks = tuple(
        Tick(x_at(i), c) for i, c in enumerate(chart.categories) if i % every == 0 or i == count - 1
    )
    lines = []
    for n, s in enumerate(chart.series):
        pieces: list[list[str]] = [[]]
        markers = []
        for i, v in enumerate(s.values):
            if v is None:
                if pieces[-1]:
                    pieces.append([])
                continue
            pieces[-1].append(f"{x_at(i)},{y_at(v)}")
            markers.append((x_at(i), y_at(v), f"{chart.categories[i]}, {s.label}: {_number(v)}"))
        joined = tuple(" ".join(p) for p in pieces if p)
        lines.append(
            Line(" ".join(joined), joined, tuple(markers), s.colour, DASHES[n % len(DASHES)], s.label)
        )
    legend = tuple((s.label, s.colour, DASHES[n % len(DASHES)]) for n, s in enumerate(chart.series))
    return LineGeometry(
        WIDTH,
        LINE_HEIGHT,
        LINE_LEFT,
        LINE_LEFT - 6,
        LINE_TOP,
        bottom,
        right,
        y_ticks,
        x_ticks,
        tuple(lines),
        legend,
    )


# --- Summaries ------------------------------------------------------------------------------------------


def share_text(part: float, whole: float) -> str:
    return f"{round(100 * part / whole)}%" if whole else "0%"


def trend_summary(
    label: str, categories: Sequence[str], values: Sequence[int | float | None], unit: str
) -> str:
    """'Children seen face to face: 412 in the week of 6 April, 530 in the week of 25 May (up 118).'"""
    known = [(c, v) for c, v in zip(categories, values, strict=True) if v is not None]
    if not known:
        return f"{label}: no figures yet."
    (first_c, first_v), (last_c, last_v) = known[0], known[-1]
    if len(known) == 1:
        return f"{label}: {_number(last_v)} {unit} ({last_c})."
    change = last_v - first_v
    direction = "no change" if change == 0 else f"{'up' if change > 0 else 'down'} {_number(abs(change))}"
    return (
        f"{label}: {_number(first_v)} {unit} ({first_c}) to {_number(last_v)} {unit} ({last_c}), {direction}."
    )
