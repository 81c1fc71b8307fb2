"""Reads of children's records. All of them start from casework.children.access."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import pghistory.models
from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection, transaction
from django.db.models import F, Func, IntegerField, Q, QuerySet, Value
from django.db.models.functions import Greatest
from django.db.models.lookups import LessThanOrEqual
from django.http import Http404

from casework.audit.models import RecordAccess
from casework.audit.services import record_access_log
from casework.children.access import children_visible_to
from casework.children.models import Child, Household, HouseholdCovidStatus, LegalStatus, Placement
from casework.core import permissions, rowsecurity
from casework.core.history import DELETE_LABEL
from domain.codes import DISABILITY, labels
from domain.people.rules import age_on
from domain.people.search import SearchQuery, parse_query

if TYPE_CHECKING:
    from casework.accounts.models import User

SEARCH_LIMIT = 50
DISABILITY_LABELS = labels(DISABILITY)
# Trigram similarity above which a name term counts as a match; low enough to forgive a typo or two.
NAME_SIMILARITY = 0.3
# The word similarity (pg_trgm's `<%`) of the candidates the edit distance is computed for: a name with
# two letters swapped keeps 2 to 3 of its 7 trigrams (word similarity of "kinght" to "knight": 0.29).
WORD_SIMILARITY = 0.25
LONG_NAME = 5


def child_get_for_user(*, user: User, child_id: int, path: str = "", log: bool = True) -> Child:
    """The child if `user` may see them; otherwise Http404, whether the child exists or not.

    Every view and every refusal is logged.
    """
    child = (
        children_visible_to(user)
        .select_related("household", "team", "allocated_worker", "education_setting")
        .filter(pk=child_id)
        .first()
    )
    if log:
        outcome = RecordAccess.Outcome.VIEWED if child else RecordAccess.Outcome.REFUSED
        record_access_log(actor=user, child_ref=child_id, outcome=outcome, path=path)
    if child is None:
        raise Http404("No child found")
    return child


class DMetaphone(Func):
    function = "dmetaphone"


class LevenshteinLessEqual(Func):
    """fuzzystrmatch's levenshtein_less_equal(a, b, max): the edit distance, or max + 1 once beyond it."""

    function = "levenshtein_less_equal"
    output_field = IntegerField()


def _edits_allowed(term: str) -> int:
    """A single slip: one letter wrong, missing or extra; in a name of 5 letters or more, two, so that
    two letters swapped ("kinght" for "knight", 2 edits to Levenshtein) are forgiven too."""
    return 2 if len(term) >= LONG_NAME else 1


def _close_in_spelling(field: str, term: str) -> Q:
    """Candidates from the trigram index (`term <% field`, word similarity at WORD_SIMILARITY, set for the
    query by child_search_for_user), then the edit distance of each: index-backed, not a scan."""
    edits = _edits_allowed(term)
    distance = LevenshteinLessEqual(F(field), Value(term), Value(edits))
    return Q(**{f"{field}__trigram_word_similar": term}) & Q(LessThanOrEqual(distance, edits))


def _name_term(term: str) -> tuple[Q, Any]:
    """Match on first or last name: trigram-similar, a prefix, sounding alike (double metaphone), or a
    slip of one or two letters away (a transposition, a letter missed)."""
    sound = DMetaphone(Value(term))
    condition = (
        Q(search_first__trigram_similar=term)
        | Q(search_last__trigram_similar=term)
        | Q(search_first__startswith=term)
        | Q(search_last__startswith=term)
        | Q(first_sound=sound)
        | Q(last_sound=sound)
        | _close_in_spelling("search_first", term)
        | _close_in_spelling("search_last", term)
    )
    score = Greatest(TrigramSimilarity("search_first", term), TrigramSimilarity("search_last", term))
    return condition, score


def child_search_for_user(*, user: User, query: str | SearchQuery, limit: int = SEARCH_LIMIT) -> list[Child]:
    """Children the user may see who match every term of the query, best match first."""
    parsed = parse_query(query) if isinstance(query, str) else query
    if parsed.is_empty:
        return []
    children = children_visible_to(user)
    for dob in parsed.dates_of_birth:
        children = children.filter(Q(date_of_birth=dob) | Q(expected_date_of_birth=dob))
    for upn in parsed.upns:
        children = children.filter(Q(upn=upn) | Q(former_upn=upn))
    for identifier in parsed.identifiers:
        # An exact match also starts with the identifier: one condition, not two.
        children = children.filter(la_child_id__istartswith=identifier)
    score: Any = Value(1.0)
    for term in parsed.names:
        condition, term_score = _name_term(term)
        children = children.filter(condition)
        score = score + term_score
    # Rank on the child table alone, then load the best `limit` with their team and worker: joining
    # every candidate (a common surname matches hundreds) before the sort cost more than the search.
    # The ranking runs on the trigram indexes, outside row-level security (whose policy would rule the
    # indexes out: the operators are not leakproof); `children` is already the user's own. The children
    # shown are loaded after it, behind the wall again: a child of another authority is never shown.
    with transaction.atomic(), connection.cursor() as cursor, rowsecurity.outside_wall():
        # For this query only (SET LOCAL ends with the transaction): the threshold of `<%`.
        cursor.execute("SET LOCAL pg_trgm.word_similarity_threshold = %s", [WORD_SIMILARITY])
        ranked = list(
            children.annotate(score=score)
            .order_by("-score", "last_name", "first_name", "pk")
            .values_list("pk", "score")[:limit]
        )
    loaded = Child.objects.select_related("team", "allocated_worker").in_bulk([pk for pk, _ in ranked])
    results = []
    for pk, child_score in ranked:
        if pk in loaded:  # not deleted in between
            child = loaded[pk]
            child.score = child_score  # type: ignore[attr-defined]
            results.append(child)
    return results


