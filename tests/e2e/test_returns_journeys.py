"""The performance analyst imports a CIN census in a real browser, reads the report, downloads the return."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from casework.children.models import Child
from tests.casework.returns.test_views import cin_xml
from tests.conftest import World
from tests.e2e.test_journeys import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_analyst_imports_a_census_and_downloads_the_return(
    page: Any, live_world: World, tmp_path: Path
) -> None:
    census = tmp_path / "census.xml"
    census.write_bytes(
        cin_xml(
            live_world.la.lea_code, ("WEB1", "2025-06-01"), ("WEB2", "2025-02-30")
        )  # WEB2: impossible date
    )
    sign_in(page, live_world.users["analyst"].username)
    page.get_by_role("link", name="DfE returns").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("DfE returns")
    form = page.get_by_test_id("import-form")
    form.get_by_label("Children in need census").check()
    form.get_by_label("File or files").set_input_files(str(census))
    form.get_by_role("button", name="Upload and import").click()

    # Held back: one child cannot be stored, so nothing was imported until the analyst chooses.
    expect(page.get_by_test_id("run-status")).to_contain_text("Held back")
    expect(page.get_by_test_id("run-issues")).to_contain_text("WEB2")
    assert not Child.objects.filter(la=live_world.la, la_child_id__in=["WEB1", "WEB2"]).exists()
    page.get_by_role("button", name="Import the records that can be stored").click()
    expect(page.get_by_test_id("run-status")).to_contain_text("Imported")
    expect(page.get_by_test_id("run-message")).to_contain_text("1 created")
    assert Child.objects.filter(la=live_world.la, la_child_id="WEB1").exists()

    page.get_by_role("link", name="DfE returns").first.click()
    download_form = page.get_by_test_id("export-form")
    download_form.get_by_label("Children in need census").check()
    download_form.get_by_label("Collection year").fill("2026")
    with page.expect_download() as download_info:
        download_form.get_by_role("button", name="Download").click()
    download = download_info.value
    assert download.suggested_filename == f"CIN_census_{live_world.la.lea_code}_2025-26.xml"
    saved = tmp_path / "export.xml"
    download.save_as(saved)
    assert "<LAchildID>WEB1</LAchildID>" in saved.read_text()
