"""Two factors in a real browser, under the strict Content-Security-Policy: an authenticator app set up at
first sign-in and asked for at the next; a passkey added and used (Chromium's virtual authenticator)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import expect

from casework.accounts import two_factor
from tests.e2e.test_csp_journeys import RECORD_VIOLATIONS, violations
from tests.e2e.test_journeys import path_of, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _required(settings: Any) -> None:
    settings.TWO_FACTOR_REQUIRED = True


def app_code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """What the authenticator app shows (a later period's code is still accepted, and a code only once)."""
    device.refresh_from_db()
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=steps_ahead)
    return f"{code:06d}"


def test_set_up_an_app_at_first_sign_in_then_sign_in_again_with_its_code(new_page, live_world):
    sw = live_world.users["sw"]
    page = new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    sign_in(page, sw.username)

    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    assert path_of(page) == "/sign-in/set-up?next=%2F"
    page.goto("/children/")  # every page waits
    assert path_of(page) == "/sign-in/set-up?next=%2Fchildren%2F"
    expect(page.get_by_test_id("qr-code")).to_be_visible()
    assert page.get_by_test_id("qr-code").evaluate("img => img.naturalWidth") > 0  # the SVG drew
    page.get_by_text("I cannot scan the QR code").click()
    device = TOTPDevice.objects.get(user=sw, confirmed=False)
    expect(page.get_by_test_id("totp-secret")).to_have_text(two_factor.totp_secret_text(device))
    expect(page.get_by_role("navigation", name="Menu")).to_have_count(0)

    page.get_by_label("Code").fill("000000" if app_code(device) != "000000" else "111111")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not right")
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    page.get_by_label("Code").fill(app_code(device))
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    page.get_by_role("button", name=re.compile("I have kept my codes")).click()
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()
    assert path_of(page) == "/children/"
    assert violations(page) == []

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, sw.username)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter the code from your authenticator app")
    assert path_of(page) == "/sign-in/code?next=%2F"
    page.get_by_label("Code").fill(app_code(device, 1))
    page.get_by_role("button", name="Continue").click()
    assert path_of(page) == "/"
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()
    expect(page.get_by_role("navigation", name="Menu")).to_be_visible()
    assert violations(page) == []


def virtual_authenticator(page: Any) -> Any:
    """Chromium's own test authenticator (DevTools protocol): a platform passkey that always consents."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
        "automaticPresenceSimulation": True,
    }
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})
    return cdp


def test_add_a_passkey_and_sign_in_with_it(new_page, live_world):
    sw = live_world.users["sw"]
    device = two_factor.totp_device_pending(actor=sw)
    assert two_factor.totp_enrol_confirm(actor=sw, device=device, token=app_code(device)).confirmed
    page = new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    virtual_authenticator(page)
    sign_in(page, sw.username)
    page.get_by_label("Code").fill(app_code(device, 1))
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("link", name="Your sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your sign-in")
    page.get_by_test_id("passkey-add").click()
    expect(page.get_by_test_id("passkeys")).to_be_visible()  # the page is shown again with it
    assert WebAuthnCredential.objects.filter(user=sw, confirmed=True).count() == 1
    assert violations(page) == []

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, sw.username)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter the code from your authenticator app")
    page.get_by_test_id("passkey-sign-in").click()
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))
    expect(page.get_by_role("navigation", name="Menu")).to_be_visible()
    assert violations(page) == []