@dataclass(frozen=True)
class ChildRecord:
    child: Child
    age: int | None
    legal_statuses: list[LegalStatus]
    current_statuses: list[LegalStatus]
    placements: list[Placement]
    covid_statuses: list[HouseholdCovidStatus]
    history: list[HistoryRow]
    disabilities: list[str]


def child_record_for_user(*, user: User, child_id: int, today: date, path: str = "") -> ChildRecord:
    """Everything on the child's record page, in a fixed number of queries whatever its length."""
    child = child_get_for_user(user=user, child_id=child_id, path=path)
    statuses = list(LegalStatus.objects.filter(child=child).order_by("-starts_on", "-pk"))
    placements = list(Placement.objects.filter(child=child).order_by("-starts_on", "-pk"))
    covid: list[HouseholdCovidStatus] = []
    if child.household_id:
        covid = list(
            HouseholdCovidStatus.objects.filter(household_id=child.household_id).order_by("-starts_on")
        )
    return ChildRecord(
        child=child,
        age=age_on(child.date_of_birth, today) if child.date_of_birth else None,
        legal_statuses=statuses,
        current_statuses=[s for s in statuses if s.ends_on is None or s.ends_on >= today],
        placements=placements,
        covid_statuses=covid,
        history=history_rows(child_history(child=child, limit=HISTORY_ON_RECORD_PAGE)),
        disabilities=[DISABILITY_LABELS.get(code, code) for code in child.disabilities],
    )


HISTORY_LIMIT = 200
# The record page shows the latest few changes; the child's history page (paged) shows the rest.
HISTORY_ON_RECORD_PAGE = 3  # the latest changes; the history page has every one


def child_history(*, child: Child, limit: int = HISTORY_LIMIT) -> list[Any]:
    """Changes to the child and to everything recorded about them, newest first, with who and why.

    Two queries whatever the length: events referring to the child (its own, statuses, placements,
    access grants) and the household's own events (address, COVID-19 status), which siblings share.
    """
    # Newest first; events of one transaction share its timestamp, so the event's id breaks the tie.
    newest = ("-pgh_created_at", "-pgh_id")
    events = list(pghistory.models.Events.objects.references(child).order_by(*newest)[:limit])
    if child.household_id:
        household_events = (
            pghistory.models.Events.objects.references(Household(pk=child.household_id))
            .filter(pgh_model__in=["children.HouseholdEvent", "children.HouseholdCovidStatusEvent"])
            .order_by(*newest)[:limit]
        )
        events.extend(household_events)
        events.sort(key=lambda e: (e.pgh_created_at, int(e.pgh_id)), reverse=True)
    return events[:limit]


@dataclass(frozen=True)
class HistoryRow:
    when: Any
    what: str
    changes: list[tuple[str, Any, Any]]
    who: str
    why: str
    deleted: bool = False  # the record was deleted: `changes` hold its last state as "before"


HISTORY_SUBJECTS = {
    "children.ChildEvent": "Child's details",
    "children.LegalStatusEvent": "Legal status",
    "children.PlacementEvent": "Placement",
    "children.HouseholdEvent": "Household",
    "children.HouseholdCovidStatusEvent": "Household COVID-19 status",
    "children.ChildAccessGrantEvent": "Named access to the record",
    "safeguarding.ReferralChildrenEvent": "Referral about the child",
    "safeguarding.MeetingEvent": "Multi-agency meeting",
    "safeguarding.InformationShareEvent": "Information shared",
    "risk.RerateTriggerEvent": "Prompt to re-rate the case",
}
HIDDEN_HISTORY_FIELDS = {
    "id",
    "la",
    "la_id",
    "created_at",
    "updated_at",
    "created_by",
    "updated_by",
    "child",
    "household",
}


