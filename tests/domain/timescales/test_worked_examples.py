"""Worked examples of statutory deadlines. Every answer below was worked out by hand, with a calendar
and the England and Wales bank holidays, not by running the engine (the working is in the comments)."""

from __future__ import annotations

from datetime import date

import pytest

from domain.calendar import WorkingCalendar
from domain.timescales import RULES, deadline, rule_by_id

ENGLAND = WorkingCalendar.england(2015, 2030)
ASAP = None

WORKED = [
    # rule, event date, due date (None: as soon as reasonably practicable), regime, working
    ("sin.notification", date(2020, 3, 2), date(2020, 3, 9), "normal", "Mon: Tue-Fri are 1-4, next Mon 5"),
    ("sin.notification", date(2020, 3, 6), date(2020, 3, 13), "normal", "Fri: Mon 9 to Fri 13"),
    ("sin.notification", date(2020, 3, 7), date(2020, 3, 13), "normal", "Sat: the weekend never counts"),
    (
        "sin.notification",
        date(2020, 4, 9),
        date(2020, 4, 20),
        "normal",
        "Easter: Good Fri and Easter Mon skipped",
    ),
    (
        "sin.notification",
        date(2020, 5, 4),
        date(2020, 5, 12),
        "si-2020-445",
        "VE Day Fri 8 May; never relaxed",
    ),
    ("sin.notification", date(2020, 12, 23), date(2021, 1, 4), "si-2020-909", "24, 29, 30, 31 Dec, 4 Jan"),
    (
        "sin.notification",
        date(2020, 8, 27),
        date(2020, 9, 4),
        "si-2020-445",
        "late August bank holiday 31 Aug",
    ),
    ("sin.notification", date(2020, 5, 29), date(2020, 6, 5), "si-2020-445", "Mon 1 to Fri 5 June"),
    ("sin.notification", date(2026, 12, 24), date(2027, 1, 5), "normal-2021", "25, 28 Dec and 1 Jan skipped"),
    ("sin.notification", date(2023, 5, 4), date(2023, 5, 12), "normal-2021", "coronation bank holiday 8 May"),
    ("rapid_review.completion", date(2020, 3, 9), date(2020, 3, 30), "normal", "three weeks, no holidays"),
    (
        "rapid_review.completion",
        date(2020, 4, 1),
        date(2020, 4, 24),
        "normal",
        "Easter 10 and 13 Apr skipped",
    ),
    ("referral.decision", date(2020, 3, 20), date(2020, 3, 23), "normal", "Fri to Mon"),
    ("referral.decision", date(2020, 5, 7), date(2020, 5, 11), "si-2020-445", "Thu; Fri 8 May VE Day"),
    ("referral.decision", date(2020, 12, 24), date(2020, 12, 29), "si-2020-909", "25 and 28 Dec holidays"),
    ("referral.decision", date(2026, 11, 22), date(2026, 11, 23), "normal-2021", "Sun to Mon"),
    ("referral.decision", date(2026, 4, 2), date(2026, 4, 7), "normal-2021", "Good Fri 3, Easter Mon 6 Apr"),
    ("assessment.completion", date(2020, 3, 2), date(2020, 5, 6), "normal", "45 wd across Easter 2020"),
    ("assessment.completion", date(2019, 12, 13), date(2020, 2, 19), "normal", "across Christmas 2019"),
    ("assessment.completion", date(2022, 8, 26), date(2022, 11, 1), "normal-2021", "29 Aug and 19 Sep 2022"),
    ("icpc.convene", date(2020, 4, 1), date(2020, 4, 24), "normal", "15 wd across Easter"),
    ("icpc.convene", date(2020, 12, 18), date(2021, 1, 13), "si-2020-909", "across Christmas and New Year"),
    ("icpc.convene", date(2020, 4, 20), date(2020, 5, 12), "normal", "across VE Day; strategy before 445"),
    ("cp.first_review", date(2020, 11, 30), date(2021, 2, 28), "si-2020-909", "3 months, clamped to 28 Feb"),
    ("cp.first_review", date(2020, 1, 31), date(2020, 4, 30), "normal", "clamped to 30 April"),
    ("cp.review", date(2020, 8, 31), date(2021, 2, 28), "si-2020-445", "6 months, clamped"),
    ("cp.review", date(2020, 2, 29), date(2020, 8, 29), "normal", "leap day to 29 August"),
    ("lac.first_review", date(2020, 3, 2), date(2020, 3, 30), "normal", "20 working days"),
    ("lac.first_review", date(2020, 5, 1), ASAP, "si-2020-445", "SI 2020/445: where reasonably practicable"),
    ("lac.first_review", date(2020, 10, 5), date(2020, 11, 2), "si-2020-909", "909 kept reviews on time"),
    ("lac.second_review", date(2021, 1, 15), date(2021, 4, 15), "si-2020-909", "3 months"),
    ("lac.subsequent_review", date(2019, 3, 31), date(2019, 9, 30), "normal", "6 months, clamped to 30 Sep"),
    ("lac.placement_plan", date(2020, 4, 20), date(2020, 4, 27), "normal", "regime changed mid-timescale"),
    ("lac.placement_plan", date(2020, 4, 24), ASAP, "si-2020-445", "first day of SI 2020/445"),
    ("lac.placement_plan", date(2020, 9, 24), ASAP, "si-2020-445", "last day of SI 2020/445"),
    ("lac.placement_plan", date(2020, 9, 25), date(2020, 10, 2), "si-2020-909", "909 restored 5 wd"),
    ("lac.first_visit", date(2020, 4, 22), date(2020, 4, 29), "normal", "1 week; event before 445"),
    ("lac.first_visit", date(2020, 6, 1), ASAP, "si-2020-445", "visits as soon as reasonably practicable"),
    ("lac.first_visit", date(2020, 12, 1), date(2020, 12, 8), "si-2020-909", "909 relaxed the mode only"),
    ("lac.care_plan", date(2020, 12, 17), date(2021, 1, 5), "si-2020-909", "10 wd over Christmas"),
    ("fostering.temporary_approval", date(2020, 1, 6), date(2020, 4, 27), "normal", "16 weeks = 112 days"),
    ("fostering.temporary_approval", date(2020, 5, 1), date(2020, 10, 16), "si-2020-445", "24 weeks"),
    ("private_fostering.visit", date(2020, 7, 7), ASAP, "si-2020-445", "as soon as reasonably practicable"),
    ("private_fostering.visit", date(2020, 11, 3), date(2020, 11, 10), "si-2020-909", "7 days"),
    ("leaving_care.needs_assessment", date(2020, 11, 30), date(2021, 2, 28), "si-2020-909", "3 months"),
    ("lcspr.publication", date(2020, 8, 31), date(2021, 2, 28), "si-2020-445", "6 months, clamped"),
]


