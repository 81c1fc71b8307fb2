"""What the contact rules need to know about a child and the contacts made."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from domain.contact.enums import Mode
from domain.intervals import Interval


@dataclass(frozen=True)
class ChildContactFacts:
    """The facts the statutory and practice minimums depend on.

    Only the fields relevant to the child's open statuses matter; unknown dates are None, and the rules
    then assume the more demanding reading (e.g. a looked-after child with no placement start date is
    visited every 6 weeks, never every 3 months).
    """

    date_of_birth: date | None = None
    # The start of each open legal status ("cp": the date of the child protection plan, ...): the
    # first contact under a practice standard is due one interval after it.
    status_started_on: Mapping[str, date] = field(default_factory=dict)
    looked_after_since: date | None = None
    placement_started_on: date | None = None
    # CPPCR 2010 reg 28(2)(c)(i): the placement is intended to last until the child is 18.
    placement_intended_until_18: bool = False
    # reg 28(3): placed with a parent under reg 19, before the assessment is complete.
    placed_with_parent_before_assessment: bool = False
    # reg 28(4): placed with a connected person under temporary approval (reg 24).
    connected_person_temporary_approval: bool = False
    # reg 28(4): an interim care order is in force and the child lives with a parent.
    interim_care_order_living_with_parent: bool = False
    # reg 28(5): a care order was made on this date and the child lives with a parent.
    care_order_living_with_parent_since: date | None = None
    # The date the first looked-after review was held (reg 33), if it has been.
    first_review_on: date | None = None
    # reg 48: the child has a series of short breaks and is not otherwise in care.
    short_breaks: bool = False
    # reg 48(3)(c): the visit interval agreed with the IRO and the parents, if recorded.
    short_break_visit_interval: Interval | None = None


@dataclass(frozen=True)
class ContactEvent:
    """A completed contact with a child.

    `child_seen`: the worker saw the child (by phone: spoke to the child). `remote_reason`: for a
    remote contact, the recorded reason ("contrary_to_public_health_guidance" or
    "not_reasonably_practicable_covid" under SI 2020/909), else None.
    """

    on: date
    mode: Mode
    child_seen: bool
    child_seen_alone: bool | None = None
    remote_reason: str | None = None
