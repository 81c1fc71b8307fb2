"""The DfE fortnightly return (VCYP survey, DOMAIN.md §3): every figure and the records behind it.

Each figure is a count of records of one kind (children, social workers, referrals, children's homes)
whose flags match the measure's condition. The flags are computed once, in SQL, on one annotated
queryset per kind; the figures are one grouped query per kind (`GROUP BY` the flags: a handful of rows,
whatever the size of the LA), and the list behind a figure is the same annotated queryset filtered by
the same condition, so a list always has exactly as many rows as its figure.

Every read starts from the user's local authority: children from `children_visible_to`, referrals
from `referrals_visible_to` (so a restricted record is neither listed nor counted for someone who may
not see it), staff and absences from the user's LA.
"""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from casework.accounts.models import Availability, Role, StaffAbsence, User
from casework.children.access import children_visible_to
from casework.children.models import (
    Child,
    Household,
    HouseholdCovidStatus,
    LegalStatus,
    LegalStatusKind,
    Placement,
)
from casework.contacts.models import FACE_TO_FACE_MODES, Contact
from casework.core import permissions
from casework.risk.models import RerateReason, RerateTrigger
from casework.safeguarding.models import REFERRAL_SOURCES, Referral
from casework.safeguarding.selectors import referrals_visible_to
from domain.fortnightly import (
    UNAVAILABLE_THRESHOLD_PERCENT,
    Fortnight,
    exceeds_unavailability_threshold,
    percent,
)

# SSDA903 placement types that are children's homes: K1 secure children's home, K2 children's home.
CHILDRENS_HOME_PLACEMENTS = ("K1", "K2")
CHILDREN, STAFF, REFERRALS, HOMES, NONE = "children", "staff", "referrals", "homes", "none"
ABSENCE_REASONS = [(s.value, str(s.label)) for s in Availability if s != Availability.AVAILABLE]

Condition = tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class Measure:
    key: str
    section: str
    label: str
    definition: str
    record: str  # CHILDREN, STAFF, REFERRALS, HOMES, or NONE (not computable from the data held)
    condition: Condition = ()
    denominator: str | None = None


def _group_measures() -> list[Measure]:
    groups = [
        ("cla", "children looked after", (("lac", True),)),
        ("cpp", "children on a child protection plan", (("cp", True),)),
        ("other_cin", "other children in need", (("cin", True), ("cp", False), ("lac", False))),
    ]
    seen = (
        "a recorded contact in the last 4 weeks in which the child was seen (or spoken to, by phone or video)"
    )
    measures = []
    for key, label, condition in groups:
        section = "Contact with a social worker in the last 4 weeks"
        measures += [
            Measure(
                f"{key}_seen",
                section,
                f"{label.capitalize()}: seen in the last 4 weeks",
                f"Of the {label} at the end of the fortnight, those with {seen}; access refused "
                "does not count.",
                CHILDREN,
                (*condition, ("seen", True)),
                key,
            ),
            Measure(
                f"{key}_seen_face_to_face",
                section,
                f"{label.capitalize()}: seen face to face in the last 4 weeks",
                f"Of the {label}, those with at least one such contact face to face (in the home, "
                "on the doorstep or in the garden, or elsewhere).",
                CHILDREN,
                (*condition, ("face_to_face", True)),
                key,
            ),
            Measure(
                f"{key}_seen_remotely_only",
                section,
                f"{label.capitalize()}: seen only by phone or video in the last 4 weeks",
                f"Of the {label}, those seen in the last 4 weeks but only by phone or video call.",
                CHILDREN,
                (*condition, ("seen", True), ("face_to_face", False)),
                key,
            ),
            Measure(
                f"{key}_not_seen",
                section,
                f"{label.capitalize()}: not seen in the last 4 weeks",
                f"Of the {label}, those with no contact in the last 4 weeks in which they were seen.",
                CHILDREN,
                (*condition, ("seen", False)),
                key,
            ),
        ]
    return measures


