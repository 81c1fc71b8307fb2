"""Export the LA's Children in Need census for one collection year (the 2025-26 / 2026-27 DfE layout).

Written as a stream, children ordered by LA child ID, in chunks of `CHUNK` children with a constant number
of queries per chunk. No XML namespace (the DfE ingress reads `root.find("Header")`), ISO dates, 0/1
yes/no values, Sex M/F/U, Disability NONE for a born child with none recorded.

What belongs to the census of year YEAR (period 1 April YEAR-1 .. 31 March YEAR, RETURNS.md "Date logic"):
- a child with a CIN episode open at any time in the period; of the child, those episodes;
- of an episode, what happened by 31 March: closure (and its reason), initial conference, assessment
  authorisation, plan and CPP ends, review dates after 31 March are left out (the episode, assessment,
  plan or CPP was open at the reference date); assessments, plans, S47 enquiries and CPPs starting after
  31 March are left out;
- what ended before the period is left out: assessments authorised before 1 April (8696), CIN plans and
  CPPs ended before it (4013, 8930), S47 enquiries whose conference was before it (8715) or that ended
  with no conference needed before it;
- a death after 31 March is left out.
Applying the filter to its own output changes nothing, so export -> import -> export is stable.
"""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from casework.accounts.models import User
from casework.children.models import Child
from casework.core.models import LocalAuthority
from casework.returns.children import GENDER_TO_SEX
from casework.returns.models import (
    ChildReturnDetails,
    CinAssessment,
    CinEpisode,
    CinPlan,
    CpPlan,
    ExportRun,
    ReturnKind,
    Section47,
)
from domain.census.years import FIRST_SUPPORTED_EXPORT_YEAR, CollectionYear

CHUNK = 1000
SOFTWARE = "Continuity"
RELEASE = "1"