@pytest.mark.parametrize(
    ("rule_id", "event", "due", "regime", "working"),
    WORKED,
    ids=[f"{r}-{e.isoformat()}" for r, e, *_ in WORKED],
)
def test_worked_example(rule_id, event, due, regime, working):
    result = deadline(rule_id, event, calendar=ENGLAND)
    assert result.due_on == due, working
    assert result.regime.id == regime
    assert result.as_soon_as_reasonably_practicable == (due is None)


def test_there_are_at_least_forty_worked_examples():
    assert len(WORKED) >= 40


def test_as_soon_as_reasonably_practicable_still_gives_the_normal_date_for_tracking():
    result = deadline("lac.placement_plan", date(2020, 4, 24), calendar=ENGLAND)
    assert result.normal_due_on == date(2020, 5, 1)
    assert "as soon as reasonably practicable" in result.explain()


def test_the_serious_incident_notification_is_never_relaxed_in_any_regime():
    for day in [date(2020, 4, 24), date(2020, 9, 25), date(2021, 6, 1)]:
        assert deadline("sin.notification", day, calendar=ENGLAND).due_on is not None


def test_every_rule_names_its_source_and_unknown_rules_are_refused():
    assert all(rule.source for rule in RULES)
    with pytest.raises(KeyError, match="No timescale rule"):
        rule_by_id("no.such.rule")
