"""The oversight charts at a large authority's size: hundreds of teams make a dozen bars and one for the
rest, and no child is lost from the totals."""

from __future__ import annotations

from datetime import date

from casework.oversight import pictures
from casework.oversight.selectors import Progress, RerateProgress
from casework.policy.models import EmergencyDeclaration


def overdue_rows(n: int) -> list[dict]:
    return [
        {"team_id": i + 1, "team__name": f"Team {i}", "overdue": 400 - i, "red": 10, "amber": 20}
        for i in range(n)
    ]


def test_the_overdue_chart_shows_the_worst_teams_then_the_rest_together():
    rows = overdue_rows(335)
    chart = pictures.overdue_chart(rows)
    assert len(chart.categories) == pictures.CHART_BARS + 1
    assert chart.categories[:2] == ("Team 0", "Team 1")
    assert chart.categories[-1] == f"{335 - pictures.CHART_BARS} other teams"
    bars = [sum(s.values[i] for s in chart.series) for i in range(len(chart.categories))]
    assert sum(bars) == sum(r["overdue"] for r in rows)
    assert chart.links[0].endswith("team=1")
    assert "team=" not in chart.links[-1]
    assert "then the other 323 together" in chart.summary


def test_a_small_authority_has_a_bar_for_every_team():
    chart = pictures.overdue_chart(overdue_rows(5))
    assert chart.categories == tuple(f"Team {i}" for i in range(5))
    assert "together" not in chart.summary


def test_the_rerating_chart_shows_the_teams_furthest_behind_then_the_rest():
    rows = [Progress(f"Team {i:03}", open=100, signed_off=i % 100, awaiting=0) for i in range(200)]
    emergency = EmergencyDeclaration(
        name="COVID-19", starts_on=date(2020, 3, 23), rating_target_date=date(2020, 4, 3)
    )
    progress = RerateProgress(emergency=emergency, today=date(2020, 4, 1), rows=rows)
    chart = pictures.rerate_chart(progress)
    assert len(chart.categories) == pictures.CHART_BARS + 1
    assert chart.categories[0] == "Team 000"  # 0 % signed off
    assert chart.categories[-1] == f"{200 - pictures.CHART_BARS} other teams"
    signed = chart.series[0].values
    assert sum(signed) == sum(r.signed_off for r in rows)
    opened = [sum(s.values[i] for s in chart.series) for i in range(len(chart.categories))]
    assert sum(opened) == 200 * 100
