"""Small CIN census files for the import/export tests."""

from __future__ import annotations

from pathlib import Path

from django.db.models import Model

from casework.children.models import Child, LegalStatus
from casework.returns.models import CinAssessment, CinEpisode, CinPlan, CpPlan, Section47

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "dfe_samples" / "repo_cin"
TABLES: tuple[type[Model], ...] = (Child, CinEpisode, CinAssessment, CinPlan, Section47, CpPlan, LegalStatus)


def header(
    year: int = 2026, lea: str = "901", *, collection: str = "CIN", reference: str | None = None
) -> str:
    return (
        f"<Header><CollectionDetails><Collection>{collection}</Collection><Year>{year}</Year>"
        f"<ReferenceDate>{reference or f'{year}-03-31'}</ReferenceDate></CollectionDetails>"
        f"<Source><SourceLevel>L</SourceLevel><LEA>{lea}</LEA><SoftwareCode>t</SoftwareCode>"
        "<Release>1</Release><SerialNo>1</SerialNo><DateTime>2026-04-02T10:00:00</DateTime></Source></Header>"
    )


def episode(
    referral: str = "2025-06-02",
    *,
    closure: str | None = None,
    reason: str | None = None,
    nfa: str = "0",
    source: str = "1A",
    need: str = "N4",
    extra: str = "",
) -> str:
    parts = [f"<CINreferralDate>{referral}</CINreferralDate><ReferralSource>{source}</ReferralSource>"]
    if need:
        parts.append(f"<PrimaryNeedCode>{need}</PrimaryNeedCode>")
    if closure:
        parts.append(f"<CINclosureDate>{closure}</CINclosureDate>")
    if reason:
        parts.append(f"<ReasonForClosure>{reason}</ReasonForClosure>")
    parts.append(extra)
    parts.append(f"<ReferralNFA>{nfa}</ReferralNFA>")
    return "<CINdetails>" + "".join(parts) + "</CINdetails>"


def cpp(
    start: str = "2025-06-20", *, end: str | None = None, reviews: tuple[str, ...] = ("2025-09-18",)
) -> str:
    ends = f"<CPPendDate>{end}</CPPendDate>" if end else ""
    review_xml = "".join(f"<CPPreviewDate>{r}</CPPreviewDate>" for r in reviews)
    return (
        f"<ChildProtectionPlans><CPPstartDate>{start}</CPPstartDate>{ends}"
        "<InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse><LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>"
        f"<NumberOfPreviousCPP>0</NumberOfPreviousCPP><Reviews>{review_xml}</Reviews></ChildProtectionPlans>"
    )


def assessment(start: str = "2025-06-03", authorised: str | None = "2025-06-20", factors: str = "3A") -> str:
    auth = f"<AssessmentAuthorisationDate>{authorised}</AssessmentAuthorisationDate>" if authorised else ""
    fac = (
        "".join(f"<AssessmentFactors>{f}</AssessmentFactors>" for f in factors.split()) if authorised else ""
    )
    return (
        f"<Assessments><AssessmentActualStartDate>{start}</AssessmentActualStartDate>{auth}"
        f"<FactorsIdentifiedAtAssessment>{fac}</FactorsIdentifiedAtAssessment></Assessments>"
    )


def child(
    la_child_id: str,
    *episodes: str,
    birth: str | None = "2015-05-05",
    sex: str = "M",
    sex_tag: str = "Sex",
    disabilities: tuple[str, ...] = ("NONE",),
    ethnicity: str = "WBRI",
    upn: str = "",
) -> str:
    ids = f"<LAchildID>{la_child_id}</LAchildID>" if la_child_id is not None else ""
    if upn:
        ids += f"<UPN>{upn}</UPN>"
    if birth:
        ids += f"<PersonBirthDate>{birth}</PersonBirthDate>"
    ids += f"<{sex_tag}>{sex}</{sex_tag}>"
    dis = "".join(f"<Disability>{d}</Disability>" for d in disabilities)
    return (
        f"<Child><ChildIdentifiers>{ids}</ChildIdentifiers><ChildCharacteristics><Ethnicity>{ethnicity}"
        f"</Ethnicity><Disabilities>{dis}</Disabilities></ChildCharacteristics>"
        + "".join(episodes or (episode(),))
        + "</Child>"
    )


def census(*children: str, year: int = 2026, lea: str = "901", head: str | None = None) -> str:
    return f"<Message>{head or header(year, lea)}<Children>{''.join(children)}</Children></Message>"


def write(tmp_path: Path, text: str | bytes, name: str = "cin.xml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def row_counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in TABLES}
