"""The demo local authority: deterministic, in England's 2020 proportions, usable from the first sign-in."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q, QuerySet

from casework.accounts.models import Role, StaffAbsence, Team, User
from casework.children.models import (
    Child,
    ChildAccessGrant,
    Household,
    HouseholdCovidStatus,
    LegalStatus,
    Placement,
)
from casework.core.demo.generate import COHORT_SHARES, UASC_SHARE_OF_LAC
from casework.core.demo.service import DEMO_PASSWORD, DemoError, DemoSummary, generate_demo
from casework.core.demo.upn import check_letter, is_valid_upn, make_upn
from casework.core.models import LocalAuthority

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 22)
CHILDREN = 300
SEED = 7


@pytest.fixture
def demo() -> DemoSummary:
    return generate_demo(children=CHILDREN, seed=SEED, today=TODAY, la_name="Testbrook Council (demo)")


def current(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """The periods covering TODAY."""
    return queryset.filter(starts_on__lte=TODAY).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=TODAY))


def fingerprint(la: LocalAuthority) -> list[tuple[object, ...]]:
    children = Child.objects.filter(la=la).order_by("la_child_id").prefetch_related("legal_statuses")
    return [
        (
            c.la_child_id,
            c.first_name,
            c.last_name,
            c.date_of_birth,
            c.gender,
            c.ethnicity,
            sorted((s.kind, s.starts_on, s.ends_on) for s in c.legal_statuses.all()),
        )
        for c in children
    ]


def test_the_same_seed_and_day_give_the_same_children_and_another_seed_does_not(demo):
    again = generate_demo(children=CHILDREN, seed=SEED, today=TODAY, la_name="Second Testbrook (demo)")
    other = generate_demo(children=CHILDREN, seed=SEED + 1, today=TODAY, la_name="Third Testbrook (demo)")

    assert fingerprint(again.la) == fingerprint(demo.la)
    assert fingerprint(other.la) != fingerprint(demo.la)
    assert demo.counts == again.counts


def test_a_second_demo_authority_gets_its_own_codes_and_sign_ins(demo):
    again = generate_demo(children=CHILDREN, seed=SEED, today=TODAY, la_name="Second Testbrook (demo)")

    assert (demo.la.lea_code, demo.la.ons_code) == ("999", "E09000999")
    assert (again.la.lea_code, again.la.ons_code) == ("998", "E09000998")
    assert again.logins["sw.demo"] == "sw.demo.998"
    assert User.objects.get(username="sw.demo").la == demo.la


def test_an_authority_of_the_same_name_is_refused_and_nothing_is_written(demo):
    before = (LocalAuthority.objects.count(), Child.objects.count(), User.objects.count())

    with pytest.raises(DemoError, match="already a local authority called"):
        generate_demo(children=CHILDREN, seed=SEED, today=TODAY, la_name="testbrook council (DEMO)")

    assert (LocalAuthority.objects.count(), Child.objects.count(), User.objects.count()) == before


def test_status_mix_follows_the_national_proportions(demo):
    statuses = current(LegalStatus.objects.filter(la=demo.la))
    children_by_kind = dict(statuses.values_list("kind").annotate(n=Count("child", distinct=True)))
    share = {kind: children_by_kind.get(kind, 0) / CHILDREN for kind in children_by_kind}

    assert Child.objects.filter(la=demo.la).count() == CHILDREN
    assert share["cin"] == pytest.approx(COHORT_SHARES["cin"] + COHORT_SHARES["cp"], abs=0.02)
    assert share["cp"] == pytest.approx(0.09, abs=0.02)
    assert share["lac"] == pytest.approx(0.14, abs=0.02)
    assert share["care_leaver"] == pytest.approx(0.10, abs=0.02)
    assert share["early_help"] == pytest.approx(0.08, abs=0.02)
    assert share["ehc_plan"] == pytest.approx(0.06, abs=0.015)
    assert share["ap"] == pytest.approx(0.02, abs=0.01)
    assert share["adopted"] + share["sgo"] == pytest.approx(0.02, abs=0.01)
    assert children_by_kind["uasc"] == round(children_by_kind["lac"] * UASC_SHARE_OF_LAC)
    # Some episodes closed in 2020, during the first emergency.
    assert LegalStatus.objects.filter(la=demo.la, ends_on__year=2020).exists()


def test_histories_are_consistent(demo):
    la = demo.la
    children = Child.objects.filter(la=la)
    looked_after = children.filter(pk__in=current(LegalStatus.objects.filter(kind="lac")).values("child"))
    on_plan = children.filter(pk__in=current(LegalStatus.objects.filter(kind="cp")).values("child"))
    in_need = current(LegalStatus.objects.filter(kind="cin")).values("child")

    # Every looked-after child lives somewhere today, in exactly one placement.
    placed = current(Placement.objects.filter(child__in=looked_after)).values("child").annotate(n=Count("pk"))
    assert sorted(row["n"] for row in placed) == [1] * looked_after.count()
    # Children on a child protection plan are children in need too.
    assert not on_plan.exclude(pk__in=in_need).exists()
    # Nothing starts before the child was born or after today.
    statuses = LegalStatus.objects.filter(la=la)
    assert not statuses.filter(starts_on__gt=TODAY).exists()
    assert not statuses.filter(
        child__date_of_birth__isnull=False, starts_on__lt=F("child__date_of_birth")
    ).exists()
    assert not Placement.objects.filter(la=la, starts_on__lt=F("child__date_of_birth")).exists()
    # Care leavers are 18 to 24; looked-after children are under 18.
    leavers = children.filter(pk__in=current(LegalStatus.objects.filter(kind="care_leaver")).values("child"))
    assert all(18 <= age(c.date_of_birth) <= 24 for c in leavers)
    assert all(age(c.date_of_birth) < 18 for c in looked_after)
    # A few unborn children, with an expected date of birth and no date of birth.
    assert children.filter(date_of_birth__isnull=True, expected_date_of_birth__gt=TODAY).exists()


def age(born: date) -> int:
    return TODAY.year - born.year - ((TODAY.month, TODAY.day) < (born.month, born.day))


def test_named_sign_ins_have_their_roles_and_the_demo_password(demo):
    users = {name: User.objects.get(username=username) for name, username in demo.logins.items()}
    sw, tm = users["sw.demo"], users["tm.demo"]

    assert {name: user.role for name, user in users.items()} == {
        "sw.demo": Role.SOCIAL_WORKER,
        "pa.demo": Role.PERSONAL_ADVISER,
        "tm.demo": Role.TEAM_MANAGER,
        "hos.demo": Role.HEAD_OF_SERVICE,
        "bs.demo": Role.BUSINESS_SUPPORT,
        "analyst.demo": Role.PERFORMANCE_ANALYST,
        "admin.demo": Role.SYSTEM_ADMINISTRATOR,
    }
    assert all(user.check_password(DEMO_PASSWORD) for user in users.values())
    assert sw.team is not None
    assert sw.team.service_area == Team.ServiceArea.CHILDREN_IN_NEED
    assert sw.team.manager == tm
    assert tm.team == sw.team
    assert users["pa.demo"].team.service_area == Team.ServiceArea.LEAVING_CARE
    assert users["bs.demo"].team is None  # sees the whole authority
    caseload = Child.objects.filter(allocated_worker=sw)
    assert 10 <= caseload.count() <= 20
    assert set(caseload.values_list("team", flat=True)) == {sw.team.pk}


def test_some_staff_are_off_today_including_a_caseholder_in_the_demo_team(demo):
    staff = User.objects.filter(la=demo.la)
    off_today = current(StaffAbsence.objects.filter(la=demo.la)).values("user")
    sw = User.objects.get(username=demo.logins["sw.demo"])

    assert 0.08 <= staff.filter(pk__in=off_today).count() / staff.count() <= 0.12
    off_in_team = staff.filter(pk__in=off_today, team=sw.team).annotate(children=Count("allocated"))
    assert any(member.children for member in off_in_team)
    assert sw.pk not in set(off_today.values_list("user", flat=True))
    # The spring 2020 emergency shows in the record of absences.
    assert StaffAbsence.objects.filter(
        la=demo.la, starts_on__range=(date(2020, 3, 1), date(2020, 5, 31))
    ).exists()


def test_every_record_belongs_to_the_demo_authority_and_workers_are_in_their_childs_team(demo):
    la = demo.la
    assert la.is_demo
    for model in (Team, Household, HouseholdCovidStatus, LegalStatus, Placement, ChildAccessGrant):
        assert not model.objects.exclude(la=la).exists(), model.__name__
    assert User.objects.filter(la=la).count() == demo.counts["staff"]
    children = Child.objects.filter(la=la)
    assert not children.exclude(household__la=la).exists()
    assert (
        not children.filter(allocated_worker__isnull=False).exclude(allocated_worker__team=F("team")).exists()
    )
    assert Household.objects.filter(la=la).count() < CHILDREN / 1.3  # siblings share households


def test_restricted_records_name_the_worker_and_the_team_manager(demo):
    tm = User.objects.get(username=demo.logins["tm.demo"])
    restricted = Child.objects.filter(la=demo.la, is_restricted=True)

    assert restricted.exists()
    for child in restricted:
        named = set(ChildAccessGrant.objects.filter(child=child).values_list("user", flat=True))
        assert {child.allocated_worker_id, tm.pk} <= named


def test_upn_check_letters_follow_the_dfe_algorithm():
    # Characters 2-13 weighted by position 2-13: 1*2 + 2*3 + ... + 2*13 = 368 = 16 * 23, remainder 0: "A".
    assert check_letter("123456789012") == "A"
    assert is_valid_upn("A123456789012")
    assert not is_valid_upn("B123456789012")
    # A temporary UPN ends in a letter, counted by its place in the same alphabet (A = 0): 342 % 23 = 20.
    assert is_valid_upn("X12345678901A")
    assert make_upn("123", 4567, 2089, 12) == "A123456789012"


def test_school_age_children_have_unique_valid_upns(demo):
    children = Child.objects.filter(la=demo.la, date_of_birth__isnull=False)
    upns = [c.upn for c in children if c.upn]

    assert all(is_valid_upn(upn) for upn in upns)
    assert len(set(upns)) == len(upns)
    assert all(4 <= age(c.date_of_birth) <= 17 for c in children if c.upn)
    assert all(c.upn for c in children if 5 <= age(c.date_of_birth) <= 16)


def test_the_demo_load_is_in_the_record_history(demo):
    child = Child.objects.filter(la=demo.la).first()
    assert child is not None
    event = child.events.get()  # type: ignore[attr-defined]

    assert event.pgh_context.metadata["reason"].startswith("Fictional demo data")


def test_the_demo_command_reports_what_it_made_and_refuses_a_bad_date():
    out = io.StringIO()
    call_command("demo", children=100, seed=1, today="2026-11-22", la_name="Commandbrook (demo)", stdout=out)

    assert "Created Commandbrook (demo) (E09000999, LA number 999)" in out.getvalue()
    assert "100 children" in out.getvalue()
    with pytest.raises(CommandError, match="--today must be a date"):
        call_command("demo", "--today", "22/11/2026", "--la-name", "Other (demo)", stdout=out)


def test_demo_logins_lists_the_sign_ins_and_the_password(demo):
    out = io.StringIO()
    call_command("demo_logins", stdout=out)

    assert "sw.demo" in out.getvalue()
    assert "Testbrook Council (demo)" in out.getvalue()
    assert DEMO_PASSWORD in out.getvalue()
