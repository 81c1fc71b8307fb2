"""The main journeys, in a real browser (Debian's chromium via Playwright) against the live app."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = Path("/tmp/continuity-child.png")  # noqa: S108 - the path the brief asks for


def sign_in(page: Any, username: str, password: str = PASSWORD) -> None:
    """Through the real sign-in page, as a member of staff would."""
    page.goto("/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def path_of(page: Any) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url)


@pytest.mark.parametrize(
    ("key", "role"),
    [
        ("sw", "Social worker"),
        ("tm", "Team manager"),
        ("hos", "Head of service"),
        ("bs", "Business support"),
        ("admin", "System administrator"),
    ],
)
def test_sign_in_lands_on_the_roles_home_page(new_page, live_world, key, role):
    page = new_page()
    page.goto("/children/")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=/children/$"))
    expect(page.get_by_test_id("signed-in-as")).to_have_count(0)

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Continuity")
    sign_in(page, live_world.users[key].username)

    assert path_of(page) == "/"
    expect(page.get_by_test_id("signed-in-as")).to_have_text(re.compile(rf"Tester \({role}\)$"))
    expect(page.locator(".govuk-caption-l")).to_contain_text(role)
    expect(page.get_by_text("Northshire County Council").first).to_be_visible()
    find_a_child = page.get_by_role("navigation", name="Menu").get_by_role("link", name="Find a child")
    expect(find_a_child).to_have_count(0 if key == "admin" else 1)


def test_find_a_misspelt_child_and_open_their_record(page, live_world):
    jonathan = live_world.children["jon"]
    sign_in(page, live_world.users["sw"].username)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Find a child").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a child")
    page.get_by_label("Name, date of birth, LA child ID or UPN").fill("Jonathon Smiht")
    page.get_by_role("button", name="Search").click()

    expect(page.get_by_test_id("result-count")).to_have_text("1 child found")
    results = page.locator("#search-results")
    expect(results).not_to_contain_text("Amira")
    expect(results).not_to_contain_text("Olivia")
    results.get_by_role("link", name="Jonathan Smith").click()

    expect(page).to_have_url(re.compile(rf"/children/{jonathan.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Jonathan Smith")


def test_child_record_shows_identity_status_household_and_history(page, live_world):
    jonathan = live_world.children["jon"]
    sign_in(page, live_world.users["hos"].username)
    page.goto(f"/children/{jonathan.pk}/")

    expect(page).to_have_title(re.compile(r"^Jonathan Smith – Northshire County Council – Continuity$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Jonathan Smith")
    expect(page.get_by_text(f"LA child ID {jonathan.la_child_id}")).to_be_visible()
    expect(page.get_by_test_id("current-statuses")).to_have_text("Child in need")

    identity = page.locator("dl").filter(has=page.get_by_text("Date of birth", exact=True))
    expect(identity).to_contain_text("3 March 2014")
    expect(identity).to_contain_text("Male")
    expect(page.get_by_test_id("allocated-worker")).to_contain_text(str(live_world.users["sw"]))
    expect(page.get_by_role("heading", name="Household")).to_be_visible()
    household = page.locator("dl").filter(has=page.get_by_text("Address", exact=True))
    expect(household).to_contain_text("1 Test Street")
    expect(household).to_contain_text("ZZ1 1ZZ")
    statuses = page.get_by_test_id("legal-statuses")
    expect(statuses).to_contain_text("Child in need")
    expect(statuses).to_contain_text("6 January 2020")
    expect(page.get_by_role("heading", name="History of this record")).to_be_visible()
    expect(page.get_by_test_id("history").locator("tbody tr").first).to_be_visible()

    # The CSS really applied: GOV.UK's summary list is a table layout on a wide screen, not a bare <dl>.
    assert identity.evaluate("el => getComputedStyle(el).display") == "table"
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert SCREENSHOT.stat().st_size > 10_000


def test_practitioner_is_refused_another_teams_child_and_the_refusal_is_audited(new_page, live_world):
    olivia = live_world.children["south"]
    practitioner = live_world.users["sw"]
    page = new_page()
    sign_in(page, practitioner.username)

    response = page.goto(f"/children/{olivia.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.locator("body")).not_to_contain_text("Olivia")
    expect(page.locator("body")).not_to_contain_text("Brown")

    page.goto("/children/")
    page.get_by_label("Name, date of birth, LA child ID or UPN").fill("Olivia Brown")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_test_id("result-count")).to_have_text("No children found")
    expect(page.locator("#search-results")).not_to_contain_text("Olivia")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Continuity")
    expect(page.get_by_test_id("signed-in-as")).to_have_count(0)

    for auditor in ("admin", "hos"):
        page = new_page()
        sign_in(page, live_world.users[auditor].username)
        page.get_by_role("navigation", name="Menu").get_by_role("link", name="Audit log").click()
        page.get_by_label("Record number").fill(str(olivia.pk))
        page.get_by_label("Outcome").select_option("refused")
        page.get_by_role("button", name="Filter").click()
        rows = page.get_by_test_id("audit-rows").locator("tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text(practitioner.username)
        expect(rows.first).to_contain_text("Refused")
        expect(rows.first).to_contain_text(f"/children/{olivia.pk}/")


def test_bad_input_keeps_what_was_typed_then_the_child_is_added(page, live_world):
    sign_in(page, live_world.users["bs"].username)
    page.goto("/children/")
    page.get_by_role("link", name="Add a child to the register").click()
    expect(page).to_have_url(re.compile(r"/children/new$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a child to the register")

    next_year = date.today().year + 1
    page.get_by_label("First name").fill("Maisie")
    page.get_by_label("Last name").fill("Okafor")
    page.get_by_label("Known as (optional)").fill("Mai")
    date_of_birth = page.get_by_role("group", name="Date of birth", exact=False).first
    date_of_birth.get_by_label("Day").fill("4")
    date_of_birth.get_by_label("Month").fill("5")
    date_of_birth.get_by_label("Year").fill(str(next_year))
    page.get_by_label("Female").check()
    page.get_by_label("LA child ID").fill("901-NEW-1")
    page.get_by_label("First language (optional)").fill("Yoruba")
    page.get_by_label("Team", exact=True).select_option(label="North CIN team")
    page.get_by_role("button", name="Add child").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(page).to_have_title(re.compile(r"^Error: "))
    link = summary.get_by_role("link", name=re.compile("Date of birth"))
    expect(link).to_have_text("Date of birth must be today or in the past")
    expect(link).to_have_attribute("href", "#id_date_of_birth_0")
    link.click()
    expect(page.locator("#id_date_of_birth_0")).to_be_focused()

    expect(page.get_by_label("First name")).to_have_value("Maisie")
    expect(page.get_by_label("Last name")).to_have_value("Okafor")
    expect(page.get_by_label("Known as (optional)")).to_have_value("Mai")
    expect(date_of_birth.get_by_label("Year")).to_have_value(str(next_year))
    expect(page.get_by_label("Female")).to_be_checked()
    expect(page.get_by_label("LA child ID")).to_have_value("901-NEW-1")
    expect(page.get_by_label("First language (optional)")).to_have_value("Yoruba")
    expect(page.get_by_label("Team", exact=True).locator("option:checked")).to_have_text("North CIN team")

    date_of_birth.get_by_label("Year").fill("2015")
    page.get_by_role("button", name="Add child").click()

    expect(page).to_have_url(re.compile(r"/children/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Maisie Okafor")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Maisie Okafor has been added to the register"
    )
    expect(page.get_by_text("4 May 2015")).to_be_visible()
    expect(page.get_by_text("LA child ID 901-NEW-1")).to_be_visible()


def test_five_failed_sign_ins_lock_the_account(new_page, live_world):
    username = live_world.users["sw2"].username
    page = new_page()
    for attempt in range(1, 6):
        sign_in(page, username, "not-the-password")
        if attempt < 5:
            expect(page.locator(".govuk-error-summary")).to_contain_text(
                "Enter a correct username and password"
            )
    sign_in(page, username, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your account is locked")
    expect(page.get_by_test_id("signed-in-as")).to_have_count(0)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=/$"))

    # The lock is on that account, not on the machine: a colleague can still sign in from it.
    colleague = new_page()
    sign_in(colleague, live_world.users["sw"].username)
    expect(colleague.get_by_test_id("signed-in-as")).to_contain_text("Social worker")
