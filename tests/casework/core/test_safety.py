"""Safe by default (issue 10): headers on a child's page, no inline script or style in any template,
request bodies limited per URL, maximum lengths on free text, and the 503 page while the database is
away (the real outage, with a database stopped and restarted, is tests/continuity/test_db_fault.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import OperationalError
from django.test import override_settings

from casework.contacts.forms import ContactForm
from casework.contacts.models import Contact
from casework.core import forms as core_forms
from casework.core import safety
from casework.decisions.forms import DepartureRecordForm
from continuity.embedded_db import REPO_ROOT
from tests.casework.contacts.test_views import contact_form

TEMPLATE_DIRS = [REPO_ROOT / "templates", *sorted((REPO_ROOT / "casework").glob("*/templates"))]


def templates() -> list[Path]:
    found = [path for folder in TEMPLATE_DIRS for path in folder.rglob("*.html")]
    assert len(found) > 50, "the template folders were not found"
    return found


@pytest.mark.django_db
def test_a_childs_page_carries_every_safety_header(client, world):
    client.force_login(world.users["sw"])
    response = client.get(f"/children/{world.children['jon'].pk}/")
    assert response.status_code == 200
    assert "Jonathan" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert response["Permissions-Policy"].startswith("accelerometer=()")
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp


@pytest.mark.django_db
def test_exports_and_the_sign_in_page_are_not_stored_either(client, world):
    assert client.get("/sign-in")["Cache-Control"] == "no-store"
    client.force_login(world.users["hos"])
    export = client.get("/decisions/export.csv")
    assert export.status_code == 200
    assert export["Cache-Control"] == "no-store"


def test_static_files_stay_cacheable(client):
    response = client.get("/static/continuity.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
JS_URL = re.compile(r"javascript:", re.IGNORECASE)


@pytest.mark.parametrize(
    ("pattern", "what"),
    [
        (INLINE_SCRIPT, "an inline <script>"),
        (INLINE_STYLE, "an inline style"),
        (EVENT_HANDLER, "an on*= event handler"),
        (JS_URL, "a javascript: URL"),
    ],
)
def test_no_template_has_inline_script_or_style(pattern, what):
    """The Content-Security-Policy forbids them: the browser would refuse them (ASVS 14.4.3)."""
    offenders = [
        f"{path.relative_to(REPO_ROOT)}:{n}"
        for path in templates()
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert not offenders, f"{what} in: {offenders}"


def test_the_grep_finds_what_it_looks_for():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert INLINE_SCRIPT.search('<script type="module">')
    assert not INLINE_SCRIPT.search('<script type="module" src="/static/x.js"></script>')
    assert INLINE_STYLE.search('<p style="color: red">')
    assert EVENT_HANDLER.search('<a onclick="x()">')
    assert not EVENT_HANDLER.search('<a class="govuk-link" data-module="govuk-button">')


@pytest.mark.django_db
def test_every_page_of_the_local_demonstration_says_so(client, world):
    assert "Local demonstration: not for real records" in client.get("/sign-in").content.decode()
    client.force_login(world.users["sw"])
    for url in ("/", f"/children/{world.children['jon'].pk}/", "/no-such-page"):
        page = client.get(url).content.decode()
        assert "Local demonstration: not for real records" in page, url
    with override_settings(CONTINUITY_LOCAL=False):
        assert "Local demonstration" not in client.get("/").content.decode()


@pytest.mark.django_db
def test_a_body_too_large_for_its_page_gets_a_govuk_413_page_and_nothing_is_saved(client, world):
    client.force_login(world.users["sw"])
    jon = world.children["jon"]
    with override_settings(MAX_REQUEST_BYTES=64 * 1024):
        response = client.post(f"/children/{jon.pk}/contacts/new", contact_form(outcome="x" * (65 * 1024)))
    assert response.status_code == 413
    page = response.content.decode()
    assert "What you sent is too large" in page
    assert "govuk-heading-l" in page
    assert "Traceback" not in page
    assert response["Cache-Control"] == "no-store"
    assert "Content-Security-Policy" in response
    assert not Contact.objects.exists()


def test_only_the_return_upload_takes_large_bodies(settings):
    assert safety.request_limit("/children/1/contacts/new") == settings.MAX_REQUEST_BYTES
    assert safety.request_limit("/returns/") == settings.MAX_REQUEST_BYTES
    assert safety.request_limit("/returns/import") > settings.MAX_RETURN_UPLOAD_BYTES
    assert settings.MAX_REQUEST_BYTES <= 1024**2
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 1024**2


@pytest.mark.django_db
def test_a_contact_note_too_long_is_refused_with_a_clear_message(client, world):
    client.force_login(world.users["sw"])
    jon = world.children["jon"]
    too_long = "a" * (core_forms.TEXTAREA_MAX_LENGTH + 1)
    page = client.post(f"/children/{jon.pk}/contacts/new", contact_form(outcome=too_long)).content.decode()
    assert "There is a problem" in page
    assert "Outcome must be 20,000 characters or less" in page
    assert not Contact.objects.exists()
    just_fits = "a" * core_forms.TEXTAREA_MAX_LENGTH
    response = client.post(f"/children/{jon.pk}/contacts/new", contact_form(outcome=just_fits))
    assert response.status_code == 302
    assert Contact.objects.get().outcome == just_fits


@pytest.mark.parametrize("form_class", [ContactForm, DepartureRecordForm])
def test_every_text_field_of_the_main_forms_has_a_maximum_length(form_class):
    form = form_class(video_allowed=True) if form_class is ContactForm else form_class()
    for name, field in form.fields.items():
        if hasattr(field, "max_length"):
            assert field.max_length, name
            assert field.error_messages["max_length"].endswith("characters or less"), name


def test_a_decision_rationale_too_long_is_refused():
    form = DepartureRecordForm(data={"rationale": "r" * (core_forms.TEXTAREA_MAX_LENGTH + 1)})
    assert not form.is_valid()
    assert form.errors["rationale"] == ["Rationale must be 20,000 characters or less"]


def database_away(*args, **kwargs):
    raise OperationalError("connection to server on socket failed: No such file or directory")


def assert_kind_503(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "Sorry, the service is unavailable" in page
    assert "OperationalError" not in page
    assert "connection to server" not in page


@pytest.mark.django_db
def test_a_database_failure_in_a_view_is_a_kind_503_page(client, world, monkeypatch):
    client.force_login(world.users["sw"])
    monkeypatch.setattr("casework.core.views.render", database_away)
    assert_kind_503(client.get("/accessibility"))


@pytest.mark.django_db
def test_a_database_failure_before_the_view_is_a_kind_503_page_too(client, world, monkeypatch):
    """The session and the user are read by middleware, before any view: the 500 handler answers."""
    client.force_login(world.users["sw"])
    client.raise_request_exception = False
    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.load", database_away)
    assert_kind_503(client.get("/"))


@pytest.mark.django_db
def test_any_other_failure_is_still_the_500_page(client, world, monkeypatch):
    client.force_login(world.users["sw"])
    client.raise_request_exception = False

    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr("casework.core.views.render", broken)
    response = client.get("/accessibility")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
