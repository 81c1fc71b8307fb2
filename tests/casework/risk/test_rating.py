"""Rating a case, its contact plan, and the manager's sign-off."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from casework.contacts.models import ContactPlan, DueState
from casework.decisions.models import Departure
from casework.risk import services
from casework.risk.models import RerateTrigger, RiskRating
from domain.contact import ContactPlan as PlanRule
from domain.contact import Mode
from domain.intervals import Interval

pytestmark = pytest.mark.django_db


def proposed(child, rating, today):
    return services.rating_advice(child=child, rating=rating, factors=[], today=today).proposal.plan


def rate(world, today, *, rating="amber", plan=None, actor="sw", **extra):
    child = world.children["jon"]
    return services.rating_submit(
        actor=world.users[actor],
        child=child,
        rating=rating,
        factors=["domestic_abuse"],
        rationale="Domestic abuse disclosed; mother engaging",
        plan=plan or proposed(child, rating, today),
        today=today,
        **extra,
    )


def test_a_rating_waits_for_sign_off_with_its_plan_and_shows_on_the_due_state(world, today):
    record = rate(world, today)
    assert record.status == "awaiting"
    assert record.review_on > today
    plan = ContactPlan.objects.get(rating=record)
    assert plan.status == "awaiting"
    due = DueState.objects.get(child=world.children["jon"])
    assert due.rating == "amber"
    assert due.next_due is not None


def test_a_rating_without_rationale_is_refused(world, today):
    child = world.children["jon"]
    with pytest.raises(ValidationError) as err:
        services.rating_submit(
            actor=world.users["sw"],
            child=child,
            rating="red",
            factors=[],
            rationale="  ",
            plan=proposed(child, "red", today),
            today=today,
        )
    assert "rationale" in err.value.message_dict
    assert not RiskRating.objects.exists()


def test_a_practitioner_of_another_team_cannot_rate(world, today):
    with pytest.raises(PermissionDenied):
        rate(world, today, actor="sw_south")


def test_a_plan_below_the_minimum_needs_a_recorded_departure(world, today):
    thin = PlanRule(Interval.weeks(12), 0, frozenset({Mode.PHONE}))
    with pytest.raises(ValidationError) as err:
        rate(world, today, plan=thin)
    assert {"departure_rationale", "departure_risk_assessment"} <= set(err.value.message_dict)
    record = rate(
        world,
        today,
        plan=thin,
        departure_rationale="Family shielding; phone agreed",
        departure_risk_assessment="School sees the child daily",
    )
    departures = Departure.objects.filter(plan__rating=record)
    assert departures.exists()
    assert all(d.status == "awaiting" for d in departures)


def test_the_manager_signs_off_the_rating_plan_and_departures_together(world, today):
    thin = PlanRule(Interval.weeks(12), 0, frozenset({Mode.PHONE}))
    record = rate(world, today, plan=thin, departure_rationale="r", departure_risk_assessment="a")
    services.rating_decide(
        actor=world.users["tm"], rating_id=record.pk, approve=True, comment="", today=today
    )
    record.refresh_from_db()
    assert record.status == "approved"
    assert record.decided_by == world.users["tm"]
    assert ContactPlan.objects.get(rating=record).status == "approved"
    assert set(Departure.objects.filter(plan__rating=record).values_list("status", flat=True)) == {"approved"}


def test_nobody_signs_off_their_own_rating(world, today):
    record = rate(world, today, actor="tm")
    with pytest.raises(ValidationError) as err:
        services.rating_decide(
            actor=world.users["tm"], rating_id=record.pk, approve=True, comment="", today=today
        )
    assert err.value.code == "own_work"


def test_a_practitioner_cannot_sign_off(world, today):
    record = rate(world, today)
    with pytest.raises(PermissionDenied):
        services.rating_decide(
            actor=world.users["sw2"], rating_id=record.pk, approve=True, comment="", today=today
        )


def test_returning_needs_a_comment_and_puts_the_case_back_in_the_queue(world, today):
    record = rate(world, today)
    with pytest.raises(ValidationError):
        services.rating_decide(
            actor=world.users["tm"], rating_id=record.pk, approve=False, comment="", today=today
        )
    services.rating_decide(
        actor=world.users["tm"],
        rating_id=record.pk,
        approve=False,
        comment="Red: the baby has not been seen",
        today=today,
    )
    record.refresh_from_db()
    assert record.status == "returned"
    assert RerateTrigger.objects.filter(child=record.child, resolved_by__isnull=True).exists()


def test_the_second_manager_to_decide_is_told_who_decided_first(world, today):
    record = rate(world, today)
    services.rating_decide(
        actor=world.users["tm"], rating_id=record.pk, approve=True, comment="", today=today
    )
    with pytest.raises(ValidationError) as err:
        services.rating_decide(
            actor=world.users["hos"], rating_id=record.pk, approve=False, comment="I disagree", today=today
        )
    assert err.value.code == "already_decided"
    assert str(world.users["tm"]) in err.value.messages[0]
    record.refresh_from_db()
    assert record.status == "approved"


def test_a_newer_rating_replaces_one_still_awaiting_sign_off(world, today):
    first = rate(world, today)
    second = rate(world, today, rating="red")
    first.refresh_from_db()
    assert first.status == "superseded"
    assert second.status == "awaiting"
    assert RiskRating.objects.filter(child=first.child, status="awaiting").count() == 1


def test_rating_resolves_the_open_triggers(world, today):
    services.trigger_rerating(
        actor=None, child=world.children["jon"], reason="missed_school", occurred_on=today
    )
    record = rate(world, today)
    assert RerateTrigger.objects.get(child=world.children["jon"]).resolved_by == record


def test_ratings_are_judged_under_the_regime_of_their_day(world):
    day = date(2020, 6, 1)
    record = rate(world, day)
    assert record.regime == "si-2020-445"
    assert rate(world, date(2026, 11, 20)).regime.startswith("normal")
