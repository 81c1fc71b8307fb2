"""The demo authority's DfE return records agree with its register: the import's rules derive it back."""

from __future__ import annotations

from datetime import date

import pytest

from casework.children.models import Child, LegalStatus, Placement
from casework.returns.models import (
    ChildReturnDetails,
    CinEpisode,
    CpPlan,
    LacCareLeaver,
    LacEpisode,
    LacReview,
    Section47,
)
from casework.returns.register import sync_register
from demo.service import DemoSummary, generate_demo

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 22)


@pytest.fixture
def demo() -> DemoSummary:
    return generate_demo(children=300, seed=11, today=TODAY, la_name="Returnsbrook Council (demo)")


def snapshot(la_id: int) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    statuses = sorted(
        LegalStatus.objects.filter(la_id=la_id).values_list(
            "child_id", "kind", "starts_on", "ends_on", "cp_category", "lac_legal_status"
        ),
        key=repr,
    )
    placements = sorted(
        Placement.objects.filter(la_id=la_id).values_list(
            "child_id", "starts_on", "ends_on", "placement_type", "provider", "postcode"
        ),
        key=repr,
    )
    return statuses, placements


def test_the_return_records_imply_exactly_the_demo_register(demo: DemoSummary) -> None:
    la = demo.la
    assert CinEpisode.objects.filter(la=la).exists()
    assert LacEpisode.objects.filter(la=la).exists()
    before = snapshot(la.pk)
    ids = list(Child.objects.filter(la=la).values_list("pk", flat=True))
    counts = sync_register(la_id=la.pk, child_ids=ids, log=None, today=TODAY)
    assert counts == dict.fromkeys(
        ("statuses_added", "statuses_removed", "placements_added", "placements_removed"), 0
    )
    assert snapshot(la.pk) == before


def test_the_records_follow_the_census_conventions(demo: DemoSummary) -> None:
    la = demo.la
    # Every child protection plan starts at an initial conference, on a weekday, recorded on its enquiry.
    plans = CpPlan.objects.filter(la=la)
    assert plans.exists()
    conferences = set(Section47.objects.filter(la=la).values_list("episode_id", "icpc_date"))
    for plan in plans:
        assert plan.start_date.weekday() < 5
        assert (plan.episode_id, plan.start_date) in conferences
    assert not CinEpisode.objects.filter(la=la, initial_cpc_date__isnull=False).exists()
    # Closed episodes have a reason, open ones none; NFA referrals close the day they came in.
    assert not CinEpisode.objects.filter(la=la, closure_date__isnull=False, closure_reason="").exists()
    assert not CinEpisode.objects.filter(la=la, closure_date__isnull=True).exclude(closure_reason="").exists()
    assert CinEpisode.objects.filter(la=la, referral_nfa=True).exists()
    # Care leavers' outcomes, reviews, and a details row for everyone in a return.
    assert LacCareLeaver.objects.filter(la=la).exists()
    assert LacReview.objects.filter(la=la).exists()
    in_returns = set(CinEpisode.objects.filter(la=la).values_list("child_id", flat=True)) | set(
        LacEpisode.objects.filter(la=la).values_list("child_id", flat=True)
    )
    assert in_returns <= set(ChildReturnDetails.objects.filter(la=la).values_list("child_id", flat=True))
