from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from casework.children.selectors import child_get_for_user
from casework.core import clock
from casework.core.formtools import apply_validation_error
from casework.core.types import AuthenticatedRequest
from casework.safeguarding import selectors, services
from casework.safeguarding.forms import IncidentForm, MeetingForm, NotifyForm, PaceForm
from casework.safeguarding.models import Deadline, SeriousIncident
from domain.timescales import RULES

GROUP_TITLES = {
    "overdue": "Overdue",
    "today": "Due today",
    "week": "Due this week",
    "later": "Later",
    "practicable": "As soon as reasonably practicable (no date under the regime in force)",
    "met_late": "Met late",
}
CONVENTION = (
    "'Within N working days of X' is the Nth working day after X: X's own date never counts, and "
    "weekends and England and Wales bank holidays are not working days. 'Within N months' is the same "
    "day N months later, or the month's last day if it is shorter."
)


INCIDENT_INTRO = (
    "Notify the Child Safeguarding Practice Review Panel within 5 working days of becoming aware "
    "(Children Act "
    "2004 s16C; Working Together 2018 chapter 4). This deadline was never relaxed."
)


def deadline_list(request: AuthenticatedRequest) -> HttpResponse:
    if request.user.la_id is None or request.user.role == "system_administrator":
        raise PermissionDenied
    rule = request.GET.get("rule", "")
    groups = selectors.deadlines_for_user(user=request.user, today=clock.today(), rule=rule)
    return render(
        request,
        "safeguarding/deadline_list.html",
        {
            "groups": [(key, GROUP_TITLES[key], rows) for key, rows in groups.items()],
            "rules": RULES,
            "rule": rule,
            "convention": CONVENTION,
            "today": clock.today(),
        },
    )


def incident_create(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    child = child_get_for_user(user=request.user, child_id=child_id, path=request.path)
    form = IncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.incident_record(
                actor=request.user, child=child, today=clock.today(), **form.cleaned_data
            )
        except ValidationError as err:
            apply_validation_error(form, err)
        else:
            messages.success(
                request, "Serious incident recorded: the Panel must be notified within 5 working days"
            )
            return redirect("safeguarding:incident", incident_id=incident.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": "Record a serious incident",
            "caption": child.full_name,
            "back_url": reverse("children:detail", args=[child.pk]),
            "submit_label": "Record incident",
            "intro": INCIDENT_INTRO,
        },
    )


def incident_detail(request: AuthenticatedRequest, incident_id: int) -> HttpResponse:
    incident = get_object_or_404(
        SeriousIncident.objects.select_related("child"), pk=incident_id, la_id=request.user.la_id
    )
    child_get_for_user(user=request.user, child_id=incident.child_id, path=request.path)
    notify = NotifyForm(request.POST if "notify" in request.POST else None, prefix="notify")
    pace = PaceForm(
        request.POST if "pace" in request.POST else None,
        prefix="pace",
        initial={"rapid_review_pace": incident.rapid_review_pace, "pace_reason": incident.pace_reason},
    )
    if request.method == "POST":
        form = notify if "notify" in request.POST else pace
        if form.is_valid():
            try:
                if form is notify:
                    services.incident_notify(
                        actor=request.user,
                        incident=incident,
                        today=clock.today(),
                        notified_on=form.cleaned_data["notified_on"],
                    )
                else:
                    services.incident_set_pace(
                        actor=request.user,
                        incident=incident,
                        pace=form.cleaned_data["rapid_review_pace"],
                        reason=form.cleaned_data["pace_reason"],
                    )
            except ValidationError as err:
                apply_validation_error(form, err)
            else:
                messages.success(request, "Saved")
                return redirect("safeguarding:incident", incident_id=incident.pk)
    deadlines = Deadline.objects.filter(subject_type="incident", subject_id=incident.pk).order_by("event_on")
    rows = [(d, next(r for r in RULES if r.id == d.rule_id)) for d in deadlines]
    return render(
        request,
        "safeguarding/incident_detail.html",
        {
            "incident": incident,
            "deadlines": rows,
            "notify": notify,
            "pace": pace,
            "today": clock.today(),
            "form": notify if notify.errors else pace,
        },
    )


def meeting_create(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    child = child_get_for_user(user=request.user, child_id=child_id, path=request.path)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.meeting_record(actor=request.user, child=child, today=clock.today(), **data)
        except ValidationError as err:
            apply_validation_error(form, err)
        else:
            messages.success(request, "Meeting recorded")
            return redirect("children:detail", child_id=child.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": "Record a multi-agency meeting",
            "caption": child.full_name,
            "back_url": reverse("children:detail", args=[child.pk]),
            "submit_label": "Record meeting",
        },
    )
