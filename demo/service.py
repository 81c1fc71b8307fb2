"""Creating the demo local authority in the database, in one transaction."""

from __future__ import annotations

import functools
import re
import time
from dataclasses import dataclass
from datetime import date

import pghistory
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from casework.accounts.models import User
from casework.contacts.due import refresh_due_states
from casework.core.models import LocalAuthority
from casework.oversight.trends import refresh_weekly_figures
from demo import postcodes
from demo.generate import NAMED_LOGINS, DemoBuilder
from demo.load import analyze, load_plan

DEFAULT_LA_NAME = "Eastbrook Borough Council (demo)"
DEFAULT_CHILDREN = 3000
DEFAULT_SEED = 2020
MIN_CHILDREN = 100
# Every demo account shares this password; the people and the authority are fictional.
DEMO_PASSWORD = "continuity-demo-2020"  # noqa: S105
# LA numbers 944-999 belong to no authority (real ones run from 201 to 943: 940/941 are North and West
# Northamptonshire since 2021, 942/943 Cumberland and Westmorland and Furness since 2023); ONS codes
# E09000944-999 likewise (London boroughs end at E09000033). A demo authority takes the highest pair free.
# A national demo of 153 authorities needs more than those 56: it goes on to 199-100 (below 201, so no
# English authority's number either; E09000100-199 no London borough's code).
DEMO_LEA_CODES = (*range(999, 943, -1), *range(199, 99, -1))


class DemoError(Exception):
    """The demo cannot be created as asked; the message says why and what to do."""


@dataclass(frozen=True)
class DemoSummary:
    la: LocalAuthority
    counts: dict[str, int]
    seconds: float
    logins: dict[str, str]  # fixed sign-in name -> username given (e.g. "sw.demo" -> "sw.demo")
    due_seconds: float = 0.0  # of `seconds`, the time taken computing every child's due state

    def describe(self) -> str:
        c = self.counts
        return (
            f"Created {self.la.name} ({self.la.ons_code}, LA number {self.la.lea_code}) "
            f"in {self.seconds:.1f} s:\n"
            f"  {c['children']:,} children in {c['households']:,} households, "
            f"{c['legal_statuses']:,} legal status periods, {c['placements']:,} placements\n"
            f"  {c['staff']:,} staff in {c['teams']:,} teams, {c['absences']:,} staff absences, "
            f"{c['covid_statuses']:,} household COVID-19 statuses\n"
            f"  emergency declared; {c.get('ratings', 0):,} risk ratings, "
            f"{c.get('contact_plans', 0):,} contact plans, {c.get('contacts', 0):,} contacts, "
            f"{c.get('departures', 0):,} departures, "
            f"{c.get('rerate_triggers', 0):,} re-rating triggers, {c.get('alerts', 0):,} alerts; "
            f"{c.get('due_states', 0):,} due states computed in {self.due_seconds:.1f} s\n"
            f"  {c.get('referrals', 0):,} referrals, {c.get('meetings', 0):,} meetings, "
            f"{c.get('incidents', 0):,} serious incidents, {c.get('information_shares', 0):,} information "
            f"shares, {c.get('deadlines', 0):,} statutory deadlines\n"
            f"  DfE returns: {c.get('cin_episodes', 0):,} CIN census episodes, "
            f"{c.get('lac_episodes', 0):,} SSDA903 episodes, {c.get('lac_reviews', 0):,} reviews"
        )


def _free_codes() -> tuple[str, str]:
    """An LA number no authority has (999, or the next free below), and an ONS code.

    The ONS code is that of the real area the demo's postcodes are in (postcodes.HOME_AREA) while no
    authority has it: the SSDA903 validator places each placement by its postcode and compares that with
    the returning authority's code (rules 241, 411, 1015), so only then can the demo's return pass it.
    Otherwise a code no authority has (E09000999, or the next free below): such a demo still works, but
    its SSDA903 return fails rule 241 on every placement in supported accommodation.
    """
    return free_codes(1)[0]


def free_codes(count: int) -> list[tuple[str, str]]:
    """The codes the next `count` demo authorities made one after another would take (see _free_codes):
    a national load hands them out before its worker processes start, so no two take the same."""
    lea_taken = set(LocalAuthority.objects.values_list("lea_code", flat=True))
    ons_taken = set(LocalAuthority.objects.values_list("ons_code", flat=True))
    home_free = postcodes.HOME_AREA not in ons_taken
    found: list[tuple[str, str]] = []
    for number in DEMO_LEA_CODES:
        if len(found) == count:
            break
        lea, ons = f"{number:03d}", f"E09000{number:03d}"
        if lea in lea_taken:
            continue
        if home_free:
            found.append((lea, postcodes.HOME_AREA))
            home_free = False
        elif ons not in ons_taken:
            found.append((lea, ons))
    if len(found) < count:
        raise DemoError(
            "Every demo LA number (944 to 999, 100 to 199) is in use: remove an old demo authority first."
        )
    return found


