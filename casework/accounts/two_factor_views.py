"""The second step of signing in, setting up a factor, a person's own sign-in page, and an administrator's
reset of someone's factor (casework/accounts/two_factor.py holds the rules and writes)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.templatetags.otp_webauthn import get_configuration

from casework.accounts import selectors, two_factor
from casework.accounts.two_factor_middleware import PENDING_SESSION_KEY, second_factor_needed
from casework.core import permissions
from casework.core.forms import GovukForm
from casework.core.formtools import apply_validation_error
from casework.core.types import AuthenticatedRequest

# Recovery codes wait here between the page that makes them and the one that shows them, once.
CODES_SESSION_KEY = "continuity_recovery_codes"


class CodeForm(GovukForm):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes",
        error_messages={"required": "Enter the code from your authenticator app"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "class": "govuk-input--width-10",
                "autofocus": True,
            }
        ),
    )


class SetupForm(CodeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = "The 6-digit code your authenticator app shows for Continuity"


class ResetForm(GovukForm):
    reason = forms.CharField(
        label="Why are you resetting it?",
        max_length=1000,
        help_text="For example, a lost or replaced phone. The person is told by email, with this reason.",
        error_messages={"required": "Enter why the second factor is being reset"},
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _next(request: HttpRequest) -> str:
    """Where to go afterwards: a `next` on this site, or the home page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, target: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': target})}"


class SecondFactorSignInMixin:
    """After the password: ask for the second factor, or set one up (the middleware holds every other
    page until then)."""

    request: HttpRequest

    def form_valid(self, form: Any) -> HttpResponse:
        response: HttpResponse = super().form_valid(form)  # type: ignore[misc]
        target = response["Location"]
        if two_factor.has_second_factor(form.get_user()):
            self.request.session[PENDING_SESSION_KEY] = True
            return redirect(_with_next("accounts:two-factor", target))
        if settings.TWO_FACTOR_REQUIRED:
            return redirect(_with_next("accounts:two-factor-setup", target))
        return response


def _passkey_config(request: HttpRequest) -> dict[str, Any]:
    return dict(get_configuration(request))


def two_factor_verify(request: AuthenticatedRequest) -> HttpResponse:
    """The second step of signing in: a code from the app, a recovery code, or a passkey."""
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    if two_factor.is_verified(request.user):
        return redirect(_next(request))
    if not two_factor.has_second_factor(request.user):
        return redirect(_with_next("accounts:two-factor-setup", _next(request)))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = two_factor.second_factor_verify(actor=request.user, token=form.cleaned_data["code"])
        if result.device is not None:
            otp_login(request, result.device)
            request.session.pop(PENDING_SESSION_KEY, None)
            return redirect(_next(request))
        form.add_error("code", result.error)
    has_passkey = WebAuthnCredential.objects.filter(user=request.user, confirmed=True).exists()
    return render(
        request,
        "accounts/two_factor_verify.html",
        {
            "form": form,
            "next": _next(request),
            "has_passkey": has_passkey,
            "passkey_config": _passkey_config(request) if has_passkey else None,
        },
    )


def two_factor_setup(request: AuthenticatedRequest) -> HttpResponse:
    """Set up an authenticator app: at first sign-in, or later from the person's own sign-in page."""
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    if not two_factor.is_verified(request.user) and two_factor.has_second_factor(request.user):
        # A new factor only once the person has given one they already have.
        return redirect(_with_next("accounts:two-factor", _next(request)))
    device = two_factor.totp_device_pending(actor=request.user)
    form = SetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = two_factor.totp_enrol_confirm(
            actor=request.user, device=device, token=form.cleaned_data["code"]
        )
        if result.confirmed:
            if not two_factor.is_verified(request.user):
                otp_login(request, TOTPDevice.objects.get(pk=device.pk))
            request.session.pop(PENDING_SESSION_KEY, None)
            if result.recovery_codes:
                request.session[CODES_SESSION_KEY] = result.recovery_codes
                return redirect(_with_next("accounts:recovery-codes", _next(request)))
            messages.success(request, "Your authenticator app is set up")
            return redirect(_next(request))
        form.add_error("code", result.error)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "next": _next(request),
            "qr_code": two_factor.totp_qr_data_uri(device),
            "secret": two_factor.totp_secret_text(device),
            "first_time": not two_factor.is_verified(request.user),
        },
    )


def recovery_codes_show(request: AuthenticatedRequest) -> HttpResponse:
    """The recovery codes just made, shown this once."""
    if not request.user.is_authenticated or second_factor_needed(request):
        return redirect(settings.LOGIN_URL)
    codes = request.session.pop(CODES_SESSION_KEY, None)
    if not codes:
        return redirect(_next(request))
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next(request)})


def your_sign_in(request: AuthenticatedRequest) -> HttpResponse:
    """A person's own factors: their authenticator app, recovery codes left, passkeys."""
    user = request.user
    can_add = two_factor.is_verified(user) or not two_factor.has_second_factor(user)
    return render(
        request,
        "accounts/your_sign_in.html",
        {
            "apps": TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk"),
            "codes_left": StaticToken.objects.filter(device__user=user).count(),
            "has_codes": StaticDevice.objects.filter(user=user).exists(),
            "passkeys": WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("pk"),
            "can_add": can_add,
            "passkey_config": _passkey_config(request) if can_add else None,
            "required": settings.TWO_FACTOR_REQUIRED,
        },
    )


@require_POST
def recovery_codes_new(request: AuthenticatedRequest) -> HttpResponseBase:
    codes = two_factor.recovery_codes_regenerate(actor=request.user)
    request.session[CODES_SESSION_KEY] = codes
    return redirect(_with_next("accounts:recovery-codes", reverse("accounts:your-sign-in")))


@require_POST
def passkey_remove(request: AuthenticatedRequest, passkey_id: int) -> HttpResponseBase:
    two_factor.passkey_remove(actor=request.user, passkey_id=passkey_id)
    messages.success(request, "The passkey has been removed")
    return redirect("accounts:your-sign-in")


def second_factor_reset(request: AuthenticatedRequest, staff_id: int) -> HttpResponse:
    """An administrator's confirmation page: remove someone's second factor so they set one up again."""
    staff = selectors.staff_get_for_user(user=request.user, staff_id=staff_id)
    if not permissions.is_administrator(request.user) or staff.pk == request.user.pk:
        raise PermissionDenied
    form = ResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.second_factor_reset(
                actor=request.user, person=staff, reason=form.cleaned_data["reason"]
            )
        except ValidationError as err:
            apply_validation_error(form, err)
        else:
            told = f" and told by email at {staff.email}" if staff.email else ""
            messages.success(request, f"{staff}'s second factor has been reset{told}")
            return redirect("accounts:staff-detail", staff_id=staff.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": f"Reset {staff}'s second factor",
            "caption": staff.get_role_display(),
            "intro": (
                "Their authenticator app, recovery codes and passkeys will stop working. The next time "
                "they sign in they must set up an authenticator app again. Check who is asking first: "
                "speak to the person or their manager."
            ),
            "back_url": reverse("accounts:staff-detail", args=[staff.pk]),
            "submit_label": "Reset second factor",
        },
    )
