"""The fortnightly return's charts (`casework.core.charts`): its measures across fortnights, from the
same counts as each fortnight's return, so a chart never shows a figure the return would not."""

from __future__ import annotations

from collections.abc import Sequence

from casework.core.charts import Chart, Series, trend_summary
from casework.fortnightly.selectors import FortnightFigures

# The three groups the survey counted separately, each a line told apart by tone and dash.
GROUPS = (
    ("cla", "Children looked after", "blue"),
    ("cpp", "On a child protection plan", "red"),
    ("other_cin", "Other children in need", "green"),
)


def _label(item: FortnightFigures) -> str:
    return f"{item.period.ends_on:%-d %b}"


def _share_chart(
    fortnights: Sequence[FortnightFigures], *, suffix: str, id: str, title: str, what: str
) -> Chart:
    labels = tuple(_label(f) for f in fortnights)
    series = []
    sentences = []
    for key, name, tone in GROUPS:
        values = tuple(f.figures[f"{key}{suffix}"].percent for f in fortnights)
        series.append(Series(name, values, tone))
        sentences.append(trend_summary(name, labels, values, "%").replace(" %", "%"))
    return Chart(
        id=id,
        title=title,
        summary=f"{what} Fortnights are named by their last day. " + " ".join(sentences),
        categories=labels,
        series=tuple(series),
        kind="line",
        unit="% of the group",
        maximum=100,
        category_heading="Fortnight ending",
    )


def seen_chart(fortnights: Sequence[FortnightFigures]) -> Chart:
    return _share_chart(
        fortnights,
        suffix="_seen",
        id="fortnights-seen",
        title="Children seen in the last 4 weeks, as a share of each group, by fortnight",
        what="Seen in any way (face to face, by phone or by video) in the 4 weeks to the fortnight's end.",
    )


def face_to_face_chart(fortnights: Sequence[FortnightFigures]) -> Chart:
    return _share_chart(
        fortnights,
        suffix="_seen_face_to_face",
        id="fortnights-face-to-face",
        title="Children seen face to face in the last 4 weeks, as a share of each group, by fortnight",
        what="Seen face to face at least once in the 4 weeks to the fortnight's end.",
    )
