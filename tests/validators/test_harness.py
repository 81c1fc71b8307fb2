"""The DfE validator harness (tools/validators/, continuity.validators) on the validators' own fake data
and on hand-written files.

Needs the `.validators` venv (`make validators`, a prerequisite of `make test`): without it the tests skip, or
fail when CI=true. The upstream fake data is read from CONTINUITY_DFE_SAMPLES (default
tests/data/dfe_samples, copied from the validators' repositories: see its SOURCE.md).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from continuity import validators
from continuity.validators import ValidatorInputError, ValidatorResult, ValidatorsMissingError

SAMPLES = Path(
    os.environ.get("CONTINUITY_DFE_SAMPLES", Path(__file__).parent.parent / "data" / "dfe_samples")
)
CIN_SAMPLES = SAMPLES / "repo_cin"
SSDA903_SAMPLES = SAMPLES / "repo_903"
YEAR = 2026
LA_ONS = "E09000027"  # Richmond upon Thames
LA_NUMBER = "318"
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def require_validators() -> None:
    if validators.validators_python() is not None:
        return
    reason = f"DfE validators venv missing ({validators.VENV_DIR}): run `make validators`"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def require_samples(*paths: Path) -> None:
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        pytest.skip(f"upstream fake data not found: {', '.join(missing)} (set CONTINUITY_DFE_SAMPLES)")


def no_venv_needed(test: Callable[..., None]) -> Callable[..., None]:
    """Mark a test that runs without the validators' venv."""
    test.no_venv_needed = True  # type: ignore[attr-defined]
    return test


@pytest.fixture(autouse=True)
def _validators_venv(request: pytest.FixtureRequest) -> None:
    if not getattr(request.function, "no_venv_needed", False):
        require_validators()


# --- hand-written CIN census XML ------------------------------------------------------------------


def upn(serial: str, la: str = LA_NUMBER, last: str = "1") -> str:
    """A UPN with a correct check letter: sum(digit_i * i, i = 2..13) mod 23 (rule 1510)."""
    body = la + serial + last
    total = sum(int(ch) * pos for pos, ch in zip(range(2, 14), body, strict=True) if ch.isdigit())
    return UPN_LETTERS[total % 23] + body


def wrong_check_letter(value: str) -> str:
    return ("B" if value[0] == "A" else "A") + value[1:]


def cin_child(
    child_id: str, upn_value: str, disabilities: Iterable[str] = ("NONE",), *, cpp: str = ""
) -> str:
    """A born child, assessed, on an open CIN plan (or `cpp`: a ChildProtectionPlans)."""
    codes = "".join(f"<Disability>{code}</Disability>" for code in disabilities)
    plan = cpp or "<CINPlanDates><CINPlanStartDate>2025-06-03</CINPlanStartDate></CINPlanDates>"
    return f"""
    <Child>
      <ChildIdentifiers>
        <LAchildID>{child_id}</LAchildID>
        <UPN>{upn_value}</UPN>
        <PersonBirthDate>2015-06-12</PersonBirthDate>
        <Sex>F</Sex>
      </ChildIdentifiers>
      <ChildCharacteristics>
        <Ethnicity>WBRI</Ethnicity>
        <Disabilities>{codes}</Disabilities>
      </ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2025-05-06</CINreferralDate>
        <ReferralSource>1A</ReferralSource>
        <PrimaryNeedCode>N1</PrimaryNeedCode>
        <ReferralNFA>0</ReferralNFA>
        <Assessments>
          <AssessmentActualStartDate>2025-05-07</AssessmentActualStartDate>
          <AssessmentAuthorisationDate>2025-06-02</AssessmentAuthorisationDate>
          <FactorsIdentifiedAtAssessment><AssessmentFactors>2A</AssessmentFactors></FactorsIdentifiedAtAssessment>
        </Assessments>
        {plan}
      </CINdetails>
    </Child>"""


def cin_census(children: Iterable[str], *, xmlns: str = "") -> str:
    namespace = f' xmlns="{xmlns}"' if xmlns else ""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Message{namespace}>
  <Header>
    <CollectionDetails>
      <Collection>CIN</Collection><Year>{YEAR}</Year><ReferenceDate>{YEAR}-03-31</ReferenceDate>
    </CollectionDetails>
    <Source>
      <SourceLevel>L</SourceLevel><LEA>{LA_NUMBER}</LEA><SoftwareCode>Continuity</SoftwareCode>
      <Release>0.1</Release><SerialNo>1</SerialNo><DateTime>{YEAR}-04-02T09:00:00</DateTime>
    </Source>
  </Header>
  <Children>{"".join(children)}
  </Children>