@functools.cache
def _password_hash() -> str:
    """Hashed once per process: every demo account shares the password (a national load has 153 LAs)."""
    return make_password(DEMO_PASSWORD)


def _email_domain(la_name: str) -> str:
    stem = re.sub(r"\(demo\)", "", la_name, flags=re.IGNORECASE)
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "demo"
    return f"{slug}.example"  # .example is reserved (RFC 2606): no real mailbox


def generate_demo(
    *,
    children: int = DEFAULT_CHILDREN,
    seed: int = DEFAULT_SEED,
    today: date,
    la_name: str = DEFAULT_LA_NAME,
    prefix_usernames: bool = False,
    analyse: bool = True,
    codes: tuple[str, str] | None = None,
) -> DemoSummary:
    """Create a demo authority with `children` children; the same seed and date give the same people.

    Everything happens in one transaction: if anything fails, the database is as it was. A national
    load (demo.national) puts each authority's LA number before its usernames, all but the first's, and
    refreshes the planner statistics once at the end rather than after each authority (`analyse=False`),
    and gives each authority its LA number and ONS code (`codes`, from free_codes) before it starts.
    """
    if children < MIN_CHILDREN:
        raise DemoError(f"A demo authority needs at least {MIN_CHILDREN} children.")
    la_name = la_name.strip()
    longest = LocalAuthority._meta.get_field("name").max_length or 120
    if not la_name or len(la_name) > longest:
        raise DemoError(f"Give the demo authority a name of 1 to {longest} characters.")
    validate_password(DEMO_PASSWORD)
    started = time.perf_counter()
    password_hash = _password_hash()
    with transaction.atomic():
        if LocalAuthority.objects.filter(name__iexact=la_name).exists():
            raise DemoError(
                f"There is already a local authority called “{la_name}”. "
                "Choose another name with --la-name, or sign in to the existing one (continuity demo_logins)."
            )
        lea_code, ons_code = codes or _free_codes()
        username_prefix = lea_code if prefix_usernames else ""
        mine = f"{username_prefix}." if username_prefix else ""
        taken = set(User.objects.filter(username__startswith=mine).values_list("username", flat=True))
        plan = DemoBuilder(
            children=children,
            seed=seed,
            today=today,
            la_number=lea_code,
            email_domain=_email_domain(la_name),
            taken_usernames=taken,
            username_prefix=username_prefix,
        ).build()
        # The history triggers stay on (pgtrigger.ignore would skip them): each loaded row gets its
        # "snapshot" event, so a record's history starts with how the demo created it and the first
        # real edit shows as a change against that, as it would for a record typed in. Cost, measured
        # for 100,000 children on 2 cores: COPY 21 s with the events, 14 s without; the whole command
        # about 30 s, well inside its 2-minute budget. The context below names the demo on every
        # event: pghistory sets it, transaction-locally, on the ORM insert of the authority, and the
        # COPYs that follow run in the same transaction.
        with pghistory.context(reason="Fictional demo data, created by the demo command", seed=seed):
            la = LocalAuthority.objects.create(
                name=la_name, ons_code=ons_code, lea_code=lea_code, is_demo=True
            )
            counts = load_plan(plan, la_id=la.pk, password_hash=password_hash)
            due_started = time.perf_counter()
            counts["due_states"] = refresh_due_states(la_id=la.pk, today=today, parallel=True)
            due_seconds = time.perf_counter() - due_started
            counts["weekly_figures"] = refresh_weekly_figures(la_id=la.pk, today=today)
        if analyse:
            transaction.on_commit(analyze)
    logins = {name: member.username for name, member in plan.logins.items()}
    return DemoSummary(
        la=la, counts=counts, seconds=time.perf_counter() - started, logins=logins, due_seconds=due_seconds
    )


@dataclass(frozen=True)
class DemoLogin:
    la: str
    username: str
    role: str
    team: str
    job_title: str


def demo_logins() -> list[DemoLogin]:
    """The fixed demo sign-ins of every demo authority, in the order of NAMED_LOGINS.

    A national demo's authorities after the first put their LA number first ("945.sw.demo"); a second
    stand-alone demo authority puts it last ("sw.demo.998")."""
    names = "|".join(re.escape(name) for name in NAMED_LOGINS)
    pattern = r"^(\d{3}\.)?(" + names + r")(\.\d{3})?$"
    users = (
        User.objects.filter(la__is_demo=True, username__regex=pattern)
        .select_related("la", "team")
        .order_by("la__name", "username")
    )
    order = {name: index for index, name in enumerate(NAMED_LOGINS)}
    named = re.compile(pattern)

    def key(user: User) -> tuple[str, int]:
        found = named.match(user.username)
        return (user.la.name if user.la else "", order.get(found.group(2), 99) if found else 99)

    return [
        DemoLogin(
            la=user.la.name if user.la else "",
            username=user.username,
            role=user.get_role_display(),
            team=user.team.name if user.team else "Whole authority",
            job_title=user.job_title,
        )
        for user in sorted(users, key=key)
    ]
