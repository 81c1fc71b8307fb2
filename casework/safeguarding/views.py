from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from casework.children import selectors as child_selectors
from casework.children.access import children_visible_to
from casework.children.selectors import child_get_for_user
from casework.core import clock, listing, permissions
from casework.core.formtools import apply_validation_error
from casework.core.templatetags.words import regime_name
from casework.core.types import AuthenticatedRequest
from casework.safeguarding import pictures, selectors, services
from casework.safeguarding.forms import (
    IncidentForm,
    InformationShareForm,
    MeetingForm,
    NotifyForm,
    PaceForm,
    PublishedForm,
    ReferralDecisionForm,
    ReferralForm,
    ReviewDecisionForm,
)
from casework.safeguarding.models import AGENCIES, Deadline, InformationShare, SeriousIncident
from domain.timescales import RULES, rule_by_id

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


def deadline_list(request: AuthenticatedRequest) -> HttpResponseBase:
    if not permissions.can_see_children(request.user):
        raise PermissionDenied
    today = clock.today()
    rule = request.GET.get("rule", "")
    if rule and rule not in {r.id for r in RULES}:
        rule = ""
    groups = selectors.deadline_groups(user=request.user, today=today, rule=rule)
    group = request.GET.get("group", "")
    if group not in selectors.GROUPS:  # the first group with deadlines in it
        group = next((g.key for g in groups if g.total), selectors.GROUPS[0])
    rows = selectors.deadline_group(user=request.user, today=today, group=group, rule=rule)
    if listing.wants_export(request, DEADLINES):
        return listing.export(request, rows, DEADLINES)
    page = listing.paginate(request, rows, DEADLINES)
    page.rows = selectors.deadline_rows(page.rows, today=today)
    current = next(g for g in groups if g.key == group)
    query = request.GET.copy()
    for name in ("group", "page", "format", "list"):
        query.pop(name, None)
    months = selectors.deadlines_by_month(user=request.user, today=today, rule=rule)
    return render(
        request,
        "safeguarding/deadline_list.html",
        {
            "groups": groups,
            "group": current,
            "list": page,
            "filters": query.urlencode(),
            "rules": RULES,
            "rule": rule,
            "convention": CONVENTION,
            "today": today,
            "chart": pictures.deadlines_chart(months),
        },
    )


def _overdue_days(deadline: Deadline) -> int | str:
    today = clock.today()
    due = deadline.due_on
    return (today - due).days if deadline.met_on is None and due and due < today else ""


