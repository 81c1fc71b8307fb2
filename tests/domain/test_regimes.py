"""Policy regimes as effective-dated data: which rules applied on any day."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given

from domain.intervals import Interval
from domain.regimes import (
    COVID_2021,
    NATIONAL_REGIMES,
    NEVER_RELAXED,
    REQUIREMENTS,
    SI_2020_445,
    SI_2020_909,
    Effect,
    LocalEmergency,
    Relaxation,
    check_regimes,
    national_regime_on,
    regime_by_id,
    rules_in_force,
)
from tests.domain.strategies import days_2010_2035


def test_exactly_one_national_regime_is_in_force_on_every_day_from_2010_to_2035():
    day = date(2010, 1, 1)
    while day <= date(2035, 12, 31):
        assert sum(regime.covers(day) for regime in NATIONAL_REGIMES) == 1, day
        day += timedelta(days=1)


@given(days_2010_2035)
def test_rules_in_force_name_the_one_regime_covering_the_day(day):
    rules = rules_in_force(day)
    assert rules.regime.covers(day)
    assert rules.day == day


def test_the_national_table_has_no_gap_overlap_or_forbidden_relaxation():
    assert check_regimes(NATIONAL_REGIMES) == []


@pytest.mark.parametrize(
    ("day", "regime_id"),
    [
        (date(2011, 4, 1), "normal"),
        (date(2020, 4, 23), "normal"),
        (date(2020, 4, 24), "si-2020-445"),
        (date(2020, 9, 24), "si-2020-445"),
        (date(2020, 9, 25), "si-2020-909"),  # 445's relevant period included 25 Sep; 909 wins the day
        (date(2021, 3, 31), "si-2020-909"),
        (date(2021, 4, 1), "covid-2021"),
        (date(2021, 9, 30), "covid-2021"),
        (date(2021, 10, 1), "normal-2021"),
        (date(2035, 1, 1), "normal-2021"),
    ],
)
def test_regime_boundaries_are_as_documented(day, regime_id):
    assert national_regime_on(day).id == regime_id


def test_the_2021_regulations_are_marked_unconfirmed():
    assert not COVID_2021.confirmed
    assert "UNCONFIRMED" in COVID_2021.note
    assert all(r.confirmed for r in NATIONAL_REGIMES if r is not COVID_2021)


def test_si_2020_445_made_looked_after_visits_remote_and_as_soon_as_reasonably_practicable():
    rules = rules_in_force(date(2020, 5, 1))
    timing = rules.timing_relaxation("lac.visit")
    mode = rules.mode_relaxation("lac.visit")
    assert timing is not None
    assert timing.effect is Effect.AS_SOON_AS_REASONABLY_PRACTICABLE
    assert mode is not None
    assert mode.effect is Effect.REMOTE_ALLOWED
    assert "SI 2020/445" in mode.source
    assert rules.relaxation("lac.visit", Effect.REMOTE_ALLOWED) == mode


def test_si_2020_909_allows_remote_visits_only_under_the_covid_condition():
    rules = rules_in_force(date(2020, 11, 5))
    mode = rules.mode_relaxation("lac.visit")
    assert mode is not None
    assert mode.effect is Effect.REMOTE_IF_COVID_CONDITION
    assert "28(1A)-(1E)" in mode.source
    assert rules.timing_relaxation("lac.visit") is None
    assert rules.relaxation("lac.placement_plan") is None  # the 445 relaxation lapsed


def test_si_2020_445_extended_temporary_approval_to_24_weeks():
    relaxation = rules_in_force(date(2020, 6, 1)).relaxation("fostering.temporary_approval")
    assert relaxation is not None
    assert relaxation.effect is Effect.EXTENDED
    assert relaxation.replacement == Interval.weeks(24)


def test_the_normal_rules_relax_nothing():
    for day in (date(2019, 1, 1), date(2022, 1, 1)):
        rules = rules_in_force(day)
        assert rules.regime.is_normal
        assert rules.relaxation("lac.visit") is None


def test_serious_incident_notification_is_never_relaxed_by_any_regime():
    for regime in NATIONAL_REGIMES:
        assert not [r for r in regime.relaxations if r.requirement in NEVER_RELAXED]
    assert "serious_incident.notification" in NEVER_RELAXED
    assert REQUIREMENTS["serious_incident.notification"].statutory


def test_a_regime_that_relaxes_serious_incident_notification_is_refused():
    bad = replace(
        SI_2020_445,
        relaxations=(
            Relaxation("serious_incident.notification", Effect.AS_SOON_AS_REASONABLY_PRACTICABLE, "x", "x"),
        ),
    )
    table = tuple(bad if r is SI_2020_445 else r for r in NATIONAL_REGIMES)
    assert any("serious_incident.notification" in p for p in check_regimes(table))


def test_gaps_and_overlaps_in_a_regime_table_are_refused():
    gap = tuple(
        replace(r, starts_on=r.starts_on + timedelta(days=1)) if r is SI_2020_909 else r
        for r in NATIONAL_REGIMES
    )
    assert any("si-2020-909 must start the day after" in p for p in check_regimes(gap))
    open_ended = NATIONAL_REGIMES[:-1]
    assert any("must not end" in p for p in check_regimes(open_ended))


def test_an_extended_relaxation_needs_its_replacement_period():
    bad = replace(SI_2020_909, relaxations=(Relaxation("lac.review", Effect.EXTENDED, "x", "x"),))
    table = tuple(bad if r is SI_2020_909 else r for r in NATIONAL_REGIMES)
    assert any("replacement" in p for p in check_regimes(table))


def test_a_local_emergency_switches_on_risk_based_planning_only_while_it_lasts():
    emergency = LocalEmergency(
        "e", "COVID-19 emergency", date(2020, 3, 23), date(2020, 7, 31), date(2020, 4, 3)
    )
    assert not rules_in_force(date(2020, 3, 22), local_emergencies=[emergency]).risk_based_planning
    during = rules_in_force(date(2020, 3, 23), local_emergencies=[emergency])
    assert during.risk_based_planning
    assert during.local_emergency == emergency
    assert during.regime.id == "normal"  # a local emergency relaxes no statute
    assert not rules_in_force(date(2020, 8, 1), local_emergencies=[emergency]).risk_based_planning


def test_the_latest_declared_local_emergency_is_the_one_in_force():
    first = LocalEmergency("first", "Lockdown", date(2020, 3, 23))
    second = LocalEmergency("second", "Second wave", date(2020, 11, 5))
    assert rules_in_force(date(2020, 12, 1), local_emergencies=[second, first]).local_emergency == second


def test_rules_for_another_day_keep_the_same_local_emergencies():
    emergency = LocalEmergency("e", "Emergency", date(2020, 3, 23))
    rules = rules_in_force(date(2020, 5, 1), local_emergencies=[emergency])
    later = rules.at(date(2020, 10, 1))
    assert later.regime is SI_2020_909
    assert later.local_emergency == emergency


def test_describe_says_what_applies_and_that_serious_incidents_are_never_relaxed():
    emergency = LocalEmergency(
        "e", "COVID-19 emergency procedures", date(2020, 3, 23), None, date(2020, 4, 3)
    )
    text = rules_in_force(date(2020, 5, 1), local_emergencies=[emergency]).describe()
    assert "1 May 2020" in text
    assert "SI 2020/445" in text
    assert "as soon as reasonably practicable" in text
    assert "never relaxed" in text
    assert "rated by 3 April 2020" in text
    assert "No statutory requirement is relaxed" in rules_in_force(date(2019, 1, 1)).describe()


def test_regimes_can_be_found_by_id():
    assert regime_by_id("si-2020-909") is SI_2020_909
    with pytest.raises(LookupError):
        regime_by_id("nope")
