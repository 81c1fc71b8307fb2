from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from casework.children import selectors as children
from casework.children.models import Child, VideoCalls
from casework.contacts import selectors, services
from casework.contacts.forms import ContactForm
from casework.contacts.models import FACE_TO_FACE_MODES, Contact, DueState, Mode
from casework.core import clock, listing
from casework.core.formtools import apply_validation_error
from casework.core.templatetags.words import regime_name
from casework.core.types import AuthenticatedRequest
from domain.contact import Rating, covid_visit_advice, protection

LONDON = ZoneInfo("Europe/London")


def worklist(request: AuthenticatedRequest) -> HttpResponseBase:
    today = clock.today()
    children = selectors.worklist_children(user=request.user, today=today)
    if listing.wants_export(request, WORKLIST):
        return listing.export(
            request, children, WORKLIST, prepare=lambda chunk: selectors.worklist_rows(chunk, today=today)
        )
    page = listing.paginate(request, children, WORKLIST)
    page.rows = selectors.worklist_rows(page.rows, today=today)
    return render(
        request,
        "contacts/worklist.html",
        {"worklist": selectors.worklist_grouped(page.rows, total=page.count), "list": page, "today": today},
    )


WORKLIST: listing.Listing[selectors.WorklistRow] = listing.Listing(
    name="worklist",
    title="Your worklist",
    noun=("child", "children"),
    columns=[
        listing.Column("LA child ID", lambda r: r.child.la_child_id),
        listing.Column("Child", lambda r: r.child.full_name),
        listing.Column("Legal statuses", lambda r: ", ".join(str(s.get_kind_display()) for s in r.statuses)),
        listing.Column("Rating", lambda r: r.due.get_rating_display() if r.due and r.rating else "Not rated"),
        listing.Column("Group", lambda r: selectors.GROUP_TITLES[r.group]),
        listing.Column("Next contact due", lambda r: r.next_due),
        listing.Column("Days overdue", lambda r: r.days_overdue or ""),
        listing.Column("Next contact face to face", lambda r: r.face_to_face_needed),
        listing.Column("Last seen", lambda r: r.due.last_seen_on if r.due else None),
        listing.Column("Last seen alone", lambda r: r.due.last_seen_alone_on if r.due else None),
    ],
)


CHILD_CONTACTS: listing.Listing[Contact] = listing.Listing(
    name="contacts",
    title="Contacts",
    noun=("contact", "contacts"),
    per_page=25,
    columns=[
        listing.Column("When", lambda c: c.occurred_at),
        listing.Column("How", lambda c: c.get_mode_display()),
        listing.Column("Child seen", lambda c: c.child_seen),
        listing.Column("Seen alone", lambda c: c.child_seen_alone),
        listing.Column("Who was seen", lambda c: c.who_was_seen),
        listing.Column("Outcome", lambda c: c.outcome),
        listing.Column("Concerns", lambda c: c.concerns),
        listing.Column("Why not face to face", lambda c: c.get_remote_reason_display()),
        listing.Column("Access refused", lambda c: c.access_refused),
        listing.Column("Immediate protection", lambda c: c.immediate_protection),
        listing.Column("By", lambda c: str(c.made_by)),
        listing.Column("Rules in force", lambda c: regime_name(c.regime)),
    ],
)


def child_contacts(request: AuthenticatedRequest, child_id: int) -> HttpResponseBase:
    """Every contact with the child, newest first, paged and downloadable (the record page shows the
    latest few). Opened, and audited, as the child's record is."""
    child = children.child_get_for_user(user=request.user, child_id=child_id, path=request.path)
    rows = Contact.objects.select_related("made_by").filter(child=child).order_by("-occurred_at", "-pk")
    if listing.wants_export(request, CHILD_CONTACTS):
        return listing.export(request, rows, CHILD_CONTACTS)
    return render(
        request,
        "contacts/child_contacts.html",
        {"child": child, "list": listing.paginate(request, rows, CHILD_CONTACTS)},
    )


