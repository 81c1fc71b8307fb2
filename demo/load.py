"""Writing a DemoPlan with PostgreSQL COPY: about 400,000 rows a minute would be far too slow through the ORM.

Ids are taken from each table's own sequence before the rows are written (`nextval` once per row, in
one query), so they never collide with rows other sessions insert meanwhile and the sequences need no
`setval` afterwards. Foreign keys are DEFERRABLE INITIALLY DEFERRED (Django's default on PostgreSQL), so
tables that point at each other (teams and their managers, staff and their line managers) load in any
order inside the one transaction. Generated columns (the child's search keys) are left to PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from django.db import connection, models
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from casework.accounts.models import StaffAbsence, Team, User
from casework.children.models import (
    Child,
    ChildAccessGrant,
    EducationSetting,
    Household,
    HouseholdCovidStatus,
    LegalStatus,
    Placement,
)
from casework.children.services import CHILD_FIELDS as REGISTER_CHILD_FIELDS
from casework.contacts.models import Contact, ContactPlan, DueState
from casework.core.models import Alert
from casework.decisions.models import Departure
from casework.policy.models import EmergencyDeclaration
from casework.returns.columns import CIN_EPISODE_FIELDS, CIN_PART_FIELDS, DETAIL_FIELDS, lac_fields
from casework.returns.models import (
    ChildReturnDetails,
    CinAssessment,
    CinEpisode,
    CinPlan,
    CpPlan,
    LacAdoption,
    LacCareLeaver,
    LacEpisode,
    LacMissing,
    LacOutcomes,
    LacPlacedForAdoption,
    LacPreviousPermanence,
    LacReview,
    Section47,
)
from casework.risk.models import RerateTrigger, RiskRating
from casework.safeguarding.models import (
    Deadline,
    InformationShare,
    Meeting,
    Referral,
    ReferralChild,
    SeriousIncident,
)
from demo.generate import DemoPlan
from demo.operations import CONTACT_COLUMNS, CONTACT_TEMPLATES, N, Operations, _esc
from demo.returns import DemoReturns
from demo.safeguarding import DECISION_REASON, Safeguarding
from domain.regimes import national_regime_on


class Identified(Protocol):
    id: int


TENANT = ("la", "created_at", "created_by", "updated_at", "updated_by")


def _reserve_ids(cursor: CursorWrapper, model: type[models.Model], count: int) -> list[int]:
    if count == 0:
        return []
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
        [model._meta.db_table, count],
    )
    return [row[0] for row in cursor.fetchall()]


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.column:
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return field.column


def _copy(
    cursor: CursorWrapper, model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """COPY rows (values in the order of `fields`) into the model's table; returns the number written."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(_column(model, name)) for name in fields)
    written = 0
    # The psycopg cursor underneath Django's wrapper: COPY is a psycopg 3 feature Django does not wrap.
    with cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            written += 1
    return written


def _copy_lines(
    cursor: CursorWrapper, model: type[models.Model], fields: Sequence[str], lines: Iterable[str]
) -> int:
    """COPY rows already formatted as text (tab-separated, newline-terminated): several times faster
    than `_copy` for the bulk tables, whose values need no adaptation."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(_column(model, name)) for name in fields)
    written = 0
    chunk: list[str] = []
    with cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
        for line in lines:
            chunk.append(line)
            if len(chunk) >= 20000:
                copy.write("".join(chunk).encode())
                written += len(chunk)
                chunk = []
        copy.write("".join(chunk).encode())
        written += len(chunk)
    return written


def _d(day: date | None) -> str:
    return N if day is None else day.isoformat()


def _assign(cursor: CursorWrapper, objects: Sequence[Identified], model: type[models.Model]) -> None:
    """Give each planned object its id from the model's sequence."""
    for obj, pk in zip(objects, _reserve_ids(cursor, model, len(objects)), strict=True):
        obj.id = pk


def load_plan(plan: DemoPlan, *, la_id: int, password_hash: str) -> dict[str, int]:
    """Write every row of the plan for local authority `la_id`. Call inside a transaction."""
    now = timezone.now()
    stamp = (la_id, now, None, now, None)
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        # Every pgtrigger trigger (pghistory's history triggers are pgtrigger triggers) first reads the
        # setting "pgtrigger.ignore". Unset, reading it raises an error which the trigger catches in a
        # subtransaction: about 0.5 ms a row, which made a 100,000-child load take over fifteen minutes.
        # An empty list means the same thing (ignore nothing) without the error. Transaction-local.
        cursor.execute("SELECT set_config('pgtrigger.ignore', '{}', true)")
        for objects, model in (
            (plan.teams, Team),
            (plan.staff, User),
            (plan.settings, EducationSetting),
            (plan.households, Household),
            (plan.children, Child),
        ):
            _assign(cursor, objects, model)
        counts.update(_load_staff(cursor, plan, la_id, stamp, password_hash))
        counts.update(_load_register(cursor, plan, stamp))
        if plan.operations is not None:
            counts.update(_load_operations(cursor, plan, la_id, stamp))
        if plan.safeguarding is not None:
            counts.update(_load_safeguarding(cursor, plan, la_id, stamp))
        if plan.returns is not None:
            counts.update(_load_returns(cursor, plan.returns, stamp))
    return counts