COHORT = "Children with a social worker (on the last day of the fortnight)"
MEASURES: list[Measure] = [
    Measure(
        "cla",
        COHORT,
        "Children looked after",
        "Children with a looked-after legal status open on the last day of the fortnight (a child on a "
        "child protection plan who is also looked after counts here and under child protection plans).",
        CHILDREN,
        (("lac", True),),
    ),
    Measure(
        "cpp",
        COHORT,
        "Children on a child protection plan",
        "Children with a child protection plan open on the last day of the fortnight.",
        CHILDREN,
        (("cp", True),),
    ),
    Measure(
        "other_cin",
        COHORT,
        "Other children in need",
        "Children with a child-in-need status open on the last day of the fortnight who were neither on a "
        "child protection plan nor looked after on that day.",
        CHILDREN,
        (("cin", True), ("cp", False), ("lac", False)),
    ),
    Measure(
        "with_social_worker",
        COHORT,
        "All children with a social worker",
        "Children looked after, on a child protection plan or in need on the last day of the fortnight "
        "(each child once).",
        CHILDREN,
        (("with_social_worker", True),),
    ),
    *_group_measures(),
    Measure(
        "education_setting_recorded",
        "Education",
        "Children with a social worker with an education setting recorded",
        "Of all children with a social worker, those with a school, college or early years setting "
        "recorded on their record today (settings are not dated, so this is today's record).",
        CHILDREN,
        (("with_social_worker", True), ("has_setting", True)),
        "with_social_worker",
    ),
    Measure(
        "education_setting_closed",
        "Education",
        "Children with a social worker whose education setting is recorded as closed",
        "Of all children with a social worker, those whose recorded setting is marked closed today "
        "(closure is not dated, so this is today's state, not the fortnight's).",
        CHILDREN,
        (("with_social_worker", True), ("setting_closed", True)),
        "with_social_worker",
    ),
    Measure(
        "education_missed_school",
        "Education",
        "Children with a social worker recorded as having missed school in the fortnight",
        "Of all children with a social worker, those for whom a practitioner recorded a missed school day "
        "dated in the fortnight. Only the absences someone chose to record: not an attendance rate.",
        CHILDREN,
        (("with_social_worker", True), ("missed_school", True)),
        "with_social_worker",
    ),
    Measure(
        "education_attendance",
        "Education",
        "Children with a social worker attending an education setting",
        "Not computable: Continuity holds no attendance records (the DfE collected attendance separately, "
        "through the educational settings collection). It holds only missed days practitioners recorded.",
        NONE,
    ),
    Measure(
        "referrals",
        "Referrals",
        "Referrals received in the fortnight",
        "Referrals received (date and time of receipt) in the fortnight, one per referral however many "
        "children it names.",
        REFERRALS,
    ),
    *[
        Measure(
            f"referrals_source_{code}",
            "Referrals by source",
            f"Referrals from {label}",
            f"Referrals received in the fortnight with source code {code} (CIN census ReferralSource).",
            REFERRALS,
            (("source", code),),
            "referrals",
        )
        for code, label in REFERRAL_SOURCES
    ],
    Measure(
        "started_looked_after",
        "Children who started to be looked after",
        "Children who started to be looked after in the fortnight",
        "Children with a looked-after period starting in the fortnight that does not continue one ending the "
        "day before (a change of legal status within care is not a new start).",
        CHILDREN,
        (("started_looked_after", True),),
    ),
    Measure(
        "social_workers",
        "Workforce",
        "Social workers",
        "Active staff accounts with the role of social worker (today's role and account status).",
        STAFF,
    ),
    Measure(
        "social_workers_unavailable",
        "Workforce",
        "Social workers unavailable at some time in the fortnight",
        "Social workers with an absence (sick, self-isolating, shielding, caring or leave) overlapping the "
        "fortnight in which they could not work from home.",
        STAFF,
        (("unavailable", True),),
        "social_workers",
    ),
    Measure(
        "social_workers_unavailable_last_day",
        "Workforce",
        "Social workers unavailable on the last day of the fortnight",
        "Social workers with such an absence covering the fortnight's last day.",
        STAFF,
        (("unavailable_last_day", True),),
        "social_workers",
    ),
    *[
        Measure(
            f"social_workers_unavailable_{value}",
            "Workforce",
            f"Social workers unavailable in the fortnight: {label.lower()}",
            f"Social workers with an absence recorded as {label.lower()} overlapping the fortnight, not "
            "working from home (a worker with absences of two kinds counts under each).",
            STAFF,
            ((f"off_{value}", True),),
            "social_workers",
        )
        for value, label in ABSENCE_REASONS
    ],
    Measure(
        "social_workers_working_from_home",
        "Workforce",
        "Social workers off but working from home in the fortnight",
        "Social workers with an absence overlapping the fortnight during which they worked from home (phone "
        "and video contact only); not counted as unavailable.",
        STAFF,
        (("working_from_home", True),),
        "social_workers",
    ),
    Measure(
        "residential_staff_unavailable",
        "Workforce",
        "Residential care staff unavailable",
        "Not computable: residential care workers are not staff of this system (no role or absence records "
        "for children's homes' staff).",
        NONE,
    ),
    Measure(
        "children_in_childrens_homes",
        "Children's homes",
        "Children living in a children's home",
        "Children whose placement open on the last day of the fortnight is a children's home or secure "
        "children's home (SSDA903 placement types K2, K1).",
        CHILDREN,
        (("in_childrens_home", True),),
    ),
    Measure(
        "childrens_homes",
        "Children's homes",
        "Children's homes with a child placed",
        "Households that a child counted above lives in (the child's recorded household, today's record).",
        HOMES,
    ),
    Measure(
        "childrens_homes_covid",
        "Children's homes",
        "Children's homes affected by COVID-19 in the fortnight",
        "Of those homes, those with a COVID-19 status (symptomatic, confirmed, isolating, shielding) "
        "recorded for the household overlapping the fortnight.",
        HOMES,
        (("covid", True),),
        "childrens_homes",
    ),
    Measure(
        "childrens_homes_closed",
        "Children's homes",
        "Children's homes closed",
        "Not computable: closures of children's homes are not recorded (homes are recorded as households; "
        "only education settings carry an open or closed flag).",
        NONE,
    ),
]
MEASURES_BY_KEY = {m.key: m for m in MEASURES}


