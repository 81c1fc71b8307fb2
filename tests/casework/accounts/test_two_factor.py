"""Two factors (issue 10, "Signing in"): set up at first sign-in, asked for after the password, throttled
and audited when wrong, recovery codes used once, every page held until then, the deployment setting,
and an administrator's reset of someone's factor."""

from __future__ import annotations

import ast
import inspect
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.accounts import recovery, two_factor
from casework.audit.models import AuditEvent
from tests.casework.test_services_contract import is_atomic, takes_actor
from tests.conftest import PASSWORD
from tests.continuity.test_production import PRODUCTION, run

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _required(settings: Any) -> None:
    settings.TWO_FACTOR_REQUIRED = True


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """What the person's authenticator app shows now (or `steps_ahead` periods of 30 s later, which the
    device still accepts: tolerance 1, and a code is never accepted twice)."""
    device.refresh_from_db()
    return (
        f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=steps_ahead):06d}"
    )


def enrol(user: Any) -> tuple[TOTPDevice, list[str]]:
    device = two_factor.totp_device_pending(actor=user)
    result = two_factor.totp_enrol_confirm(actor=user, device=device, token=code_for(device))
    assert result.confirmed, result.error
    return device, result.recovery_codes


def sign_in(client: Any, user: Any) -> Any:
    return client.post("/sign-in", {"username": user.username, "password": PASSWORD})


def test_first_sign_in_sets_up_an_app_then_shows_the_recovery_codes_once(client, world):
    sw = world.users["sw"]
    response = sign_in(client, sw)
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/set-up?next=%2F"
    # Every page waits for the set-up.
    assert client.get("/children/")["Location"] == "/sign-in/set-up?next=%2Fchildren%2F"

    page = client.get("/sign-in/set-up?next=/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml;' in html  # the QR code, made here
    device = TOTPDevice.objects.get(user=sw, confirmed=False)
    assert two_factor.totp_secret_text(device).replace(" ", "") in html.replace(" ", "")
    assert device.config_url.startswith("otpauth://totp/Continuity")

    wrong = client.post("/sign-in/set-up", {"code": "000000" if code_for(device) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert two_factor.WRONG_CODE in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=sw, confirmed=True).exists()
    assert client.get("/")["Location"].startswith("/sign-in/set-up")

    device.throttle_reset()
    done = client.post("/sign-in/set-up", {"code": code_for(device), "next": "/"})
    assert done["Location"] == "/sign-in/recovery-codes?next=%2F"
    codes_page = client.get(done["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", codes_page)
    assert len(codes) == two_factor.RECOVERY_CODE_COUNT
    # Kept only as keyed hashes: no code is readable in the database.
    stored = set(StaticToken.objects.filter(device__user=sw).values_list("token", flat=True))
    assert stored == {recovery.digest(code) for code in codes}
    assert not stored & set(codes)
    # Shown once only.
    assert client.get("/sign-in/recovery-codes?next=/")["Location"] == "/"
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="sign_in.app_enrolled", target_id=sw.pk).count() == 1


def test_after_the_password_a_person_with_an_app_is_asked_for_its_code(client, world):
    sw = world.users["sw"]
    device, _codes = enrol(sw)
    response = sign_in(client, sw)
    assert response["Location"] == "/sign-in/code?next=%2F"
    assert client.get("/")["Location"] == "/sign-in/code?next=%2F"
    page = client.get("/sign-in/code?next=/")
    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in page.content.decode()
    ok = client.post("/sign-in/code", {"code": code_for(device, 1), "next": "/children/"})
    assert ok["Location"] == "/children/"
    assert client.get("/children/").status_code == 200


def test_a_wrong_code_is_refused_throttled_and_audited(client, world):
    sw = world.users["sw"]
    device, _codes = enrol(sw)
    sign_in(client, sw)
    right = code_for(device, 1)
    wrong = "123456" if right != "123456" else "654321"
    refused = client.post("/sign-in/code", {"code": wrong})
    assert refused.status_code == 200
    assert two_factor.WRONG_CODE in refused.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    event = AuditEvent.objects.get(action="sign_in.second_factor_refused")
    assert (event.actor_id, event.target_id, event.la_id) == (sw.pk, sw.pk, world.la.id)

    # Straight after a failure even the right code waits (1 s, then 2, 4 ...).
    throttled = client.post("/sign-in/code", {"code": right})
    assert throttled.status_code == 200
    assert "Too many wrong codes" in throttled.content.decode()
    assert client.get("/")["Location"].startswith("/sign-in/code")

    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=5)
    )
    assert client.post("/sign-in/code", {"code": right})["Location"] == "/"
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_the_throttle_doubles_the_wait(world):
    sw = world.users["sw"]
    device, _codes = enrol(sw)
    for expected in (1, 2, 3):
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
        StaticDevice.objects.filter(user=sw).update(throttling_failure_timestamp=None)
        assert two_factor.second_factor_verify(actor=sw, token="99999999").device is None
        device.refresh_from_db()
        assert device.throttling_failure_count == expected
    allowed, info = device.verify_is_allowed()
    assert not allowed
    assert info["locked_until"] - device.throttling_failure_timestamp == timedelta(seconds=4)


