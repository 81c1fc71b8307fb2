"""Reads of children's records. All of them go through casework.core.access."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import pghistory.models
from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import Func, Q, Value
from django.db.models.functions import Greatest
from django.http import Http404

from casework.audit.models import RecordAccess
from casework.audit.services import record_access_log
from casework.children.models import Child, Household, HouseholdCovidStatus, LegalStatus, Placement
from casework.core import access
from domain.people.rules import age_on
from domain.people.search import SearchQuery, parse_query

if TYPE_CHECKING:
    from casework.accounts.models import User

SEARCH_LIMIT = 50
# Trigram similarity above which a name term counts as a match; low enough to forgive a typo or two.
NAME_SIMILARITY = 0.3


def child_get_for_user(*, user: User, child_id: int, path: str = "", log: bool = True) -> Child:
    """The child if `user` may see them; otherwise Http404, whether the child exists or not.

    Every view and every refusal is logged.
    """
    child = (
        access.children_visible_to(user)
        .select_related("household", "team", "allocated_worker", "education_setting")
        .filter(pk=child_id)
        .first()
    )
    if log:
        outcome = RecordAccess.Outcome.VIEWED if child else RecordAccess.Outcome.REFUSED
        record_access_log(user=user, child_ref=child_id, outcome=outcome, path=path)
    if child is None:
        raise Http404("No child found")
    return child


class DMetaphone(Func):
    function = "dmetaphone"


def _name_term(term: str) -> tuple[Q, Any]:
    """Match on first or last name: trigram-similar, a prefix, or sounding alike (double metaphone)."""
    sound = DMetaphone(Value(term))
    condition = (
        Q(search_first__trigram_similar=term)
        | Q(search_last__trigram_similar=term)
        | Q(search_first__startswith=term)
        | Q(search_last__startswith=term)
        | Q(first_sound=sound)
        | Q(last_sound=sound)
    )
    score = Greatest(TrigramSimilarity("search_first", term), TrigramSimilarity("search_last", term))
    return condition, score


def child_search_for_user(*, user: User, query: str | SearchQuery, limit: int = SEARCH_LIMIT) -> list[Child]:
    """Children the user may see who match every term of the query, best match first."""
    parsed = parse_query(query) if isinstance(query, str) else query
    if parsed.is_empty:
        return []
    children = access.children_visible_to(user)
    for dob in parsed.dates_of_birth:
        children = children.filter(Q(date_of_birth=dob) | Q(expected_date_of_birth=dob))
    for upn in parsed.upns:
        children = children.filter(Q(upn=upn) | Q(former_upn=upn))
    for identifier in parsed.identifiers:
        children = children.filter(Q(la_child_id__iexact=identifier) | Q(la_child_id__istartswith=identifier))
    score: Any = Value(1.0)
    for term in parsed.names:
        condition, term_score = _name_term(term)
        children = children.filter(condition)
        score = score + term_score
    return list(
        children.annotate(score=score)
        .select_related("team", "allocated_worker")
        .order_by("-score", "last_name", "first_name", "pk")[:limit]
    )


@dataclass(frozen=True)
class ChildRecord:
    child: Child
    age: int | None
    legal_statuses: list[LegalStatus]
    current_statuses: list[LegalStatus]
    placements: list[Placement]
    covid_statuses: list[HouseholdCovidStatus]
    history: list[Any]


def child_record_for_user(*, user: User, child_id: int, today: date, path: str = "") -> ChildRecord:
    """Everything on the child's record page, in a fixed number of queries whatever its length."""
    child = child_get_for_user(user=user, child_id=child_id, path=path)
    statuses = list(LegalStatus.objects.filter(child=child).order_by("-starts_on", "-pk"))
    placements = list(Placement.objects.filter(child=child).order_by("-starts_on", "-pk"))
    covid: list[HouseholdCovidStatus] = []
    if child.household_id:
        covid = list(HouseholdCovidStatus.objects.filter(household_id=child.household_id).order_by("-starts_on"))
    return ChildRecord(
        child=child,
        age=age_on(child.date_of_birth, today) if child.date_of_birth else None,
        legal_statuses=statuses,
        current_statuses=[s for s in statuses if s.ends_on is None or s.ends_on >= today],
        placements=placements,
        covid_statuses=covid,
        history=child_history(child=child),
    )


HISTORY_LIMIT = 200


def child_history(*, child: Child, limit: int = HISTORY_LIMIT) -> list[Any]:
    """Changes to the child and to everything recorded about them, newest first, with who and why."""
    objects: list[Any] = [child]
    if child.household_id:
        objects.append(Household(pk=child.household_id))
    events = (
        pghistory.models.Events.objects.references(*objects)
        .order_by("-pgh_created_at")
        .select_related("pgh_context")[:limit]
    )
    return list(events)


def household_covid_current(*, household: Household, today: date) -> list[HouseholdCovidStatus]:
    return [
        s
        for s in HouseholdCovidStatus.objects.filter(household=household)
        if s.starts_on <= today and (s.ends_on is None or s.ends_on >= today)
    ]


def caseload_counts(user_ids: list[int]) -> dict[int, int]:
    from django.db.models import Count

    rows = (
        Child.objects.filter(allocated_worker_id__in=user_ids)
        .values("allocated_worker_id")
        .annotate(n=Count("pk"))
    )
    return {r["allocated_worker_id"]: r["n"] for r in rows}