# --- Periods ---------------------------------------------------------------------------------------


def day_start(day: date) -> datetime:
    """Midnight at the start of `day`, local time (Europe/London)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _open_on(day: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}starts_on__lte": day}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": day})
    )


def _overlapping(period: Fortnight) -> Q:
    return Q(starts_on__lte=period.ends_on) & (Q(ends_on__isnull=True) | Q(ends_on__gte=period.starts_on))


def _flag(condition: Q) -> ExpressionWrapper[Any]:
    return ExpressionWrapper(condition, output_field=BooleanField())


# --- Children -------------------------------------------------------------------------------------


def _seen_contacts(la_id: int, period: Fortnight) -> QuerySet[Contact]:
    return Contact.objects.filter(
        la_id=la_id,
        occurred_at__gte=day_start(period.contact_window_starts_on),
        occurred_at__lt=day_start(period.ends_on + timedelta(days=1)),
        child_seen=True,
        access_refused=False,
    )


def children_flagged(*, user: User, period: Fortnight, flags: Iterable[str] | None = None) -> QuerySet[Child]:
    """The children the user may see, alive on the fortnight's last day, with every flag a child measure
    uses (each an uncorrelated `IN (subquery)`, which PostgreSQL hashes once for the whole query), or
    only the `flags` named (a page that needs a few measures need not pay for the others)."""
    la_id = permissions.la_id_of(user)
    end = period.ends_on

    def status_ids(kind: str) -> QuerySet[LegalStatus, Any]:
        return LegalStatus.objects.filter(_open_on(end), la_id=la_id, kind=kind).values("child_id")

    seen = _seen_contacts(la_id, period)
    continued = LegalStatus.objects.filter(
        child_id=OuterRef("child_id"),
        kind=LegalStatusKind.LAC,
        ends_on=ExpressionWrapper(OuterRef("starts_on") - timedelta(days=1), output_field=DateField()),
    )
    started = (
        LegalStatus.objects.filter(
            la_id=la_id, kind=LegalStatusKind.LAC, starts_on__gte=period.starts_on, starts_on__lte=end
        )
        .filter(~Exists(continued))
        .values("child_id")
    )
    missed = RerateTrigger.objects.filter(
        la_id=la_id,
        reason=RerateReason.MISSED_SCHOOL,
        occurred_on__gte=period.starts_on,
        occurred_on__lte=end,
    ).values("child_id")
    in_home = Placement.objects.filter(
        _open_on(end), la_id=la_id, placement_type__in=CHILDRENS_HOME_PLACEMENTS
    ).values("child_id")
    with_social_worker = LegalStatus.objects.filter(
        _open_on(end), la_id=la_id, kind__in=[LegalStatusKind.CIN, LegalStatusKind.CP, LegalStatusKind.LAC]
    ).values("child_id")
    every = {
        "lac": Q(pk__in=status_ids(LegalStatusKind.LAC)),
        "cp": Q(pk__in=status_ids(LegalStatusKind.CP)),
        "cin": Q(pk__in=status_ids(LegalStatusKind.CIN)),
        "with_social_worker": Q(pk__in=with_social_worker),
        "seen": Q(pk__in=seen.values("child_id")),
        "face_to_face": Q(pk__in=seen.filter(mode__in=FACE_TO_FACE_MODES).values("child_id")),
        "started_looked_after": Q(pk__in=started),
        "missed_school": Q(pk__in=missed),
        "has_setting": Q(education_setting_id__isnull=False),
        "setting_closed": Q(education_setting_id__isnull=False) & Q(education_setting__is_open=False),
        "in_childrens_home": Q(pk__in=in_home),
    }
    wanted = every if flags is None else {name: every[name] for name in flags}
    return (
        children_visible_to(user)
        .filter(Q(date_of_death__isnull=True) | Q(date_of_death__gt=end))
        .annotate(**{name: _flag(condition) for name, condition in wanted.items()})
    )


CHILD_FLAGS = [
    "lac",
    "cp",
    "cin",
    "with_social_worker",
    "seen",
    "face_to_face",
    "started_looked_after",
    "missed_school",
    "has_setting",
    "setting_closed",
    "in_childrens_home",
]


CHILD_MEASURES = [m for m in MEASURES if m.record == CHILDREN]
CONTACT_FLAGS = ("seen", "face_to_face")  # from the contacts `child_rows` reads anyway
CHILD_FIELDS = ["pk", "la_child_id", "education_setting__urn", "education_setting__is_open", *CHILD_FLAGS]


def child_rows(*, user: User, period: Fortnight) -> list[dict[str, Any]]:
    """Every child counted in any child measure, once, in LA child ID order, with its flags and what
    decided its inclusion (for downloads): four set-wise queries, whatever the number of measures.
    `matching` then picks a measure's children with the same condition that counted them."""
    la_id = permissions.la_id_of(user)
    # The contacts in which children were seen, read once: the latest of each child's (and the latest
    # face to face) for the download, and the `seen` and `face_to_face` flags from the same rows, exactly
    # as `children_flagged` computes them, without two more passes over every contact of the LA.
    last_seen: dict[int, tuple[datetime, str]] = {}
    last_face_to_face: dict[int, datetime] = {}
    seen = _seen_contacts(la_id, period).order_by("child_id", "-occurred_at", "-pk")
    for child_id, occurred_at, mode in seen.values_list("child_id", "occurred_at", "mode"):
        last_seen.setdefault(child_id, (occurred_at, mode))
        if mode in FACE_TO_FACE_MODES:
            last_face_to_face.setdefault(child_id, occurred_at)
    in_sql = [name for name in CHILD_FIELDS if name not in CONTACT_FLAGS]
    flagged = list(children_flagged(user=user, period=period).order_by("la_child_id", "pk").values(*in_sql))
    for row in flagged:
        row["seen"] = row["pk"] in last_seen
        row["face_to_face"] = row["pk"] in last_face_to_face
    # Which children any measure counts is decided here, by the measures' own test, rather than by a
    # WHERE clause that would make PostgreSQL compute every flag a second time.
    counted = {id(row) for rows in matching_each(flagged, CHILD_MEASURES).values() for row in rows}
    rows = [row for row in flagged if id(row) in counted]
    started = dict(
        LegalStatus.objects.filter(
            la_id=la_id,
            kind=LegalStatusKind.LAC,
            starts_on__gte=period.starts_on,
            starts_on__lte=period.ends_on,
        )
        .order_by("child_id", "starts_on")
        .distinct("child_id")
        .values_list("child_id", "starts_on")
    )
    missed = dict(
        RerateTrigger.objects.filter(
            la_id=la_id,
            reason=RerateReason.MISSED_SCHOOL,
            occurred_on__gte=period.starts_on,
            occurred_on__lte=period.ends_on,
        )
        .order_by()
        .values("child_id")
        .annotate(n=Count("pk"))
        .values_list("child_id", "n")
    )
    local = timezone.get_current_timezone()  # once: timezone.localdate() would ask for it per row
    for row in rows:
        pk = row["pk"]
        contact = last_seen.get(pk)
        face_to_face = last_face_to_face.get(pk)
        row["last_seen_on"] = contact[0].astimezone(local).date() if contact else None
        row["last_seen_mode"] = contact[1] if contact else ""
        row["last_face_to_face_on"] = face_to_face.astimezone(local).date() if face_to_face else None
        row["looked_after_from"] = started.get(pk)
        row["missed_days"] = missed.get(pk, 0)
    return rows


