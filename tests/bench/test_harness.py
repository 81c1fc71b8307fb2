"""The benchmark harness (bench/run.py): results merged by name and scale, written as soon as measured,
one failing benchmark reported without losing the others' figures. No database, no big data."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import pytest

from bench import run
from bench.run import Result


def entry(name: str, scale: int, median: float) -> dict[str, object]:
    return {"name": name, "scale": scale, "unit": "ms", "median": median, "p95": median, "n": 1}


def test_merge_replaces_only_entries_of_the_same_name_and_scale():
    existing = [
        entry("worklist", 100_000, 15.0),
        entry("worklist", 20_000, 5.0),
        entry("cohort_page", 100_000, 392),
    ]
    merged = run.merge_results(existing, [entry("worklist", 100_000, 14.0)])
    assert sorted((e["name"], e["scale"], e["median"]) for e in merged) == [
        ("cohort_page", 100_000, 392),
        ("worklist", 20_000, 5.0),
        ("worklist", 100_000, 14.0),
    ]


def test_merge_orders_by_benchmark_then_largest_scale_first():
    existing = [
        entry("someone_elses", 1, 1.0),
        entry("cohort_page", 100_000, 1.0),
        entry("worklist", 20_000, 1.0),
    ]
    merged = run.merge_results(existing, [entry("worklist", 100_000, 1.0), entry("page_floor", 100_000, 1.0)])
    assert [(e["name"], e["scale"]) for e in merged] == [
        ("page_floor", 100_000),
        ("worklist", 100_000),
        ("worklist", 20_000),
        ("cohort_page", 100_000),
        ("someone_elses", 1),
    ]


def test_write_results_merges_into_the_file_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "results.json"
    path.write_text(json.dumps([entry("cohort_page", 100_000, 392.0), entry("worklist", 100_000, 15.0)]))
    run.write_results([Result("worklist", 100_000, "ms", 14.0, 20.0, 100, "a note")], path)
    assert json.loads(path.read_text()) == [
        {
            "name": "worklist",
            "scale": 100_000,
            "unit": "ms",
            "median": 14.0,
            "p95": 20.0,
            "n": 100,
            "note": "a note",
        },
        entry("cohort_page", 100_000, 392.0),
    ]
    assert os.listdir(tmp_path) == ["results.json"]


def test_a_failed_write_leaves_the_old_file_whole(tmp_path, monkeypatch):
    path = tmp_path / "results.json"
    old = json.dumps([entry("worklist", 100_000, 15.0)])
    path.write_text(old)

    def no_rename(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(run.os, "replace", no_rename)
    with pytest.raises(OSError, match="disk full"):
        run.write_results([Result("worklist", 100_000, "ms", 1.0, 1.0, 1)], path)
    assert path.read_text() == old
    assert os.listdir(tmp_path) == ["results.json"]


def fake(name: str, median: float) -> Result:
    return Result(name, 100, "ms", median, median, 1)


def test_one_failing_benchmark_is_reported_and_the_others_are_kept(tmp_path, capsys):
    path = tmp_path / "results.json"
    path.write_text(json.dumps([entry("import_cin", 100, 24000.0), entry("validate_cin", 100, 330000.0)]))

    def returns(scale: int) -> Iterator[Result]:
        yield fake("import_cin", 23000.0)
        yield fake("export_cin", 3000.0)
        raise RuntimeError("ValidatorsMissingError: run `make validators`")

    benchmarks = {
        "worklist": lambda scale: fake("worklist", 15.0),
        "import_cin": returns,
        "cohort_page": lambda scale: fake("cohort_page", 250.0),
    }
    failures = run.run(
        ["worklist", "import_cin", "cohort_page"], 100, benchmarks=benchmarks, results_path=path
    )

    assert [(f.name, f.error) for f in failures] == [
        ("import_cin", "RuntimeError: ValidatorsMissingError: run `make validators`")
    ]
    by_name = {e["name"]: e["median"] for e in json.loads(path.read_text())}
    # Measured before the failure, inside the failing benchmark too, and after it; the old figure of
    # the step that failed is left as it was.
    assert by_name == {
        "worklist": 15.0,
        "import_cin": 23000.0,
        "export_cin": 3000.0,
        "validate_cin": 330000.0,
        "cohort_page": 250.0,
    }
    output = capsys.readouterr()
    assert "import_cin FAILED: RuntimeError" in output.out
    assert "Traceback" in output.err


def test_each_result_is_in_the_file_before_the_next_benchmark_starts(tmp_path):
    path = tmp_path / "results.json"
    seen: list[list[str]] = []

    def second(scale: int) -> Result:
        seen.append([e["name"] for e in json.loads(path.read_text())])
        return fake("cohort_page", 1.0)

    run.run(
        ["worklist", "cohort_page"],
        100,
        benchmarks={"worklist": lambda s: fake("worklist", 1.0), "cohort_page": second},
        results_path=path,
    )
    assert seen == [["worklist"]]


def test_page_results_carry_their_multiple_of_the_floor(tmp_path):
    path = tmp_path / "results.json"
    benchmarks = {
        "page_floor": lambda scale: fake("page_floor", 10.0),
        "cohort_page": lambda scale: Result("cohort_page", 100, "ms", 42.0, 50.0, 50, "GET /oversight/"),
        "recompute_due_dates": lambda scale: fake("recompute_due_dates", 7000.0),
    }
    run.run(run.plan(["cohort_page", "recompute_due_dates"]), 100, benchmarks=benchmarks, results_path=path)
    notes = {e["name"]: e.get("note", "") for e in json.loads(path.read_text())}
    assert notes == {
        "page_floor": "",
        "cohort_page": "GET /oversight/; 4.2x page_floor",
        "recompute_due_dates": "",
    }


def test_the_floor_runs_just_before_the_first_page_benchmark():
    assert run.plan(["recompute_due_dates", "cohort_page", "worklist"]) == [
        "recompute_due_dates",
        "page_floor",
        "cohort_page",
        "worklist",
    ]
    assert run.plan(["worklist", "page_floor"]) == ["page_floor", "worklist"]
    assert run.plan(["import_cin"]) == ["import_cin"]
    everything = run.plan(None)
    assert everything.count("page_floor") == 1
    assert everything.index("page_floor") == everything.index("child_search") - 1


def test_main_exits_non_zero_when_a_benchmark_failed(tmp_path, monkeypatch):
    monkeypatch.setattr(run, "RESULTS", tmp_path / "results.json")
    monkeypatch.setattr(run, "REPO", tmp_path)
    for step in ("use_bench_database", "fresh_database", "setup_django"):
        monkeypatch.setattr(run, step, lambda: None)

    def broken(scale: int) -> Result:
        raise AssertionError("GET /oversight/ returned 500")

    monkeypatch.setitem(run.BENCHMARKS, "page_floor", lambda scale: fake("page_floor", 1.0))
    monkeypatch.setitem(run.BENCHMARKS, "worklist", lambda scale: fake("worklist", 1.0))
    monkeypatch.setitem(run.BENCHMARKS, "import_903", broken)
    assert run.main(["--only", "worklist", "import_903"]) == 1
    monkeypatch.setitem(run.BENCHMARKS, "import_903", lambda scale: fake("import_903", 1.0))
    assert run.main(["--only", "worklist", "import_903"]) == 0


def test_importing_the_harness_leaves_the_environment_alone():
    assert os.environ.get("CONTINUITY_DB_NAME") != run.BENCH_DB
