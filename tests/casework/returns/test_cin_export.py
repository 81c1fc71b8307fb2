"""CIN census export: layout, period filter, round trip, the DfE validator."""

from __future__ import annotations

import io
import os
import xml.etree.ElementTree as ET  # noqa: S405 - parsing our own output
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.cin_fixture import write_cin_census
from casework.children.models import Child
from casework.returns.cin_export import export_cin, header_free
from casework.returns.cin_import import import_cin
from casework.returns.models import CinAssessment, CinEpisode, CinPlan, CpPlan, ImportRun, Section47
from continuity import validators
from tests.casework.returns.cin_helpers import census, child, episode, write
from tests.conftest import World


def export_text(world: World, year: int = 2026) -> str:
    buffer = io.StringIO()
    export_cin(la=world.la, year=year, out=buffer)
    return buffer.getvalue()


def imported(world: World, today: date, path: Path) -> ImportRun:
    run = import_cin(la=world.la, path=path, today=today)
    assert run.status == ImportRun.Status.DONE, run.message
    return run


def test_layout_and_values(world: World, today: date, tmp_path: Path) -> None:
    imported(world, today, write(tmp_path, census(child("B2", sex="F"), child("A1", disabilities=()))))
    text = export_text(world)
    root = ET.fromstring(text)  # noqa: S314 - our own output
    assert root.tag == "Message"
    assert root.find("Header/CollectionDetails/Year").text == "2026"
    assert root.find("Header/Source/LEA").text == "901"  # type: ignore[union-attr]
    ids = [c.find("ChildIdentifiers/LAchildID").text for c in root.iter("Child")]  # type: ignore[union-attr]
    assert ids == ["A1", "B2"]  # ordered by LA child ID; the world's own children have no CIN episodes
    first = root.find("Children/Child")
    assert first is not None
    assert [e.tag for e in first.find("ChildIdentifiers")] == ["LAchildID", "PersonBirthDate", "Sex"]  # type: ignore[union-attr]
    assert first.find("ChildCharacteristics/Disabilities/Disability").text == "NONE"  # type: ignore[union-attr]
    details = first.find("CINdetails")
    assert details is not None
    assert details.find("ReferralNFA").text == "0"
    assert [e.tag for e in details] == ["CINreferralDate", "ReferralSource", "PrimaryNeedCode", "ReferralNFA"]
    assert root.find("Children/Child[2]/ChildIdentifiers/Sex").text == "F"  # type: ignore[union-attr]


def make_filter_child(world: World) -> None:
    """A child whose 2024-25 episode runs into 2026-27, with parts before, in and after the 2026 census."""
    kid = Child.objects.create(la=world.la, la_child_id="P1", date_of_birth=date(2012, 1, 1), gender="2")
    ep = CinEpisode.objects.create(
        la=world.la,
        child=kid,
        referral_date=date(2024, 6, 1),
        referral_source="1A",
        primary_need="N1",
        closure_date=date(2026, 6, 1),
        closure_reason="RC7",
        referral_nfa=False,
    )
    CinAssessment.objects.create(
        la=world.la,
        episode=ep,
        start_date=date(2024, 6, 2),
        authorisation_date=date(2024, 7, 1),
        factors=["3A"],
    )
    CinAssessment.objects.create(
        la=world.la,
        episode=ep,
        position=1,
        start_date=date(2026, 3, 1),
        authorisation_date=date(2026, 4, 10),
        factors=["4A"],
    )
    CinAssessment.objects.create(la=world.la, episode=ep, position=2, start_date=date(2026, 4, 2))
    CinPlan.objects.create(la=world.la, episode=ep, start_date=date(2024, 7, 2), end_date=date(2025, 2, 1))
    Section47.objects.create(
        la=world.la, episode=ep, start_date=date(2025, 1, 6), icpc_date=date(2025, 1, 20)
    )
    CpPlan.objects.create(
        la=world.la,
        episode=ep,
        start_date=date(2025, 1, 20),
        initial_category="NEG",
        latest_category="NEG",
        previous_plans=0,
        review_dates=[date(2025, 4, 14), date(2026, 5, 1)],
    )
    CinEpisode.objects.create(
        la=world.la,
        child=kid,
        referral_date=date(2023, 5, 1),
        closure_date=date(2024, 1, 1),
        closure_reason="RC7",
    )


def test_period_filter(world: World, today: date) -> None:
    make_filter_child(world)
    root = ET.fromstring(export_text(world))  # noqa: S314
    episodes = root.findall("Children/Child/CINdetails")
    assert [e.find("CINreferralDate").text for e in episodes] == ["2024-06-01"]  # type: ignore[union-attr]
    details = episodes[0]
    assert details.find("CINclosureDate") is None
    assert details.find("ReasonForClosure") is None
    assessments = details.findall("Assessments")
    assert len(assessments) == 1  # authorised before the period (8696) and started after it: left out
    assert assessments[0].find("AssessmentAuthorisationDate") is None  # authorised after 31 March: open
    assert assessments[0].find("FactorsIdentifiedAtAssessment") is None
    assert details.find("CINPlanDates") is None
    assert details.find("Section47") is None
    reviews = [r.text for r in details.findall("ChildProtectionPlans/Reviews/CPPreviewDate")]
    assert reviews == ["2025-04-14"]  # the 2023 episode is not in the 2026 census either


