"""The DfE returns pages: who may use them, upload -> background import -> report, re-run, download."""

from __future__ import annotations

import io
import shutil
import zipfile
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from casework.children.models import Child
from casework.returns.models import ImportRun
from tests.conftest import World

Committed = Callable[..., AbstractContextManager[list[Callable[[], None]]]]


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Committed) -> Committed:
    """Run on-commit callbacks (the import task is enqueued on commit) inside the test's transaction."""
    return django_capture_on_commit_callbacks


@pytest.fixture(autouse=True)
def _uploads() -> object:
    yield
    shutil.rmtree(settings.UPLOAD_ROOT, ignore_errors=True)


def client_for(world: World, key: str) -> Client:
    client = Client()
    client.force_login(world.users[key])
    return client


def cin_xml(lea: str, *children: tuple[str, str]) -> bytes:
    """A small CIN census for 2025-26: (LA child ID, referral date) per child."""
    body = "".join(
        f"""<Child><ChildIdentifiers><LAchildID>{child_id}</LAchildID><PersonBirthDate>2015-01-02</PersonBirthDate>
<Sex>F</Sex></ChildIdentifiers><ChildCharacteristics><Ethnicity>WBRI</Ethnicity><Disabilities>
<Disability>NONE</Disability></Disabilities></ChildCharacteristics><CINdetails>
<CINreferralDate>{referral}</CINreferralDate><ReferralSource>1A</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode>
<ReferralNFA>0</ReferralNFA></CINdetails></Child>"""
        for child_id, referral in children
    )
    return f"""<?xml version="1.0" encoding="utf-8"?><Message><Header><CollectionDetails>
<Collection>CIN</Collection><Year>2026</Year><ReferenceDate>2026-03-31</ReferenceDate></CollectionDetails><Source><SourceLevel>L</SourceLevel>
<LEA>{lea}</LEA><SoftwareCode>Test</SoftwareCode><Release>1</Release><SerialNo>1</SerialNo>
<DateTime>2026-04-01T10:00:00</DateTime></Source></Header><Children>{body}</Children></Message>""".encode()


@pytest.mark.parametrize("key", ["sw", "tm", "bs", "admin"])
def test_only_leaders_and_analysts_use_the_returns_pages(world: World, key: str) -> None:
    client = client_for(world, key)
    assert client.get("/returns/").status_code == 403
    upload = SimpleUploadedFile("cin.xml", cin_xml(world.la.lea_code, ("A1", "2025-06-01")))
    assert client.post("/returns/import", {"kind": "cin", "upload": upload, "mode": "all"}).status_code == 403
    assert not ImportRun.objects.exists()


def test_upload_imports_in_the_background_and_reports(world: World, committed: Committed) -> None:
    client = client_for(world, "analyst")
    page = client.get("/returns/")
    assert page.status_code == 200
    assert b"Import a return" in page.content
    upload = SimpleUploadedFile(
        "census.xml", cin_xml(world.la.lea_code, ("NEW1", "2025-06-01"), ("NEW2", "2025-07-01"))
    )
    with committed(execute=True):
        response = client.post("/returns/import", {"kind": "cin", "upload": upload, "mode": "all"})
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/returns/imports/{run.pk}/"
    assert run.status == ImportRun.Status.DONE, run.message  # the test task backend runs it at once
    assert run.created_by == world.users["analyst"]
    assert set(
        Child.objects.filter(la=world.la, la_child_id__startswith="NEW").values_list("la_child_id", flat=True)
    ) == {
        "NEW1",
        "NEW2",
    }
    report = client.get(f"/returns/imports/{run.pk}/")
    assert report.status_code == 200
    assert run.message.encode() in report.content
    assert not any(Path(settings.UPLOAD_ROOT).rglob("*.xml"))  # an imported upload is not kept
    csv_report = client.get(f"/returns/imports/{run.pk}/report.csv")
    assert b"severity,file,location" in b"".join(csv_report.streaming_content)  # type: ignore[attr-defined]


