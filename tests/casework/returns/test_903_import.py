"""SSDA903 import: create, update, idempotence, all-or-nothing, bad input, the upstream fake data, fuzzing."""

from __future__ import annotations

import shutil
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pghistory.models
import pytest
from django.apps import apps
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casework.children.models import Child, LegalStatus, Placement
from casework.returns.lac_import import import_903
from casework.returns.models import (
    ChildReturnDetails,
    ImportRun,
    LacAdoption,
    LacCareLeaver,
    LacEpisode,
    LacMissing,
    LacOutcomes,
    LacPlacedForAdoption,
    LacPreviousPermanence,
    LacReview,
    LacSocialWorkerEpisode,
)

pytestmark = pytest.mark.django_db

VALID = Path(__file__).parent / "data" / "903_valid_2026"
SAMPLES = Path(__file__).resolve().parents[2] / "data" / "dfe_samples" / "repo_903"
RECORD_MODELS = (
    Child,
    ChildReturnDetails,
    LacEpisode,
    LacReview,
    LacMissing,
    LacSocialWorkerEpisode,
    LacPlacedForAdoption,
    LacAdoption,
    LacPreviousPermanence,
    LacOutcomes,
    LacCareLeaver,
    LegalStatus,
    Placement,
)


def snapshot() -> dict[str, int]:
    """Row counts of every record table and of every history event table."""
    counts = {model.__name__: model.objects.count() for model in RECORD_MODELS}
    for model in apps.get_models():
        if issubclass(model, pghistory.models.Event) and not model._meta.proxy:
            counts[model.__name__] = model.objects.count()
    return counts