def _history_field(model_label: str, name: str) -> Any:
    from django.apps import apps
    from django.core.exceptions import FieldDoesNotExist

    try:
        model = apps.get_model(model_label.replace("Event", ""))
        return model._meta.get_field(name[:-3] if name.endswith("_id") else name)
    except (LookupError, FieldDoesNotExist):  # a field since removed still shows, by its column name
        return None


def _history_subject(model_label: str) -> str:
    """A tracked record not named above, by its model's name ("Risk rating"), never "risk.RiskRatingEvent"."""
    from django.apps import apps

    try:
        return str(apps.get_model(model_label.removesuffix("Event"))._meta.verbose_name).capitalize()
    except LookupError:
        return "Record"


def _field_label(model_label: str, name: str) -> str:
    field = _history_field(model_label, name)
    label = field.verbose_name if field is not None else name.replace("_", " ")
    return str(label).capitalize()


def _field_value(model_label: str, name: str, value: Any) -> Any:
    """A stored value as a person reads it: choice labels, British dates, yes and no."""
    if value in (None, "", []):
        return None
    field = _history_field(model_label, name)
    choices = dict(
        getattr(field, "flatchoices", None)
        or getattr(getattr(field, "base_field", None), "flatchoices", None)
        or []
    )
    if isinstance(value, list):
        return ", ".join(str(choices.get(v, v)) for v in value)
    if choices and value in choices:
        return choices[value]
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value).strftime("%-d %B %Y")
        except ValueError:
            return value
    return value


# The fields that say what a record was, shown when it is added or deleted (a change shows its diff).
SUMMARY_FIELDS = (
    "kind",
    "starts_on",
    "ends_on",
    "placement_type",
    "status",
    "postcode",
    "held_on",
    "shared_on",
    "with_agency",
    "occurred_on",
    "reason",
)


def _history_changes(event: Any) -> tuple[str, list[tuple[str, Any, Any]]]:
    """What happened to the record, in words, and the fields to show as (label, before, after).

    A deletion shows the record's last state as "before", so the page says what was removed."""
    subject = HISTORY_SUBJECTS.get(event.pgh_model) or _history_subject(event.pgh_model)
    model = event.pgh_model
    if event.pgh_label == DELETE_LABEL:
        data = event.pgh_data or {}
        return f"{subject} deleted", [
            (_field_label(model, field), _field_value(model, field, data[field]), None)
            for field in SUMMARY_FIELDS
            if data.get(field)
        ]
    if event.pgh_diff:
        return f"{subject} changed", [
            (_field_label(model, field), _field_value(model, field, old), _field_value(model, field, new))
            for field, (old, new) in sorted(event.pgh_diff.items())
            if field not in HIDDEN_HISTORY_FIELDS
        ]
    data = event.pgh_data or {}
    return f"{subject} added", [
        (_field_label(model, field), None, _field_value(model, field, data[field]))
        for field in SUMMARY_FIELDS
        if data.get(field)
    ]


def history_rows(events: list[Any]) -> list[HistoryRow]:
    """Readable rows for the history table: one extra query for the people involved."""
    from casework.accounts.models import User

    user_ids = {e.pgh_context.get("user") for e in events if e.pgh_context and e.pgh_context.get("user")}
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=user_ids)} if user_ids else {}
    rows = []
    for event in events:
        context = event.pgh_context or {}
        what, changes = _history_changes(event)
        rows.append(
            HistoryRow(
                when=event.pgh_created_at,
                what=what,
                changes=changes,
                who=names.get(int(context.get("user") or 0), ""),
                why=str(context.get("reason") or ""),
                deleted=event.pgh_label == DELETE_LABEL,
            )
        )
    return rows


# --- The people named on restricted records ---------------------------------------------------------


def restricted_records_for(user: User) -> QuerySet[Child]:
    """The restricted records whose named people `user` may list and change: for managers, those they
    may open (the record's own rules: casework.children.access); for administrators, every restricted
    record of their authority, of which the page shows only the LA child ID, team and who is named
    (administrators do not see children's records)."""
    if permissions.is_administrator(user):
        records = Child.objects.filter(la_id=user.la_id, is_restricted=True)
    elif permissions.can_manage_record_holders(user):
        records = children_visible_to(user).filter(is_restricted=True)
    else:
        return Child.objects.none()
    return records.select_related("team", "allocated_worker").order_by("la_child_id", "pk")


def restricted_record_get(*, user: User, child_id: int, path: str = "") -> Child:
    """One of `restricted_records_for(user)`, or Http404 (the same for missing and not allowed); every
    opening and refusal is logged as a view of the record is."""
    child = restricted_records_for(user).filter(pk=child_id).first()
    outcome = RecordAccess.Outcome.VIEWED if child else RecordAccess.Outcome.REFUSED
    record_access_log(actor=user, child_ref=child_id, outcome=outcome, path=path)
    if child is None:
        raise Http404("No restricted record found")
    return child
