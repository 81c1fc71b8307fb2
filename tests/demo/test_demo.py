"""The demo local authority: deterministic, in England's 2020 proportions, usable from the first sign-in."""

from __future__ import annotations

import io
from datetime import date, timedelta
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
from casework.core.models import LocalAuthority
from demo.generate import COHORT_SHARES, UASC_SHARE_OF_LAC
from demo.service import DEMO_PASSWORD, DemoError, DemoSummary, generate_demo
from demo.upn import check_letter, is_valid_upn, make_upn
from domain.contact import COVID_REASONS
from domain.regimes import national_regime_on
from domain.risk import FACTORS

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 22)
CHILDREN = 300
SEED = 7
OPEN = ["early_help", "cin", "cp", "lac", "care_leaver"]


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

    assert (demo.la.lea_code, demo.la.ons_code) == ("999", "E08000007")  # the area of its postcodes
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
    # Care leavers are 16 to 24 (16 and 17: left care after 13 weeks since 14, as the returns' rules
    # count them: domain.census.register); looked-after children are under 18.
    leavers = children.filter(pk__in=current(LegalStatus.objects.filter(kind="care_leaver")).values("child"))
    assert all(16 <= age(c.date_of_birth) <= 24 for c in leavers)
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
    assert all(4 <= age(c.date_of_birth) for c in children if c.upn)
    assert all(c.upn for c in children if 5 <= age(c.date_of_birth) <= 16)


def test_the_demo_load_is_in_the_record_history(demo):
    child = Child.objects.filter(la=demo.la).first()
    assert child is not None
    event = child.events.get()  # type: ignore[attr-defined]

    assert event.pgh_context.metadata["reason"].startswith("Fictional demo data")


def test_the_demo_command_reports_what_it_made_and_refuses_a_bad_date():
    out = io.StringIO()
    call_command("demo", children=100, seed=1, today="2026-11-22", la_name="Commandbrook (demo)", stdout=out)

    assert "Created Commandbrook (demo) (E08000007, LA number 999)" in out.getvalue()
    assert "100 children" in out.getvalue()
    with pytest.raises(CommandError, match="--today must be a date"):
        call_command("demo", "--today", "22/11/2026", "--la-name", "Other (demo)", stdout=out)


def test_demo_logins_lists_the_sign_ins_and_the_password(demo):
    out = io.StringIO()
    call_command("demo_logins", stdout=out)

    assert "sw.demo" in out.getvalue()
    assert "Testbrook Council (demo)" in out.getvalue()
    assert DEMO_PASSWORD in out.getvalue()


# --- emergency operations (issue 3) ----------------------------------------------------------------


def test_the_demo_authority_has_declared_its_own_emergency_a_few_weeks_ago(demo):
    from casework.policy.models import EmergencyDeclaration

    declaration = EmergencyDeclaration.objects.get(la=demo.la)
    assert declaration.starts_on < TODAY - timedelta(days=14)
    assert declaration.ends_on is None
    assert declaration.rating_target_date > TODAY
    assert declaration.declared_by.username.startswith("hos.demo")
    assert declaration.reason


def test_ratings_follow_the_regimes_and_nobody_signs_off_their_own(demo):
    from casework.risk.models import RiskRating

    ratings = RiskRating.objects.filter(la=demo.la)
    spring_2020 = ratings.filter(rated_on__gte=date(2020, 4, 1), rated_on__lte=date(2020, 5, 31))
    assert spring_2020.exists()
    assert set(spring_2020.values_list("regime", flat=True)) == {"si-2020-445"}
    for rating in ratings.only("rated_on", "regime"):
        assert rating.regime == national_regime_on(rating.rated_on).id
    assert not ratings.filter(decided_by=F("rated_by")).exists()
    assert not ratings.filter(status="approved", decided_by__isnull=True).exists()
    assert not ratings.filter(rationale="").exists()
    assert set(ratings.values_list("status", flat=True)) == {"approved", "awaiting", "returned", "superseded"}
    codes = {f.code for f in FACTORS}
    assert all(set(factors) <= codes for factors in ratings.values_list("factors", flat=True))
    # At most one live rating awaiting sign-off per child, and each live rating has its plan.
    awaiting = ratings.filter(status="awaiting").values("child").annotate(n=Count("pk"))
    assert all(row["n"] == 1 for row in awaiting)
    assert not ratings.filter(status__in=["approved", "awaiting"], plans__isnull=True).exists()