def copy_valid(folder: Path, **replace: str) -> Path:
    """The valid 2026 cohort in `folder`, with some files' text replaced (file stem -> CSV text)."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in VALID.glob("*.csv"):
        shutil.copy(path, folder / path.name)
    for stem, text in replace.items():
        (folder / f"{stem}.csv").write_text(text, encoding="utf-8")
    return folder


def edit(folder: Path, stem: str, old: str, new: str) -> None:
    path = folder / f"{stem}.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def run_import(world: Any, today: date, paths: Any, **kwargs: Any) -> ImportRun:
    return import_903(la=world.la, paths=paths, today=today, **kwargs)


def issues(run: ImportRun, severity: str) -> list[Any]:
    return list(run.issues.filter(severity=severity).order_by("id"))


# --- Create, update, idempotence -------------------------------------------------------------------------


def test_valid_return_creates_children_records_and_register(world, today, tmp_path):
    run = run_import(world, today, copy_valid(tmp_path / "r"))
    assert run.status == ImportRun.Status.DONE, run.message
    assert run.collection_year == 2026
    assert run.counts["children"] == {"created": 5}
    assert run.breach_count == 0, [i.message for i in issues(run, "breach")]
    assert run.rejected_count == 0
    assert LacEpisode.objects.filter(la=world.la).count() == 5
    assert LacReview.objects.filter(la=world.la).count() == 9
    assert LacOutcomes.objects.get(child__la_child_id="C1001").collection_year == 2026
    assert LacCareLeaver.objects.get(child__la_child_id="C1003").in_touch == "YES"
    assert LacAdoption.objects.get(child__la_child_id="C1005").sex_adoptr == "MF"
    notes = [issue.message for issue in issues(run, "note")]
    assert any("Collection year 2025-26 (2026): the latest episode date is 20/01/2026" in n for n in notes)

    foster = Child.objects.get(la=world.la, la_child_id="C1001")
    assert (foster.date_of_birth, foster.gender, foster.ethnicity, foster.upn) == (
        date(2014, 5, 10), "1", "WBRI", "H318000123451",
    )  # fmt: skip
    lac = LegalStatus.objects.get(child=foster, kind="lac")
    assert (lac.starts_on, lac.ends_on, lac.lac_legal_status) == (date(2022, 6, 1), None, "C2")
    placement = Placement.objects.get(child=foster)
    assert (placement.ends_on, placement.placement_type, placement.postcode) == (None, "U4", "TW1 1AF")

    adopted = Child.objects.get(la=world.la, la_child_id="C1005")
    kinds = dict(LegalStatus.objects.filter(child=adopted).values_list("kind", "starts_on"))
    assert kinds["adopted"] == date(2026, 1, 21)
    assert not LegalStatus.objects.filter(child=adopted, kind="lac", ends_on__isnull=True).exists()

    uasc = Child.objects.get(la=world.la, la_child_id="C1004")
    assert uasc.return_details.uasc
    assert uasc.return_details.uasc_ceased == date(2027, 2, 1)
    assert LegalStatus.objects.filter(child=uasc, kind="uasc").exists()
    assert Child.objects.get(la=world.la, la_child_id="C1002").return_details.mother is False


def test_reimport_changes_nothing(world, today, tmp_path):
    folder = copy_valid(tmp_path / "r")
    first = run_import(world, today, folder)
    assert first.status == ImportRun.Status.DONE
    before = snapshot()
    second = run_import(world, today, folder)
    assert second.status == ImportRun.Status.DONE
    assert second.counts["children"] == {"unchanged": 5}
    assert snapshot() == before
    assert set(second.outcomes.values_list("outcome", flat=True)) == {"unchanged"}


def test_changed_file_updates_and_removes_what_is_gone(world, today, tmp_path):
    folder = copy_valid(tmp_path / "r")
    run_import(world, today, folder)
    edit(folder, "header", "C1001,M,10/05/2014,WBRI", "C1001,M,10/05/2014,WIRI")
    edit(folder, "episodes", "C1002,10/09/2025,S,C1,N2,U4", "C1002,10/09/2025,S,C2,N2,U4")
    edit(folder, "reviews", "C1004,01/02/2009,15/08/2025,PN1\n", "")
    run = run_import(world, today, folder)
    assert run.status == ImportRun.Status.DONE, run.message
    outcomes = {o.la_child_id: o for o in run.outcomes.all()}
    assert outcomes["C1001"].outcome == "updated"
    assert "ethnicity" in outcomes["C1001"].detail
    assert outcomes["C1002"].outcome == "updated"
    assert "episode changed" in outcomes["C1002"].detail
    assert outcomes["C1004"].outcome == "updated"
    assert "review removed" in outcomes["C1004"].detail
    assert outcomes["C1003"].outcome == "unchanged"
    assert Child.objects.get(la=world.la, la_child_id="C1001").ethnicity == "WIRI"
    assert LacEpisode.objects.get(child__la_child_id="C1002").legal_status == "C2"
    assert LacReview.objects.filter(child__la_child_id="C1004").count() == 2
    assert run.counts["records"]["Reviews removed"] == 1
    assert any("is not in the file any more" in i.message for i in issues(run, "note"))
    # The register follows: C1002's looked-after status now shows a full care order.
    child = Child.objects.get(la=world.la, la_child_id="C1002")
    assert LegalStatus.objects.get(child=child, kind="lac").lac_legal_status == "C2"


def test_tables_not_supplied_are_untouched(world, today, tmp_path):
    run_import(world, today, copy_valid(tmp_path / "all"))
    only = tmp_path / "only"
    only.mkdir()
    shutil.copy(VALID / "header.csv", only / "header.csv")
    shutil.copy(VALID / "episodes.csv", only / "episodes.csv")
    before = snapshot()
    run = run_import(world, today, only)
    assert run.status == ImportRun.Status.DONE
    assert snapshot() == before


def test_records_of_other_years_are_kept(world, today, tmp_path):
    folder = copy_valid(tmp_path / "r")
    run_import(world, today, folder)
    child = Child.objects.get(la=world.la, la_child_id="C1001")
    LacReview.objects.create(la=world.la, child=child, review=date(2024, 5, 1), review_code="PN1")
    LacOutcomes.objects.create(la=world.la, child=child, collection_year=2025, sdq_score="10")
    run = run_import(world, today, folder)
    assert run.counts["children"]["unchanged"] == 5
    assert LacReview.objects.filter(child=child, review=date(2024, 5, 1)).exists()
    assert LacOutcomes.objects.filter(child=child).count() == 2


def test_file_list_and_bom_and_case(world, today, tmp_path):
    folder = copy_valid(tmp_path / "r")
    header = folder / "header.csv"
    header.write_bytes(b"\xef\xbb\xbf" + header.read_bytes().replace(b"CHILD,SEX", b"child,sex"))
    run = run_import(world, today, [header, folder / "episodes.csv"])
    assert run.status == ImportRun.Status.DONE, run.message
    assert Child.objects.filter(la=world.la, la_child_id__startswith="C10").count() == 5


# --- Rejected rows: all or nothing, or the rest ----------------------------------------------------------


def test_all_or_nothing_holds_and_skip_rejected_imports_the_rest(world, today, tmp_path):
    folder = copy_valid(tmp_path / "r")
    edit(folder, "reviews", "C1001,10/05/2014,15/05/2025,PN1", "C1001,10/05/2014,31/02/2025,PN1")
    before = snapshot()
    held = run_import(world, today, folder)
    assert held.status == ImportRun.Status.HELD
    assert snapshot() == before
    (rejected,) = issues(held, "rejected")
    assert rejected.location == "reviews.csv, row 2"
    assert rejected.field == "REVIEW"
    assert "not a real day of the calendar" in rejected.message
    assert "dd/mm/yyyy" in rejected.fix
    assert held.counts["children"]["unchanged"] == 5

    done = run_import(world, today, folder, mode=ImportRun.Mode.STORABLE)
    assert done.status == ImportRun.Status.DONE
    assert done.rejected_count == 1
    assert LacReview.objects.filter(child__la_child_id="C1001").count() == 1
    outcome = done.outcomes.get(la_child_id="C1001")
    assert outcome.outcome == "created"
    assert "1 row(s) rejected" in outcome.detail


@pytest.mark.parametrize(
    ("stem", "old", "new", "location", "needle"),
    [
        (
            "episodes",
            "C1001,01/06/2022,S",
            ",01/06/2022,S",
            "episodes.csv, row 2",
            "CHILD (the LA's child ID) is missing",
        ),
        (
            "episodes",
            "C1001,01/06/2022,S",
            "C9999,01/06/2022,S",
            "episodes.csv, row 2",
            "not in the Header and not in the register",
        ),
        (
            "episodes",
            "C1001,01/06/2022,S",
            "C1001,2022-06-01,S",
            "episodes.csv, row 2",
            "is not a date written dd/mm/yyyy",
        ),
        ("episodes", "C1001,01/06/2022,S", "C1001,,S", "episodes.csv, row 2", "DECOM is missing"),
        (
            "episodes",
            "TW1 1AA,TW1 1AF,SC123456",
            "TW1 1AA,TW1 1AF,SC1234567890",
            "episodes.csv, row 2",
            "longer than 8",
        ),
        (
            "header",
            "C1001,M,10/05/2014,WBRI,H318000123451,,",
            "C1001,M,10/05/2014,WBRI,H318000123451,,,",
            "header.csv, row 2",
            "has 8 values",
        ),
        ("header", "C1002,F,03/03/2012", "C1002,F,29/02/2011", "header.csv, row 3", "not a real day"),
        (
            "reviews",
            "C1002,03/03/2012,01/10/2025,PN1\n",
            "C1002,03/03/2012,01/10/2025,PN1\nC1002,03/03/2012,01/10/2025,PN2\n",
            "reviews.csv, row 5",
            "second Reviews row",
        ),
    ],
)
def test_rows_that_cannot_be_stored(world, today, tmp_path, stem, old, new, location, needle):
    folder = copy_valid(tmp_path / "r")
    edit(folder, stem, old, new)
    before = snapshot()
    run = run_import(world, today, folder)
    assert run.status == ImportRun.Status.HELD
    assert snapshot() == before
    rejected = issues(run, "rejected")
    assert [i.location for i in rejected][:1] == [location]
    assert needle in rejected[0].message
    assert rejected[0].fix
    assert "Nothing was imported" in run.message


def test_a_child_in_the_register_needs_no_header_row(world, today, tmp_path):
    folder = copy_valid(tmp_path / "r")
    jon = world.children["jon"]
    edit(folder, "reviews", "C1001,10/05/2014,15/05/2025", f"{jon.la_child_id},10/05/2014,15/05/2025")
    run = run_import(world, today, folder)
    assert run.status == ImportRun.Status.DONE, run.message
    assert LacReview.objects.filter(child=jon).count() == 1
    assert run.outcomes.get(la_child_id=jon.la_child_id).outcome == "updated"


def test_unknown_codes_are_stored_and_listed(world, today, tmp_path):
    folder = copy_valid(tmp_path / "r")
    edit(folder, "episodes", "C1001,01/06/2022,S,C2,N1,U4,PR1,,,", "C1001,01/06/2022,s,C2,N9,U4,PR1,,,CARPL")
    edit(folder, "header", "C1001,M,", "C1001,X,")
    run = run_import(world, today, folder)
    assert run.status == ImportRun.Status.DONE
    rules = {(i.location, i.field): i.message for i in issues(run, "breach")}
    assert "(DfE rule 145)" in rules[("episodes.csv, row 2", "CIN")]
    assert "(DfE rule 233)" in rules[("episodes.csv, row 2", "REASON_PLACE_CHANGE")]
    assert "(DfE rule 101)" in rules[("header.csv, row 2", "SEX")]
    episode = LacEpisode.objects.get(child__la_child_id="C1001")
    assert (episode.rne, episode.cin, episode.reason_place_change) == ("S", "N9", "CARPL")
    assert run.counts["rules"] == {"101": 1, "145": 1, "233": 1}


# --- Files that cannot be read ------------------------------------------------------------------------


def refused(run: ImportRun, *needles: str) -> None:
    assert run.status == ImportRun.Status.FAILED
    for needle in needles:
        assert needle in run.message, run.message


@pytest.mark.parametrize(
    ("stem", "text", "needles"),
    [
        (
            "header",
            "CHILD,GENDER,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n",
            ("header.csv", "Header", "missing SEX", "unexpected GENDER"),
        ),
        ("header", "CHILD,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n", ("header.csv", "missing SEX")),
        ("reviews", "CHILD,DOB,REVIEW,REVIEW_CODE,REVIEW\n", ("reviews.csv", "repeated column(s) REVIEW")),
        ("reviews", "A,B,C\n1,2,3\n", ("reviews.csv", "match no SSDA903 table")),
        ("reviews", "", ("reviews.csv", "The file is empty")),
        ("reviews", "\n\n", ("reviews.csv", "no column names")),
        (
            "reviews",
            'CHILD,DOB,REVIEW,REVIEW_CODE\nC1001,"10/05/2014\n',
            ("reviews.csv", "cannot be read as CSV"),
        ),
    ],
)
def test_files_refused(world, today, tmp_path, stem, text, needles):
    folder = copy_valid(tmp_path / "r", **{stem: text})
    before = snapshot()
    run = run_import(world, today, folder)
    refused(run, *needles)
    assert snapshot() == before
    (issue,) = issues(run, "rejected")
    assert issue.fix


def test_utf16_and_undecodable_files_are_refused(world, today, tmp_path):
    folder = copy_valid(tmp_path / "r")
    header = folder / "header.csv"
    header.write_bytes(header.read_text(encoding="utf-8").encode("utf-16"))
    refused(run_import(world, today, folder), "header.csv", "UTF-16", "CSV UTF-8")
    header.write_bytes((VALID / "header.csv").read_bytes() + b"C2000,M,01/01/2010,WBRI,\xe9\xff,,\n")
    refused(run_import(world, today, folder), "header.csv, row 7", "not UTF-8")
    header.write_bytes(header.read_text(encoding="latin-1").encode("utf-16-le"))  # no BOM
    refused(run_import(world, today, folder), "header.csv", "NUL")
    assert not Child.objects.filter(la_child_id__startswith="C10").exists()


def test_a_2gb_file_is_refused_without_reading_it_whole(world, today, tmp_path):
    folder = copy_valid(tmp_path / "r")
    big = folder / "missing.csv"
    with big.open("wb") as handle:
        handle.write(b"CHILD,DOB,MISSING,MIS_START,MIS_END\nC1001,10/05/2014,M,01/05/2025,02/05/2025,")
        handle.truncate(2 * 1024**3)  # sparse: 2 GB of NUL bytes after the first row
    started = time.monotonic()
    refused(run_import(world, today, folder), "missing.csv, row 2", "longer than 1 MB")
    assert time.monotonic() - started < 10
    big.write_bytes(b"CHILD,DOB,MISSING,MIS_START,MIS_END\nC1001,10/05/2014,M,01/05/2025,\x00\n")
    refused(run_import(world, today, folder), "missing.csv, row 2", "NUL")


def test_wrong_collection_year_is_refused(world, today, tmp_path):
    run = run_import(world, today, copy_valid(tmp_path / "r"), year=2025)
    refused(run, "episodes.csv, row 6", "20/01/2026", "2025-26, not 2024-25", "--year 2026")
    assert not Child.objects.filter(la_child_id="C1001").exists()
    assert run_import(world, today, tmp_path / "r", year=2026).status == ImportRun.Status.DONE


def test_no_episodes_needs_a_year(world, today, tmp_path):
    folder = tmp_path / "h"
    folder.mkdir()
    shutil.copy(VALID / "header.csv", folder / "header.csv")
    refused(run_import(world, today, folder), "--year")
    assert run_import(world, today, folder, year=2026).status == ImportRun.Status.DONE


def test_missing_paths_are_refused(world, today, tmp_path):
    refused(run_import(world, today, tmp_path / "nowhere.csv"), "no such file")
    (tmp_path / "empty").mkdir()
    refused(run_import(world, today, tmp_path / "empty"), "no .csv files")


# --- The upstream fake data ------------------------------------------------------------------------


def sample_folder(tmp_path: Path, *, with_errors_file: bool = False) -> Path:
    folder = tmp_path / "sample"
    folder.mkdir()
    for path in SAMPLES.glob("*.csv"):
        if path.name != "placed_for_adoption_errors.csv" or with_errors_file:
            shutil.copy(path, folder / path.name)
    return folder


def test_upstream_fake_data_imports_with_breaches_listed(world, today, tmp_path):
    run = run_import(world, today, sample_folder(tmp_path), mode=ImportRun.Mode.STORABLE)
    assert run.status == ImportRun.Status.DONE, run.message
    assert run.collection_year == 2019  # latest episode date 01/04/2018
    assert run.counts["children"] == {"created": 2675, "rejected": 1}
    assert LacEpisode.objects.filter(la=world.la).count() == 5050
    assert LacReview.objects.filter(la=world.la).count() == 12568
    rules = run.counts["rules"]
    assert rules["101"] == 2675  # SEX written 1/2, the pre-2024 codes
    assert rules["233"] > 0
    assert rules["231"] > 0
    assert rules["148"] > 0
    rejected = issues(run, "rejected")
    # CHILD10 (DoLo.csv, sw_episodes.csv) is in no Header row and not in the register.
    assert {(i.file_name, i.location, i.la_child_id) for i in rejected if i.la_child_id == "CHILD10"} == {
        ("DoLo.csv", "DoLo.csv, row 2", "CHILD10"),
        ("sw_episodes.csv", "sw_episodes.csv, row 2", "CHILD10"),
    }
    sex = next(i for i in issues(run, "breach") if i.field == "SEX")
    assert (sex.location, sex.value) == ("header.csv, row 2", "2")
    assert Child.objects.get(la=world.la, la_child_id="566910").gender == "2"
    notes = {i.location: i.message for i in issues(run, "note")}
    assert "None of the 43 rows of missing.csv falls in collection year 2018-19" in notes["missing.csv"]


def test_upstream_fake_data_is_held_whole_in_all_or_nothing(world, today, tmp_path):
    before = snapshot()
    run = run_import(world, today, sample_folder(tmp_path))
    assert run.status == ImportRun.Status.HELD
    assert snapshot() == before
    assert run.rejected_count == 16


def test_two_files_of_one_table_are_refused(world, today, tmp_path):
    """placed_for_adoption_errors.csv has the PlacedAdoption columns too: a return has one file per table."""
    run = run_import(
        world, today, sample_folder(tmp_path, with_errors_file=True), mode=ImportRun.Mode.STORABLE
    )
    refused(
        run, "placed_for_adoption.csv and placed_for_adoption_errors.csv are both the PlacedAdoption table"
    )
    assert not Child.objects.filter(la=world.la, la_child_id="566910").exists()


# --- Isolation, commands, progress -----------------------------------------------------------------


def test_la_isolation(world, other_world, today, tmp_path):
    folder = copy_valid(tmp_path / "r")
    assert run_import(world, today, folder).status == ImportRun.Status.DONE
    run = import_903(la=other_world.la, paths=folder, today=today)
    assert run.counts["children"] == {"created": 5}
    assert Child.objects.filter(la_child_id="C1001").count() == 2
    assert LacEpisode.objects.filter(la=other_world.la, child__la=other_world.la).count() == 5
    # Another LA's child with the same ID is not "in the register" of this one.
    edit(
        folder,
        "reviews",
        "C1001,10/05/2014,15/05/2025",
        f"{world.children['jon'].la_child_id},10/05/2014,15/05/2025",
    )
    held = import_903(la=other_world.la, paths=folder, today=today)
    assert held.status == ImportRun.Status.HELD


def test_import_command(world, other_world, today, tmp_path, capsys):
    folder = copy_valid(tmp_path / "r")
    report = tmp_path / "issues.csv"
    call_command("import_903", str(folder), "--la", world.la.lea_code, "--report", str(report),
                 "--user", world.users["analyst"].username)  # fmt: skip
    out = capsys.readouterr().out
    assert "Imported: Children: 5 created" in out
    assert "Collection year: 2025-26" in out
    assert report.read_text().startswith("severity,file,location")
    edit(folder, "reviews", "C1001,10/05/2014,15/05/2025", "C1001,10/05/2014,32/05/2025")
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_903", str(folder), "--la", world.la.ons_code)
    assert exit_info.value.code == 1
    out = capsys.readouterr().out
    assert "[rejected] reviews.csv, row 2 child C1001: REVIEW '32/05/2025'" in out
    call_command("import_903", str(folder), "--la", world.la.ons_code, "--skip-rejected")
    assert "1 record(s) could not be stored and were skipped" in capsys.readouterr().out


def test_progress_counts_bytes_of_every_file(world, today, tmp_path):
    folder = copy_valid(tmp_path / "r")
    run = run_import(world, today, folder)
    total = sum(path.stat().st_size for path in folder.glob("*.csv"))
    assert run.file_size == total
    assert run.bytes_read == total
    assert run.percent == 100


# --- Fuzzing: never an unhandled exception, never a partial import -------------------------------------

FILES = sorted(path.stem for path in VALID.glob("*.csv"))


@st.composite
def mutated(draw: Any) -> tuple[str, bytes]:
    stem = draw(st.sampled_from(FILES))
    data = bytearray((VALID / f"{stem}.csv").read_bytes())
    kind = draw(st.sampled_from(["truncate", "flip", "insert", "delete"]))
    at = draw(st.integers(min_value=0, max_value=max(len(data) - 1, 0)))
    if kind == "truncate":
        data = data[:at]
    elif kind == "flip":
        for _ in range(draw(st.integers(min_value=1, max_value=4))):
            i = draw(st.integers(min_value=0, max_value=len(data) - 1))
            data[i] = draw(st.integers(min_value=0, max_value=255))
    elif kind == "insert":
        chunk = draw(st.binary(min_size=1, max_size=12) | st.sampled_from([b",", b"\n", b'"', b"\r", b"/"]))
        data[at:at] = chunk
    else:
        data[at : at + draw(st.integers(min_value=1, max_value=20))] = b""
    return stem, bytes(data)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(change=mutated())
def test_fuzzed_files_never_crash_or_half_import(world, today, tmp_path_factory, change):
    stem, data = change
    folder = copy_valid(tmp_path_factory.mktemp("fuzz"))
    (folder / f"{stem}.csv").write_bytes(data)
    before = snapshot()
    run = run_import(world, today, folder)
    assert run.status in {ImportRun.Status.DONE, ImportRun.Status.HELD, ImportRun.Status.FAILED}
    if run.status != ImportRun.Status.DONE:
        assert snapshot() == before
        assert run.issues.filter(severity="rejected").exists()
    else:
        assert Counter(run.outcomes.values_list("outcome", flat=True))["rejected"] == 0


def test_import_queries_do_not_grow_with_the_rows(world, other_world, today, tmp_path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.lac_fixture import write_903_return

    with CaptureQueriesContext(connection) as few:
        assert run_import(world, today, write_903_return(tmp_path / "few", 150), year=2026).status == "done"
    with CaptureQueriesContext(connection) as many:
        run = import_903(
            la=other_world.la, paths=write_903_return(tmp_path / "many", 600), today=today, year=2026
        )
    assert run.counts["children"] == {"created": 600}
    assert len(many.captured_queries) == len(few.captured_queries)


def test_uasc_rows_of_register_children_without_a_header_row(world, today, tmp_path):
    folder = tmp_path / "u"
    folder.mkdir()
    jon = world.children["jon"]
    (folder / "uasc.csv").write_text(
        f"CHILD,SEX,DOB,DUC\n{jon.la_child_id},M,03/03/2014,03/03/2032\nNOBODY,M,01/01/2010,01/01/2028\n"
    )
    held = run_import(world, today, folder, year=2026)
    assert held.status == ImportRun.Status.HELD
    (rejected,) = issues(held, "rejected")
    assert (rejected.location, rejected.la_child_id) == ("uasc.csv, row 3", "NOBODY")
    run = run_import(world, today, folder, year=2026, mode=ImportRun.Mode.STORABLE)
    assert run.status == ImportRun.Status.DONE
    details = ChildReturnDetails.objects.get(child=jon)
    assert (details.uasc, details.uasc_ceased) == (True, date(2032, 3, 3))
    assert run.outcomes.get(la_child_id=jon.la_child_id).outcome == "updated"
    assert run.outcomes.get(la_child_id="NOBODY").outcome == "rejected"


def test_a_child_left_out_of_the_uasc_table_is_no_longer_uasc(world, today, tmp_path):
    folder = copy_valid(tmp_path / "r")
    run_import(world, today, folder)
    (folder / "uasc.csv").write_text("CHILD,SEX,DOB,DUC\n")
    run = run_import(world, today, folder)
    assert run.outcomes.get(la_child_id="C1004").outcome == "updated"
    assert ChildReturnDetails.objects.get(child__la_child_id="C1004").uasc is False
    assert not LegalStatus.objects.filter(child__la_child_id="C1004", kind="uasc").exists()


def test_a_rejected_row_never_removes_what_it_may_have_meant(world, today, tmp_path):
    folder = copy_valid(tmp_path / "r")
    run_import(world, today, folder)
    edit(folder, "reviews", "C1001,10/05/2014,15/05/2025,PN1", "C1001,10/05/2014,31/05/2025,PNX1")
    run = run_import(world, today, folder, mode=ImportRun.Mode.STORABLE)
    assert run.status == ImportRun.Status.DONE
    assert run.rejected_count == 1  # PNX1 is longer than REVIEW_CODE can hold
    assert set(LacReview.objects.filter(child__la_child_id="C1001").values_list("review", flat=True)) == {
        date(2025, 5, 15),
        date(2025, 11, 10),
    }
    assert run.outcomes.get(la_child_id="C1001").outcome == "unchanged"


def test_a_blank_upn_leaves_the_registers(world, today, tmp_path):
    folder = copy_valid(tmp_path / "r")
    run_import(world, today, folder)
    edit(folder, "header", "H318000123451", "")
    run = run_import(world, today, folder)
    assert run.counts["children"] == {"unchanged": 5}
    assert Child.objects.get(la=world.la, la_child_id="C1001").upn == "H318000123451"


def test_history_of_copied_rows_says_who_and_why(world, today, tmp_path):
    folder = tmp_path / "r"
    folder.mkdir()
    jon = world.children["jon"]
    (folder / "reviews.csv").write_text(
        f"CHILD,DOB,REVIEW,REVIEW_CODE\n{jon.la_child_id},03/03/2014,01/06/2025,PN1\n"
    )
    run = run_import(world, today, folder, year=2026, actor=world.users["analyst"])
    assert run.status == ImportRun.Status.DONE
    review = LacReview.objects.get(child=jon)
    event = pghistory.models.Events.objects.references(review).get()
    assert event.pgh_context is not None
    assert event.pgh_context["user"] == world.users["analyst"].pk
    assert event.pgh_context["reason"] == f"SSDA903 children looked after return import {run.pk}: {folder}"


def test_a_table_of_another_year_is_noted(world, today, tmp_path):
    folder = copy_valid(tmp_path / "r")
    edit(folder, "missing", "12/11/2025,13/11/2025", "12/11/2024,13/11/2024")
    run = run_import(world, today, folder)
    assert run.status == ImportRun.Status.DONE
    (note,) = [i for i in issues(run, "note") if i.location == "missing.csv"]
    assert "None of the 1 rows of missing.csv falls in collection year 2025-26" in note.message