</Message>
"""


def run_cin_text(tmp_path: Path, xml: str) -> ValidatorResult:
    path = tmp_path / "cin.xml"
    path.write_text(xml, encoding="utf-8")
    return validators.run_cin(path, YEAR)


def test_minimal_clean_cin_file_raises_only_the_return_level_query(tmp_path: Path) -> None:
    # One child, Disability NONE: 2887Q ("fewer than 8 children with NONE") is a query every small file
    # raises; 2888Q does not fire when no child has a disability other than NONE.
    result = run_cin_text(tmp_path, cin_census([cin_child("CHILD1", upn("12345678"))]))
    assert result.crashed_rules == []
    assert (
        result.errors == []
    )  # in particular no 1510: the upn() helper computes check letters as the DfE does
    assert [(q.rule, q.child, q.table) for q in result.queries] == [("2887Q", None, None)]
    assert result.children == 1
    assert result.ruleset == "cin2025_26"


def test_eight_none_children_and_one_with_two_codes_raise_nothing(tmp_path: Path) -> None:
    children = [cin_child(f"CHILD{i}", upn(f"1234567{i}")) for i in range(8)]
    children.append(cin_child("CHILD9", upn("12345699"), ("MOB", "HAND")))
    result = run_cin_text(tmp_path, cin_census(children))
    assert result.ok
    assert result.queries == []
    assert result.crashed_rules == []


def test_a_wrong_upn_check_letter_is_rule_1510_on_that_child(tmp_path: Path) -> None:
    children = [
        cin_child("GOOD1", upn("12345678")),
        cin_child("BAD2", wrong_check_letter(upn("12345679"))),
    ]
    result = run_cin_text(tmp_path, cin_census(children))
    assert [(e.rule, e.child, e.table, e.columns, e.row) for e in result.errors] == [
        ("1510", "BAD2", "ChildIdentifiers", ["UPN"], 1)
    ]
    assert result.errors[0].type == "error"


def test_a_rule_that_crashes_is_reported_not_passed(tmp_path: Path) -> None:
    # Upstream prints "Error with rule 8730: ..." and carries on as if the rule had passed.
    cpp = (
        "<ChildProtectionPlans><CPPstartDate>2025-06-03</CPPstartDate>"
        "<NumberOfPreviousCPP>abc</NumberOfPreviousCPP></ChildProtectionPlans>"
    )
    result = run_cin_text(tmp_path, cin_census([cin_child("CHILD1", upn("12345678"), cpp=cpp)]))
    assert [c.rule for c in result.crashed_rules] == ["8730"]
    assert "ValueError" in result.crashed_rules[0].error
    assert not result.ok


def test_a_namespaced_cin_file_is_rejected(tmp_path: Path) -> None:
    xml = cin_census([cin_child("CHILD1", upn("12345678"))], xmlns="http://www.dfes.gov.uk/schemas/CS/CIN")
    with pytest.raises(ValidatorInputError, match="could not read"):
        run_cin_text(tmp_path, xml)


# --- the validators' own fake data ----------------------------------------------------------------


@pytest.fixture(scope="module")
def fake_cin() -> ValidatorResult:
    require_validators()
    require_samples(CIN_SAMPLES / "fake_CIN_data.xml")
    return validators.run_cin(CIN_SAMPLES / "fake_CIN_data.xml", YEAR)


def test_fake_cin_data_reports_its_known_errors(fake_cin: ValidatorResult) -> None:
    assert fake_cin.children == 332
    assert fake_cin.crashed_rules == []
    assert fake_cin.known_broken == []
    errors = fake_cin.error_codes()
    queries = fake_cin.query_codes()
    # UPN check letter / LA number, Sex, 8500-series date and NFA rules, the header's reference date
    assert {"1510", "1530", "4180", "8600", "8620", "8790", "8794", "8831", "100"} <= set(errors)
    assert {"8545Q", "8555Q", "8569Q", "8585Q", "8825Q", "2886Q", "2887Q"} <= set(queries)
    assert errors["4180"] == 332  # every child has the pre-2024 GenderCurrent, no Sex
    assert all(q.rule.endswith("Q") for q in fake_cin.queries)
    assert not any(e.rule.endswith("Q") for e in fake_cin.errors)
    (header,) = [e for e in fake_cin.errors if e.rule == "100"]
    assert (header.child, header.table, header.columns) == (None, "Header", ["ReferenceDate"])
    child_level = [e for e in fake_cin.errors if e.rule == "1510"]
    assert all(e.child and e.table == "ChildIdentifiers" and isinstance(e.row, int) for e in child_level)


def test_cin_census_2026_sample(tmp_path: Path) -> None:
    require_samples(CIN_SAMPLES / "CIN_Census_2026.xml")
    result = validators.run_cin(CIN_SAMPLES / "CIN_Census_2026.xml", YEAR)
    assert result.children == 2
    assert result.crashed_rules == []
    assert {"100", "1103", "1105", "1510", "1570", "1580", "8565", "8608", "8620"} <= set(
        result.error_codes()
    )
    assert {"1560Q", "8897Q", "2887Q"} <= set(result.query_codes())


def sample_903_folder(target: Path, *, with_duplicate: bool = False) -> Path:
    """The upstream 903 fake CSVs; placed_for_adoption_errors.csv has the same columns as
    placed_for_adoption.csv (one table, two variants), so it is left out unless asked for."""
    require_samples(SSDA903_SAMPLES / "episodes.csv")
    target.mkdir(parents=True, exist_ok=True)
    for csv in SSDA903_SAMPLES.glob("*.csv"):
        if csv.name != "placed_for_adoption_errors.csv" or with_duplicate:
            shutil.copy(csv, target / csv.name)
    return target


@pytest.fixture(scope="module")
def fake_903(tmp_path_factory: pytest.TempPathFactory) -> ValidatorResult:
    require_validators()
    folder = sample_903_folder(tmp_path_factory.mktemp("ssda903"))
    return validators.run_903(folder, YEAR, LA_ONS)


def test_fake_903_data_reports_its_known_errors(fake_903: ValidatorResult) -> None:
    assert fake_903.children == 2675
    assert fake_903.ruleset == "lac2025_26"
    assert fake_903.crashed_rules == []
    assert sorted(c.rule for c in fake_903.known_broken) == ["231", "233"]
    assert fake_903.queries == []  # the 903 registry has no queries
    errors = fake_903.error_codes()
    assert errors["101"] == 2675  # SEX still 1/2 in the fake data (M/F since 2024-25)
    assert {"146", "148", "168", "169", "392c", "1012", "EPI", "SW12STG2"} <= set(errors)
    # Found only because every rule gets its own copy of the tables: upstream's rule 365 closes every open
    # episode in place first, and upstream reports no 359 at all on this data.
    assert errors["359"] > 0
    # Year-on-year and Ofsted-list rules are skipped without last year's data / the provider lists.
    assert {"1008", "202", "503A"} <= set(fake_903.skipped_rules)
    episode = next(e for e in fake_903.errors if e.table == "Episodes")
    assert episode.child
    assert isinstance(episode.row, int)
    assert episode.columns


def test_903_refuses_two_files_for_one_table(tmp_path: Path) -> None:
    folder = sample_903_folder(tmp_path / "ssda903", with_duplicate=True)
    with pytest.raises(ValidatorInputError, match="both the PlacedAdoption table"):
        validators.run_903(folder, YEAR, LA_ONS)


def test_903_refuses_unknown_columns(tmp_path: Path) -> None:
    (tmp_path / "header.csv").write_text("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER\n1,M,01/01/2015,WBRI,UN1,\n")
    with pytest.raises(ValidatorInputError, match="Failed to match provided data"):
        validators.run_903(tmp_path, YEAR, LA_ONS)


# --- the caller without the venv ------------------------------------------------------------------


@no_venv_needed
def test_a_missing_venv_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validators, "VENV_DIR", tmp_path / "nowhere")
    assert validators.validators_python() is None
    with pytest.raises(ValidatorsMissingError, match="make validators"):
        validators.run_cin(tmp_path / "cin.xml", YEAR)