def test_the_current_emergency_shows_work_done_and_work_to_do(demo):
    from casework.risk.models import RerateTrigger, RiskRating

    open_children = current(LegalStatus.objects.filter(la=demo.la, kind__in=OPEN)).values("child").distinct()
    live = RiskRating.objects.filter(la=demo.la, emergency__isnull=False)
    re_rated = live.filter(status="approved").values("child").distinct().count()
    assert 0.6 * open_children.count() < re_rated < 0.95 * open_children.count()
    assert live.filter(status="returned").exists()
    triggers = RerateTrigger.objects.filter(la=demo.la, reason="emergency_declared")
    assert triggers.count() == open_children.count()
    assert triggers.filter(resolved_by__isnull=True).exists()  # not yet started
    assert (
        RerateTrigger.objects.filter(la=demo.la, resolved_by__isnull=True)
        .exclude(reason="emergency_declared")
        .exists()
    )
    current_ratings = RiskRating.objects.filter(la=demo.la, status__in=["approved", "awaiting"])
    mix = {r: current_ratings.filter(rating=r).count() / current_ratings.count() for r in ("red", "amber")}
    assert 0.10 < mix["red"] < 0.25
    assert 0.30 < mix["amber"] < 0.50


def test_the_team_manager_has_a_queue_and_an_unread_alert(demo):
    from casework.core.models import Alert
    from casework.decisions.models import Departure
    from casework.risk.models import RiskRating

    manager = User.objects.get(la=demo.la, username__startswith="tm.demo")
    awaiting = RiskRating.objects.filter(la=demo.la, status="awaiting", child__team=manager.team)
    assert 8 <= awaiting.count() <= 15
    assert Departure.objects.filter(la=demo.la, status="awaiting", child__team=manager.team).exists()
    assert Alert.objects.filter(recipient=manager, read_at__isnull=True, kind="immediate_protection").exists()


def test_contacts_follow_the_history_of_the_emergency(demo):
    from casework.contacts.models import Contact

    contacts = Contact.objects.filter(la=demo.la)
    assert contacts.count() > 10 * CHILDREN
    assert not contacts.filter(occurred_at__date__gt=TODAY).exists()

    def remote_share(first: date, last: date) -> float:
        period = contacts.filter(occurred_at__date__gte=first, occurred_at__date__lte=last)
        return period.filter(mode__in=["video", "phone"]).count() / max(1, period.count())

    assert remote_share(date(2019, 1, 1), date(2020, 3, 1)) < 0.15
    assert remote_share(date(2020, 4, 1), date(2020, 6, 30)) > 0.4
    assert remote_share(date(2021, 10, 1), TODAY - timedelta(days=60)) < 0.15
    for regime, day in contacts.values_list("regime", "occurred_at")[:2000]:
        assert regime == national_regime_on(day.date()).id
    reasons = set(contacts.exclude(remote_reason="").values_list("remote_reason", flat=True))
    assert reasons <= set(COVID_REASONS)  # only the two lawful reasons of SI 2020/909
    assert contacts.filter(access_refused=True).exclude(refusal_reason="").exists()
    assert contacts.filter(immediate_protection=True).exists()
    assert (
        contacts.filter(ppe_used=True).exists()
        or not HouseholdCovidStatus.objects.filter(
            household__children__la=demo.la, status__in=["symptomatic", "confirmed"], ends_on__isnull=True
        ).exists()
    )