def _d(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _within(value: date | None, period: CollectionYear) -> date | None:
    """A date that has happened by the reference date, else None."""
    return value if value is not None and value <= period.ends else None


def in_year(kind: str, part: Any, period: CollectionYear) -> bool:
    """Whether a part of an episode belongs in the census of `period` (the import uses the same test, so
    that a census never removes what it could not contain: parts finished before or begun after it)."""
    start = part.start_date
    if start is not None and start > period.ends:
        return False
    if kind == "assessments":
        authorised = part.authorisation_date
        return authorised is None or authorised >= period.starts  # 8696
    if kind in {"plans", "cp_plans"}:
        return part.end_date is None or part.end_date >= period.starts  # 4013 / 8930
    if part.icpc_date is not None and part.icpc_date < period.starts:  # 8715
        return False
    # A section 47 that ended with no conference needed before the period is not returned.
    return not (
        part.icpc_date is None and part.icpc_not_required and start is not None and start < period.starts
    )


class _Writer:
    def __init__(self, out: IO[Any]) -> None:
        self.out = out
        self.text = isinstance(out, io.TextIOBase)
        self.parts: list[str] = []

    def open(self, tag: str, depth: int) -> None:
        self.parts.append(f"{'  ' * depth}<{tag}>\n")

    def close(self, tag: str, depth: int) -> None:
        self.parts.append(f"{'  ' * depth}</{tag}>\n")

    def value(self, tag: str, value: str | None, depth: int) -> None:
        if value is not None and value != "":
            self.parts.append(f"{'  ' * depth}<{tag}>{escape(value)}</{tag}>\n")

    def flush(self) -> None:
        text = "".join(self.parts)
        self.out.write(text if self.text else text.encode("utf-8"))
        self.parts = []


def export_cin(
    *, la: LocalAuthority, year: int, out: Path | str | IO[Any], actor: User | None = None
) -> ExportRun:
    """Write `la`'s census for collection year `year` (the year it ends) to `out` (path or stream)."""
    if year < FIRST_SUPPORTED_EXPORT_YEAR:
        raise ValueError(
            f"The CIN census can be exported for {FIRST_SUPPORTED_EXPORT_YEAR} onwards, not {year}"
        )
    if isinstance(out, str | Path):
        with Path(out).open("wb") as handle:
            return export_cin(la=la, year=year, out=handle, actor=actor)
    period = CollectionYear(year)
    counts: Counter[str] = Counter()
    writer = _Writer(out)
    writer.parts.append('<?xml version="1.0" encoding="utf-8"?>\n')
    writer.open("Message", 0)
    _header(writer, la, period)
    writer.open("Children", 1)
    for chunk in _chunks(la, period):
        for child, details, episodes in chunk:
            _child(writer, child, details, episodes, period, counts)
            counts["children"] += 1
        writer.flush()
    writer.close("Children", 1)
    writer.close("Message", 0)
    writer.flush()
    return ExportRun.objects.create(
        la=la,
        kind=ReturnKind.CIN,
        collection_year=year,
        children=counts["children"],
        counts=dict(counts),
        created_by=actor,
    )


def _header(writer: _Writer, la: LocalAuthority, period: CollectionYear) -> None:
    writer.open("Header", 1)
    writer.open("CollectionDetails", 2)
    writer.value("Collection", "CIN", 3)
    writer.value("Year", str(period.year), 3)
    writer.value("ReferenceDate", period.ends.isoformat(), 3)
    writer.close("CollectionDetails", 2)
    writer.open("Source", 2)
    writer.value("SourceLevel", "L", 3)
    writer.value("LEA", la.lea_code, 3)
    writer.value("SoftwareCode", SOFTWARE, 3)
    writer.value("Release", RELEASE, 3)
    writer.value("SerialNo", "001", 3)
    writer.value("DateTime", timezone.localtime().replace(microsecond=0, tzinfo=None).isoformat(), 3)
    writer.close("Source", 2)
    writer.close("Header", 1)


def _episode_filter(period: CollectionYear) -> Q:
    return Q(referral_date__lte=period.ends) & (
        Q(closure_date__isnull=True) | Q(closure_date__gte=period.starts)
    )


Row = tuple[Child, ChildReturnDetails | None, list[tuple[CinEpisode, dict[str, list[Any]]]]]


def _chunks(la: LocalAuthority, period: CollectionYear) -> Iterator[list[Row]]:
    """The census children in LA child ID order, CHUNK at a time, with 7 queries a chunk."""
    in_census = CinEpisode.objects.filter(_episode_filter(period), child_id=OuterRef("pk"))
    ids = list(
        Child.objects.filter(Exists(in_census), la=la)
        .order_by("la_child_id", "pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), CHUNK):
        chunk_ids = ids[start : start + CHUNK]
        children = {child.pk: child for child in Child.objects.filter(pk__in=chunk_ids)}
        details = {row.child_id: row for row in ChildReturnDetails.objects.filter(child_id__in=chunk_ids)}
        episodes: dict[int, list[CinEpisode]] = defaultdict(list)
        for episode in CinEpisode.objects.filter(_episode_filter(period), child_id__in=chunk_ids).order_by(
            "child_id", "referral_date"
        ):
            episodes[episode.child_id].append(episode)
        episode_ids = [episode.pk for rows in episodes.values() for episode in rows]
        parts: dict[int, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
        for name, model in (
            ("assessments", CinAssessment),
            ("plans", CinPlan),
            ("section47s", Section47),
            ("cp_plans", CpPlan),
        ):
            for part in model.objects.filter(episode_id__in=episode_ids).order_by(
                "episode_id", "position", "id"
            ):
                parts[part.episode_id][name].append(part)
        yield [
            (
                children[child_id],
                details.get(child_id),
                [(episode, parts[episode.pk]) for episode in episodes[child_id]],
            )
            for child_id in chunk_ids
        ]


def _child(
    writer: _Writer,
    child: Child,
    details: ChildReturnDetails | None,
    episodes: list[tuple[CinEpisode, dict[str, list[Any]]]],
    period: CollectionYear,
    counts: Counter[str],
) -> None:
    writer.open("Child", 2)
    writer.open("ChildIdentifiers", 3)
    writer.value("LAchildID", child.la_child_id, 4)
    writer.value("UPN", child.upn, 4)
    writer.value("FormerUPN", child.former_upn, 4)
    writer.value("UPNunknown", details.upn_unknown if details is not None else None, 4)
    writer.value("PersonBirthDate", _d(child.date_of_birth), 4)
    writer.value("ExpectedPersonBirthDate", _d(child.expected_date_of_birth), 4)
    writer.value("Sex", GENDER_TO_SEX.get(child.gender, "U"), 4)
    writer.value("PersonDeathDate", _d(_within(child.date_of_death, period)), 4)
    writer.close("ChildIdentifiers", 3)
    writer.open("ChildCharacteristics", 3)
    writer.value("Ethnicity", child.ethnicity, 4)
    disabilities = list(child.disabilities) or (["NONE"] if child.date_of_birth is not None else [])
    if disabilities:
        writer.open("Disabilities", 4)
        for code in disabilities:
            writer.value("Disability", code, 5)
        writer.close("Disabilities", 4)
    writer.close("ChildCharacteristics", 3)
    for episode, parts in episodes:
        _episode(writer, episode, parts, period, counts)
    writer.close("Child", 2)


def _episode(
    writer: _Writer,
    episode: CinEpisode,
    parts: dict[str, list[Any]],
    period: CollectionYear,
    counts: Counter[str],
) -> None:
    counts["episodes"] += 1
    closure = _within(episode.closure_date, period)
    writer.open("CINdetails", 3)
    writer.value("CINreferralDate", _d(episode.referral_date), 4)
    writer.value("ReferralSource", episode.referral_source, 4)
    writer.value("PrimaryNeedCode", episode.primary_need, 4)
    writer.value("CINclosureDate", _d(closure), 4)
    writer.value("ReasonForClosure", episode.closure_reason if closure else None, 4)
    writer.value("DateOfInitialCPC", _d(_within(episode.initial_cpc_date, period)), 4)
    for name, write in (("assessments", _assessment), ("plans", _plan), ("section47s", _section47)):
        for part in _in_year(name, parts, period, counts):
            write(writer, part, period)
    writer.value("ReferralNFA", "1" if episode.referral_nfa else "0", 4)
    for plan in _in_year("cp_plans", parts, period, counts):
        _cp_plan(writer, plan, period)
    writer.close("CINdetails", 3)


def _in_year(
    name: str, parts: dict[str, list[Any]], period: CollectionYear, counts: Counter[str]
) -> list[Any]:
    """The episode's parts of one kind that belong in the census year (counted)."""
    found = [part for part in parts[name] if in_year(name, part, period)]
    counts[name] += len(found)
    return found


def _assessment(writer: _Writer, assessment: Any, period: CollectionYear) -> None:
    authorised = _within(assessment.authorisation_date, period)
    writer.open("Assessments", 4)
    writer.value("AssessmentActualStartDate", _d(assessment.start_date), 5)
    writer.value("AssessmentInternalReviewDate", _d(_within(assessment.internal_review_date, period)), 5)
    writer.value("AssessmentAuthorisationDate", _d(authorised), 5)
    if authorised is not None and assessment.factors:  # factors only on completed assessments (8614)
        writer.open("FactorsIdentifiedAtAssessment", 5)
        for factor in assessment.factors:
            writer.value("AssessmentFactors", factor, 6)
        writer.close("FactorsIdentifiedAtAssessment", 5)
    writer.close("Assessments", 4)


def _plan(writer: _Writer, plan: Any, period: CollectionYear) -> None:
    writer.open("CINPlanDates", 4)
    writer.value("CINPlanStartDate", _d(plan.start_date), 5)
    writer.value("CINPlanEndDate", _d(_within(plan.end_date, period)), 5)
    writer.close("CINPlanDates", 4)


def _section47(writer: _Writer, enquiry: Any, period: CollectionYear) -> None:
    writer.open("Section47", 4)
    writer.value("S47ActualStartDate", _d(enquiry.start_date), 5)
    writer.value("InitialCPCtarget", _d(enquiry.icpc_target), 5)
    writer.value("DateOfInitialCPC", _d(_within(enquiry.icpc_date, period)), 5)
    if enquiry.icpc_not_required is not None:
        writer.value("ICPCnotRequired", "1" if enquiry.icpc_not_required else "0", 5)
    writer.close("Section47", 4)


def _cp_plan(writer: _Writer, plan: Any, period: CollectionYear) -> None:
    writer.open("ChildProtectionPlans", 4)
    writer.value("CPPstartDate", _d(plan.start_date), 5)
    writer.value("CPPendDate", _d(_within(plan.end_date, period)), 5)
    writer.value("InitialCategoryOfAbuse", plan.initial_category, 5)
    writer.value("LatestCategoryOfAbuse", plan.latest_category, 5)
    writer.value("NumberOfPreviousCPP", None if plan.previous_plans is None else str(plan.previous_plans), 5)
    reviews = [review for review in plan.review_dates if review <= period.ends]
    if reviews:
        writer.open("Reviews", 5)
        for review in reviews:
            writer.value("CPPreviewDate", review.isoformat(), 6)
        writer.close("Reviews", 5)
    writer.close("ChildProtectionPlans", 4)


def header_free(text: str) -> str:
    """The export without its <DateTime> line, for comparing two exports of the same data."""
    return "\n".join(line for line in text.splitlines() if "<DateTime>" not in line)