def _covid_context(child: Child, day: date) -> dict[str, Any]:
    statuses = selectors.covid_statuses_today(child, day)
    due = DueState.objects.filter(child=child).only("rating").first()
    rating = Rating(due.rating) if due and due.rating else Rating.AMBER
    return {
        "covid_statuses": sorted(statuses),
        "covid_advice": covid_visit_advice(statuses, rating=rating),
    }


def _occurred_at(form: ContactForm) -> datetime:
    day: date = form.cleaned_data["occurred_on"]
    return datetime.combine(day, form.cleaned_data["occurred_time"], tzinfo=LONDON)


def _on_form(error: ValidationError) -> ValidationError:
    """The service names the moment `occurred_at`; the form asks for it as a date and a time."""
    if hasattr(error, "error_dict") and "occurred_at" in error.error_dict:
        moved = dict(error.error_dict)
        moved["occurred_on"] = moved.pop("occurred_at")
        return ValidationError(moved)
    return error


def contact_create(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    child = children.child_get_for_user(user=request.user, child_id=child_id, path=request.path)
    if not services.can_record_contact(request.user, child):
        raise PermissionDenied
    today = clock.today()
    video_allowed = bool(child.household and child.household.video_calls == VideoCalls.YES)
    form = ContactForm(
        request.POST or None,
        video_allowed=video_allowed,
        initial={"occurred_on": today, "mode": Mode.HOME},
    )
    mode, day = Mode.PHONE.value, today
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        day = data.pop("occurred_on")
        data.pop("occurred_time")
        mode = data.pop("mode")
        try:
            contact = services.contact_record(
                actor=request.user,
                child=child,
                occurred_at=_occurred_at(form),
                mode=mode,
                child_seen=data.pop("child_seen"),
                outcome=data.pop("outcome"),
                **data,
            )
        except ValidationError as err:
            apply_validation_error(form, _on_form(err))
        else:
            messages.success(request, f"Contact with {child.full_name} recorded")
            if contact.immediate_protection:
                return redirect("contacts:protection", child_id=child.pk, contact_id=contact.pk)
            return redirect("children:detail", child_id=child.pk)
    elif request.method == "POST":
        mode = request.POST.get("mode") or mode
    if mode not in {Mode.PHONE, Mode.VIDEO}:
        mode = Mode.PHONE.value
    requirement = selectors.remote_requirement_for(child, mode, day)
    return render(
        request,
        "contacts/contact_form.html",
        {
            "form": form,
            "child": child,
            "requirement": requirement,
            "video_allowed": video_allowed,
            "face_to_face_modes": ",".join(FACE_TO_FACE_MODES),
            "remote_modes": ",".join(m for m in Mode.values if m not in FACE_TO_FACE_MODES),
            **_covid_context(child, today),
        },
    )


def protection_recorded(request: AuthenticatedRequest, child_id: int, contact_id: int) -> HttpResponse:
    """After a worker flags immediate protection: who was alerted, when and how, and what to do now."""
    child = children.child_get_for_user(user=request.user, child_id=child_id, path=request.path)
    contact = selectors.protection_contact_for(user=request.user, child=child, contact_id=contact_id)
    if contact is None:
        raise Http404
    alerted = selectors.protection_alerted(contact=contact, link=selectors.protection_link(contact))
    return render(
        request,
        "contacts/protection_recorded.html",
        {
            "child": child,
            "contact": contact,
            "alerted": alerted,
            "next_steps": protection.NEXT_STEPS,
            "source": protection.SOURCE,
        },
    )


@require_POST
def protection_acknowledge(request: AuthenticatedRequest, contact_id: int) -> HttpResponse:
    try:
        contact = services.immediate_protection_acknowledge(actor=request.user, contact_id=contact_id)
    except Contact.DoesNotExist:
        raise Http404 from None
    except ValidationError as err:
        messages.error(request, " ".join(err.messages))
        return redirect("web:home")
    messages.success(request, f"Immediate protection for {contact.child.full_name} acknowledged")
    return redirect("web:home")
