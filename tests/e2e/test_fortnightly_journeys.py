"""The head of service makes the DfE fortnightly return in a real browser: a figure, its list, the CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from casework.contacts.models import Contact
from casework.core import clock
from domain.fortnightly import latest_completed_fortnight
from tests.conftest import World
from tests.e2e.test_journeys import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_head_of_service_follows_a_figure_to_its_children_and_downloads_the_return(
    page: Any, live_world: World, tmp_path: Path
) -> None:
    period = latest_completed_fortnight(clock.today())
    jonathan = live_world.children["jon"]  # a child in need since 2020 (tests.conftest)
    Contact.objects.create(
        la=live_world.la,
        child=jonathan,
        occurred_at=timezone.make_aware(datetime.combine(period.ends_on - timedelta(days=2), time(11))),
        mode="home",
        made_by=live_world.users["sw"],
        child_seen=True,
        outcome="Home visit: Jonathan seen in his bedroom",
        regime="normal",
    )

    sign_in(page, live_world.users["hos"].username)
    page.get_by_test_id("fortnightly-link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("DfE fortnightly return")
    expect(page.get_by_test_id("value-other_cin")).to_contain_text("1")
    expect(page.get_by_test_id("value-other_cin_not_seen")).to_contain_text("0")

    # A long section is folded: the head of service opens it to reach the figure.
    page.locator("details:has([data-testid=value-other_cin_seen_face_to_face]) > summary").click()
    page.get_by_test_id("value-other_cin_seen_face_to_face").click()
    expect(page).to_have_url(re.compile(r"/fortnightly/other_cin_seen_face_to_face/\?ends="))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Other children in need: seen face to face in the last 4 weeks: 1"
    )
    records = page.get_by_test_id("records")
    expect(records).to_contain_text("Jonathan Smith")
    expect(records).to_contain_text(jonathan.la_child_id)

    page.get_by_role("link", name="DfE fortnightly return").click()
    with page.expect_download() as download_info:
        page.get_by_test_id("download-csv").click()
    download = download_info.value
    assert download.suggested_filename == f"dfe-fortnightly-return-{period.ends_on:%Y-%m-%d}.csv"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    rows = {row[0]: row for row in csv.reader(io.StringIO(target.read_text())) if row}
    assert rows["other_cin"][3] == "1"
    assert rows["other_cin_seen_face_to_face"][3:6] == ["1", "1", "100.0"]
