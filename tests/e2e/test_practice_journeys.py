"""The practitioner's side of issue 3 in a real browser: worklist, rating a case, recording a visit."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from casework.core import clock
from tests.e2e.test_journeys import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_proposed_plan_follows_the_rating_and_the_factors_as_they_are_chosen(page, live_world):
    from casework.risk import selectors

    jonathan = live_world.children["jon"]

    def proposal(rating, factors=()):
        advice = selectors.rating_advice(
            child=jonathan, rating=rating, factors=list(factors), today=clock.today()
        )
        return advice.proposal.plan

    green, red = proposal(""), proposal("red")
    assert green != red
    sign_in(page, live_world.users["sw"].username)
    page.goto(f"/children/{jonathan.pk}/rating")
    amount = page.get_by_label("Contact at least every")
    expect(amount).to_have_value(str(green.interval.amount))
    expect(page.get_by_test_id("update-proposal")).to_be_hidden()  # htmx does it: no button needed

    page.get_by_label("Red").check()
    expect(page.get_by_test_id("proposed-plan")).to_contain_text(
        f"Proposed for a red rating: {red.describe()}"
    )
    expect(page.get_by_test_id("why-proposed")).to_contain_text("You chose a red rating")
    expect(amount).to_have_value(str(red.interval.amount))
    expect(page.get_by_label("Face to face at least every how many contacts?")).to_have_value(
        str(red.face_to_face_every)
    )
    expect(page.get_by_test_id("plan-meets-minimums")).to_be_visible()
    expect(page.get_by_test_id("departures-needed")).to_have_count(0)
    expect(page.get_by_label("Red")).to_be_focused()  # the worker's place is kept

    # Another rating: the plan follows again, and what was typed elsewhere stays.
    page.get_by_label("Rationale").fill("Kept while the proposal changes")
    page.get_by_label("Amber").check()
    expect(page.get_by_test_id("proposed-plan")).to_contain_text("Proposed for an amber rating")
    amber = proposal("amber")
    expect(amount).to_have_value(str(amber.interval.amount))
    expect(page.get_by_label("Rationale")).to_have_value("Kept while the proposal changes")


def test_without_javascript_update_proposal_follows_the_rating(browser, live_server, live_world):
    from casework.risk import selectors

    jonathan = live_world.children["jon"]
    red = selectors.rating_advice(child=jonathan, rating="red", factors=[], today=clock.today()).proposal.plan
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, live_world.users["sw"].username)
        page.goto(f"/children/{jonathan.pk}/rating")
        page.get_by_label("Red").check()
        page.get_by_label("Rationale").fill("Typed before the update")
        page.get_by_role("button", name="Update proposal").click()
        expect(page.get_by_label("Contact at least every")).to_have_value(str(red.interval.amount))
        expect(page.get_by_label("Red")).to_be_checked()
        expect(page.get_by_label("Rationale")).to_have_value("Typed before the update")
        expect(page.get_by_test_id("plan-meets-minimums")).to_be_visible()
    finally:
        context.close()


def test_the_contact_form_shows_only_the_sections_that_apply(page, live_world):
    jonathan = live_world.children["jon"]
    sign_in(page, live_world.users["sw"].username)
    page.goto(f"/children/{jonathan.pk}/contacts/new")
    remote = page.get_by_test_id("remote-section")
    refusal_reason = page.get_by_label("Reason given for refusing access")
    expect(page.get_by_label("Face to face in the home")).to_be_checked()
    expect(remote).to_be_hidden()
    expect(page.get_by_label("PPE was used")).to_be_visible()
    expect(refusal_reason).to_be_hidden()
    expect(page.get_by_text("your manager is alerted")).to_have_count(1)

    page.get_by_label("Phone call").check()
    expect(remote).to_be_visible()
    expect(page.get_by_role("group", name="Why was the child not seen face to face?")).to_be_visible()
    expect(page.get_by_label("PPE was used")).to_be_hidden()
    page.get_by_label("Face to face in the home").check()
    expect(remote).to_be_hidden()

    page.get_by_label("Access to the child was refused").check()
    expect(refusal_reason).to_be_visible()
    page.get_by_label("Access to the child was refused").uncheck()
    expect(refusal_reason).to_be_hidden()


def test_without_javascript_every_section_of_the_contact_form_shows(browser, live_server, live_world):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, live_world.users["sw"].username)
        page.goto(f"/children/{live_world.children['jon'].pk}/contacts/new")
        expect(page.get_by_test_id("remote-section")).to_be_visible()
        expect(page.get_by_label("Reason given for refusing access")).to_be_visible()
        expect(page.get_by_label("PPE was used")).to_be_visible()
    finally:
        context.close()


def test_a_practitioner_rates_a_case_below_the_minimum_then_records_a_home_visit(page, live_world):
    jonathan = live_world.children["jon"]
    manager = live_world.users["tm"]
    sign_in(page, live_world.users["sw"].username)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Worklist").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your worklist")
    unrated = page.get_by_test_id("worklist-not_rated")
    expect(unrated).to_contain_text("Jonathan Smith")
    expect(page.locator("main")).not_to_contain_text("Amira")
    unrated.get_by_role("link", name="Rate Jonathan Smith's case").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Rate this case")
    expect(page.get_by_test_id("suggestion")).to_contain_text("Suggested rating")
    expect(page.get_by_test_id("plan-meets-minimums")).to_be_visible()
    page.get_by_label("Amber").check()
    expect(page.get_by_test_id("proposed-plan")).to_contain_text("Proposed for an amber rating")
    page.get_by_label("Domestic abuse in the household").check()
    expect(page.get_by_test_id("suggestion")).to_contain_text("Domestic abuse in the household (+3)")
    page.get_by_label("Rationale").fill(
        "Domestic abuse disclosed at the last visit; mother engaging with support"
    )
    page.get_by_label("The child's own views (optional)").fill("Jonathan says he feels safe")

    # A plan well below the LA's standard: htmx re-assesses it and asks for the departure.
    page.get_by_label("Contact at least every").fill("12")
    page.get_by_label("Unit").select_option("weeks")
    page.get_by_label("Face to face at least every how many contacts?").fill("0")
    page.get_by_label("Face to face at least every how many contacts?").blur()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("departures-needed")).to_be_visible()
    page.get_by_label("Why is this plan right for the child?").fill("Family shielding until next month")
    page.get_by_label("How is the risk to the child managed?").fill("School nurse calls weekly")
    page.get_by_label("Contact at least every").fill("10")  # re-assessed again: what was typed stays
    page.get_by_label("Contact at least every").blur()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_label("Why is this plan right for the child?")).to_have_value(
        "Family shielding until next month"
    )
    page.get_by_role("button", name="Send for sign-off").click()

    expect(page).to_have_url(re.compile(rf"/children/{jonathan.pk}/$"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Rating sent to {manager.get_full_name()} for sign-off"
    )
    expect(page.get_by_test_id("current-rating")).to_contain_text("Awaiting sign-off")
    expect(page.get_by_test_id("open-departures")).to_contain_text("Every 10 weeks")
    due_before = page.get_by_test_id("next-due").inner_text()
    expect(page.get_by_test_id("next-due")).to_contain_text("Overdue")

    page.get_by_role("link", name="Record a contact").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a contact")
    expect(page.get_by_test_id("covid-advice")).to_contain_text("it is not known whether PPE is needed")
    yesterday = clock.today() - timedelta(days=1)
    page.locator("#id_occurred_on_0").fill(str(yesterday.day))
    page.locator("#id_occurred_on_1").fill(str(yesterday.month))
    page.locator("#id_occurred_on_2").fill(str(yesterday.year))
    page.get_by_label("Time of the contact").fill("10:30")
    page.get_by_label("Face to face in the home").check()
    page.locator("#id_child_seen_0").check()
    page.locator("#id_child_seen_alone_0").check()
    page.get_by_label("Who was seen (optional)").fill("Jonathan and his mother")
    page.get_by_label("Outcome", exact=True).fill("Seen at home and alone in his bedroom; no new concerns")
    page.get_by_role("button", name="Save contact").click()

    expect(page).to_have_url(re.compile(rf"/children/{jonathan.pk}/$"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Contact with Jonathan Smith recorded"
    )
    expect(page.get_by_test_id("contacts")).to_contain_text("Face to face in the home")
    expect(page.get_by_test_id("next-due")).not_to_have_text(due_before)
    expect(page.get_by_test_id("next-due")).not_to_contain_text("Overdue")


def test_immediate_protection_tells_the_worker_who_was_alerted_and_heads_the_managers_page(
    new_page, live_world
):
    jonathan = live_world.children["jon"]
    manager = live_world.users["tm"]
    worker = new_page()
    sign_in(worker, live_world.users["sw"].username)
    worker.goto(f"/children/{jonathan.pk}/contacts/new")
    yesterday = clock.today() - timedelta(days=1)
    worker.locator("#id_occurred_on_0").fill(str(yesterday.day))
    worker.locator("#id_occurred_on_1").fill(str(yesterday.month))
    worker.locator("#id_occurred_on_2").fill(str(yesterday.year))
    worker.get_by_label("Time of the contact").fill("10:30")
    worker.locator("#id_child_seen_0").check()
    worker.get_by_label("Outcome", exact=True).fill("Bruising seen; mother's partner present")
    worker.get_by_label("There is a risk to life or a likelihood of immediate serious harm").check()
    worker.get_by_role("button", name="Save contact").click()

    expect(worker.get_by_role("heading", level=1)).to_have_text("Immediate protection: act now")
    expect(worker.get_by_test_id("protection-alerted")).to_contain_text(
        f"{manager.get_full_name()} (Team manager) at "
    )
    expect(worker.get_by_test_id("protection-next-steps")).to_contain_text("999")

    boss = new_page()
    sign_in(boss, manager.username)
    banner = boss.get_by_test_id("protection-open")
    expect(banner).to_contain_text("Jonathan Smith")
    # Above every section of the manager's page (only the alert banner of every page comes first).
    assert banner.bounding_box()["y"] < boss.locator("main .govuk-heading-m").first.bounding_box()["y"]
    banner.get_by_role("button", name="Acknowledge immediate protection for Jonathan Smith").click()
    expect(boss.locator(".govuk-notification-banner--success")).to_contain_text(
        "Immediate protection for Jonathan Smith acknowledged"
    )
    expect(boss.get_by_test_id("protection-open")).to_have_count(0)
    worker.reload()
    expect(worker.get_by_test_id("protection-acknowledged")).to_contain_text(
        f"{manager.get_full_name()} acknowledged it"
    )
