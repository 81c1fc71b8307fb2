"""A remote visit counts as the regime of its own day allows, whatever later visits of the same kind do.

The recompute reduces each child's contacts to the latest of each kind before the rules run. A remote
visit's kind alone does not say whether it counts: the same phone call, with the same recorded reason,
is the statutory visit under SI 2020/909 or the 2021 regulations and is not under the normal rules
(CPPCR 2010 reg 28(1), (1A)). So the latest of a kind is taken within each regime, never across them.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from casework.children.models import LegalStatus, Placement
from casework.contacts import services
from casework.contacts.due import refresh_due_states
from casework.contacts.models import DueState
from casework.policy import context
from domain.contact import ContactEvent, Mode, statutory_due, statutory_minimums
from tests.conftest import make_child

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 20, 16, 0, tzinfo=LONDON)
REASON = "not_reasonably_practicable_covid"


def phone_visit(world, child, day: date) -> None:
    services.contact_record(
        actor=world.users["sw"],
        child=child,
        occurred_at=datetime(day.year, day.month, day.day, 10, tzinfo=LONDON),
        mode="phone",
        child_seen=True,
        child_seen_alone=True,
        remote_reason=REASON,
        remote_reason_detail="Household isolating",
        nominated_officer_recommendation="Phone until the isolation ends",
        outcome="Spoke to the child",
        now=NOW,
    )


def test_a_remote_visit_under_the_2021_regulations_counts_after_a_later_one_under_the_normal_rules(world):
    """Placed 1 June 2021 (long-term fostering): phone visits with a coronavirus reason on 1 September
    2021 (the 2021 regulations: it is the visit) and 1 November 2021 (normal rules: it is not). The last
    visit that counts is 1 September, so the next was due 6 weeks later (first year of the placement,
    reg 28(2)(a)), on 13 October 2021; not 8 June 2021, a week after the placement began, as if no visit
    had counted."""
    child = make_child(world, "lac", "Looked", "After", team=world.teams["north"], worker=world.users["sw"])
    LegalStatus.objects.create(
        la=world.la, child=child, kind="lac", lac_legal_status="C2", starts_on=date(2021, 6, 1)
    )
    Placement.objects.create(
        la=world.la, child=child, starts_on=date(2021, 6, 1), placement_type="U1", provider="PR1"
    )
    phone_visit(world, child, date(2021, 9, 1))
    phone_visit(world, child, date(2021, 11, 1))

    refresh_due_states(la_id=world.la.pk, today=NOW.date())

    due = DueState.objects.get(child=child)
    assert due.statutory_due == date(2021, 10, 13)
    assert due.last_seen_on == date(2021, 11, 1)
    # The domain rule, given every contact, agrees.
    today = NOW.date()
    rules = context.rules_for(world.la.pk, today)
    situation = context.situation_for(child, today)
    (minimum,) = statutory_minimums(situation.statuses, facts=situation.facts, rules=rules)
    events = [ContactEvent(d, Mode.PHONE, True, True, REASON) for d in (date(2021, 9, 1), date(2021, 11, 1))]
    expected = statutory_due(minimum=minimum, contacts=events, rules=rules, calendar=context.calendar())
    assert expected.due_on == due.statutory_due


def test_a_remote_visit_under_si_2020_445_counts_after_a_later_one_under_si_2020_909_without_its_reason(
    world,
):
    """Under SI 2020/445 any phone visit counts; under SI 2020/909 only one for a coronavirus reason. A
    phone visit with no reason on 1 May 2020 counts; one with no reason recorded on 1 October 2020 (a
    record kept before the reason was required of it) does not, and does not undo the first."""
    from casework.contacts.models import Contact

    child = make_child(world, "lac", "Looked", "After", team=world.teams["north"], worker=world.users["sw"])
    LegalStatus.objects.create(
        la=world.la, child=child, kind="lac", lac_legal_status="C2", starts_on=date(2020, 2, 3)
    )
    Placement.objects.create(
        la=world.la, child=child, starts_on=date(2020, 2, 3), placement_type="U1", provider="PR1"
    )
    for day, regime in ((date(2020, 5, 1), "si-2020-445"), (date(2020, 10, 1), "si-2020-909")):
        Contact.objects.create(
            la=world.la,
            child=child,
            occurred_at=datetime(day.year, day.month, day.day, 10, tzinfo=LONDON),
            mode="phone",
            made_by=world.users["sw"],
            child_seen=True,
            outcome="Spoke to the child",
            regime=regime,
        )

    refresh_due_states(la_id=world.la.pk, today=NOW.date())

    # 1 May 2020 + 6 weeks (first year of the placement) = 12 June 2020.
    assert DueState.objects.get(child=child).statutory_due == date(2020, 6, 12)
