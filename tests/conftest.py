"""Shared fixtures: two local authorities, so every test can check that nothing crosses between them."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from casework.accounts.models import Role, Team, User
from casework.children.models import Child, Household, LegalStatus
from casework.core.models import LocalAuthority

TODAY = date(2026, 11, 20)
PASSWORD = "a-long-test-password-2020"


class World:
    """A small LA set-up: built by make_world for one authority."""

    def __init__(self, la: LocalAuthority) -> None:
        self.la = la
        self.users: dict[str, User] = {}
        self.teams: dict[str, Team] = {}
        self.children: dict[str, Child] = {}


def make_user(
    la: LocalAuthority | None, username: str, role: str, team: Team | None = None, **extra: Any
) -> User:
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        la=la,
        role=role,
        team=team,
        first_name=extra.pop("first_name", username.split(".")[0].capitalize()),
        last_name=extra.pop("last_name", "Tester"),
        **extra,
    )
    return user


def make_child(
    world: World,
    key: str,
    first: str,
    last: str,
    *,
    team: Team | None,
    worker: User | None,
    dob: date = date(2014, 3, 3),
    **extra: Any,
) -> Child:
    household = Household.objects.create(
        la=world.la,
        address_line_1=f"{len(world.children) + 1} Test Street",
        town="Testtown",
        postcode="ZZ1 1ZZ",
    )
    child = Child.objects.create(
        la=world.la,
        la_child_id=f"{world.la.lea_code}-{len(world.children) + 1:05d}",
        first_name=first,
        last_name=last,
        date_of_birth=dob,
        gender="1",
        household=household,
        team=team,
        allocated_worker=worker,
        **extra,
    )
    world.children[key] = child
    return child


def make_world(code: str, name: str) -> World:
    la = LocalAuthority.objects.create(name=name, ons_code=f"E0900{code}", lea_code=code)
    world = World(la)
    north = Team.objects.create(la=la, name="North CIN team", service_area=Team.ServiceArea.CHILDREN_IN_NEED)
    south = Team.objects.create(la=la, name="South CIN team", service_area=Team.ServiceArea.CHILDREN_IN_NEED)
    world.teams.update(north=north, south=south)
    p = f"{code}."
    world.users["sw"] = make_user(la, p + "sw", Role.SOCIAL_WORKER, north, caseload_capacity=18)
    world.users["sw2"] = make_user(la, p + "sw2", Role.SOCIAL_WORKER, north, caseload_capacity=18)
    world.users["sw_south"] = make_user(la, p + "swsouth", Role.SOCIAL_WORKER, south)
    world.users["tm"] = make_user(la, p + "tm", Role.TEAM_MANAGER, north)
    north.manager = world.users["tm"]
    north.save()
    world.users["hos"] = make_user(la, p + "hos", Role.HEAD_OF_SERVICE)
    world.users["bs"] = make_user(la, p + "bs", Role.BUSINESS_SUPPORT)
    world.users["bs_north"] = make_user(la, p + "bsnorth", Role.BUSINESS_SUPPORT, north)
    world.users["analyst"] = make_user(la, p + "analyst", Role.PERFORMANCE_ANALYST)
    world.users["admin"] = make_user(la, p + "admin", Role.SYSTEM_ADMINISTRATOR)
    make_child(world, "jon", "Jonathan", "Smith", team=north, worker=world.users["sw"])
    make_child(world, "amira", "Amira", "Khan", team=north, worker=world.users["sw2"], dob=date(2019, 6, 1))
    make_child(world, "south", "Olivia", "Brown", team=south, worker=world.users["sw_south"])
    LegalStatus.objects.create(la=la, child=world.children["jon"], kind="cin", starts_on=date(2020, 1, 6))
    return world


@pytest.fixture
def world(db: Any) -> World:
    return make_world("901", "Northshire County Council")


@pytest.fixture
def other_world(db: Any) -> World:
    return make_world("902", "Southborough Council")


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture(autouse=True)
def _second_factor_optional(settings: Any) -> None:
    """Most tests sign in with client.force_login and test what comes after signing in; the deployment
    setting that requires a second factor (on by default outside local mode) is off for them, as in the
    local demonstration. The two-factor tests turn it on (tests/casework/accounts/test_two_factor.py)."""
    settings.TWO_FACTOR_REQUIRED = False