def matching(rows: Iterable[dict[str, Any]], measure: Measure) -> list[dict[str, Any]]:
    """The rows counted in `measure` (the same test as the figures)."""
    return [row for row in rows if _matches(row, measure.condition)]


def matching_each(rows: list[dict[str, Any]], measures: Iterable[Measure]) -> dict[str, list[dict[str, Any]]]:
    """The rows counted in each child measure, in order: the same test as `matching`, made once per
    combination of flags found (a few dozen) rather than once per child and measure (three million
    tests for a whole-LA download at 100,000 children)."""
    flags_of = operator.itemgetter(*CHILD_FLAGS)
    numbered: dict[tuple[Any, ...], int] = {}
    kinds = [numbered.setdefault(flags_of(row), len(numbered)) for row in rows]
    flags = [dict(zip(CHILD_FLAGS, combination, strict=True)) for combination in numbered]
    behind = {}
    for measure in measures:
        wanted = [_matches(named, measure.condition) for named in flags]
        behind[measure.key] = [row for row, kind in zip(rows, kinds, strict=True) if wanted[kind]]
    return behind


def children_detail(children: QuerySet[Child], *, period: Fortnight) -> QuerySet[Child]:
    """What decided each child's inclusion, for the rows listed (one correlated lookup per listed row,
    by the contact index, in the same query: never a query per child)."""
    seen = Contact.objects.filter(
        child_id=OuterRef("pk"),
        occurred_at__gte=day_start(period.contact_window_starts_on),
        occurred_at__lt=day_start(period.ends_on + timedelta(days=1)),
        child_seen=True,
        access_refused=False,
    ).order_by("-occurred_at")
    local = timezone.get_current_timezone()
    started = LegalStatus.objects.filter(
        child_id=OuterRef("pk"),
        kind=LegalStatusKind.LAC,
        starts_on__gte=period.starts_on,
        starts_on__lte=period.ends_on,
    ).order_by("starts_on")
    missed = (
        RerateTrigger.objects.filter(
            child_id=OuterRef("pk"),
            reason=RerateReason.MISSED_SCHOOL,
            occurred_on__gte=period.starts_on,
            occurred_on__lte=period.ends_on,
        )
        .order_by()
        .values("child_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return children.select_related("team", "allocated_worker", "education_setting").annotate(
        last_seen_on=Subquery(
            seen.annotate(day=TruncDate("occurred_at", tzinfo=local)).values("day")[:1],
            output_field=DateField(),
        ),
        last_seen_mode=Subquery(seen.values("mode")[:1]),
        last_face_to_face_on=Subquery(
            seen.filter(mode__in=FACE_TO_FACE_MODES)
            .annotate(day=TruncDate("occurred_at", tzinfo=local))
            .values("day")[:1],
            output_field=DateField(),
        ),
        looked_after_from=Subquery(started.values("starts_on")[:1]),
        missed_days=Subquery(missed),
    )


# --- Staff, referrals, homes ------------------------------------------------------------------------


def staff_flagged(*, user: User, period: Fortnight) -> QuerySet[User]:
    """The LA's active social workers, flagged by their absences in the fortnight."""
    la_id = permissions.la_id_of(user)
    absences = StaffAbsence.objects.filter(_overlapping(period), la_id=la_id).exclude(
        status=Availability.AVAILABLE
    )
    off = absences.filter(can_work_from_home=False)
    last_day = off.filter(_open_on(period.ends_on))
    reasons = {
        f"off_{value}": _flag(Q(pk__in=off.filter(status=value).values("user_id")))
        for value, _ in ABSENCE_REASONS
    }
    return User.objects.filter(la_id=la_id, role=Role.SOCIAL_WORKER, is_active=True).annotate(
        unavailable=_flag(Q(pk__in=off.values("user_id"))),
        unavailable_last_day=_flag(Q(pk__in=last_day.values("user_id"))),
        working_from_home=_flag(Q(pk__in=absences.filter(can_work_from_home=True).values("user_id"))),
        **reasons,
    )


STAFF_FLAGS = [
    "unavailable",
    "unavailable_last_day",
    "working_from_home",
    *[f"off_{value}" for value, _ in ABSENCE_REASONS],
]


def referrals_in(*, user: User, period: Fortnight) -> QuerySet[Referral]:
    return referrals_visible_to(user).filter(
        received_at__gte=day_start(period.starts_on),
        received_at__lt=day_start(period.ends_on + timedelta(days=1)),
    )


def homes_flagged(*, user: User, period: Fortnight) -> QuerySet[Household]:
    """Children's homes: the households of the children counted as living in one on the last day."""
    children = children_flagged(user=user, period=period).filter(**{"in_childrens_home": True})
    covid = HouseholdCovidStatus.objects.filter(_overlapping(period), la_id=permissions.la_id_of(user))
    return Household.objects.filter(
        la_id=permissions.la_id_of(user), pk__in=children.values("household_id")
    ).annotate(covid=_flag(Q(pk__in=covid.values("household_id"))))


def flagged(record: str, *, user: User, period: Fortnight) -> QuerySet[Any]:
    if record == CHILDREN:
        return children_flagged(user=user, period=period)
    if record == STAFF:
        return staff_flagged(user=user, period=period)
    if record == REFERRALS:
        return referrals_in(user=user, period=period)
    if record == HOMES:
        return homes_flagged(user=user, period=period)
    raise ValueError(f"No records behind {record}")


GROUP_BY = {CHILDREN: CHILD_FLAGS, STAFF: STAFF_FLAGS, REFERRALS: ["source"], HOMES: ["covid"]}


def records_behind(measure: Measure, *, user: User, period: Fortnight) -> QuerySet[Any]:
    """The records counted in `measure`: the same flagged queryset and condition as the figure."""
    return flagged(measure.record, user=user, period=period).filter(**dict(measure.condition))


# --- The return ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    measure: Measure
    value: int | None
    of: int | None = None

    @property
    def percent(self) -> float | None:
        return percent(self.value, self.of) if self.value is not None and self.of is not None else None

    @property
    def computable(self) -> bool:
        return self.value is not None


@dataclass
class Section:
    title: str
    figures: list[Figure] = field(default_factory=list)


@dataclass
class FortnightlyReturn:
    period: Fortnight
    figures: list[Figure]
    social_workers_over_threshold: bool
    threshold_percent: int = UNAVAILABLE_THRESHOLD_PERCENT

    @property
    def by_key(self) -> dict[str, Figure]:
        return {f.measure.key: f for f in self.figures}

    @property
    def sections(self) -> list[Section]:
        sections: dict[str, Section] = {}
        for figure in self.figures:
            sections.setdefault(figure.measure.section, Section(figure.measure.section)).figures.append(
                figure
            )
        return list(sections.values())


def _matches(row: dict[str, Any], condition: Condition) -> bool:
    return all(row[name] == value for name, value in condition)


def flag_counts(
    record: str, *, user: User, period: Fortnight, flags: list[str] | None = None
) -> list[dict[str, Any]]:
    """One grouped query: how many records have each combination of flags (for children, only `flags`
    when given, so a page that needs a few measures asks only for their flags)."""
    names = GROUP_BY[record] if flags is None else flags
    records = (
        flagged(record, user=user, period=period)
        if flags is None
        else children_flagged(user=user, period=period, flags=flags)
    )
    return list(records.values(*names).annotate(n=Count("pk")).order_by(*names))


def count_figures(
    measures: Iterable[Measure], counts: dict[str, list[dict[str, Any]]]
) -> dict[str, int | None]:
    return {
        m.key: (
            None
            if m.record == NONE
            else sum(row["n"] for row in counts[m.record] if _matches(row, m.condition))
        )
        for m in measures
    }


def counts_of(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """`child_rows` as `flag_counts` gives them: how many children have each combination of flags."""
    combinations = Counter(map(operator.itemgetter(*CHILD_FLAGS), rows))
    return [{**dict(zip(CHILD_FLAGS, c, strict=True)), "n": n} for c, n in combinations.items()]


def fortnightly_return(
    *, user: User, period: Fortnight, children: list[dict[str, Any]] | None = None
) -> FortnightlyReturn:
    """Every figure of the return: four grouped queries, whatever the size of the LA. Given `children`
    (`child_rows` for the same user and period, read for a download anyway) the child figures are counted
    from those rows, by the same test, instead of asking the database again: `child_rows` holds every
    child any child measure counts, so each figure comes out the same."""
    records = [r for r in GROUP_BY if children is None or r != CHILDREN]
    counts = {record: flag_counts(record, user=user, period=period) for record in records}
    if children is not None:
        counts[CHILDREN] = counts_of(children)
    values = count_figures(MEASURES, counts)
    figures = [Figure(m, values[m.key], values[m.denominator] if m.denominator else None) for m in MEASURES]
    return FortnightlyReturn(
        period=period,
        figures=figures,
        social_workers_over_threshold=exceeds_unavailability_threshold(
            values["social_workers_unavailable"] or 0, values["social_workers"] or 0
        ),
    )


def list_behind(measure: Measure, *, user: User, period: Fortnight) -> QuerySet[Any]:
    """The records behind a figure, ordered and with what the page shows about each."""
    records = records_behind(measure, user=user, period=period)
    if measure.record == CHILDREN:
        return children_detail(records, period=period).order_by("la_child_id", "pk")
    if measure.record == STAFF:
        absences = StaffAbsence.objects.filter(_overlapping(period)).order_by("starts_on")
        return (
            records.select_related("team")
            .prefetch_related(Prefetch("absences", queryset=absences, to_attr="period_absences"))
            .order_by("last_name", "first_name", "pk")
        )
    if measure.record == REFERRALS:
        visible = children_visible_to(user).only("pk", "la_child_id").order_by("la_child_id")
        return records.prefetch_related(
            Prefetch("children", queryset=visible, to_attr="listed_children")
        ).order_by("received_at", "pk")
    covid = HouseholdCovidStatus.objects.filter(_overlapping(period)).order_by("starts_on")
    homes: QuerySet[Household] = (
        records.prefetch_related(Prefetch("covid_statuses", queryset=covid, to_attr="period_statuses"))
        .annotate(
            placed=Count(
                "children",
                filter=Q(
                    children__in=records_behind(
                        MEASURES_BY_KEY["children_in_childrens_homes"], user=user, period=period
                    ).values("pk")
                ),
            )
        )
        .order_by("postcode", "address_line_1", "pk")
    )
    return homes


# --- Across fortnights ------------------------------------------------------------------------------

ACROSS_FORTNIGHTS = 6  # the fortnights the trend page shows, the chosen one last
# The contact measures of the three groups and the groups themselves, and the only flags they read.
ACROSS_MEASURES = [
    m for m in MEASURES if m.key.startswith(("cla", "cpp", "other_cin")) and m.record == CHILDREN
]
ACROSS_FLAGS = sorted({name for m in ACROSS_MEASURES for name, _value in m.condition})


@dataclass(frozen=True)
class FortnightFigures:
    period: Fortnight
    figures: dict[str, Figure]


def across_fortnights(
    *, user: User, ends: Fortnight, count: int = ACROSS_FORTNIGHTS
) -> list[FortnightFigures]:
    """The return's child figures for `count` fortnights ending with `ends`, oldest first: one grouped
    query a fortnight, counted by the same test as the return itself, so each fortnight's figure here is
    the figure its own return shows (and the same children are left out: restricted records the user is
    not named on, children who had died)."""
    periods = [ends]
    while len(periods) < count:
        periods.append(periods[-1].previous)
    out = []
    for period in reversed(periods):
        counts = flag_counts(CHILDREN, user=user, period=period, flags=ACROSS_FLAGS)
        values = count_figures(ACROSS_MEASURES, {CHILDREN: counts})
        figures = {
            m.key: Figure(m, values[m.key], values.get(m.denominator) if m.denominator else None)
            for m in ACROSS_MEASURES
        }
        out.append(FortnightFigures(period, figures))
    return out
