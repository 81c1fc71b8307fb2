"""CIN census import: create/update/unchanged, idempotence, one transaction, bad input, samples, fuzzing."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pghistory.models
import pytest
from django.apps import apps
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.cin_fixture import write_cin_census
from casework.audit.models import AuditEvent
from casework.children.models import Child, LegalStatus
from casework.core.models import LocalAuthority
from casework.returns.cin_import import import_cin
from casework.returns.models import CinAssessment, CinEpisode, CpPlan, ImportRun, Section47
from tests.casework.returns.cin_helpers import (
    SAMPLES,
    assessment,
    census,
    child,
    cpp,
    episode,
    header,
    row_counts,
    write,
)
from tests.conftest import World

ALL = ImportRun.Mode.ALL_OR_NOTHING
STORABLE = ImportRun.Mode.STORABLE


def event_count() -> int:
    return sum(
        model.objects.count()
        for model in apps.get_models()
        if issubclass(model, pghistory.models.Event) and not model._meta.proxy
    )


def run_import(world: World, path: Path, today: date, **kwargs: Any) -> ImportRun:
    return import_cin(la=world.la, path=path, today=today, actor=world.users["analyst"], **kwargs)


def rich_child(cid: str = "A1") -> str:
    extra = (
        assessment()
        + "<Section47><S47ActualStartDate>2025-06-04</S47ActualStartDate><InitialCPCtarget>2025-06-19"
        "</InitialCPCtarget><DateOfInitialCPC>2025-06-18</DateOfInitialCPC><ICPCnotRequired>0</ICPCnotRequired>"
        "</Section47>"
    )
    return child(
        cid, episode("2025-06-02", extra=extra).replace("</CINdetails>", cpp("2025-06-18") + "</CINdetails>")
    )


# --- create / update / unchanged / idempotent ---------------------------------------------------------


def test_import_creates_children_episodes_and_parts(world: World, today: date, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        census(
            rich_child("A1"), child("A2", episode("2025-05-01", closure="2025-05-01", reason="RC7", nfa="1"))
        ),
    )
    run = run_import(world, path, today)
    assert run.status == ImportRun.Status.DONE, run.message
    assert run.collection_year == 2026
    assert run.counts["children"] == {"created": 2}
    a1 = Child.objects.get(la=world.la, la_child_id="A1")
    assert a1.gender == "1"
    assert a1.disabilities == []
    assert a1.date_of_birth == date(2015, 5, 5)
    ep = CinEpisode.objects.get(child=a1)
    assert ep.referral_nfa is False
    assert ep.primary_need == "N4"
    assert CinAssessment.objects.get(episode=ep).factors == ["3A"]
    s47 = Section47.objects.get(episode=ep)
    assert s47.icpc_date == date(2025, 6, 18)
    assert s47.icpc_not_required is False
    plan = CpPlan.objects.get(episode=ep)
    assert plan.review_dates == [date(2025, 9, 18)]
    assert plan.previous_plans == 0
    # The register is derived: an open CP plan gives the child an open CP legal status.
    assert LegalStatus.objects.filter(child=a1, kind="cp", ends_on__isnull=True).exists()
    assert run.outcomes.get(la_child_id="A1").outcome == "created"


def test_reimport_changes_nothing(world: World, today: date, tmp_path: Path) -> None:
    path = write(tmp_path, census(rich_child("A1"), child("A2")))
    assert run_import(world, path, today).status == ImportRun.Status.DONE
    before, events = row_counts(), event_count()
    run = run_import(world, path, today)
    assert run.status == ImportRun.Status.DONE
    assert run.counts["children"] == {"unchanged": 2}
    assert row_counts() == before
    assert event_count() == events


def test_update_reports_what_changed(world: World, today: date, tmp_path: Path) -> None:
    run_import(world, write(tmp_path, census(rich_child("A1"))), today)
    changed = (
        rich_child("A1").replace("<Ethnicity>WBRI", "<Ethnicity>WIRI").replace("NEG</Latest", "EMO</Latest")
    )
    run = run_import(world, write(tmp_path, census(changed), "v2.xml"), today)
    assert run.status == ImportRun.Status.DONE
    outcome = run.outcomes.get(la_child_id="A1")
    assert outcome.outcome == "updated"
    assert "ethnicity" in outcome.detail
    assert "child protection plans" in outcome.detail
    assert CpPlan.objects.get(episode__child__la_child_id="A1").latest_category == "EMO"
    assert CinAssessment.objects.filter(episode__child__la_child_id="A1").count() == 1


def test_episode_missing_from_file_in_period_is_removed_earlier_kept(
    world: World, today: date, tmp_path: Path
) -> None:
    first = census(
        child(
            "A1",
            episode("2023-05-01", closure="2023-06-01", reason="RC7"),
            episode("2025-06-02", closure="2025-07-01", reason="RC7"),
            episode("2025-09-01"),
        )
    )
    run_import(world, write(tmp_path, first), today)
    second = census(child("A1", episode("2025-09-01")))
    run = run_import(world, write(tmp_path, second, "2.xml"), today)
    referrals = set(
        CinEpisode.objects.filter(child__la_child_id="A1").values_list("referral_date", flat=True)
    )
    assert referrals == {date(2023, 5, 1), date(2025, 9, 1)}
    assert run.issues.filter(severity="note", message__contains="2025-06-02").exists()


def test_one_child_across_returns_and_la_isolation(
    world: World, other_world: World, today: date, tmp_path: Path
) -> None:
    jon = world.children["jon"]
    other = other_world.children["jon"]
    other.la_child_id = jon.la_child_id
    other.save()
    run = run_import(world, write(tmp_path, census(child(jon.la_child_id, birth="2014-03-03"))), today)
    assert run.status == ImportRun.Status.DONE
    assert run.outcomes.get().outcome == "updated"  # the existing child, not a new one
    assert Child.objects.filter(la=world.la, la_child_id=jon.la_child_id).count() == 1
    assert CinEpisode.objects.filter(child=jon).count() == 1
    assert CinEpisode.objects.filter(child=other).count() == 0
    other.refresh_from_db()
    assert other.disabilities == []
    assert other.la_id == other_world.la.pk


# --- all or nothing vs storable -----------------------------------------------------------------------


def test_all_or_nothing_holds_and_storable_imports_the_rest(
    world: World, today: date, tmp_path: Path
) -> None:
    text = census(child("A1"), child("A2", birth="2015-02-30"), child("A3"))
    path = write(tmp_path, text)
    before = row_counts()
    held = run_import(world, path, today, mode=ALL)
    assert held.status == ImportRun.Status.HELD
    assert row_counts() == before
    issue = held.issues.get(severity="rejected")
    assert issue.la_child_id == "A2"
    assert "PersonBirthDate" in issue.location
    assert "line 1" in issue.location
    assert "not a real date" in issue.message
    done = run_import(world, path, today, mode=STORABLE)
    assert done.status == ImportRun.Status.DONE
    assert set(
        Child.objects.filter(la=world.la, la_child_id__startswith="A").values_list("la_child_id", flat=True)
    ) == {
        "A1",
        "A3",
    }
    assert done.outcomes.get(la_child_id="A2").outcome == "rejected"


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        (child("A1").replace("<LAchildID>A1</LAchildID>", ""), "no LAchildID"),
        (child("A1", episode("2025-06-02"), episode("2025-06-02")), "same CINreferralDate"),
        (child("A1", episode(nfa="maybe")), "not a yes/no"),
        (child("A1", sex="X"), "not a known code"),
        (child("A1", birth=None), "no date of birth"),
        (child("A1", episode(source="TOOLONG")), "longer than 3"),
        (child("A1", episode("2025-13-01")), "not a real date"),
        (child("A1", episode("01/06/2025")), "YYYY-MM-DD"),
        (child("A1", episode(extra=cpp().replace(">0</Number", ">two</Number"))), "whole number"),
    ],
)
def test_rejections(world: World, today: date, tmp_path: Path, snippet: str, expected: str) -> None:
    run = run_import(world, write(tmp_path, census(child("OK1"), snippet)), today, mode=STORABLE)
    assert run.status == ImportRun.Status.DONE
    assert run.rejected_count >= 1
    assert any(expected in issue.message for issue in run.issues.filter(severity="rejected")), list(
        run.issues.values_list("message", flat=True)
    )
    assert Child.objects.filter(la=world.la, la_child_id="OK1").exists()


def test_duplicate_child_id_rejects_the_second(world: World, today: date, tmp_path: Path) -> None:
    run = run_import(world, write(tmp_path, census(child("A1"), child("A1", sex="F"))), today, mode=STORABLE)
    rejected = run.issues.get(severity="rejected")
    assert "more than once" in rejected.message
    assert Child.objects.get(la=world.la, la_child_id="A1").gender == "1"


def test_unknown_codes_are_stored_and_listed_as_breaches(world: World, today: date, tmp_path: Path) -> None:
    text = census(
        child("A1", episode(source="ZZ", need="N99"), ethnicity="XXXX", disabilities=("NONE", "LD"))
    )
    run = run_import(world, write(tmp_path, text), today)
    assert run.status == ImportRun.Status.DONE
    assert CinEpisode.objects.get(child__la_child_id="A1").referral_source == "ZZ"
    rules = run.counts["rules"]
    assert {"8866", "8650", "4220", "8790"} <= set(rules)
    breach = run.issues.filter(severity="breach", field="ReferralSource").get()
    assert "DfE rule 8866" in breach.message
    assert breach.fix
    assert breach.location.startswith("line 1")


def test_old_format_gender_current_and_namespace(world: World, today: date, tmp_path: Path) -> None:
    text = census(child("A1", sex="2", sex_tag="GenderCurrent"), year=2021).replace(
        "<Message>", '<Message xmlns="http://www.dfe.gov.uk/CIN">'
    )
    run = run_import(world, write(tmp_path, text.replace("2025-06-02", "2020-06-02")), today)
    assert run.status == ImportRun.Status.DONE, run.message
    assert Child.objects.get(la=world.la, la_child_id="A1").gender == "2"
    assert "4180" not in run.counts["rules"]


# --- files that are refused ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "empty"),
        ("<Message><Header>", "not well-formed"),
        ("not xml at all", "not well-formed"),
        ("<Foo/>", "not <Message>"),
        (census(child("A1"), year=2026, lea="902"), "LA number '902'"),
        (census(child("A1"), head=header(collection="SSDA903")), "not 'CIN'"),
        (census(child("A1"), head=header(year=1999)), "not a year"),
        (census(), "no children"),
        ("<Message><Children>" + child("A1") + "</Children></Message>", "no <Header>"),
        ('<!DOCTYPE m [<!ENTITY x "y">]><Message/>', "not allowed"),
    ],
)
def test_refused_files(world: World, today: date, tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text, "bad.xml")
    before = row_counts()
    run = run_import(world, path, today)
    assert run.status == ImportRun.Status.FAILED
    assert expected in run.message
    assert "bad.xml" in run.message
    assert row_counts() == before


def test_wrong_collection_year_is_refused(world: World, today: date, tmp_path: Path) -> None:
    run = run_import(world, write(tmp_path, census(child("A1"), year=2025)), today, expected_year=2026)
    assert run.status == ImportRun.Status.FAILED
    assert "2024-25" in run.message
    assert "<Year>" in run.message


def test_truncated_file_refused_with_line(world: World, today: date, tmp_path: Path) -> None:
    text = census(*(child(f"A{i}") for i in range(5))).replace("><", ">\n<")
    path = write(tmp_path, text[: len(text) * 2 // 3])
    run = run_import(world, path, today)
    assert run.status == ImportRun.Status.FAILED
    assert "line" in run.message
    assert "cut short" in run.message
    assert not Child.objects.filter(la_child_id__startswith="A").exists()


def test_two_gigabyte_file_refused_without_reading(world: World, today: date, tmp_path: Path) -> None:
    path = tmp_path / "huge.xml"
    with path.open("wb") as handle:
        handle.truncate(2 * 1024**3)  # sparse: nothing is written
    run = run_import(world, path, today)
    assert run.status == ImportRun.Status.FAILED
    assert "2.0 GB" in run.message
    assert "huge.xml" in run.message


def test_parse_error_deep_in_file_rolls_back_earlier_batches(
    world: World, today: date, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("casework.returns.cin_import.BATCH", 2)
    text = census(*(child(f"A{i}") for i in range(6))).replace(
        "<Child><ChildIdentifiers><LAchildID>A5", "<Child><Oops>"
    )
    run = run_import(world, write(tmp_path, text), today)
    assert run.status == ImportRun.Status.FAILED
    assert not Child.objects.filter(la_child_id__startswith="A").exists()


# --- upstream samples ---------------------------------------------------------------------------------


def la_with(code: str) -> LocalAuthority:
    return LocalAuthority.objects.create(name=f"LA {code}", ons_code=f"E0800{code}", lea_code=code)


@pytest.mark.django_db
def test_upstream_fake_data_imports_with_breaches(today: date) -> None:
    la = la_with("975")
    run = import_cin(la=la, path=SAMPLES / "fake_CIN_data.xml", today=today, mode=STORABLE)
    assert run.status == ImportRun.Status.DONE, run.message
    assert run.collection_year == 2022
    assert run.counts["children"].get("created", 0) > 300
    assert run.breach_count > 0
    assert "100" in run.counts["rules"]
    assert Child.objects.filter(la=la).count() == run.counts["children"]["created"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "rules"),
    [
        ("CIN2rows.xml", {"100", "1105", "2889", "1510"}),
        ("CIN_Census_2021.xml", {"8696", "8875", "8620", "1103"}),
        ("CIN_Census_2024.xml", {"4180", "schema", "8608", "1570", "1580"}),
        ("CIN_Census_2026.xml", {"100", "4180", "8696", "8520"}),
    ],
)
def test_upstream_samples_import_with_breaches(today: date, name: str, rules: set[str]) -> None:
    la = la_with("201")
    run = import_cin(la=la, path=SAMPLES / name, today=today, mode=ALL)
    assert run.status == ImportRun.Status.DONE, run.message
    assert run.rejected_count == 0
    assert rules <= set(run.counts["rules"])
    if name == "CIN_Census_2026.xml":  # Year 2023 with ReferenceDate 2024-03-31; Sex "1" (an old code)
        assert run.collection_year == 2023
        assert Child.objects.get(la=la, la_child_id="DfEX0000001").gender == "1"
        assert Child.objects.get(la=la, la_child_id="child_fails_assessments").disabilities == []


# --- command ------------------------------------------------------------------------------------------


def test_command_prints_counts_and_writes_report(world: World, tmp_path: Path, capsys: Any) -> None:
    path = write(tmp_path, census(child("A1", episode(source="ZZ"))))
    report = tmp_path / "report.csv"
    call_command("import_cin", str(path), "--la", world.la.ons_code, "--report", str(report))
    out = capsys.readouterr().out
    assert "Imported" in out
    assert "8866" in out
    assert "8866" in report.read_text()
    audit = AuditEvent.objects.filter(la=world.la, action="return_imported").latest("pk")
    assert "command line, system account" in audit.summary
    assert audit.target_type == "returns.ImportRun"
    bad = write(tmp_path, census(child("A1", birth="2015-02-31")), "bad.xml")
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_cin", str(bad), "--la", "901")
    assert exit_info.value.code == 1


# --- fuzzing: never an unhandled exception, never a partial import -----------------------------------


@pytest.fixture(scope="module")
def valid_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("cin") / "valid.xml"
    write_cin_census(path, 8)
    return path.read_bytes()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzzed_and_truncated_files(
    world: World, today: date, tmp_path: Path, valid_bytes: bytes, data: Any
) -> None:
    raw = bytearray(valid_bytes)
    kind = data.draw(st.sampled_from(["truncate", "flip", "insert", "delete"]))
    position = data.draw(st.integers(min_value=0, max_value=len(raw) - 1))
    if kind == "truncate":
        raw = raw[:position]
    elif kind == "flip":
        raw[position] = data.draw(st.integers(min_value=0, max_value=255))
    elif kind == "insert":
        raw[position:position] = data.draw(st.binary(min_size=1, max_size=20))
    else:
        raw[position : position + data.draw(st.integers(1, 40))] = b""
    path = write(tmp_path, bytes(raw), "fuzz.xml")
    before = row_counts()
    mode = data.draw(st.sampled_from([ALL, STORABLE]))
    run = run_import(world, path, today, mode=mode)
    assert run.status in {ImportRun.Status.DONE, ImportRun.Status.HELD, ImportRun.Status.FAILED}
    if run.status != ImportRun.Status.DONE:
        assert row_counts() == before
        assert run.message
    Child.objects.filter(la=world.la).exclude(pk__in=[c.pk for c in world.children.values()]).delete()


def test_messy_but_storable_records_import_and_register_copes(
    world: World, today: date, tmp_path: Path
) -> None:
    messy_cpp = cpp("2025-08-01", end="2025-07-01").replace("NEG</Initial", "ZZZ</Initial")
    overlapping = child(
        "M1",
        episode("2025-04-10", closure="2025-04-01", reason="RC7", extra=messy_cpp),
        episode("2025-05-01", extra=cpp("2025-05-02") + cpp("2025-05-03")),
        episode("2025-06-01", nfa="1", extra=assessment()),
    )
    no_start = child(
        "M2",
        episode(extra="<ChildProtectionPlans><CPPendDate>2025-09-01</CPPendDate></ChildProtectionPlans>"),
    )
    run = run_import(world, write(tmp_path, census(overlapping, no_start)), today)
    assert run.status == ImportRun.Status.DONE, run.message
    assert {"8630", "8840", "8905", "8820", "8831", "8730"} <= set(run.counts["rules"])
    assert CpPlan.objects.filter(episode__child__la_child_id="M1").count() == 3
    again = run_import(world, write(tmp_path, census(overlapping, no_start), "again.xml"), today)
    assert again.counts["children"] == {"unchanged": 2}


def test_a_record_a_reimport_removes_leaves_a_delete_event_naming_the_import(
    world: World, today: date, tmp_path: Path, client: Any
) -> None:
    first = census(
        child("A1", episode("2025-06-02", closure="2025-07-01", reason="RC7"), episode("2025-09-01"))
    )
    run_import(world, write(tmp_path, first), today)
    gone = CinEpisode.objects.get(child__la_child_id="A1", referral_date=date(2025, 6, 2))
    status = LegalStatus.objects.get(child__la_child_id="A1", starts_on=date(2025, 6, 2))
    run = run_import(world, write(tmp_path, census(child("A1", episode("2025-09-01"))), "second.xml"), today)
    assert not CinEpisode.objects.filter(pk=gone.pk).exists()

    episode_event = apps.get_model("returns", "CinEpisodeEvent").objects.get(
        pgh_obj_id=gone.pk, pgh_label="delete"
    )
    assert episode_event.referral_date == date(2025, 6, 2)
    assert episode_event.pgh_context.metadata["import_run"] == run.pk
    assert episode_event.pgh_context.metadata["reason"].endswith(f"import {run.pk}: second.xml")
    # The register's status derived from the episode went with it, and says why.
    status_event = apps.get_model("children", "LegalStatusEvent").objects.get(
        pgh_obj_id=status.pk, pgh_label="delete"
    )
    assert status_event.pgh_context.metadata["import_run"] == run.pk

    client.force_login(world.users["hos"])
    # The child's history page (the record page shows only the latest few changes, and which of one
    # transaction's events come first there is not fixed).
    page = client.get(f"/children/{status.child_id}/history").content.decode()
    history = page[page.index('data-testid="history"') :]
    assert "Legal status deleted" in history
    assert "2 June 2025 (deleted)" in history
    assert f"import {run.pk}: second.xml" in history


@pytest.mark.django_db
def test_statistics_refreshed_before_the_register_change_nothing_imported(
    world, today, tmp_path, monkeypatch
):
    """An import large enough to ANALYZE the stored tables before deriving the register (in its own
    transaction) writes exactly what the same import below that size writes."""
    from casework.returns import importing

    path = tmp_path / "census.xml"
    write_cin_census(path, 30, year=2026, lea=world.la.lea_code)

    def imported(threshold: int) -> tuple[Any, ...]:
        monkeypatch.setattr(importing, "ANALYZE_AFTER", threshold)
        run = run_import(world, path, today)
        statuses = sorted(
            LegalStatus.objects.filter(
                child__la=world.la, child__la_child_id__in=run.outcomes.values("la_child_id")
            ).values_list("child__la_child_id", "kind", "starts_on", "ends_on", "cp_category")
        )
        result = (run.status, run.message, run.counts, row_counts(), statuses)
        CinEpisode.objects.filter(la=world.la).delete()
        Child.objects.filter(la=world.la, la_child_id__in=run.outcomes.values("la_child_id")).delete()
        return result

    small = imported(10**9)
    analysed = imported(1)
    assert small == analysed
    assert small[0] == ImportRun.Status.DONE
    assert small[4]  # the register was derived