def test_a_recovery_code_works_once_only(client, world):
    sw = world.users["sw"]
    _device, codes = enrol(sw)
    sign_in(client, sw)
    assert client.post("/sign-in/code", {"code": codes[0].upper()})["Location"] == "/"
    assert StaticToken.objects.filter(device__user=sw).count() == two_factor.RECOVERY_CODE_COUNT - 1

    client.post("/sign-out")
    sign_in(client, sw)
    again = client.post("/sign-in/code", {"code": codes[0]})
    assert again.status_code == 200
    assert client.get("/")["Location"].startswith("/sign-in/code")
    StaticDevice.objects.filter(user=sw).update(throttling_failure_timestamp=None)
    TOTPDevice.objects.filter(user=sw).update(throttling_failure_timestamp=None)
    assert client.post("/sign-in/code", {"code": codes[1]})["Location"] == "/"


@pytest.mark.parametrize(
    "path", ["/", "/children/", "/account/sign-in", "/staff/", "/audit/", "/webauthn/registration/begin/"]
)
def test_every_page_waits_for_the_second_factor(client, world, path):
    device, _codes = enrol(world.users["admin"])
    sign_in(client, world.users["admin"])
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/code?next=")


def test_single_sign_on_with_the_providers_second_factor_is_not_asked_again(client, world):
    from casework.accounts.oidc import SESSION_PROVIDER_MFA

    client.force_login(world.users["sw"])
    assert client.get("/")["Location"].startswith("/sign-in/set-up")
    session = client.session
    session[SESSION_PROVIDER_MFA] = True
    session.save()
    assert client.get("/").status_code == 200


def test_the_sign_in_pages_and_static_files_stay_open_before_the_second_factor(client, world):
    enrol(world.users["sw"])
    sign_in(client, world.users["sw"])
    assert client.get("/sign-in/code").status_code == 200
    assert client.get("/static/continuity.css").status_code == 200
    assert client.get("/accessibility").status_code == 200
    assert client.post("/sign-out")["Location"] == "/sign-in"
    assert client.get("/")["Location"].startswith("/sign-in?next=")


def test_a_person_with_a_factor_cannot_set_up_another_before_giving_it(client, world):
    """Otherwise anyone with the password could add their own app and skip the second factor."""
    enrol(world.users["sw"])
    sign_in(client, world.users["sw"])
    response = client.get("/sign-in/set-up")
    assert response["Location"].startswith("/sign-in/code")
    assert not TOTPDevice.objects.filter(user=world.users["sw"], confirmed=False).exists()


