"""An LA's own emergency, its RAG settings, and covering staff who are off."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from casework.accounts import services as staff_services
from casework.oversight import reallocation
from casework.policy import context, services
from casework.risk.models import RerateTrigger
from domain.contact import DEFAULT_RAG_SETTINGS, Cadence, Mode, Rating
from domain.intervals import Interval

pytestmark = pytest.mark.django_db


def test_declaring_an_emergency_queues_every_open_case_for_rating(world, today):
    declaration = services.emergency_declare(
        actor=world.users["hos"],
        name="Local outbreak emergency",
        starts_on=today,
        rating_target_date=date(2026, 12, 4),
        reason="Outbreak: 30% of staff isolating",
        today=today,
    )
    assert list(RerateTrigger.objects.values_list("child__first_name", flat=True)) == ["Jonathan"]
    rules = context.rules_for(world.la.pk, today)
    assert rules.local_emergency is not None
    assert rules.local_emergency.id == str(declaration.pk)
    assert context.rules_for(world.la.pk, date(2026, 11, 1)).local_emergency is None


def test_only_a_head_of_service_declares_and_one_at_a_time(world, today):
    with pytest.raises(PermissionDenied):
        services.emergency_declare(
            actor=world.users["tm"],
            name="x",
            starts_on=today,
            rating_target_date=today,
            reason="x",
            today=today,
        )
    services.emergency_declare(
        actor=world.users["hos"],
        name="First",
        starts_on=today,
        rating_target_date=today,
        reason="x",
        today=today,
    )
    with pytest.raises(ValidationError):
        services.emergency_declare(
            actor=world.users["hos"],
            name="Second",
            starts_on=today,
            rating_target_date=today,
            reason="x",
            today=today,
        )


def test_rag_settings_change_from_a_date_and_past_days_keep_the_old_ones(world, today):
    cadences = dict(DEFAULT_RAG_SETTINGS.cadences)
    cadences[(Rating.RED, "cin")] = Cadence(Interval.weeks(1), 1, frozenset({Mode.HOME}))
    new = replace(DEFAULT_RAG_SETTINGS, cadences=cadences, is_default=False)
    services.rag_settings_change(
        actor=world.users["hos"],
        settings=new,
        effective_from=date(2026, 12, 1),
        label="Northshire winter 2026",
        reason="Board decision",
        today=today,
    )
    assert context.rag_settings_for(world.la.pk, date(2026, 12, 2)).cadence(
        Rating.RED, "cin"
    ).interval == Interval.weeks(1)
    assert context.rag_settings_for(world.la.pk, today).is_default


def test_settings_that_plan_red_less_often_than_amber_are_refused(world, today):
    cadences = dict(DEFAULT_RAG_SETTINGS.cadences)
    cadences[(Rating.RED, "cin")] = Cadence(Interval.weeks(12), 0, frozenset({Mode.PHONE}))
    with pytest.raises(ValidationError) as err:
        services.rag_settings_change(
            actor=world.users["hos"],
            settings=replace(DEFAULT_RAG_SETTINGS, cadences=cadences),
            effective_from=today,
            label="Bad",
            reason="x",
            today=today,
        )
    assert "settings" in err.value.message_dict


def test_reallocation_suggests_available_colleagues_and_refuses_one_who_is_off(world, today):
    staff_services.absence_record(
        actor=world.users["tm"], user=world.users["sw"], status="sick", starts_on=today, today=today
    )
    suggestions = reallocation.suggest_reallocations(team=world.teams["north"], today=today)
    assert [(s.child.first_name, s.to_worker) for s in suggestions] == [("Jonathan", world.users["sw2"])]
    staff_services.absence_record(
        actor=world.users["tm"],
        user=world.users["sw2"],
        status="self_isolating",
        starts_on=today,
        today=today,
    )
    with pytest.raises(ValidationError) as err:
        reallocation.reallocate(
            actor=world.users["tm"],
            child=world.children["jon"],
            to_worker=world.users["sw2"],
            reason="cover",
            today=today,
        )
    assert "self-isolating" in err.value.message_dict["to_worker"][0]


def test_a_manager_confirms_a_reallocation(world, today):
    child = reallocation.reallocate(
        actor=world.users["tm"],
        child=world.children["jon"],
        to_worker=world.users["sw2"],
        reason="Cover while off sick",
        today=today,
    )
    assert child.allocated_worker == world.users["sw2"]
    with pytest.raises(PermissionDenied):
        reallocation.reallocate(
            actor=world.users["sw"],
            child=world.children["jon"],
            to_worker=world.users["sw"],
            reason="",
            today=today,
        )
