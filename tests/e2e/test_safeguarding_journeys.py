"""Deadlines that still bind, in a real browser: a serious incident's two deadlines, and a remote initial
child protection conference held after a strategy discussion.

Dates are fixed in November 2026 and worked by hand (weekends are not working days; no bank holiday falls
in these spans): the app's own clock only has to be after them.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import World
from tests.e2e.test_journeys import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_date(page: Any, legend: str, day: int, month: int, year: int) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day))
    group.get_by_label("Month").fill(str(month))
    group.get_by_label("Year").fill(str(year))


def test_recording_a_serious_incident_shows_its_notification_then_rapid_review_deadline(
    page: Any, live_world: World
) -> None:
    jonathan = live_world.children["jon"]
    sign_in(page, live_world.users["tm"].username)
    page.goto(f"/children/{jonathan.pk}/")
    page.get_by_role("link", name="Record a serious incident").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a serious incident")

    # Bad input first: aware before it happened. Refused, and what was typed is kept.
    fill_date(page, "Date of the incident", 16, 11, 2026)
    fill_date(page, "Date the local authority became aware", 2, 11, 2026)
    page.get_by_label("What happened").fill("Admitted to hospital with a head injury")
    page.get_by_label("The child was seriously injured").check()
    page.get_by_role("button", name="Record incident").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "cannot have become aware of the incident before it happened"
    )
    expect(page.get_by_label("What happened")).to_have_value("Admitted to hospital with a head injury")

    fill_date(page, "Date of the incident", 2, 11, 2026)
    fill_date(page, "Date the local authority became aware", 16, 11, 2026)
    page.get_by_role("button", name="Record incident").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("within 5 working days")
    expect(page).to_have_url(re.compile(r"/incidents/\d+/$"))

    deadlines = page.get_by_test_id("incident-deadlines")
    # Aware Mon 16 Nov 2026; 5 working days: 17, 18, 19, 20, 23 November.
    notification = deadlines.get_by_role("row").filter(has_text="Child Safeguarding Practice Review Panel")
    expect(notification).to_contain_text("Monday 23 November 2026")
    expect(notification).to_contain_text("Children Act 2004 s16C")
    expect(notification).to_contain_text("Working Together to Safeguard Children 2018, chapter 4")
    expect(deadlines.get_by_role("row").filter(has_text="Rapid review completed")).to_have_count(0)

    fill_date(page, "Date the Child Safeguarding Practice Review Panel was notified", 19, 11, 2026)
    page.get_by_role("button", name="Save notification date").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Saved")
    expect(notification).to_contain_text("19 November 2026")  # met
    # Notified Thu 19 Nov; 15 working days: 20 Nov (1), 23-27 (6), 30 Nov-4 Dec (11), 7-10 Dec (15).
    rapid_review = deadlines.get_by_role("row").filter(has_text="Rapid review completed")
    expect(rapid_review).to_contain_text("Thursday 10 December 2026")
    expect(rapid_review).to_contain_text("Working Together to Safeguard Children 2018, chapter 4")
    expect(rapid_review).to_contain_text("Within 15 working days of the serious incident notification")


def test_holding_a_remote_initial_child_protection_conference(page: Any, live_world: World) -> None:
    jonathan = live_world.children["jon"]
    sign_in(page, live_world.users["tm"].username)
    page.goto(f"/children/{jonathan.pk}/")

    # The strategy discussion that initiates section 47 enquiries: Mon 2 Nov 2026.
    page.get_by_role("link", name="Record a multi-agency meeting").first.click()
    page.get_by_label("Strategy discussion", exact=True).check()
    fill_date(page, "Date held", 2, 11, 2026)
    page.get_by_label("Held remotely (phone or video)").check()
    page.get_by_label("Section 47 enquiries were initiated (strategy discussion)").check()
    invited = page.get_by_role("group", name="Agencies invited")
    invited.get_by_label("Police", exact=True).check()
    invited.get_by_label("Health", exact=True).check()
    page.get_by_role("group", name="Agencies present").get_by_label("Police", exact=True).check()
    page.get_by_label("Decisions").fill("Section 47 enquiries to start; ICPC to be convened")
    page.get_by_role("button", name="Record meeting").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Meeting recorded")

    # Within 15 working days of Mon 2 Nov 2026: 3-6 Nov (4), 9-13 (9), 16-20 (14), Mon 23 Nov (15).
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Deadlines").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Deadlines that still bind")
    icpc_due = page.locator("tr").filter(has_text="Initial child protection conference held")
    expect(icpc_due).to_have_count(1)
    expect(icpc_due).to_contain_text("Jonathan Smith")
    expect(icpc_due).to_contain_text("Monday 23 November 2026")
    expect(icpc_due).to_contain_text("DfE CIN census validation rule 8675Q")

    # The conference, held remotely on Thu 19 Nov 2026, in time.
    icpc_due.get_by_role("link", name="Jonathan Smith").click()
    page.get_by_role("link", name="Record a multi-agency meeting").first.click()
    page.get_by_label("Initial child protection conference").check()
    fill_date(page, "Date held", 19, 11, 2026)
    page.get_by_label("Held remotely (phone or video)").check()
    invited = page.get_by_role("group", name="Agencies invited")
    for agency in ("Police", "Health", "Education"):
        invited.get_by_label(agency, exact=True).check()
    present = page.get_by_role("group", name="Agencies present")
    for agency in ("Police", "Health"):
        present.get_by_label(agency, exact=True).check()
    page.get_by_label("Quorum concerns (optional)").fill("Education sent apologies; report received")
    page.get_by_label("Decisions").fill("Child protection plan: neglect")
    page.get_by_role("button", name="Record meeting").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Meeting recorded")
    expect(page).to_have_url(re.compile(rf"/children/{jonathan.pk}/$"))

    conference = (
        page.get_by_test_id("meetings").locator("tr").filter(has_text="Initial child protection conference")
    )
    expect(conference).to_contain_text("19 November 2026")
    expect(conference).to_contain_text("Remote")
    expect(conference).to_contain_text("Invited: Police, Health, Education")
    expect(conference).to_contain_text("Present: Police, Health")
    expect(conference).to_contain_text("Education sent apologies")

    deadlines = page.get_by_test_id("child-deadlines")
    met = deadlines.locator("tr").filter(has_text="Initial child protection conference held")
    expect(met).to_contain_text("Met 19 November 2026")
    expect(met).not_to_contain_text("late")
    # First review within 3 months of Thu 19 Nov 2026: the same day, Fri 19 Feb 2027.
    first_review = deadlines.locator("tr").filter(has_text="First child protection review conference")
    expect(first_review).to_contain_text("Friday 19 February 2027")
    expect(first_review).to_contain_text("Open")
    expect(first_review).to_contain_text("Working Together to Safeguard Children 2018, chapter 1")

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Deadlines").click()
    expect(page.locator("tr").filter(has_text="Initial child protection conference held")).to_have_count(0)
    expect(page.locator("tr").filter(has_text="First child protection review conference")).to_contain_text(
        "Friday 19 February 2027"
    )
