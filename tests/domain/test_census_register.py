"""How the register's statuses and placements follow from return records (domain.census.register)."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.census.register import (
    BECAME_LOOKED_AFTER,
    ChildReturnFacts,
    CinEpisodeFacts,
    CpPlanFacts,
    LacEpisodeFacts,
    derive,
    periods_of_care,
)

BORN = date(2008, 6, 15)


def ep(
    decom: date, dec: date | None, *, rne: str = "S", ls: str = "C2", place: str = "U4", rec: str = ""
) -> LacEpisodeFacts:
    return LacEpisodeFacts(decom, dec, rne, ls, place, "PR1", "AB1 2CD", rec)


def test_x1_episodes_make_one_period_with_legal_status_runs_and_placements() -> None:
    episodes = [
        ep(date(2024, 1, 10), date(2024, 3, 1), ls="C1", rec="X1"),
        ep(date(2024, 3, 1), date(2024, 9, 1), rne="L", ls="C2", rec="X1"),
        ep(date(2024, 9, 1), None, rne="P", ls="C2", place="K2"),
    ]
    result = derive(ChildReturnFacts(BORN, lac_episodes=episodes, has_903_records=True))
    lac = [s for s in result.statuses if s.kind == "lac"]
    assert [(s.starts, s.ends, s.lac_legal_status) for s in lac] == [
        (date(2024, 1, 10), date(2024, 2, 29), "C1"),
        (date(2024, 3, 1), None, "C2"),
    ]
    assert [(p.starts, p.ends, p.placement_type) for p in result.placements] == [
        (date(2024, 1, 10), date(2024, 8, 31), "U4"),
        (date(2024, 9, 1), None, "K2"),
    ]


def test_days_looked_after_are_not_child_in_need_days() -> None:
    facts = ChildReturnFacts(
        BORN,
        cin_episodes=[CinEpisodeFacts(date(2023, 5, 1), None, False)],
        lac_episodes=[ep(date(2024, 1, 10), None)],
        has_cin_records=True,
        has_903_records=True,
    )
    cin = [s for s in derive(facts).statuses if s.kind == "cin"]
    assert [(s.starts, s.ends, s.end_reason) for s in cin] == [
        (date(2023, 5, 1), date(2024, 1, 9), BECAME_LOOKED_AFTER)
    ]


def test_nfa_referral_is_not_a_period_of_need_and_cp_plan_keeps_its_category() -> None:
    facts = ChildReturnFacts(
        BORN,
        cin_episodes=[
            CinEpisodeFacts(date(2022, 1, 5), date(2022, 1, 5), True, "RC8"),
            CinEpisodeFacts(date(2023, 2, 1), date(2024, 2, 1), False, "RC7"),
        ],
        cp_plans=[CpPlanFacts(date(2023, 3, 1), date(2023, 11, 30), "NEG", "EMO")],
        has_cin_records=True,
    )
    result = derive(facts)
    assert [(s.kind, s.starts, s.ends, s.cp_category) for s in result.statuses] == [
        ("cin", date(2023, 2, 1), date(2024, 2, 1), ""),
        ("cp", date(2023, 3, 1), date(2023, 11, 30), "EMO"),
    ]
    assert result.kinds == {"cin", "cp"}  # a child with no SSDA903 records keeps its looked-after record


def test_care_leaver_from_the_day_after_care_ended_at_16_or_over() -> None:
    episodes = [ep(date(2022, 1, 1), BORN.replace(year=2026) - timedelta(days=1), rec="E17")]
    statuses = derive(ChildReturnFacts(BORN, lac_episodes=episodes, has_903_records=True)).statuses
    assert ("care_leaver", BORN.replace(year=2026)) in [(s.kind, s.starts) for s in statuses]


def test_short_care_is_not_enough_to_be_a_care_leaver() -> None:
    episodes = [ep(date(2025, 5, 1), date(2025, 6, 1), rec="E4A")]  # under 13 weeks
    statuses = derive(ChildReturnFacts(BORN, lac_episodes=episodes, has_903_records=True)).statuses
    assert "care_leaver" not in {s.kind for s in statuses}


def test_adoption_starts_the_day_after_care_ended() -> None:
    episodes = [ep(date(2021, 1, 1), date(2022, 5, 31), place="A6", ls="E1", rec="E11")]
    statuses = derive(
        ChildReturnFacts(date(2019, 1, 1), lac_episodes=episodes, has_903_records=True)
    ).statuses
    assert ("adopted", date(2022, 6, 1), None) in [(s.kind, s.starts, s.ends) for s in statuses]


# --- Whatever the records, the register's rules hold: periods of one kind never overlap ----------------

days = st.integers(min_value=0, max_value=2000).map(lambda n: date(2019, 1, 1) + timedelta(days=n))


@st.composite
def lac_episode(draw: st.DrawFn) -> LacEpisodeFacts:
    decom = draw(days)
    dec = draw(st.one_of(st.none(), st.integers(0, 400).map(lambda n: decom + timedelta(days=n))))
    return LacEpisodeFacts(
        decom,
        dec,
        draw(st.sampled_from(["S", "L", "P", "T", "B", "U", "X"])),
        draw(st.sampled_from(["C1", "C2", "V2", "E1", "ZZ"])),
        draw(st.sampled_from(["U4", "K2", "P1"])),
        "PR1",
        "",
        draw(st.sampled_from(["X1", "E11", "E4A", "E17", ""])),
    )


@st.composite
def cin_episode(draw: st.DrawFn) -> CinEpisodeFacts:
    referral = draw(days)
    closure = draw(st.one_of(st.none(), st.integers(-5, 400).map(lambda n: referral + timedelta(days=n))))
    return CinEpisodeFacts(referral, closure, draw(st.sampled_from([True, False, None])))


@st.composite
def cp_plan(draw: st.DrawFn) -> CpPlanFacts:
    starts = draw(st.one_of(st.none(), days))
    ends = (
        None
        if starts is None
        else draw(st.one_of(st.none(), st.integers(-3, 400).map(lambda n: starts + timedelta(days=n))))
    )
    return CpPlanFacts(
        starts, ends, draw(st.sampled_from(["NEG", "XX", ""])), draw(st.sampled_from(["EMO", ""]))
    )


@settings(max_examples=300)
@given(
    st.lists(lac_episode(), max_size=6, unique_by=lambda e: e.decom),
    st.lists(cin_episode(), max_size=4, unique_by=lambda e: e.referral),
    st.lists(cp_plan(), max_size=3),
    st.booleans(),
)
def test_derived_periods_never_overlap(
    lac: list[LacEpisodeFacts], cin: list[CinEpisodeFacts], cp: list[CpPlanFacts], uasc: bool
) -> None:
    facts = ChildReturnFacts(
        date(2005, 2, 28),
        cin_episodes=cin,
        cp_plans=cp,
        lac_episodes=lac,
        uasc=uasc,
        has_cin_records=bool(cin or cp),
        has_903_records=bool(lac),
    )
    result = derive(facts)
    for kind in {s.kind for s in result.statuses}:
        periods = sorted((s.starts, s.ends) for s in result.statuses if s.kind == kind)
        for (_, first_end), (second_start, _) in pairwise(periods):
            assert first_end is not None, (kind, periods)
            assert first_end < second_start, (kind, periods)
        for starts, ends in periods:
            assert ends is None or ends >= starts
    placements = sorted((p.starts, p.ends) for p in result.placements)
    for (_, first_end), (second_start, _) in pairwise(placements):
        assert first_end is not None
        assert first_end < second_start
    for cin_status in (s for s in result.statuses if s.kind == "cin"):
        for lac_status in (s for s in result.statuses if s.kind == "lac"):
            assert (cin_status.ends is not None and cin_status.ends < lac_status.starts) or (
                lac_status.ends is not None and lac_status.ends < cin_status.starts
            )


def test_periods_of_care_split_where_care_ended() -> None:
    first = ep(date(2020, 1, 1), date(2020, 6, 1), rec="E4A")
    second = ep(date(2021, 1, 1), None)
    assert periods_of_care([second, first]) == [[first], [second]]