STAFF_FIELDS = (
    "id",
    "password",
    "is_superuser",
    "username",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "is_active",
    "date_joined",
    "la",
    "role",
    "job_title",
    "team",
    "line_manager",
    "caseload_capacity",
    "phone",
)
HOUSEHOLD_FIELDS = (
    "id",
    *TENANT,
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "phone",
    "video_calls",
    "digital_access_notes",
    "members_note",
)
STATUS_FIELDS = (
    *TENANT,
    "child",
    "kind",
    "starts_on",
    "ends_on",
    "cp_category",
    "lac_legal_status",
    "end_reason",
    "note",
)
PLACEMENT_FIELDS = (
    *TENANT,
    "child",
    "starts_on",
    "ends_on",
    "placement_type",
    "provider",
    "carer_or_setting",
    "postcode",
)


def _load_staff(
    cursor: CursorWrapper, plan: DemoPlan, la_id: int, stamp: tuple[Any, ...], password_hash: str
) -> dict[str, int]:
    """Teams, staff and their absences."""

    def joined(day: Any) -> datetime:
        return timezone.make_aware(datetime.combine(day, time(9, 0)))

    counts = {}
    counts["teams"] = _copy(
        cursor,
        Team,
        ("id", *TENANT, "name", "service_area", "manager"),
        ((t.id, *stamp, t.name, t.service_area, t.manager.id if t.manager else None) for t in plan.teams),
    )
    counts["staff"] = _copy(
        cursor,
        User,
        STAFF_FIELDS,
        (
            (
                s.id,
                password_hash,
                False,
                s.username,
                s.first_name,
                s.last_name,
                s.email,
                False,
                True,
                joined(s.joined),
                la_id,
                s.role,
                s.job_title,
                s.team.id if s.team else None,
                s.line_manager.id if s.line_manager else None,
                s.capacity,
                s.phone,
            )
            for s in plan.staff
        ),
    )
    counts["absences"] = _copy(
        cursor,
        StaffAbsence,
        (*TENANT, "user", "status", "starts_on", "ends_on", "can_work_from_home", "note"),
        (
            (*stamp, a.user.id, a.status, a.starts_on, a.ends_on, a.can_work_from_home, a.note)
            for a in plan.absences
        ),
    )
    return counts


def _load_register(cursor: CursorWrapper, plan: DemoPlan, stamp: tuple[Any, ...]) -> dict[str, int]:
    """Education settings, households and their COVID-19 statuses, then the children."""
    counts = {}
    counts["education_settings"] = _copy(
        cursor,
        EducationSetting,
        ("id", *TENANT, "name", "urn", "kind", "is_open"),
        ((s.id, *stamp, s.name, s.urn, s.kind, True) for s in plan.settings),
    )
    counts["households"] = _copy(
        cursor,
        Household,
        HOUSEHOLD_FIELDS,
        (
            (
                h.id,
                *stamp,
                h.address_line_1,
                h.address_line_2,
                h.town,
                h.postcode,
                h.phone,
                h.video_calls,
                h.digital_access_notes,
                h.members_note,
            )
            for h in plan.households
        ),
    )
    counts["covid_statuses"] = _copy(
        cursor,
        HouseholdCovidStatus,
        (*TENANT, "household", "status", "starts_on", "ends_on", "note"),
        ((*stamp, c.household.id, c.status, c.starts_on, c.ends_on, c.note) for c in plan.covid),
    )
    counts.update(_load_children(cursor, plan, stamp))
    return counts


def _load_children(cursor: CursorWrapper, plan: DemoPlan, stamp: tuple[Any, ...]) -> dict[str, int]:
    """Children, their access grants, legal statuses and placements."""
    counts: dict[str, int] = {}
    counts["children"] = _copy(cursor, Child, CHILD_FIELDS, _child_rows(plan, stamp))
    counts["access_grants"] = _copy(
        cursor,
        ChildAccessGrant,
        (*TENANT, "child", "user", "reason"),
        ((*stamp, child.id, user.id, reason) for child in plan.children for user, reason in child.grants),
    )
    counts["legal_statuses"] = _copy(
        cursor,
        LegalStatus,
        STATUS_FIELDS,
        (
            (
                *stamp,
                c.id,
                s.kind,
                s.starts_on,
                s.ends_on,
                s.cp_category,
                s.lac_legal_status,
                s.end_reason,
                s.note,
            )
            for c in plan.children
            for s in c.statuses
        ),
    )
    counts["placements"] = _copy(
        cursor,
        Placement,
        PLACEMENT_FIELDS,
        (
            (
                *stamp,
                c.id,
                p.starts_on,
                p.ends_on,
                p.placement_type,
                p.provider,
                p.carer_or_setting,
                p.postcode,
            )
            for c in plan.children
            for p in c.placements
        ),
    )
    return counts