def test_not_required_a_person_without_a_factor_goes_straight_in_but_one_with_is_asked(
    client, world, settings
):
    settings.TWO_FACTOR_REQUIRED = False
    assert sign_in(client, world.users["sw2"])["Location"] == "/"
    assert client.get("/children/").status_code == 200
    assert client.get("/account/sign-in").status_code == 200
    client.post("/sign-out")

    device, _codes = enrol(world.users["sw"])
    assert sign_in(client, world.users["sw"])["Location"] == "/sign-in/code?next=%2F"
    assert client.get("/children/")["Location"].startswith("/sign-in/code")
    assert client.post("/sign-in/code", {"code": code_for(device, 1)})["Location"] == "/"


def test_not_required_a_person_can_set_up_an_app_from_their_sign_in_page(client, world, settings):
    settings.TWO_FACTOR_REQUIRED = False
    sw = world.users["sw"]
    client.force_login(sw)
    page = client.get("/account/sign-in").content.decode()
    assert "Set up an authenticator app" in page
    client.get("/sign-in/set-up?next=/account/sign-in")
    device = TOTPDevice.objects.get(user=sw, confirmed=False)
    done = client.post("/sign-in/set-up", {"code": code_for(device), "next": "/account/sign-in"})
    assert done["Location"] == "/sign-in/recovery-codes?next=%2Faccount%2Fsign-in"
    assert client.get("/account/sign-in").status_code == 200


