"""An administrator's morning, in a real browser: set up a team, then record a returning social
worker's checks until they can be allocated children."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from casework.accounts.models import EmploymentCheck, Role, Team, User
from tests.conftest import World, make_user
from tests.e2e.test_journeys import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_sets_up_a_team_and_records_a_returners_checks(page: Any, live_world: World) -> None:
    rae = make_user(
        live_world.la,
        "901.rae",
        Role.SOCIAL_WORKER,
        live_world.teams["north"],
        first_name="Rae",
        last_name="Turner",
        staff_kind="returner",
        caseload_capacity=10,
    )
    sign_in(page, live_world.users["admin"].username)
    page.get_by_role("link", name="Teams").first.click()
    page.get_by_role("button", name="Set up a team").click()
    page.get_by_label("Team name").fill("Returners' team")
    page.get_by_label("Early help").check()
    page.get_by_label("Manager").select_option(label=str(live_world.users["tm"]))
    page.get_by_role("button", name="Set up team").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Returners' team")
    team = Team.objects.get(name="Returners' team")
    assert team.manager == live_world.users["tm"]

    page.goto(f"/staff/{rae.pk}/")
    expect(page.get_by_test_id("allocation")).to_contain_text("cannot be allocated children")
    for check in [c for c, _ in EmploymentCheck.Kind.choices]:
        page.locator(f'tr[data-check="{check}"]').get_by_role("link", name="Record").first.click()
        if check == "registration":
            page.get_by_role("textbox", name="Reference").fill("SW 123456")
        page.get_by_role("button", name="Record check").click()
        expect(page.locator(f'tr[data-check="{check}"]')).not_to_contain_text("Not recorded")
    expect(page.get_by_test_id("allocation")).to_have_text("Yes")
    assert EmploymentCheck.objects.filter(user=rae, confirmed_by=live_world.users["admin"]).count() == 6
    assert EmploymentCheck.objects.get(user=rae, kind="registration").reference == "SW123456"

    page.get_by_role("link", name="Workforce").first.click()
    row = page.get_by_test_id("workforce-rows").locator("tr", has_text="Rae Turner")
    expect(row).to_contain_text("Yes")
    assert User.objects.get(pk=rae.pk).staff_kind == "returner"