def _text(value: Any) -> str:
    """One value in COPY text format (the return records hold codes, dates, flags and lists of them)."""
    if value is None:
        return N
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, list):
        return "{" + ",".join(_text(item) for item in value) + "}"
    if isinstance(value, date):
        return value.isoformat()
    return _esc(str(value))


def _lines(prefix: str, rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    for row in rows:
        yield prefix + "\t".join(map(_text, row)) + "\n"


def _skip_insert_history(cursor: CursorWrapper, tables: Sequence[str]) -> None:
    """Leave out the insert history events of `tables` (pghistory's snapshot-insert triggers) for the
    rest of the transaction, or until `_keep_history`."""
    cursor.execute(
        "SELECT array_agg(tgname::text) FROM pg_trigger WHERE tgrelid::regclass::text = ANY(%s) "
        "AND tgname LIKE %s",
        [list(tables), "pgtrigger_snapshot_insert%"],
    )
    insert_triggers = cursor.fetchone()[0] or []
    cursor.execute("SELECT set_config('pgtrigger.ignore', %s, true)", ["{" + ",".join(insert_triggers) + "}"])


def _keep_history(cursor: CursorWrapper) -> None:
    """Every history trigger fires again (an empty list: ignore nothing)."""
    cursor.execute("SELECT set_config('pgtrigger.ignore', '{}', true)")


@contextmanager
def _references_checked_once(
    cursor: CursorWrapper, models_written: Sequence[type[models.Model]], la_id: int
) -> Iterator[None]:
    """COPY the bulk tables without a foreign-key check per row; check every reference once, set-wise.

    Each row's foreign keys are otherwise checked at commit (they are DEFERRABLE INITIALLY DEFERRED), one
    queued trigger event and one locked look-up per key: over ten million for the contacts of 100,000
    children. With session_replication_role = replica those triggers do not fire (nor do the insert
    history triggers, which these tables skip anyway); afterwards one anti-join per foreign key finds
    any reference to a row that does not exist, and the transaction fails as the row checks would have
    failed it. Setting the role needs a superuser (the embedded server's user is one); for any other
    user the per-row checks stay.
    """
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    row = cursor.fetchone()
    if not (row and row[0]):
        yield
        return
    cursor.execute("SET LOCAL session_replication_role = replica")
    try:
        yield
    finally:
        cursor.execute("SET LOCAL session_replication_role = origin")
    for model in models_written:
        _check_references(cursor, model, la_id)


def _check_references(cursor: CursorWrapper, model: type[models.Model], la_id: int) -> None:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    for field in model._meta.concrete_fields:
        if not isinstance(field, models.ForeignKey):
            continue
        target = field.target_field
        cursor.execute(
            f"SELECT count(*) FROM {table} t WHERE t.la_id = %s AND t.{quote(field.column)} IS NOT NULL "  # noqa: S608
            f"AND NOT EXISTS (SELECT 1 FROM {quote(target.model._meta.db_table)} r "
            f"WHERE r.{quote(target.column)} = t.{quote(field.column)})",
            [la_id],
        )
        missing = cursor.fetchone()[0]
        if missing:
            raise AssertionError(f"Demo data: {missing} rows of {table} refer to a missing {field.name}")


def _load_returns(cursor: CursorWrapper, returns: DemoReturns, stamp: tuple[Any, ...]) -> dict[str, int]:
    """The CIN census and SSDA903 records (demo.returns), as COPY text: about 140,000 rows
    for 20,000 children.

    Written without their insert history events (about 20 s at 100,000 children): a demo return record's
    history starts at its first change, as for one migrated in, like the demo's contacts."""
    from casework.returns import models as return_models

    _skip_insert_history(
        cursor, [getattr(return_models, name)._meta.db_table for name in sorted(RETURN_RECORD_MODELS)]
    )
    tenant = "\t".join(map(_text, (stamp[0], stamp[1].isoformat(), None, stamp[3].isoformat(), None))) + "\t"
    written = [getattr(return_models, name) for name in sorted(RETURN_RECORD_MODELS)]
    with _references_checked_once(cursor, written, stamp[0]):
        counts = _load_cin_returns(cursor, returns, tenant)
        counts.update(_load_903_returns(cursor, returns, tenant))
    _keep_history(cursor)
    return counts


def _load_cin_returns(cursor: CursorWrapper, returns: DemoReturns, tenant: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    counts["return_details"] = _copy_lines(
        cursor,
        ChildReturnDetails,
        (*TENANT, "child", *DETAIL_FIELDS),  # the import's own list; the plan's records use its names
        _lines(
            tenant, ((d.child.id, *(getattr(d, name) for name in DETAIL_FIELDS)) for d in returns.details)
        ),
    )
    for episode, pk in zip(returns.cin, _reserve_ids(cursor, CinEpisode, len(returns.cin)), strict=True):
        episode.id = pk
    counts["cin_episodes"] = _copy_lines(
        cursor,
        CinEpisode,
        (
            *TENANT,
            "id",
            "child",
            "referral_date",
            *CIN_EPISODE_FIELDS,
        ),
        _lines(
            tenant,
            (
                (e.id, e.child.id, e.referral, e.source, e.need, e.closure, e.reason, e.nfa, None)
                for e in returns.cin
            ),
        ),
    )
    part = (*TENANT, "episode", "position")
    counts["cin_assessments"] = _copy_lines(
        cursor,
        CinAssessment,
        (*part, *CIN_PART_FIELDS["assessments"]),
        _lines(
            tenant,
            (
                (e.id, index, starts, None, authorised, factors)
                for e in returns.cin
                for index, (starts, authorised, factors) in enumerate(e.assessments)
            ),
        ),
    )
    counts["cin_plans"] = _copy_lines(
        cursor,
        CinPlan,
        (*part, *CIN_PART_FIELDS["plans"]),
        _lines(tenant, ((e.id, index, *dates) for e in returns.cin for index, dates in enumerate(e.plans))),
    )
    counts.update(_load_cin_child_protection(cursor, returns, tenant))
    return counts


def _load_cin_child_protection(cursor: CursorWrapper, returns: DemoReturns, tenant: str) -> dict[str, int]:
    part = (*TENANT, "episode", "position")
    counts: dict[str, int] = {}
    counts["section47s"] = _copy_lines(
        cursor,
        Section47,
        (*part, *CIN_PART_FIELDS["section47s"]),
        _lines(
            tenant,
            (
                (e.id, index, starts, target, conference, False)
                for e in returns.cin
                for index, (starts, target, conference) in enumerate(e.section47s)
            ),
        ),
    )
    counts["cp_plans"] = _copy_lines(
        cursor,
        CpPlan,
        (*part, *CIN_PART_FIELDS["cp_plans"]),
        _lines(
            tenant,
            (
                (e.id, index, starts, ends, category, category, previous, reviews)
                for e in returns.cin
                for index, (starts, ends, category, previous, reviews) in enumerate(e.cp_plans)
            ),
        ),
    )
    return counts


def _load_903_returns(cursor: CursorWrapper, returns: DemoReturns, tenant: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    counts["lac_episodes"] = _copy_lines(
        cursor,
        LacEpisode,
        (*TENANT, "child", *lac_fields("Episodes")),
        _lines(
            tenant,
            (
                (
                    r.child.id,
                    r.decom,
                    r.rne,
                    r.legal_status,
                    r.cin,
                    r.place,
                    r.provider,
                    r.dec,
                    r.rec,
                    r.reason_place_change,
                    r.home_post,
                    r.pl_post,
                    r.urn,
                )
                for r in returns.lac
            ),
        ),
    )
    counts.update(_load_903_per_child(cursor, returns, tenant))
    return counts


def _load_903_per_child(cursor: CursorWrapper, returns: DemoReturns, tenant: str) -> dict[str, int]:
    """The SSDA903 records held per child (reviews, missing episodes, adoption, outcomes, leavers)."""
    counts: dict[str, int] = {}
    per_child: tuple[tuple[str, type[models.Model], tuple[str, ...], list[Any]], ...] = (
        # The import's own column lists (casework.returns.columns); OC2, OC3 and PrevPerm rows also
        # carry the collection year.
        ("lac_reviews", LacReview, lac_fields("Reviews"), returns.reviews),
        ("lac_missing", LacMissing, lac_fields("Missing"), returns.missing),
        (
            "lac_placed_for_adoption",
            LacPlacedForAdoption,
            lac_fields("PlacedAdoption"),
            returns.placed_for_adoption,
        ),
        ("lac_adoptions", LacAdoption, lac_fields("AD1"), returns.adoptions),
        (
            "lac_previous_permanence",
            LacPreviousPermanence,
            ("collection_year", *lac_fields("PrevPerm")),
            returns.previous_permanence,
        ),
        ("lac_outcomes", LacOutcomes, ("collection_year", *lac_fields("OC2")), returns.outcomes),
        ("lac_care_leavers", LacCareLeaver, ("collection_year", *lac_fields("OC3")), returns.care_leavers),
    )
    for name, model, fields, rows in per_child:
        counts[name] = _copy_lines(
            cursor,
            model,
            (*TENANT, "child", *fields),
            _lines(tenant, ((child.id, *rest) for child, *rest in rows)),
        )
    return counts


RETURN_RECORD_MODELS = frozenset(
    {
        "ChildReturnDetails",
        "CinEpisode",
        "CinAssessment",
        "CinPlan",
        "Section47",
        "CpPlan",
        "LacEpisode",
        "LacReview",
        "LacMissing",
        "LacSocialWorkerEpisode",
        "LacPlacedForAdoption",
        "LacAdoption",
        "LacPreviousPermanence",
        "LacOutcomes",
        "LacCareLeaver",
        "LacDeprivationOfLiberty",
    }
)


def _load_safeguarding(
    cursor: CursorWrapper, plan: DemoPlan, la_id: int, stamp: tuple[Any, ...]
) -> dict[str, int]:
    sg = plan.safeguarding
    assert sg is not None
    counts: dict[str, int] = {}
    identified: tuple[tuple[Sequence[Identified], type[models.Model]], ...] = (
        (sg.referrals, Referral),
        (sg.meetings, Meeting),
        (sg.incidents, SeriousIncident),
    )
    for objects, model in identified:
        for obj, pk in zip(objects, _reserve_ids(cursor, model, len(objects)), strict=True):
            obj.id = pk
    # The front door's bulk rows (referrals, their children, meetings, information shares) are written
    # without their insert events, like the contacts: their history starts at their first change.
    _skip_insert_history(
        cursor, [m._meta.db_table for m in (Referral, ReferralChild, Meeting, InformationShare)]
    )
    tz = timezone.get_current_timezone()

    def at(day: date, minute: int) -> datetime:
        return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=tz)

    counts["referrals"] = _copy(
        cursor,
        Referral,
        (
            "id",
            *TENANT,
            "received_at",
            "source",
            "source_detail",
            "concerns",
            "consent",
            "decision",
            "decided_at",
            "decided_by",
            "decision_reason",
        ),
        (
            (
                r.id,
                *stamp,
                at(r.received_on, r.minute),
                r.source,
                "",
                r.concerns,
                r.consent,
                r.decision,
                at(r.decided_on, max(r.minute, 17 * 60) if r.decided_on == r.received_on else 10 * 60)
                if r.decided_on
                else None,
                r.decided_by.id if r.decided_by else None,
                DECISION_REASON.get(r.decision, "") if r.decided_on else "",
            )
            for r in sg.referrals
        ),
    )
    counts["referral_children"] = _copy_lines(
        cursor,
        ReferralChild,
        ("referral", "child"),
        (f"{r.id}\t{c.id}\n" for r in sg.referrals for c in r.children),
    )
    counts.update(_load_meetings(cursor, sg, la_id, stamp))
    counts.update(_load_incidents_and_shares(cursor, sg, stamp))
    _keep_history(cursor)
    counts["deadlines"] = _copy_deadlines(cursor, sg, la_id, stamp)
    return counts


def _load_meetings(
    cursor: CursorWrapper, sg: Safeguarding, la_id: int, stamp: tuple[Any, ...]
) -> dict[str, int]:
    head = f"{la_id}\t{stamp[1].isoformat()}\t\\N\t{stamp[3].isoformat()}\t\\N"
    counts: dict[str, int] = {}
    text = {
        value: _esc(value) for m in sg.meetings for value in (m.quorum, m.decisions, m.plan, m.late_reason)
    }
    counts["meetings"] = _copy_lines(
        cursor,
        Meeting,
        (
            "id",
            *TENANT,
            "child",
            "kind",
            "held_on",
            "remote",
            "agencies_invited",
            "agencies_present",
            "section47_initiated",
            "quorum_concerns",
            "decisions",
            "plan",
            "late_reason",
        ),
        (
            f"{m.id}\t{head}\t{m.child.id}\t{m.kind}\t{m.held_on.isoformat()}\t{'t' if m.remote else 'f'}\t"
            f"{{{','.join(m.invited)}}}\t{{{','.join(m.present)}}}\t{'t' if m.section47 else 'f'}\t"
            f"{text[m.quorum]}\t{text[m.decisions]}\t{text[m.plan]}\t{text[m.late_reason]}\n"
            for m in sg.meetings
        ),
    )
    return counts


def _load_incidents_and_shares(
    cursor: CursorWrapper, sg: Safeguarding, stamp: tuple[Any, ...]
) -> dict[str, int]:
    counts: dict[str, int] = {}
    counts["incidents"] = _copy(
        cursor,
        SeriousIncident,
        (
            "id",
            *TENANT,
            "child",
            "occurred_on",
            "aware_on",
            "summary",
            "child_died",
            "seriously_injured",
            "covid_strongly_related",
            "notified_on",
            "ofsted_notified_on",
            "rapid_review_pace",
            "pace_reason",
            "rapid_review_completed_on",
            "review_decision",
            "review_decided_on",
            "dfe_told_on",
            "review_published_on",
        ),
        (
            (
                i.id,
                *stamp,
                i.child.id,
                i.occurred_on,
                i.aware_on,
                i.summary,
                i.died,
                i.injured,
                i.covid,
                i.notified_on,
                i.ofsted_on,
                i.pace,
                i.pace_reason,
                i.review_done_on,
                i.review_decision,
                i.review_decided_on,
                i.dfe_told_on,
                i.published_on,
            )
            for i in sg.incidents
        ),
    )
    counts.update(_load_shares(cursor, sg, stamp))
    return counts


def _load_shares(cursor: CursorWrapper, sg: Safeguarding, stamp: tuple[Any, ...]) -> dict[str, int]:
    counts: dict[str, int] = {}
    counts["information_shares"] = _copy(
        cursor,
        InformationShare,
        (
            *TENANT,
            "child",
            "shared_on",
            "what",
            "with_agency",
            "with_person",
            "lawful_basis",
            "without_consent",
            "reason",
            "decided_by",
        ),
        (
            (
                *stamp,
                s.child.id,
                s.shared_on,
                s.what,
                s.agency,
                s.person,
                s.basis,
                s.without_consent,
                s.reason,
                s.decided_by.id,
            )
            for s in sg.shares
        ),
    )
    return counts


def _copy_deadlines(cursor: CursorWrapper, sg: Safeguarding, la_id: int, stamp: tuple[Any, ...]) -> int:
    now = stamp[1].isoformat()
    return _copy_lines(
        cursor,
        Deadline,
        (
            "la",
            "child",
            "rule_id",
            "subject_type",
            "subject_id",
            "event_on",
            "due_on",
            "normal_due_on",
            "as_soon_as_reasonably_practicable",
            "regime",
            "met_on",
            "computed_at",
        ),
        (
            f"{la_id}\t{d.child.id if d.child else N}\t{d.result.rule.id}\t{d.subject_type}\t"
            f"{d.subject.id}\t{d.result.event_on.isoformat()}\t{_d(d.result.due_on)}\t"
            f"{d.result.normal_due_on.isoformat()}\t"
            f"{'t' if d.result.as_soon_as_reasonably_practicable else 'f'}\t{d.result.regime.id}\t"
            f"{_d(d.met_on)}\t{now}\n"
            for d in sg.deadlines
        ),
    )


def _at(day: date, hour: int = 14) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _load_operations(
    cursor: CursorWrapper, plan: DemoPlan, la_id: int, stamp: tuple[Any, ...]
) -> dict[str, int]:
    ops = plan.operations
    assert ops is not None
    counts: dict[str, int] = {}

    ops.emergency.id = _reserve_ids(cursor, EmergencyDeclaration, 1)[0]
    e = ops.emergency
    counts["emergencies"] = _copy(
        cursor,
        EmergencyDeclaration,
        ("id", *TENANT, "name", "starts_on", "ends_on", "rating_target_date", "reason", "declared_by"),
        [(e.id, *stamp, e.name, e.starts_on, None, e.rating_target_date, e.reason, e.declared_by.id)],
    )
    counts.update(_load_ratings_and_plans(cursor, ops, stamp))
    counts["contacts"] = _copy_contacts(cursor, plan, la_id, stamp)
    counts["departures"] = _copy_departures(cursor, plan, stamp)
    counts.update(_load_triggers_and_alerts(cursor, ops, stamp))
    return counts


def _load_ratings_and_plans(cursor: CursorWrapper, ops: Operations, stamp: tuple[Any, ...]) -> dict[str, int]:
    e = ops.emergency
    counts: dict[str, int] = {}
    _assign(cursor, ops.ratings, RiskRating)
    counts["ratings"] = _copy(
        cursor,
        RiskRating,
        (
            "id",
            *TENANT,
            "child",
            "rating",
            "suggested_rating",
            "factors",
            "rationale",
            "childs_views",
            "family_strengths",
            "rated_by",
            "rated_on",
            "review_on",
            "status",
            "decided_by",
            "decided_at",
            "manager_comment",
            "regime",
            "emergency",
        ),
        (
            (
                r.id,
                *stamp,
                r.child.id,
                r.rating,
                r.suggested,
                r.factors,
                r.rationale,
                r.childs_views,
                "",
                r.rated_by.id,
                r.rated_on,
                r.review_on,
                r.status,
                r.decided_by.id if r.decided_by else None,
                _at(r.decided_on) if r.decided_on else None,
                r.comment if r.decided_by else "",
                r.regime,
                e.id if r.emergency else None,
            )
            for r in ops.ratings
        ),
    )
    counts.update(_load_contact_plans(cursor, ops, stamp))
    return counts


def _load_contact_plans(cursor: CursorWrapper, ops: Operations, stamp: tuple[Any, ...]) -> dict[str, int]:
    counts: dict[str, int] = {}
    _assign(cursor, ops.plans, ContactPlan)
    counts["contact_plans"] = _copy(
        cursor,
        ContactPlan,
        (
            "id",
            *TENANT,
            "child",
            "rating",
            "interval_amount",
            "interval_unit",
            "face_to_face_every",
            "modes",
            "statutory_minimum",
            "below_statutory_minimum",
            "starts_on",
            "status",
        ),
        (
            (
                p.id,
                *stamp,
                p.child.id,
                p.rating.id,
                p.interval_amount,
                p.interval_unit,
                p.face_to_face_every,
                p.modes,
                p.statutory_minimum,
                p.below,
                p.starts_on,
                p.status,
            )
            for p in ops.plans
        ),
    )
    return counts


def _copy_departures(cursor: CursorWrapper, plan: DemoPlan, stamp: tuple[Any, ...]) -> int:
    ops = plan.operations
    assert ops is not None

    return _copy(
        cursor,
        Departure,
        (
            *TENANT,
            "child",
            "requirement",
            "required",
            "done_instead",
            "rationale",
            "risk_assessment",
            "source",
            "regime",
            "requested_by",
            "requested_on",
            "status",
            "decided_by",
            "decided_at",
            "manager_comment",
            "contact",
            "plan",
        ),
        (
            (
                *stamp,
                d.child.id,
                d.requirement,
                d.required,
                d.done_instead,
                d.rationale,
                d.risk_assessment,
                d.source,
                d.regime,
                d.requested_by.id,
                d.requested_on,
                d.status,
                d.decided_by.id if d.decided_by else None,
                _at(min(plan.today, d.requested_on + timedelta(days=2))) if d.decided_by else None,
                "Agreed for the period of the emergency; review at supervision." if d.decided_by else "",
                d.contact.id if d.contact else None,
                d.plan.id if d.plan else None,
            )
            for d in ops.departures
        ),
    )


def _load_triggers_and_alerts(
    cursor: CursorWrapper, ops: Operations, stamp: tuple[Any, ...]
) -> dict[str, int]:
    counts: dict[str, int] = {}
    # Re-rating prompts run to hundreds of thousands at 100,000 children: their history starts at their
    # first change, as for the contacts (see _skip_insert_history).
    _skip_insert_history(cursor, [RerateTrigger._meta.db_table])
    counts["rerate_triggers"] = _copy(
        cursor,
        RerateTrigger,
        (*TENANT, "child", "reason", "occurred_on", "detail", "resolved_by"),
        (
            (
                *stamp,
                t.child.id,
                t.reason,
                t.occurred_on,
                t.detail,
                t.resolved_by.id if t.resolved_by else None,
            )
            for t in ops.triggers
        ),
    )
    _keep_history(cursor)
    counts["alerts"] = _copy(
        cursor,
        Alert,
        (*TENANT, "recipient", "child", "kind", "message", "link", "read_at"),
        (
            (*stamp, a.recipient.id, a.child.id, a.kind, a.message, f"/children/{a.child.id}/", None)
            for a in ops.alerts
        ),
    )
    return counts


CONTACT_HEAD = ("child", "made_by", "occurred_at", "regime")


def _copy_contacts(cursor: CursorWrapper, plan: DemoPlan, la_id: int, stamp: tuple[Any, ...]) -> int:
    """The bulk of the demo: written as COPY text, a pre-formatted template per contact."""
    ops = plan.operations
    assert ops is not None
    quote = connection.ops.quote_name
    when = stamp[1].isoformat()
    prefix = f"{la_id}\t{when}\t\\N\t{when}\t\\N\t"
    templates = [t.line for t in CONTACT_TEMPLATES]
    regimes: dict[date, str] = {}

    def regime(day: date) -> str:
        found = regimes.get(day)
        if found is None:
            found = regimes[day] = national_regime_on(day).id
        return found

    def stamp_of(day: date, minute: int) -> str:
        return f"{day.isoformat()} {minute // 60:02d}:{minute % 60:02d}:00 Europe/London"

    columns = ", ".join(quote(_column(Contact, name)) for name in (*TENANT, *CONTACT_HEAD, *CONTACT_COLUMNS))
    # Two million contacts with a history event each doubled the load (about two minutes more at
    # 100,000 children), so the bulk is written without its insert events: a demo contact's history
    # starts at its first change, like a record migrated in. The few contacts other records point at
    # (below) keep theirs. Transaction-local, and restored to ignore nothing straight after.
    _skip_insert_history(cursor, [Contact._meta.db_table])
    table = quote(Contact._meta.db_table)
    written = 0
    with (
        _references_checked_once(cursor, [Contact], la_id),
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        lines: list[str] = []
        # Each day's date text and regime once, each minute's clock text once (the same text stamp_of
        # and regime give): a contact's line is then one format of strings already made.
        days: dict[date, tuple[str, str]] = {}
        clock = [f"{minute // 60:02d}:{minute % 60:02d}:00 Europe/London" for minute in range(24 * 60)]
        for child, made_by, day, minute, template in ops.contacts:
            found = days.get(day)
            if found is None:
                found = days[day] = (day.isoformat(), regime(day))
            iso, day_regime = found
            head = f"{prefix}{child.id}\t{made_by.id}\t{iso} {clock[minute]}\t{day_regime}"
            lines.append(f"{head}\t{templates[template]}\n")
            if len(lines) >= 20000:
                copy.write("".join(lines).encode())
                written += len(lines)
                lines = []
        copy.write("".join(lines).encode())
        written += len(lines)
    _keep_history(cursor)
    keyed = ops.keyed_contacts
    for obj, pk in zip(keyed, _reserve_ids(cursor, Contact, len(keyed)), strict=True):
        obj.id = pk
    with cursor.cursor.copy(f"COPY {table} ({quote('id')}, {columns}) FROM STDIN") as copy:
        for k in keyed:
            line = f"{k.id}\t{prefix}{k.child.id}\t{k.made_by.id}\t{stamp_of(k.on, k.minute)}\t{regime(k.on)}"
            copy.write(f"{line}\t{templates[k.template]}\n".encode())
            written += 1
    return written


# The register's own list of a child's fields (casework.children.services), with the row's id, tenancy and
# restriction around it, in the order _child_rows writes them.
CHILD_FIELDS = ("id", *TENANT, *REGISTER_CHILD_FIELDS, "is_restricted", "restriction_reason")


def _child_rows(plan: DemoPlan, stamp: tuple[Any, ...]) -> Iterator[tuple[Any, ...]]:
    for c in plan.children:
        yield (
            c.id,
            *stamp,
            c.la_child_id,
            c.upn,
            c.former_upn,
            c.first_name,
            c.last_name,
            c.known_as,
            c.date_of_birth,
            c.expected_date_of_birth,
            c.gender,
            c.ethnicity,
            c.disabilities,
            None,
            c.first_language,
            c.household.id if c.household else None,
            c.team.id if c.team else None,
            c.worker.id if c.worker else None,
            c.setting.id if c.setting else None,
            c.health_vulnerabilities,
            c.clinically_extremely_vulnerable,
            c.is_restricted,
            c.restriction_reason,
        )


# The tables a demo load writes (their history tables are written by the triggers).
LOADED_MODELS: tuple[type[models.Model], ...] = (
    Team,
    User,
    StaffAbsence,
    EducationSetting,
    Household,
    HouseholdCovidStatus,
    Child,
    ChildAccessGrant,
    LegalStatus,
    Placement,
    EmergencyDeclaration,
    RiskRating,
    ContactPlan,
    Contact,
    Departure,
    RerateTrigger,
    Alert,
    DueState,
    Referral,
    ReferralChild,
    Meeting,
    SeriousIncident,
    InformationShare,
    Deadline,
    ChildReturnDetails,
    CinEpisode,
    CinAssessment,
    CinPlan,
    Section47,
    CpPlan,
    LacEpisode,
    LacReview,
    LacMissing,
    LacPlacedForAdoption,
    LacAdoption,
    LacPreviousPermanence,
    LacOutcomes,
    LacCareLeaver,
)


def analyze() -> None:
    """Fresh planner statistics for the tables just loaded (a 100,000-child load changes them wholesale).

    ANALYZE is the server's work, table by table: after the load has committed it runs in two sessions
    at once (this one and a thread's own), half the tables each, so both cores take part. Inside a
    transaction (a test, or a caller's atomic block) another session would not see the rows, so there
    it runs here, one table after another."""
    tables = [model._meta.db_table for model in LOADED_MODELS]
    if connection.in_atomic_block:
        _analyze(tables)
        return
    with ThreadPoolExecutor(max_workers=1) as pool:
        other = pool.submit(_analyze_in_own_session, tables[1::2])
        _analyze(tables[::2])
        other.result()


def _analyze(tables: Sequence[str]) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {quote(table)}")


def _analyze_in_own_session(tables: Sequence[str]) -> None:
    """In a worker thread: Django gives it a connection of its own, closed when done."""
    try:
        _analyze(tables)
    finally:
        connection.close()
