"""The rating page: suggestion and minimums beside the practitioner's choices, departures, htmx."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.children.models import LegalStatus
from casework.decisions.models import Departure
from casework.risk.models import RiskRating
from casework.risk.services import DEPARTURE_RATIONALE_REQUIRED, RATIONALE_REQUIRED

pytestmark = pytest.mark.django_db


def rating_form(**overrides):
    data = {
        "rating": "amber",
        "factors": ["domestic_abuse", "overcrowding"],
        "rationale": "Domestic abuse disclosed; mother engaging with support",
        "childs_views": "Jonathan says he feels safe at home",
        "family_strengths": "Grandmother nearby",
        "interval_amount": "2",
        "interval_unit": "weeks",
        "face_to_face_every": "1",
        "modes": ["home", "doorstep"],
    }
    data.update(overrides)
    return data


THIN_PLAN = {"interval_amount": "12", "interval_unit": "weeks", "face_to_face_every": "0", "modes": ["phone"]}


def url(world, key="jon"):
    return f"/children/{world.children[key].pk}/rating"


def test_the_page_shows_the_proposed_plan_the_suggestion_and_the_rules(client, world):
    client.force_login(world.users["sw"])
    response = client.get(url(world))
    page = response.content.decode()
    form = response.context["form"]
    advice = response.context["advice"]
    assert form.initial["interval_amount"] == advice.proposal.plan.interval.amount
    assert f'value="{advice.proposal.plan.interval.amount}"' in page
    assert 'data-testid="suggestion"' in page
    assert "Rules in force on" in page
    assert 'data-testid="plan-meets-minimums"' in page
    assert "Domestic abuse in the household" in page  # a factor checkbox


def test_a_rating_without_rationale_is_refused_and_the_entries_kept(client, world):
    client.force_login(world.users["sw"])
    page = client.post(url(world), rating_form(rationale=" ")).content.decode()
    assert "There is a problem" in page
    assert RATIONALE_REQUIRED in page
    assert "Jonathan says he feels safe at home" in page
    assert 'value="domestic_abuse" checked' in page
    assert not RiskRating.objects.exists()


def test_a_plan_below_the_minimum_asks_for_the_departure_and_keeps_the_entries(client, world):
    client.force_login(world.users["sw"])
    page = client.post(url(world), rating_form(**THIN_PLAN)).content.decode()
    assert DEPARTURE_RATIONALE_REQUIRED in page
    assert 'data-testid="departures-needed"' in page
    assert 'name="departure_rationale"' in page
    assert 'value="12"' in page
    assert not RiskRating.objects.exists()


def test_a_plan_below_the_minimum_with_its_departure_goes_to_the_manager(client, world):
    client.force_login(world.users["sw"])
    jon = world.children["jon"]
    response = client.post(
        url(world),
        rating_form(
            **THIN_PLAN,
            departure_rationale="Family shielding; phone agreed with the nominated officer",
            departure_risk_assessment="School nurse sees him weekly",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == f"/children/{jon.pk}/"
    rating = RiskRating.objects.get(child=jon)
    assert rating.factors == ["domestic_abuse", "overcrowding"]
    assert Departure.objects.filter(plan__rating=rating).exists()
    page = client.get(response["Location"]).content.decode()
    assert f"Rating sent to {world.users['tm']} for sign-off" in page
    assert "Awaiting sign-off" in page
    assert 'data-testid="open-departures"' in page


def test_the_assessment_partial_returns_a_fragment_for_htmx(client, world):
    client.force_login(world.users["sw"])
    response = client.post(f"{url(world)}/assess", rating_form(**THIN_PLAN), headers={"HX-Request": "true"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert page.lstrip().startswith('<div id="plan-assessment"')
    assert 'name="departure_rationale"' in page
    ok = client.post(f"{url(world)}/assess", rating_form(), headers={"HX-Request": "true"}).content.decode()
    assert 'data-testid="plan-meets-minimums"' in ok


def test_people_who_cannot_rate_are_refused(client, world, other_world):
    client.force_login(world.users["bs_north"])  # sees the child, does not rate
    assert client.get(url(world)).status_code == 403
    client.force_login(world.users["sw_south"])  # another team: not even found
    assert client.get(url(world)).status_code == 404
    client.force_login(other_world.users["hos"])
    assert client.post(url(world), rating_form()).status_code == 404
    assert not RiskRating.objects.exists()


def page_queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_rating_page_issues_a_fixed_number_of_queries_whatever_the_history(client, world):
    client.force_login(world.users["sw"])
    before = page_queries(client, url(world))
    client.post(url(world), rating_form())
    client.post(url(world), rating_form(rating="red"))
    jon = world.children["jon"]
    LegalStatus.objects.create(
        la=world.la, child=jon, kind="cp", cp_category="NEG", starts_on=jon.date_of_birth
    )
    assert page_queries(client, url(world)) == before


def _proposal_for(world, rating, factors=()):
    from casework.core import clock
    from casework.risk import selectors

    child = world.children["jon"]
    return selectors.rating_advice(child=child, rating=rating, factors=list(factors), today=clock.today())


def _as_posted(plan):
    from casework.risk.forms import plan_code, plan_initial

    values = plan_initial(plan)
    return {
        "interval_amount": str(values["interval_amount"]),
        "interval_unit": values["interval_unit"],
        "face_to_face_every": str(values["face_to_face_every"]),
        "modes": values["modes"],
        "proposed_plan": plan_code(plan),
    }


def test_update_proposal_without_javascript_follows_the_rating_and_keeps_every_entry(client, world):
    client.force_login(world.users["sw"])
    green = client.get(url(world)).context["advice"].proposal.plan
    red = _proposal_for(world, "red").proposal.plan
    assert red != green  # the test means something only if the proposals differ
    data = rating_form(rating="red", **_as_posted(green), update_proposal="1")
    response = client.post(url(world), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert not RiskRating.objects.exists()
    assert "There is a problem" not in page
    form = response.context["form"]
    assert form.initial["interval_amount"] == red.interval.amount
    assert form.initial["face_to_face_every"] == red.face_to_face_every
    assert f'value="{red.interval.amount}"' in page
    assert f"Proposed for a red rating: {red.describe()}" in page
    assert "You chose a red rating" in page
    assert 'data-testid="plan-meets-minimums"' in page  # the proposal is never reported below a minimum
    assert "Jonathan says he feels safe at home" in page  # every entry kept
    assert 'value="domestic_abuse" checked' in page


def test_a_plan_the_worker_changed_is_kept_when_the_rating_changes(client, world):
    client.force_login(world.users["sw"])
    green = client.get(url(world)).context["advice"].proposal.plan
    data = rating_form(rating="red", **_as_posted(green), update_proposal="1")
    data.update(interval_amount="3", interval_unit="days")
    page = client.post(url(world), data).content.decode()
    assert 'value="3"' in page
    assert 'data-testid="own-plan-kept"' in page
    assert "The plan proposed for a red rating is" in page


def test_the_proposal_fragment_for_htmx_follows_the_rating_and_factors(client, world):
    client.force_login(world.users["sw"])
    green = client.get(url(world)).context["advice"].proposal.plan
    data = rating_form(rating="", factors=["domestic_abuse", "overcrowding"], **_as_posted(green))
    del data["rating"]
    response = client.post(f"{url(world)}/propose", data, headers={"HX-Request": "true"})
    page = response.content.decode()
    suggested = _proposal_for(world, "", ["domestic_abuse", "overcrowding"])
    assert suggested.suggestion.rating == "amber"
    assert page.lstrip().startswith('<div id="proposal"')
    assert "<html" not in page
    assert f"Proposed for an amber rating: {suggested.proposal.plan.describe()}" in page
    assert "the suggested rating, amber" in page
    assert 'id="suggestion"' in page
    assert 'hx-swap-oob="true"' in page
    assert f'value="{suggested.proposal.plan.interval.amount}"' in page
