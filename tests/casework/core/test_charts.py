"""Charts drawn on the server (casework.core.charts, core/charts/chart.html): the geometry is right,
and every chart carries its title, summary and table, with no inline style (the CSP forbids it)."""

from __future__ import annotations

import math
import re

import pytest
from django.template.loader import render_to_string
from hypothesis import given
from hypothesis import strategies as st

from casework.core.charts import (
    LABEL_WIDTH,
    Chart,
    Series,
    bars_geometry,
    line_geometry,
    nice_maximum,
    share_text,
    trend_summary,
)


def bars(**extra):
    return Chart(
        id="c",
        title="Open cases by team",
        summary="Forty children.",
        categories=("North", "South"),
        series=(Series("Red", (10, 5), "red"), Series("Green", (10, 15), "green")),
        **extra,
    )


def test_bars_are_drawn_in_proportion_to_the_largest_total():
    g = bars_geometry(bars())
    north, south = g.bars
    plot = g.plot_width
    # North 10 red + 10 green = 20, South 5 + 15 = 20: both full width, split by their values.
    assert north.segments[0].width == pytest.approx(plot / 2)
    assert south.segments[0].width == pytest.approx(plot / 4)
    assert south.segments[1].x == pytest.approx(LABEL_WIDTH + plot / 4)
    assert north.total_text == "20"
    assert g.legend == (("Red", "#d4351c"), ("Green", "#00703c"))


def test_shares_scale_each_bar_to_its_own_total_and_show_the_first_series_as_a_percentage():
    chart = Chart(
        id="p",
        title="Progress",
        summary="s",
        categories=("Big team", "Small team"),
        series=(Series("Done", (50, 1)), Series("Not started", (50, 3))),
        share=True,
    )
    big, small = bars_geometry(chart).bars
    assert sum(s.width for s in big.segments) == pytest.approx(sum(s.width for s in small.segments))
    assert (big.total_text, small.total_text) == ("50%", "25%")


def test_a_zero_value_draws_no_segment_and_an_empty_bar_chart_says_so():
    g = bars_geometry(Chart(id="z", title="t", summary="s", categories=("A",), series=(Series("x", (0,)),)))
    assert g.bars[0].segments == ()
    html = render_to_string(
        "core/charts/chart.html",
        {
            "chart": Chart(
                id="z", title="Nothing", summary="None.", categories=("A",), series=(Series("x", (0,)),)
            )
        },
    )
    assert "No figures to show yet" in html
    assert "<svg" not in html


def test_a_series_must_have_a_value_for_each_category():
    with pytest.raises(ValueError, match="2 categories"):
        Chart(id="x", title="t", summary="s", categories=("A", "B"), series=(Series("x", (1,)),))
    with pytest.raises(ValueError, match="link"):
        bars(links=("/a",))


def test_a_line_has_a_gap_where_a_value_is_not_known():
    chart = Chart(
        id="l",
        title="t",
        summary="s",
        categories=("1 Apr", "8 Apr", "15 Apr", "22 Apr"),
        series=(Series("Seen", (10, None, 30, 40)),),
        kind="line",
        maximum=100,
    )
    g = line_geometry(chart)
    (line,) = g.lines
    assert len(line.pieces) == 2
    assert len(line.markers) == 3
    # 40 of a scale of 100 is 40% of the way up from the bottom.
    assert line.markers[-1][1] == pytest.approx(g.bottom - 0.4 * (g.bottom - g.top))
    assert line.markers[-1][2] == "22 Apr, Seen: 40"
    assert [t.label for t in g.y_ticks] == ["0", "25", "50", "75", "100"]


def test_at_most_about_eight_labels_are_written_under_a_long_time_axis_and_the_last_is_always_one():
    days = tuple(f"{d} May" for d in range(1, 57))
    chart = Chart(
        id="d", title="t", summary="s", categories=days, series=(Series("x", tuple(range(56))),), kind="line"
    )
    ticks = line_geometry(chart).x_ticks
    assert len(ticks) <= 9
    assert ticks[-1].label == "56 May"


@given(st.floats(min_value=0.001, max_value=1e9, allow_nan=False))
def test_the_top_of_a_scale_is_a_round_number_at_or_above_the_largest_value(value):
    top = nice_maximum(value)
    assert value <= top <= 2 * value * (1 + 1e-9)  # never more than double: the next round number
    mantissa = top / 10 ** math.floor(math.log10(top) + 1e-9)
    assert any(mantissa == pytest.approx(m) for m in (1, 2, 2.5, 5, 10))


def test_summaries_in_words():
    assert share_text(1, 3) == "33%"
    assert share_text(0, 0) == "0%"
    assert trend_summary("Seen", ("1 Apr", "8 Apr"), (10, 25), "children") == (
        "Seen: 10 children (1 Apr) to 25 children (8 Apr), up 15."
    )
    assert trend_summary("Seen", ("1 Apr", "8 Apr"), (None, None), "children") == "Seen: no figures yet."
    assert trend_summary("Seen", ("1 Apr",), (7,), "children") == "Seen: 7 children (1 Apr)."


def test_a_chart_is_a_figure_with_its_title_summary_svg_and_table_and_no_inline_style():
    html = render_to_string("core/charts/chart.html", {"chart": bars(links=("/n", "/s"))})
    assert (
        '<figcaption class="govuk-heading-s app-chart__title" id="c-title">Open cases by team</figcaption>'
        in html
    )
    assert 'role="img"' in html
    assert 'aria-labelledby="c-svg-title c-svg-desc"' in html
    assert '<desc id="c-svg-desc">Forty children.</desc>' in html
    assert '<a class="govuk-link" href="/n">North</a>' in html  # in the table, not inside the image
    assert "style=" not in html
    table = re.search(r"<table.*?</table>", html, re.S).group(0)
    cells = re.findall(r'govuk-table__cell--numeric">(\d+)<', table)
    assert cells == ["10", "10", "20", "5", "15", "20"]


def test_a_chart_beside_its_own_table_points_to_it_instead_of_repeating_it():
    html = render_to_string("core/charts/chart.html", {"chart": bars(show_table=False)})
    assert "<table" not in html
    assert "The figures are in the table below" in html
