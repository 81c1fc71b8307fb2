"""The LA's own emergency declarations and RAG settings (PRODUCT.md M7)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from casework.accounts.models import User
from casework.core import clock, permissions
from casework.core.formtools import apply_validation_error
from casework.core.types import AuthenticatedRequest
from casework.policy import context as rules_context
from casework.policy import services
from casework.policy.forms import EmergencyDeclareForm, EmergencyEndForm, RagSettingsForm, status_label
from casework.policy.models import EmergencyDeclaration, RagSettingsVersion
from domain.contact import RagSettings
from domain.contact.enums import RATING_LABELS, RATINGS, Rating
from domain.intervals import Interval, Unit


def _require_reader(user: User) -> int:
    if not permissions.can_read_policy(user):
        raise PermissionDenied
    return permissions.la_id_of(user)


def emergency(request: AuthenticatedRequest) -> HttpResponse:
    la_id = _require_reader(request.user)
    if permissions.is_administrator(request.user):
        raise PermissionDenied
    can_declare = permissions.can_declare_emergency(request.user)
    form = EmergencyDeclareForm(request.POST or None, prefix="declare")
    today = clock.today()
    if request.method == "POST":
        if not can_declare:
            raise PermissionDenied
        if form.is_valid():
            try:
                declaration = services.emergency_declare(actor=request.user, today=today, **form.cleaned_data)
            except ValidationError as err:
                apply_validation_error(form, err)
            else:
                messages.success(
                    request, f"Declared {declaration.name}: every open case is in the re-rating queue"
                )
                return redirect("policy:emergency")
    declarations = list(
        EmergencyDeclaration.objects.filter(la_id=la_id).select_related("declared_by").order_by("-starts_on")
    )
    in_force = [d for d in declarations if d.starts_on <= today and (d.ends_on is None or d.ends_on >= today)]
    return render(
        request,
        "policy/emergency.html",
        {
            "form": form,
            "declarations": declarations,
            "in_force": in_force,
            "today": today,
            "can_declare": can_declare,
            "open_declaration": next((d for d in declarations if d.ends_on is None), None),
        },
    )


def emergency_end(request: AuthenticatedRequest, declaration_id: int) -> HttpResponse:
    if not permissions.can_declare_emergency(request.user):
        raise PermissionDenied
    declaration = get_object_or_404(EmergencyDeclaration, pk=declaration_id, la_id=request.user.la_id)
    form = EmergencyEndForm(request.POST or None, initial={"ends_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.emergency_end(actor=request.user, declaration=declaration, **form.cleaned_data)
        except ValidationError as err:
            apply_validation_error(form, err)
        else:
            messages.success(request, f"Ended {declaration.name}")
            return redirect("policy:emergency")
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": f"End {declaration.name}",
            "caption": f"Declared from {declaration.starts_on:%-d %B %Y}",
            "back_url": reverse("policy:emergency"),
            "submit_label": "End the emergency",
        },
    )


def _settings_rows(settings: RagSettings) -> list[dict[str, Any]]:
    statuses = sorted({s for _, s in settings.cadences}, key=lambda s: (s == "other", s))
    rows = []
    for status in statuses:
        cells = []
        for rating in RATINGS:
            cadence = settings.cadences.get((rating, status))
            cells.append({"rating": RATING_LABELS[rating], "cadence": cadence})
        rows.append({"status": status_label(status), "cells": cells})
    return rows


def _settings_from_form(current: RagSettings, form: RagSettingsForm) -> RagSettings:
    data = form.cleaned_data
    cadences = {}
    for rating, status in form.cadence_keys():
        prefix = f"c_{rating}_{status}"
        cadences[(rating, status)] = replace(
            current.cadences[(rating, status)],
            interval=Interval(int(data[f"{prefix}_amount"]), Unit(data[f"{prefix}_unit"])),
            face_to_face_every=int(data[f"{prefix}_f2f"]),
        )
    return replace(
        current,
        effective_from=data["effective_from"],
        label=data["label"],
        is_default=False,
        definitions={Rating(r): data[f"definition_{r}"] for r in RATINGS},
        cadences=cadences,
    )


def rag_settings(request: AuthenticatedRequest) -> HttpResponse:
    la_id = _require_reader(request.user)
    today = clock.today()
    current = rules_context.rag_settings_for(la_id, today)
    can_change = permissions.can_change_rag_settings(request.user)
    form = RagSettingsForm(
        request.POST or None, current=current, initial={"effective_from": today, "label": ""}
    )
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():
            try:
                version = services.rag_settings_change(
                    actor=request.user,
                    settings=_settings_from_form(current, form),
                    effective_from=form.cleaned_data["effective_from"],
                    label=form.cleaned_data["label"],
                    reason=form.cleaned_data["reason"],
                    today=today,
                )
            except ValidationError as err:
                apply_validation_error(form, err)
            else:
                messages.success(
                    request, f"Saved '{version.label}', in force from {version.effective_from:%-d %B %Y}"
                )
                return redirect("policy:rag-settings")
    versions = (
        RagSettingsVersion.objects.filter(la_id=la_id)
        .select_related("created_by")
        .order_by("-effective_from", "-pk")
    )
    return render(
        request,
        "policy/rag_settings.html",
        {
            "current": current,
            "definitions": [(RATING_LABELS[r], current.definitions.get(r, "")) for r in RATINGS],
            "rows": _settings_rows(current),
            "standards": [(status_label(s), p) for s, p in current.practice_standards.items()],
            "review_after": [(RATING_LABELS[r], current.review_after.get(r)) for r in RATINGS],
            "versions": versions,
            "form": form,
            "can_change": can_change,
            "today": today,
        },
    )