def setting_in(env: dict[str, str]) -> str:
    result = run(["-c", "import continuity.settings as s; print(s.TWO_FACTOR_REQUIRED)"], env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_setting_is_on_in_production_and_off_in_the_local_demonstration():
    assert setting_in(PRODUCTION) == "True"
    assert setting_in({**PRODUCTION, "TWO_FACTOR_REQUIRED": "0"}) == "False"
    local = {**PRODUCTION, "CONTINUITY_LOCAL": "1"}
    assert setting_in(local) == "False"
    assert setting_in({**local, "TWO_FACTOR_REQUIRED": "1"}) == "True"


def test_new_recovery_codes_replace_the_old_ones(client, world):
    sw = world.users["sw"]
    device, old = enrol(sw)
    sign_in(client, sw)
    client.post("/sign-in/code", {"code": code_for(device, 1)})
    page = client.get("/account/sign-in").content.decode()
    assert f"You have {two_factor.RECOVERY_CODE_COUNT} unused recovery codes" in page
    response = client.post("/account/sign-in/recovery-codes")
    shown = re.findall(
        r"<li><code>([a-z0-9]+)</code></li>", client.get(response["Location"]).content.decode()
    )
    assert len(shown) == two_factor.RECOVERY_CODE_COUNT
    assert not set(shown) & set(old)
    stored = set(StaticToken.objects.filter(device__user=sw).values_list("token", flat=True))
    assert stored == {recovery.digest(code) for code in shown}
    assert AuditEvent.objects.filter(action="sign_in.recovery_codes_renewed").count() == 1


# Resetting someone's factor.


def test_an_administrator_resets_a_factor_audited_and_the_person_is_told(
    world, django_capture_on_commit_callbacks
):
    sw, admin = world.users["sw"], world.users["admin"]
    sw.email = "sw@example.gov.uk"
    sw.save()
    enrol(sw)
    with pytest.raises(ValidationError):
        two_factor.second_factor_reset(actor=admin, person=sw, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        removed = two_factor.second_factor_reset(actor=admin, person=sw, reason="Lost phone, rang the desk")
    assert removed == 2  # the app and the recovery codes
    assert not two_factor.has_second_factor(sw)
    event = AuditEvent.objects.get(action="staff.second_factor_reset")
    assert (event.actor_id, event.target_id, event.la_id) == (admin.pk, sw.pk, world.la.id)
    assert event.reason == "Lost phone, rang the desk"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sw@example.gov.uk"]
    assert "Lost phone, rang the desk" in mail.outbox[0].body


@pytest.mark.parametrize("who", ["hos", "tm", "sw2", "self", "other_la"])
def test_only_another_administrator_of_the_same_council_may_reset(world, other_world, who):
    person = world.users["admin"] if who == "self" else world.users["sw"]
    actor = {"self": world.users["admin"], "other_la": other_world.users["admin"]}.get(who)
    enrol(person)
    with pytest.raises(PermissionDenied):
        two_factor.second_factor_reset(actor=actor or world.users[who], person=person, reason="Asked to")
    assert two_factor.has_second_factor(person)
    assert not AuditEvent.objects.filter(action="staff.second_factor_reset").exists()
    assert mail.outbox == []


def test_the_reset_from_the_staff_page(client, world, settings):
    settings.TWO_FACTOR_REQUIRED = False
    sw, admin = world.users["sw"], world.users["admin"]
    enrol(sw)
    client.force_login(admin)
    detail = client.get(f"/staff/{sw.pk}/").content.decode()
    assert f"/staff/{sw.pk}/second-factor/reset" in detail
    confirm = client.get(f"/staff/{sw.pk}/second-factor/reset")
    assert confirm.status_code == 200
    assert "Reset second factor" in confirm.content.decode()
    missing = client.post(f"/staff/{sw.pk}/second-factor/reset", {"reason": ""})
    assert missing.status_code == 200
    assert two_factor.has_second_factor(sw)
    done = client.post(f"/staff/{sw.pk}/second-factor/reset", {"reason": "New phone"})
    assert done["Location"] == f"/staff/{sw.pk}/"
    assert not two_factor.has_second_factor(sw)
    # Not offered for their own account, nor to a head of service.
    assert "second-factor/reset" not in client.get(f"/staff/{admin.pk}/").content.decode()
    assert client.get(f"/staff/{admin.pk}/second-factor/reset").status_code == 403
    client.force_login(world.users["hos"])
    assert "second-factor/reset" not in client.get(f"/staff/{sw.pk}/").content.decode()
    assert client.post(f"/staff/{sw.pk}/second-factor/reset", {"reason": "x"}).status_code == 403


def test_the_two_factor_writes_are_atomic_and_take_the_actor():
    """As tests/casework/test_services_contract.py holds every services module to."""
    tree = ast.parse(Path(inspect.getfile(two_factor)).read_text())
    reads = {"is_verified", "has_second_factor", "totp_secret_text", "totp_qr_data_uri"}
    writes = [n for n in tree.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")]
    problems = [n.name for n in writes if n.name not in reads and not (is_atomic(n) and takes_actor(n))]
    assert len(writes) > len(reads)
    assert problems == []


def test_a_recovery_code_still_works_after_the_secret_key_is_rotated_the_django_way(client, world, settings):
    sw = world.users["sw"]
    _device, codes = enrol(sw)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-for-this-deployment-" + "x" * 20
    sign_in(client, sw)
    assert client.post("/sign-in/code", {"code": codes[1]})["Location"] == "/"
    assert StaticToken.objects.filter(device__user=sw).count() == two_factor.RECOVERY_CODE_COUNT - 1


def test_the_migration_hashes_codes_stored_in_the_clear_and_leaves_hashed_ones(world):
    from importlib import import_module

    from django.apps import apps

    sw = world.users["sw"]
    device = StaticDevice.objects.create(user=sw, name=two_factor.RECOVERY_DEVICE_NAME, confirmed=True)
    StaticToken.objects.create(device=device, token="abcd2345")
    already = StaticToken.objects.create(device=device, token=recovery.digest("wxyz6723"))
    migration = import_module("casework.accounts.migrations.0009_recovery_codes_hashed")
    migration.hash_plain_codes(apps, None)
    assert set(StaticToken.objects.filter(device=device).values_list("token", flat=True)) == {
        recovery.digest("abcd2345"),
        already.token,
    }
    assert two_factor.second_factor_verify(actor=sw, token="ABCD 2345").device is not None
