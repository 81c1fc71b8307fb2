"""Every request a signed-in person makes is audited, refusals included, by one mechanism: every URL
pattern of the project (found by walking the resolver, so a new page is covered without being added
here) is fetched as a practitioner of another team and as a head of service of another LA, and each
request must leave exactly one row saying who asked for what, the answer and what it amounted to."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from casework.audit.middleware import UNLOGGED_PREFIXES, outcome_of
from casework.audit.models import RequestLog
from casework.decisions import services as decision_services
from tests.casework.test_no_name_leaks import _urls, leaky_world  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def _fetch(client: Client, url: str) -> int:
    response = client.get(url)
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    return response.status_code


def test_every_url_pattern_leaves_one_row_per_request_refusals_included(leaky_world):  # noqa: F811
    urls = _urls(leaky_world)
    assert len(urls) > 100
    missing: list[str] = []
    refusals = 0
    for reader in ("south_practitioner", "other_la_head"):
        user = leaky_world["readers"][reader]
        client = Client()
        client.force_login(user)
        for url in [u for u in urls if not u.startswith(UNLOGGED_PREFIXES)]:
            last = RequestLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            status = _fetch(client, url)
            rows = list(RequestLog.objects.filter(pk__gt=last))
            path, _, query = url.partition("?")
            if not (
                len(rows) == 1
                and rows[0].user_id == user.pk
                and rows[0].la_id == user.la_id
                and rows[0].path == path
                and rows[0].query == query
                and rows[0].status == status
                and (rows[0].outcome == "refused") == (status in {401, 403, 404, 405})
                and rows[0].route
            ):
                missing.append(f"{reader} {url} ({status}): {[(r.path, r.status, r.outcome) for r in rows]}")
            refusals += status in {403, 404}
    assert not missing, "Requests not audited as they were answered:\n" + "\n".join(missing)
    assert refusals > 50  # the other LA's head is refused every record of this one


def test_a_refused_child_is_logged_with_the_child_asked_for(leaky_world):  # noqa: F811
    elsewhere = leaky_world["children"]["north"]
    client = Client()
    client.force_login(leaky_world["readers"]["other_la_head"])
    assert client.get(f"/children/{elsewhere.pk}/").status_code == 404
    row = RequestLog.objects.latest("pk")
    assert (row.route, row.outcome, row.child_ref, row.status) == (
        "children:detail",
        "refused",
        elsewhere.pk,
        404,
    )


def test_an_export_and_a_submission_are_told_apart_from_a_view(client, world, today):
    decision_services.departure_record(
        actor=world.users["sw"],
        child=world.children["jon"],
        requirement="cin.visit",
        required="Visit every 4 weeks",
        done_instead="Video call",
        rationale="Shielding",
        risk_assessment="Low",
        source="Local practice standard",
        today=today,
    )
    client.force_login(world.users["hos"])
    client.get("/decisions/")
    list(csv.reader(io.StringIO(b"".join(client.get("/decisions/export.csv").streaming_content).decode())))
    outcomes = list(RequestLog.objects.order_by("pk").values_list("route", "outcome"))
    assert outcomes[-2:] == [("decisions:log", "viewed"), ("decisions:export", "exported")]


@pytest.mark.parametrize(
    ("method", "status", "content_type", "disposition", "expected"),
    [
        ("GET", 200, "text/html", "", "viewed"),
        ("HEAD", 200, "text/html", "", "viewed"),
        ("GET", 200, "text/csv", "", "exported"),
        ("GET", 200, "application/octet-stream", 'attachment; filename="x"', "exported"),
        ("POST", 302, "text/html", "", "changed"),
        ("POST", 200, "text/html", "", "changed"),
        ("POST", 403, "text/html", "", "refused"),
        ("GET", 404, "text/html", "", "refused"),
        ("GET", 405, "text/html", "", "refused"),
        ("GET", 500, "text/html", "", "failed"),
        ("GET", 503, "text/html", "", "failed"),
    ],
)
def test_what_a_request_amounted_to(method, status, content_type, disposition, expected):
    assert outcome_of(method, status, content_type, disposition) == expected


def test_anonymous_requests_and_static_files_are_not_logged(client, world):
    client.get("/children/")  # redirected to sign in: shows nothing
    client.force_login(world.users["hos"])
    client.get("/static/does-not-exist.css")
    client.get("/healthz")
    assert not RequestLog.objects.exists()


def test_a_request_that_cannot_be_audited_fails_rather_than_show_the_page(client, world):
    client.force_login(world.users["hos"])
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_requestlog ADD CONSTRAINT refuse_all CHECK (false) NOT VALID")
    client.raise_request_exception = True
    with pytest.raises(DatabaseError), transaction.atomic():
        client.get("/")


def test_the_log_is_append_only(client, world):
    client.force_login(world.users["hos"])
    client.get("/")
    with pytest.raises(DatabaseError), transaction.atomic():
        RequestLog.objects.update(status=200)
    assert RequestLog.objects.count() == 1
    assert isinstance(RequestLog.objects.get().at.date(), date)


def test_a_subject_access_request_lists_and_exports_every_request_about_one_child(client, world):
    jon, amira = world.children["jon"], world.children["amira"]
    client.force_login(world.users["sw"])
    client.get(f"/children/{jon.pk}/")
    client.get(f"/children/{amira.pk}/")
    client.force_login(world.users["sw_south"])
    client.get(f"/children/{jon.pk}/")  # another team's practitioner: refused
    client.force_login(world.users["hos"])
    page = client.get(f"/audit/?show=requests&child={jon.pk}").content.decode()
    assert page.count(f"/children/{jon.pk}/") == 2
    assert f"/children/{amira.pk}/" not in page
    response = client.get(f"/audit/requests.csv?child={jon.pk}")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    # Newest first: this download, the audit page looked up for the child, then the views of the record.
    assert [(r[2], r[3], r[8]) for r in rows[1:]] == [
        (world.users["hos"].username, "Downloaded", str(jon.pk)),
        (world.users["hos"].username, "Viewed", str(jon.pk)),
        (world.users["sw_south"].username, "Refused", str(jon.pk)),
        (world.users["sw"].username, "Viewed", str(jon.pk)),
    ]
    export = RequestLog.objects.latest("pk")
    assert (export.route, export.outcome, export.child_ref) == ("audit:requests-csv", "exported", jon.pk)
    client.force_login(world.users["sw"])
    assert client.get(f"/audit/requests.csv?child={jon.pk}").status_code == 403