def round_trip(world: World, today: date, tmp_path: Path, children: int) -> tuple[str, str]:
    write_cin_census(tmp_path / "in.xml", children)
    imported(world, today, tmp_path / "in.xml")
    first = tmp_path / "first.xml"
    export_cin(la=world.la, year=2026, out=first)
    Child.objects.filter(la=world.la, cin_episodes__isnull=False).delete()
    imported(world, today, first)
    second = tmp_path / "second.xml"
    export_cin(la=world.la, year=2026, out=second)
    return first.read_text(), second.read_text()


def test_round_trip_is_stable(world: World, today: date, tmp_path: Path) -> None:
    first, second = round_trip(world, today, tmp_path, 30)
    assert "<DateTime>" in first
    assert header_free(first) == header_free(second)
    assert first.count("<Child>") == 30


def test_round_trip_into_another_empty_la(
    world: World, other_world: World, today: date, tmp_path: Path
) -> None:
    write_cin_census(tmp_path / "in.xml", 12)
    imported(world, today, tmp_path / "in.xml")
    first = export_text(world)
    path = write(tmp_path, first.replace("<LEA>901</LEA>", "<LEA>902</LEA>"), "moved.xml")
    imported(other_world, today, path)
    second = export_text(other_world)
    assert header_free(first).replace("<LEA>901", "<LEA>902") == header_free(second)


def test_round_trip_with_filtered_parts(world: World, today: date, tmp_path: Path) -> None:
    make_filter_child(world)
    first = export_text(world)
    Child.objects.filter(la=world.la, cin_episodes__isnull=False).delete()
    imported(world, today, write(tmp_path, first))
    assert header_free(export_text(world)) == header_free(first)


def test_queries_per_chunk_are_constant(
    world: World, today: date, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_cin_census(tmp_path / "in.xml", 24)
    imported(world, today, tmp_path / "in.xml")
    monkeypatch.setattr("casework.returns.cin_export.CHUNK", 10)
    with CaptureQueriesContext(connection) as queries:
        export_text(world)
    # 1 (ids) + 3 chunks x 7 + 1 (ExportRun insert), whatever the number of episodes and parts.
    assert len(queries) == 1 + 3 * 7 + 1


def test_export_command(world: World, today: date, tmp_path: Path) -> None:
    imported(world, today, write(tmp_path, census(child("A1"))))
    out = tmp_path / "out.xml"
    call_command("export_cin", str(out), "--year", "2026", "--la", "901")
    assert "<LAchildID>A1</LAchildID>" in out.read_text()
    call_command("export_cin", str(out), "--year", "2025", "--la", "901")
    assert "<Child>" not in out.read_text()  # a referral of June 2025 is not in the 2024-25 census


def test_old_year_children_not_exported(world: World, today: date, tmp_path: Path) -> None:
    text = census(child("A1", episode("2020-06-01", closure="2020-08-01", reason="RC7")), year=2021)
    imported(world, today, write(tmp_path, text))
    assert "<Child>" not in export_text(world)


# --- the DfE validator --------------------------------------------------------------------------------


@pytest.fixture
def need_validators() -> None:
    if validators.validators_python() is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("The DfE validators are not built (make validators)")
        pytest.skip("The DfE validators are not built (make validators)")


@pytest.mark.usefixtures("need_validators")
def test_export_passes_the_dfe_validator(world: World, today: date, tmp_path: Path) -> None:
    write_cin_census(tmp_path / "in.xml", 40)
    imported(world, today, tmp_path / "in.xml")
    out = tmp_path / "export.xml"
    export_cin(la=world.la, year=2026, out=out)
    result = validators.run_cin(out, 2026)
    assert result.ok, (result.error_codes(), result.errors[:5], result.crashed_rules)
    assert not result.queries, result.query_codes()


@pytest.mark.usefixtures("need_validators")
def test_period_filtered_export_passes_the_dfe_validator(world: World, today: date, tmp_path: Path) -> None:
    write_cin_census(tmp_path / "in.xml", 12)
    imported(world, today, tmp_path / "in.xml")
    make_filter_child(world)
    out = tmp_path / "export.xml"
    export_cin(la=world.la, year=2026, out=out)
    result = validators.run_cin(out, 2026)
    assert result.ok, (result.error_codes(), result.errors[:5], result.crashed_rules)


def test_reimporting_an_older_census_keeps_what_happened_before_and_after_it(
    world: World, today: date, tmp_path: Path
) -> None:
    """A census is as at its 31 March: importing it must not lose parts outside its year, nor closures
    and end dates after it (an LA re-importing last year's file keeps this year's facts)."""
    make_filter_child(world)
    tables = (CinEpisode, CinAssessment, CinPlan, Section47, CpPlan)
    before = {
        model.__name__: sorted(
            tuple(str(v) for v in row)
            for row in model.objects.values_list(
                *[
                    f.attname
                    for f in model._meta.concrete_fields
                    if f.attname
                    not in {"id", "created_at", "updated_at", "updated_by_id", "created_by_id", "position"}
                ]
            )
        )
        for model in tables
    }
    run = imported(world, today, write(tmp_path, export_text(world)))
    after = {
        model.__name__: sorted(
            tuple(str(v) for v in row)
            for row in model.objects.values_list(
                *[
                    f.attname
                    for f in model._meta.concrete_fields
                    if f.attname
                    not in {"id", "created_at", "updated_at", "updated_by_id", "created_by_id", "position"}
                ]
            )
        )
        for model in tables
    }
    assert after == before, run.message
    episode_row = CinEpisode.objects.get(referral_date=date(2024, 6, 1))
    assert episode_row.closure_date == date(2026, 6, 1)
    assert CpPlan.objects.get().review_dates == [date(2025, 4, 14), date(2026, 5, 1)]
    assert CinAssessment.objects.count() == 3