def test_departures_record_what_was_required_and_who_approved(demo):
    from casework.decisions.models import Departure

    departures = Departure.objects.filter(la=demo.la)
    assert departures.filter(status="approved").exists()
    assert departures.filter(status="awaiting").exists()
    assert not departures.filter(decided_by=F("requested_by")).exists()
    for departure in departures:
        assert all(
            (departure.required, departure.done_instead, departure.rationale, departure.risk_assessment)
        )
        assert all((departure.source, departure.regime))


def test_every_child_has_a_due_state_and_some_are_overdue(demo):
    from casework.contacts.models import DueState

    open_ids = set(
        current(LegalStatus.objects.filter(la=demo.la, kind__in=OPEN)).values_list("child", flat=True)
    )
    states = DueState.objects.filter(la=demo.la)
    assert set(states.values_list("child", flat=True)) == set(
        Child.objects.filter(la=demo.la).values_list("pk", flat=True)
    )
    open_states = states.filter(child__in=open_ids)
    overdue = open_states.filter(next_due__lt=TODAY).count()
    assert 0.04 * len(open_ids) < overdue < 0.2 * len(open_ids)
    assert open_states.filter(next_due__gte=TODAY).count() > 0.6 * len(open_ids)
    assert open_states.exclude(rating="").count() > 0.7 * len(open_ids)


def test_the_front_door_meetings_and_incidents_have_their_history_and_deadlines(demo):
    from casework.decisions.models import Departure
    from casework.policy import context
    from casework.safeguarding.models import Deadline, Meeting, Referral, SeriousIncident
    from domain.timescales import deadline

    la = demo.la
    referrals = Referral.objects.filter(la=la)
    assert referrals.count() > CHILDREN // 4
    assert set(referrals.values_list("decision", flat=True)) >= {
        "nfa",
        "early_help",
        "assessment",
        "strategy",
    }
    assert referrals.filter(source="6").count() > referrals.filter(source="2A").count() > 0
    assert Referral.children.through.objects.filter(referral__la=la).count() >= referrals.count()
    meetings = Meeting.objects.filter(la=la)
    assert set(meetings.values_list("kind", flat=True)) == {
        "strategy",
        "icpc",
        "rcpc",
        "core_group",
        "lac_review",
    }
    assert meetings.filter(kind="strategy", section47_initiated=True).exists()
    assert meetings.filter(
        kind="icpc", remote=True, held_on__range=(date(2020, 4, 1), date(2021, 3, 31))
    ).exists()

    deadlines = Deadline.objects.filter(la=la)
    calendar = context.calendar()
    for row in deadlines:
        expected = deadline(row.rule_id, row.event_on, calendar=calendar)
        assert (row.due_on, row.normal_due_on, row.regime, row.as_soon_as_reasonably_practicable) == (
            expected.due_on,
            expected.normal_due_on,
            expected.regime.id,
            expected.as_soon_as_reasonably_practicable,
        ), row
    late = deadlines.filter(met_on__gt=F("due_on"))
    assert late.filter(subject_type="meeting").exists()
    assert late.filter(subject_type="referral").exists()
    late_meeting = late.filter(subject_type="meeting").first()
    assert Meeting.objects.exclude(late_reason="").filter(la=la).exists()
    assert Departure.objects.filter(la=la, requirement=late_meeting.rule_id).exists()

    in_progress = SeriousIncident.objects.get(la=la, notified_on__isnull=True)
    notification = deadlines.get(
        subject_type="incident", subject_id=in_progress.pk, rule_id="sin.notification"
    )
    assert notification.met_on is None
    assert TODAY <= notification.due_on <= TODAY + timedelta(days=7)
    assert in_progress.aware_on < TODAY
    assert SeriousIncident.objects.filter(la=la, rapid_review_pace="local").exclude(pace_reason="").exists()
    assert SeriousIncident.objects.filter(
        la=la, rapid_review_pace="expedited", covid_strongly_related=True
    ).exists()