DEADLINES: listing.Listing[Deadline] = listing.Listing(
    name="deadlines",
    title="Deadlines",
    noun=("deadline", "deadlines"),
    per_page=30,  # below the month-by-month chart, within the page budget
    columns=[
        listing.Column("Deadline", lambda d: rule_by_id(d.rule_id).title),
        listing.Column("LA child ID", lambda d: d.child.la_child_id if d.child else ""),
        listing.Column("Child", lambda d: d.child.full_name if d.child else ""),
        listing.Column("From", lambda d: d.event_on),
        listing.Column("Due", lambda d: d.due_on),
        listing.Column("Normally due", lambda d: d.normal_due_on),
        listing.Column("Met", lambda d: d.met_on),
        listing.Column("Days overdue", _overdue_days),
        listing.Column("Legal source", lambda d: rule_by_id(d.rule_id).source),
        listing.Column("Rules in force", lambda d: regime_name(d.regime)),
    ],
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
    review = ReviewDecisionForm(request.POST if "review" in request.POST else None, prefix="review")
    published = PublishedForm(request.POST if "published" in request.POST else None, prefix="published")
    if request.method == "POST":
        forms_by_key = {"notify": notify, "review": review, "published": published}
        form = next((f for key, f in forms_by_key.items() if key in request.POST), pace)
        if form.is_valid():
            try:
                if form is review:
                    services.incident_review_decide(
                        actor=request.user, incident=incident, today=clock.today(), **form.cleaned_data
                    )
                elif form is published:
                    services.incident_review_published(
                        actor=request.user,
                        incident=incident,
                        today=clock.today(),
                        published_on=form.cleaned_data["published_on"],
                    )
                elif form is notify:
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
            "review": review,
            "published": published,
            "today": clock.today(),
            "form": next((f for f in (notify, review, published) if f.errors), pace),
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


def _require_staff(request: AuthenticatedRequest) -> None:
    if not permissions.can_search_children(request.user):
        raise PermissionDenied


# --- The front door -------------------------------------------------------------------------------------


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _on_form_fields(err: ValidationError, renames: dict[str, str]) -> ValidationError:
    """A service names the combined date and time; the form has the date and time boxes."""
    if not hasattr(err, "error_dict"):
        return err
    return ValidationError({renames.get(k, k): v for k, v in err.error_dict.items()})


def referral_create(request: AuthenticatedRequest) -> HttpResponse:
    """Record a referral. The children offered are those preselected (?child=), those found with the search
    box (?q=) and those already ticked; all from the children the user may see."""
    _require_staff(request)
    preselected = _int_or_none(request.GET.get("child"))
    if request.GET.get("child") and preselected is None:
        raise Http404
    if preselected is not None:
        child_get_for_user(user=request.user, child_id=preselected, path=request.get_full_path())
    query = request.GET.get("q", "").strip()
    found = child_selectors.child_search_for_user(user=request.user, query=query) if query else []
    ticked = [_int_or_none(v) for v in request.POST.getlist("children")]
    ids = {i for i in [preselected, *ticked, *(c.pk for c in found)] if i is not None}
    candidates = (
        children_visible_to(request.user).filter(pk__in=ids).order_by("last_name", "first_name", "pk")
    )
    form = ReferralForm(
        request.POST or None,
        children=candidates,
        initial={"children": [preselected] if preselected else [], "consent": ""},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.referral_record(
                actor=request.user,
                children=list(data["children"]),
                received_at=data["received_at"],
                source=data["source"],
                source_detail=data["source_detail"],
                concerns=data["concerns"],
                consent=data["consent"],
                now=timezone.now(),
            )
        except ValidationError as err:
            apply_validation_error(form, _on_form_fields(err, {"received_at": "received_on"}))
        else:
            messages.success(request, "Referral recorded: a decision is due within 1 working day")
            return redirect("safeguarding:referral", referral_id=referral.pk)
    return render(
        request,
        "safeguarding/referral_form.html",
        {
            "form": form,
            "query": query,
            "preselected": preselected,
            "found": found,
            "searched": bool(query),
            "action": request.get_full_path(),
        },
    )


def _children_named(row: selectors.FrontDoorRow) -> str:
    return ", ".join(c.full_name for c in row.children)


def _children_ids(row: selectors.FrontDoorRow) -> str:
    return ", ".join(c.la_child_id for c in row.children)


def _decision_due(row: selectors.FrontDoorRow) -> object:
    deadline = row.decision_deadline
    if deadline is None:
        return ""
    return deadline.due_on or "As soon as reasonably practicable"


AWAITING: listing.Listing[selectors.FrontDoorRow] = listing.Listing(
    name="referrals-awaiting",
    title="Referrals awaiting a decision",
    noun=("referral", "referrals"),
    page_param="awaiting_page",
    columns=[
        listing.Column("Reference", lambda r: r.referral.pk),
        listing.Column("Received", lambda r: r.referral.received_at),
        listing.Column("LA child IDs", _children_ids),
        listing.Column("Children", _children_named),
        listing.Column("Source", lambda r: r.referral.get_source_display()),
        listing.Column("Decision due", _decision_due),
    ],
)
DECIDED: listing.Listing[selectors.FrontDoorRow] = listing.Listing(
    name="referrals-decided",
    title="Referrals decided",
    noun=("referral", "referrals"),
    page_param="decided_page",
    columns=[
        listing.Column("Reference", lambda r: r.referral.pk),
        listing.Column("Received", lambda r: r.referral.received_at),
        listing.Column("LA child IDs", _children_ids),
        listing.Column("Children", _children_named),
        listing.Column("Decision", lambda r: r.referral.get_decision_display()),
        listing.Column("Decided", lambda r: r.referral.decided_at),
        listing.Column("Decided by", lambda r: str(r.referral.decided_by or "")),
        listing.Column(
            "Decided late",
            lambda r: bool(
                r.decision_deadline
                and r.decision_deadline.due_on
                and r.decision_deadline.met_on
                and r.decision_deadline.met_on > r.decision_deadline.due_on
            ),
        ),
    ],
)


def referral_list(request: AuthenticatedRequest) -> HttpResponseBase:
    """The front door: referrals awaiting a decision (oldest first), then those decided (latest first),
    each list paged and downloadable."""
    _require_staff(request)
    user = request.user
    lists = (
        (AWAITING, selectors.front_door_awaiting(user=user)),
        (DECIDED, selectors.front_door_decided(user=user)),
    )
    pages = {}
    for spec, referrals in lists:
        if listing.wants_export(request, spec):
            return listing.export(
                request,
                referrals,
                spec,
                prepare=lambda chunk: selectors.front_door_rows(user=user, referrals=chunk),
            )
        page = listing.paginate(request, referrals, spec)
        page.rows = selectors.front_door_rows(user=user, referrals=page.rows)
        pages[spec.name] = page
    return render(
        request,
        "safeguarding/referral_list.html",
        {
            "awaiting": pages[AWAITING.name],
            "decided": pages[DECIDED.name],
            "today": clock.today(),
            "decision_rule": rule_by_id("referral.decision"),
            "convention": CONVENTION,
        },
    )


def referral_detail(request: AuthenticatedRequest, referral_id: int) -> HttpResponse:
    _require_staff(request)
    referral = selectors.referral_get_for_user(user=request.user, referral_id=referral_id)
    form = ReferralDecisionForm(request.POST or None)
    if request.method == "POST" and not referral.decision and form.is_valid():
        data = form.cleaned_data
        try:
            services.referral_decide(
                actor=request.user,
                referral=referral,
                decision=data["decision"],
                reason=data["decision_reason"],
                decided_at=data["decided_at"],
                now=timezone.now(),
            )
        except ValidationError as err:
            apply_validation_error(form, _on_form_fields(err, {"decided_at": "decided_on"}))
        else:
            messages.success(request, "Decision recorded")
            return redirect("safeguarding:referral", referral_id=referral.pk)
    children = selectors.referral_children_for_user(user=request.user, referral=referral)
    return render(
        request,
        "safeguarding/referral_detail.html",
        {
            "referral": referral,
            "children": children.shown,
            "hidden_children": children.other_teams,
            "deadlines": selectors.referral_deadlines(
                user=request.user, referral=referral, today=clock.today()
            ),
            "form": form,
            "today": clock.today(),
            "convention": CONVENTION,
        },
    )


# --- Information sharing --------------------------------------------------------------------------------

SHARING_INTRO = (
    "Record what was shared, with whom, when and on what lawful basis. Information may be shared without "
    "consent to keep a child safe from harm (Working Together to Safeguard Children 2018, chapter 1; Data "
    "Protection Act 2018, Schedule 8 paragraph 4): record why."
)


def information_share_create(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    _require_staff(request)
    child = child_get_for_user(user=request.user, child_id=child_id, path=request.path)
    form = InformationShareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.information_share_record(
                actor=request.user, child=child, today=clock.today(), **form.cleaned_data
            )
        except ValidationError as err:
            apply_validation_error(form, err)
        else:
            messages.success(request, "Information sharing recorded")
            return redirect("safeguarding:child-shares", child_id=child.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": "Record information shared",
            "caption": child.full_name,
            "back_url": reverse("safeguarding:child-shares", args=[child.pk]),
            "submit_label": "Record sharing",
            "intro": SHARING_INTRO,
        },
    )


def information_share_child_list(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    _require_staff(request)
    child = child_get_for_user(user=request.user, child_id=child_id, path=request.path)
    shares = InformationShare.objects.filter(child=child).select_related("decided_by")
    return render(
        request,
        "safeguarding/information_share_list.html",
        {
            "child": child,
            "shares": list(shares.order_by("-shared_on", "-pk")[: selectors.SHARES_LIMIT]),
            "limit": selectors.SHARES_LIMIT,
            "agencies": AGENCIES,
        },
    )


def information_share_list(request: AuthenticatedRequest) -> HttpResponse:
    _require_staff(request)
    agency = request.GET.get("agency", "")
    if agency not in dict(AGENCIES):
        agency = ""
    shares = selectors.information_shares_visible_to(request.user)
    if agency:
        shares = shares.filter(with_agency=agency)
    return render(
        request,
        "safeguarding/information_share_list.html",
        {
            "child": None,
            "agency": agency,
            "agency_label": dict(AGENCIES).get(agency, ""),
            "shares": list(shares.order_by("-shared_on", "-pk")[: selectors.SHARES_LIMIT]),
            "limit": selectors.SHARES_LIMIT,
            "agencies": AGENCIES,
        },
    )
