"""`continuity deadline`: the engine from the command line, for checking and for LA staff."""

from __future__ import annotations

from continuity.deadline_cli import main


def test_prints_the_due_date_first_then_source_and_regime(capsys):
    assert main(["sin.notification", "2020-12-23"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "2021-01-04"
    assert any(line.startswith("Source: Children Act 2004 s16C") for line in lines)
    assert any("si-2020-909" in line for line in lines)


def test_says_when_the_regime_gave_no_date(capsys):
    assert main(["lac.placement_plan", "2020-04-24"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "as soon as reasonably practicable"
    assert "Normal timescale would have given: 2020-05-01" in out


def test_lists_rule_ids_and_marks_unconfirmed_figures(capsys):
    assert main(["--list"]) == 0
    out = capsys.readouterr().out
    assert "sin.notification" in out
    assert "[figure unconfirmed]" in out


def test_bad_input_is_explained(capsys):
    assert main(["sin.notification", "23/12/2020"]) == 2
    assert "ISO date" in capsys.readouterr().err
    assert main(["no.such", "2020-01-01"]) == 2
    assert "No timescale rule" in capsys.readouterr().err
