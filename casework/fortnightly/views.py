"""The DfE fortnightly return (PRODUCT.md M19; VCYP survey, DOMAIN.md §3): the figures for a fortnight,
the records behind each figure, and downloads. For heads of service and performance analysts."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render

from casework.accounts.models import User
from casework.core import clock, listing, permissions
from casework.core.replica import reads_from_replica
from casework.core.types import AuthenticatedRequest
from casework.fortnightly import pictures, selectors, services
from casework.fortnightly.forms import FortnightForm
from domain.fortnightly import Fortnight, fortnight_ending, latest_completed_fortnight

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def can_make_return(user: User) -> bool:
    return permissions.can_read_returns(user)


def _check(request: AuthenticatedRequest) -> date:
    if not can_make_return(request.user):
        raise PermissionDenied
    return clock.today()


def _period_from_link(request: AuthenticatedRequest, today: date) -> Fortnight:
    """The fortnight named by `?ends=YYYY-MM-DD` (links between the return's pages), or the default."""
    ends = request.GET.get("ends", "")
    if not ends:
        return latest_completed_fortnight(today)
    try:
        period = fortnight_ending(date.fromisoformat(ends))
    except ValueError as err:
        raise Http404 from err
    if not period.is_complete(today):
        raise Http404
    return period


def return_page(request: AuthenticatedRequest) -> HttpResponse:
    today = _check(request)
    chosen = any(name.startswith("ends_on_") for name in request.GET)
    form = FortnightForm(request.GET if chosen else None, today=today)
    if chosen and form.is_valid():
        period = fortnight_ending(form.cleaned_data["ends_on"])
    else:
        period = _period_from_link(request, today) if not chosen else latest_completed_fortnight(today)
    if not form.is_bound:
        form = FortnightForm(initial={"ends_on": period.ends_on}, today=today)
    result = selectors.fortnightly_return(user=request.user, period=period)
    return render(
        request,
        "fortnightly/return.html",
        {
            "form": form,
            "result": result,
            "period": period,
            "previous": period.previous,
            "next": period.next if period.next.is_complete(today) else None,
            "latest": latest_completed_fortnight(today),
        },
    )


@reads_from_replica
def across(request: AuthenticatedRequest) -> HttpResponse:
    """The return's child figures across the fortnights up to the chosen one (`?ends=`), as charts."""
    period = _period_from_link(request, _check(request))
    fortnights = selectors.across_fortnights(user=request.user, ends=period)
    return render(
        request,
        "fortnightly/across.html",
        {
            "period": period,
            "fortnights": fortnights,
            "charts": [pictures.seen_chart(fortnights), pictures.face_to_face_chart(fortnights)],
        },
    )


def records(request: AuthenticatedRequest, key: str) -> HttpResponse:
    """The records behind one figure: the same query as the figure, paginated."""
    today = _check(request)
    measure = selectors.MEASURES_BY_KEY.get(key)
    if measure is None or measure.record == selectors.NONE:
        raise Http404
    period = _period_from_link(request, today)
    rows = selectors.list_behind(measure, user=request.user, period=period)
    # Paged as every list is (the records behind all the figures download as the return's detail CSV).
    spec: listing.Listing[Any] = listing.Listing(
        name=f"fortnightly-{measure.key}", title=measure.label, columns=[], per_page=PAGE_SIZE
    )
    found = listing.paginate(request, rows, spec)
    return render(
        request,
        "fortnightly/records.html",
        {"measure": measure, "period": period, "page": found.page, "list": found},
    )


def _attachment(body: str | bytes, *, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@reads_from_replica
def download_csv(request: AuthenticatedRequest) -> HttpResponse:
    """The figures, one row per measure (`?detail=1`: one row per record behind each figure)."""
    period = _period_from_link(request, _check(request))
    detail = request.GET.get("detail") == "1"
    body = services.return_csv(actor=request.user, period=period, detail=detail)
    suffix = "-records" if detail else ""
    return _attachment(
        body, content_type="text/csv", name=f"dfe-fortnightly-return-{period.ends_on:%Y-%m-%d}{suffix}.csv"
    )


@reads_from_replica
def download_xlsx(request: AuthenticatedRequest) -> HttpResponse:
    period = _period_from_link(request, _check(request))
    body = services.return_xlsx(actor=request.user, period=period)
    return _attachment(body, content_type=XLSX, name=f"dfe-fortnightly-return-{period.ends_on:%Y-%m-%d}.xlsx")
