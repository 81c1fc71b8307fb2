"""Second factors (issue 10, "Signing in"): an authenticator app (TOTP, RFC 6238), one-time recovery codes
and passkeys, through django-otp. Every write here is atomic, takes the person acting, and is audited.

Rules: a second factor for every account when TWO_FACTOR_REQUIRED (OWASP ASVS 4.0 2.7, 2.8; NCSC
"Multi-factor authentication for your corporate online services"); wrong codes are throttled (ASVS 2.2.1,
django-otp's exponential delay per device) and every failure is audited (ASVS 7.2.1); resetting someone's
factor is an administrator's action, audited and told to the person (ASVS 2.5.5, 7.1.3).
"""

from __future__ import annotations

from base64 import b32encode
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import segno
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user, user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from casework.accounts import recovery
from casework.accounts.models import User
from casework.audit.services import audit_record
from casework.core import permissions

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
WRONG_CODE = "The code is not right: check your authenticator app and enter the code it shows now"
THROTTLED = "Too many wrong codes: wait until {time} and try again"


def is_verified(user: Any) -> bool:
    """Whether this session's person has given their second factor (django_otp's OTPMiddleware)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if check is not None else False


def has_second_factor(user: User) -> bool:
    """Whether the person has a confirmed factor they can be asked for."""
    return bool(user_has_device(user, confirmed=True))


def _audit(actor: User, person: User, action: str, summary: str, reason: str = "") -> None:
    """An audit event in the person's LA (deployment operators without one leave only the request log)."""
    if person.la_id is not None:
        audit_record(
            actor=actor, la_id=person.la_id, action=action, target=person, summary=summary, reason=reason
        )


@transaction.atomic
def totp_device_pending(*, actor: User) -> TOTPDevice:
    """The person's authenticator app being set up (unconfirmed): the same secret until confirmed."""
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=actor, name=APP_DEVICE_NAME, confirmed=False)
    return device


def totp_secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// address as a QR code, an SVG made here (never by a network service)."""
    return str(segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2))


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    # Stored as keyed hashes only (casework.accounts.recovery): the codes are shown to the person once.
    StaticToken.objects.bulk_create(StaticToken(device=device, token=recovery.digest(code)) for code in codes)
    return codes


@dataclass(frozen=True)
class Enrolment:
    """The recovery codes to show once (none if the person had some already), or why it failed."""

    confirmed: bool
    recovery_codes: list[str] = field(default_factory=list)
    error: str = ""


@transaction.atomic
def totp_enrol_confirm(*, actor: User, device: TOTPDevice, token: str) -> Enrolment:
    """Confirm the person's authenticator app with a code from it, and give them recovery codes.

    A wrong code is refused, counted towards the throttle and audited (committed: not an exception)."""
    if device.user_id != actor.pk or device.confirmed:
        raise PermissionDenied("This is not your authenticator app to set up.")
    locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    allowed, info = locked.verify_is_allowed()
    if not allowed:
        return Enrolment(confirmed=False, error=THROTTLED.format(time=_until(info)))
    if not locked.verify_token(recovery.normalise(token)):
        _audit(actor, actor, "sign_in.enrol_code_refused", f"{actor}: a wrong code while setting up an app")
        return Enrolment(confirmed=False, error=WRONG_CODE)
    locked.confirmed = True
    locked.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
    codes = [] if StaticDevice.objects.filter(user=actor).exists() else _new_recovery_codes(actor)
    _audit(actor, actor, "sign_in.app_enrolled", f"{actor} set up an authenticator app")
    return Enrolment(confirmed=True, recovery_codes=codes)


@transaction.atomic
def recovery_codes_regenerate(*, actor: User) -> list[str]:
    """New recovery codes for the person; the old ones stop working."""
    if not has_second_factor(actor):
        raise PermissionDenied("Set up an authenticator app or a passkey first.")
    codes = _new_recovery_codes(actor)
    _audit(actor, actor, "sign_in.recovery_codes_renewed", f"{actor} made new recovery codes")
    return codes


@dataclass(frozen=True)
class Verification:
    device: Device | None
    error: str = ""


