"""A team manager's morning, in a real browser: sign off a rating, then cover a sick colleague's child."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from casework.accounts import services as staff_services
from casework.accounts.models import User
from casework.core import clock
from casework.risk import services as risk_services
from tests.conftest import World
from tests.e2e.test_journeys import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def morning(live_world: World) -> World:
    """Jonathan's case rated by his social worker and awaiting sign-off; Amira's worker is off sick."""
    today = clock.today()
    User.objects.filter(pk=live_world.users["sw"].pk).update(first_name="Sam", last_name="Walker")
    User.objects.filter(pk=live_world.users["sw2"].pk).update(first_name="Priya", last_name="Shah")
    for key in ("sw", "sw2"):
        live_world.users[key].refresh_from_db()
    jonathan = live_world.children["jon"]
    plan = risk_services.rating_advice(child=jonathan, rating="amber", factors=[], today=today).proposal.plan
    risk_services.rating_submit(
        actor=live_world.users["sw"],
        child=jonathan,
        rating="amber",
        factors=["domestic_abuse"],
        rationale="Domestic abuse disclosed last week; mother engaging with support",
        plan=plan,
        today=today,
        departure_rationale="Family shielding",
        departure_risk_assessment="School in daily contact",
    )
    staff_services.absence_record(
        actor=live_world.users["tm"],
        user=live_world.users["sw2"],
        status="sick",
        starts_on=today,
        today=today,
    )
    return live_world


def test_a_manager_approves_a_rating_and_reallocates_a_sick_colleagues_child(
    page: Any, morning: World
) -> None:
    amira = morning.children["amira"]
    sign_in(page, morning.users["tm"].username)
    page.get_by_test_id("team-oversight-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Management oversight")

    card = page.get_by_test_id("rating-awaiting").filter(has_text="Jonathan Smith")
    expect(card).to_contain_text("Domestic abuse disclosed last week")
    expect(card).to_contain_text("Sam Walker")
    card.get_by_label("Comment").fill("Agreed: review in four weeks")
    card.get_by_role("button", name="Approve").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Signed off the rating for Jonathan Smith"
    )
    expect(page.get_by_test_id("rating-awaiting")).to_have_count(0)

    page.get_by_test_id("section-reallocation").click()
    reallocations = page.get_by_test_id("reallocations")
    expect(reallocations).to_contain_text("Amira Khan")
    expect(reallocations).to_contain_text("Priya Shah")
    reallocations.get_by_role("button", name="Reallocate Amira Khan to Sam Walker").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Amira Khan is now allocated to Sam Walker"
    )

    page.goto(f"/children/{amira.pk}/")
    expect(page).to_have_url(re.compile(rf"/children/{amira.pk}/$"))
    expect(page.get_by_test_id("allocated-worker")).to_contain_text("Sam Walker")
