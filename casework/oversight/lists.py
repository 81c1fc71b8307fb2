"""The lists of the team manager's oversight page, as shown and downloaded (casework/core/listing.py).

Each section of the page is its own list, shown one at a time (`?section=`), paged and downloadable.
"""

from __future__ import annotations

from datetime import date

from casework.contacts.models import DueState
from casework.core import listing
from casework.core.templatetags.words import requirement_name
from casework.decisions.models import Departure
from casework.oversight.reallocation import Suggestion
from casework.oversight.selectors import AwaitingRating, QueuedChild

CARDS_PER_PAGE = 5  # a rating's card, with its plan and sign-off form, is most of a screen


def _plan(item: AwaitingRating) -> str:
    return str(item.plan) if item.plan else ""


def sign_off_queue(today: date) -> listing.Listing[AwaitingRating]:
    return listing.Listing(
        name="sign-off-queue",
        title="Ratings awaiting sign-off",
        noun=("rating", "ratings"),
        page_param="ratings_page",
        per_page=CARDS_PER_PAGE,
        columns=[
            listing.Column("LA child ID", lambda i: i.rating.child.la_child_id),
            listing.Column("Child", lambda i: i.rating.child.full_name),
            listing.Column("Rating proposed", lambda i: i.rating.get_rating_display()),
            listing.Column("Suggested rating", lambda i: i.rating.get_suggested_rating_display()),
            listing.Column("Rated by", lambda i: str(i.rating.rated_by or "")),
            listing.Column("Rated on", lambda i: i.rating.rated_on),
            listing.Column("Days waiting", lambda i: (today - i.rating.rated_on).days),
            listing.Column("Factors", lambda i: "; ".join(i.factor_labels)),
            listing.Column("Rationale", lambda i: i.rating.rationale),
            listing.Column("Proposed contact plan", _plan),
            listing.Column(
                "Below the statutory minimum", lambda i: bool(i.plan and i.plan.below_statutory_minimum)
            ),
            listing.Column("Departures in the plan", lambda i: len(i.departures)),
        ],
    )


DEPARTURES: listing.Listing[Departure] = listing.Listing(
    name="departures-awaiting",
    title="Departures awaiting approval",
    noun=("departure", "departures"),
    page_param="departures_page",
    per_page=CARDS_PER_PAGE,
    columns=[
        listing.Column("Reference", lambda d: d.pk),
        listing.Column("LA child ID", lambda d: d.child.la_child_id if d.child else ""),
        listing.Column("Child", lambda d: d.child.full_name if d.child else ""),
        listing.Column("Requirement", lambda d: requirement_name(d.requirement)),
        listing.Column("Required", lambda d: d.required),
        listing.Column("Done instead", lambda d: d.done_instead),
        listing.Column("Rationale", lambda d: d.rationale),
        listing.Column("Risk assessment", lambda d: d.risk_assessment),
        listing.Column("Requested by", lambda d: str(d.requested_by or "")),
        listing.Column("Requested on", lambda d: d.requested_on),
    ],
)


def overdue_contacts(today: date) -> listing.Listing[DueState]:
    return listing.Listing(
        name="overdue-contacts",
        title="Overdue contacts",
        noun=("child", "children"),
        page_param="overdue_page",
        columns=[
            listing.Column("LA child ID", lambda d: d.child.la_child_id),
            listing.Column("Child", lambda d: d.child.full_name),
            listing.Column("Rating", lambda d: d.get_rating_display() or "Not rated"),
            listing.Column("Worker", lambda d: str(d.child.allocated_worker or "Not allocated")),
            listing.Column("Was due", lambda d: d.next_due),
            listing.Column("Days overdue", lambda d: (today - d.next_due).days),
        ],
    )


REALLOCATIONS: listing.Listing[Suggestion] = listing.Listing(
    name="reallocations",
    title="Children of staff who are off",
    noun=("child", "children"),
    page_param="reallocation_page",
    columns=[
        listing.Column("LA child ID", lambda s: s.child.la_child_id),
        listing.Column("Child", lambda s: s.child.full_name),
        listing.Column("Rating", lambda s: s.rating.capitalize() or "Not rated"),
        listing.Column("Worker (off)", lambda s: str(s.from_worker or "")),
        listing.Column("Suggested worker", lambda s: str(s.to_worker or "")),
        listing.Column("Why no suggestion", lambda s: "" if s.to_worker else s.reason),
    ],
)

RERATE_QUEUE: listing.Listing[QueuedChild] = listing.Listing(
    name="rerate-queue",
    title="Re-rating queue",
    noun=("child", "children"),
    page_param="queue_page",
    columns=[
        listing.Column("LA child ID", lambda q: q.child.la_child_id),
        listing.Column("Child", lambda q: q.child.full_name),
        listing.Column("Worker", lambda q: str(q.child.allocated_worker or "Not allocated")),
        listing.Column("Waiting since", lambda q: q.triggers[0].occurred_on if q.triggers else None),
        listing.Column(
            "Why",
            lambda q: "; ".join(
                f"{t.get_reason_display()}{': ' + t.detail if t.detail else ''}" for t in q.triggers
            ),
        ),
    ],
)