def _until(info: dict[str, object] | None) -> str:
    locked_until = (info or {}).get("locked_until")
    if isinstance(locked_until, datetime):
        return f"{timezone.localtime(locked_until):%H:%M:%S}"
    return "a little later"


def _code_devices(user: User) -> list[Device]:
    """Devices that take a typed code: the app(s) first, then the recovery codes."""
    found = [d for d in devices_for_user(user, confirmed=True) if not isinstance(d, WebAuthnCredential)]
    return sorted(found, key=lambda d: isinstance(d, StaticDevice))


def _verify(device: Device, token: str) -> bool:
    """An app checks the code itself; a recovery code is looked up by its digest (the code is not kept),
    under the secret key or a fallback key, and used up by django-otp as any static token is."""
    if not isinstance(device, StaticDevice):
        return bool(device.verify_token(token))
    stored = device.token_set.filter(token__in=recovery.digests(token)).values_list("token", flat=True)
    # No match still goes through verify_token, which counts the failure against the throttle.
    return bool(device.verify_token(stored.first() or recovery.digest(token)))


@transaction.atomic
def second_factor_verify(*, actor: User, token: str) -> Verification:
    """Check a code typed at sign-in (an app's code or a recovery code, which is then used up).

    Each device keeps its own throttle; a device still waiting is not tried. A refusal is audited."""
    token = recovery.normalise(token)
    waits: list[str] = []
    for device in _code_devices(actor):
        locked = type(device).objects.select_for_update().get(pk=device.pk)
        allowed, info = locked.verify_is_allowed()
        if not allowed:
            waits.append(_until(info))
            continue
        if token and _verify(locked, token):
            _audit(actor, actor, "sign_in.second_factor", f"{actor} signed in with {locked.name.lower()}")
            return Verification(device=locked)
    error = THROTTLED.format(time=max(waits)) if waits else WRONG_CODE
    _audit(actor, actor, "sign_in.second_factor_refused", f"{actor}: a wrong second-factor code")
    return Verification(device=None, error=error)


@transaction.atomic
def passkey_remove(*, actor: User, passkey_id: int) -> None:
    passkey = WebAuthnCredential.objects.filter(user=actor, pk=passkey_id).first()
    if passkey is None:
        raise PermissionDenied("That passkey is not yours.")
    passkey.delete()
    _audit(actor, actor, "sign_in.passkey_removed", f"{actor} removed a passkey ({passkey.name})")


RESET_EMAIL = """Dear {name},

{admin}, a system administrator of {la}, has reset the second factor you use to sign in to Continuity.

Reason given: {reason}

The next time you sign in you will be asked to set up an authenticator app again. If you did not expect
this, tell your manager or your council's IT service desk straight away.
"""


@transaction.atomic
def second_factor_reset(*, actor: User, person: User, reason: str) -> int:
    """Remove every second factor of `person` (a lost phone, say), so they set one up at next sign-in.

    Only a system administrator of the person's own LA, never for themselves (ASVS 2.5.5: another
    person must check who is asking). Audited, and the person is told by e-mail. Returns the number of
    factors removed."""
    if not permissions.is_administrator(actor) or person.la_id != actor.la_id:
        raise PermissionDenied("Only a system administrator of this council can reset a second factor.")
    if person.pk == actor.pk:
        raise PermissionDenied("Ask another administrator to reset your own second factor.")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the second factor is being reset"})
    User.objects.select_for_update().filter(pk=person.pk).first()
    removed = 0
    for device in devices_for_user(person, confirmed=None):
        device.delete()
        removed += 1
    audit_record(
        actor=actor,
        la_id=permissions.la_id_of(actor),
        action="staff.second_factor_reset",
        target=person,
        summary=f"Reset {person}'s second factor ({removed} removed)",
        reason=reason,
    )
    if person.email:
        body = RESET_EMAIL.format(
            name=person.get_full_name() or person.username, admin=actor, la=actor.la, reason=reason
        )
        transaction.on_commit(
            lambda: send_mail(
                "Your Continuity sign-in has been reset", body, settings.DEFAULT_FROM_EMAIL, [person.email]
            )
        )
    return removed