def test_another_las_run_is_not_found(world: World, other_world: World, committed: Committed) -> None:
    upload = SimpleUploadedFile("census.xml", cin_xml(world.la.lea_code, ("NEW1", "2025-06-01")))
    with committed(execute=True):
        client_for(world, "analyst").post("/returns/import", {"kind": "cin", "upload": upload, "mode": "all"})
    run = ImportRun.objects.get()
    assert client_for(other_world, "analyst").get(f"/returns/imports/{run.pk}/").status_code == 404


def test_wrong_kind_of_file_is_refused_with_a_message_and_nothing_queued(world: World) -> None:
    client = client_for(world, "hos")
    upload = SimpleUploadedFile("episodes.csv", b"CHILD,DECOM\n")
    response = client.post("/returns/import", {"kind": "cin", "upload": upload, "mode": "all"})
    assert response.status_code == 400
    assert b"Choose one CIN census file ending .xml" in response.content
    assert not ImportRun.objects.exists()


def test_held_import_can_be_rerun_storing_what_can_be_stored(world: World, committed: Committed) -> None:
    client = client_for(world, "analyst")
    good = ("GOOD1", "2025-06-01")
    bad = ("BAD1", "2025-02-30")  # an impossible date: cannot be stored
    upload = SimpleUploadedFile("census.xml", cin_xml(world.la.lea_code, good, bad))
    with committed(execute=True):
        client.post("/returns/import", {"kind": "cin", "upload": upload, "mode": "all"})
    held = ImportRun.objects.get()
    assert held.status == ImportRun.Status.HELD, held.message
    assert not Child.objects.filter(la_child_id__in=["GOOD1", "BAD1"]).exists()
    page = client.get(f"/returns/imports/{held.pk}/")
    assert b"Import the records that can be stored" in page.content
    assert b"BAD1" in page.content
    with committed(execute=True):
        response = client.post(f"/returns/imports/{held.pk}/rerun")
    again = ImportRun.objects.exclude(pk=held.pk).get()
    assert response.status_code == 302
    assert again.mode == ImportRun.Mode.STORABLE
    assert again.status == ImportRun.Status.DONE, again.message
    assert Child.objects.filter(la_child_id="GOOD1").exists()
    assert not Child.objects.filter(la_child_id="BAD1").exists()


def test_903_zip_upload(world: World, committed: Committed) -> None:
    header = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\nZ1,M,01/02/2012,WBRI,UN1,,\r\n"
    bundle = io.BytesIO()
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("header.csv", header)
    upload = SimpleUploadedFile("return.zip", bundle.getvalue())
    client = client_for(world, "analyst")
    with committed(execute=True):
        client.post("/returns/import", {"kind": "903", "upload": upload, "mode": "all", "year": "2026"})
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.DONE, run.message
    assert Child.objects.filter(la=world.la, la_child_id="Z1").exists()


@pytest.mark.parametrize(("kind", "content_type"), [("cin", "application/xml"), ("903", "application/zip")])
def test_download_a_return(world: World, kind: str, content_type: str) -> None:
    client = client_for(world, "hos")
    response = client.post("/returns/export", {"export-kind": kind, "export-year": "2026"})
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    if kind == "cin":
        assert b"<Collection>CIN</Collection>" in content
    else:
        assert zipfile.ZipFile(io.BytesIO(content)).namelist()
    assert world.la.pk  # and the export is audited
    from casework.audit.models import AuditEvent

    assert AuditEvent.objects.filter(la=world.la, action="return_exported").count() == 1


def test_the_download_form_starts_at_the_collection_in_progress(world: World) -> None:
    from casework.core import clock
    from domain.census.years import year_of

    client = client_for(world, "hos")
    page = client.get("/returns/").content.decode()
    year = year_of(clock.today()).year
    assert f'name="export-year" value="{year}"' in page


def test_the_error_summary_is_at_the_top_of_the_page(world: World) -> None:
    client = client_for(world, "hos")
    response = client.post("/returns/export", {"export-kind": "cin", "export-year": ""})
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page
    assert page.index("govuk-error-summary") < page.index('<h1 class="govuk-heading-l">DfE returns</h1>')
