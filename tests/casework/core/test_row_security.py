"""PostgreSQL row-level security: the second wall behind the access module (casework/core/rowsecurity.py).

The access module filters every query by the person's authority; these tests take that filter away on
purpose and check that the database itself still shows nothing of another authority.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.db.utils import ProgrammingError

from casework.children import selectors
from casework.children.models import Child, Household
from casework.core import rowsecurity
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _session() -> tuple[str, str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, session_user, current_setting('continuity.la_id', true)")
        current, session, la = cursor.fetchone()
        return str(current), str(session), str(la or "")


def test_every_table_with_an_la_column_is_walled_for_the_application_role() -> None:
    with connection.cursor() as cursor:
        tables = rowsecurity.tenant_tables(cursor)
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_policy p ON p.polrelid = c.oid"
            " WHERE p.polname = %s AND c.relrowsecurity",
            [rowsecurity.POLICY],
        )
        walled = {name for (name,) in cursor.fetchall()}
    # The records of children, their contacts, ratings, decisions, returns, audit and their history.
    for table in ("children_child", "contacts_contact", "risk_riskrating", "audit_auditevent"):
        assert table in tables
    assert "children_childevent" in tables  # the history of a child is walled as the child is
    assert set(tables) <= walled
    assert len(tables) > 40


def _policy_ids() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, p.oid FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid"
            " WHERE p.polname = %s",
            [rowsecurity.POLICY],
        )
        return dict(cursor.fetchall())


def test_installing_again_leaves_policies_made_as_now_alone_and_remakes_a_changed_one() -> None:
    before = _policy_ids()
    with connection.cursor() as cursor:
        cursor.execute(f"COMMENT ON POLICY {rowsecurity.POLICY} ON children_child IS 'an older definition'")
    tables = rowsecurity.install()
    after = _policy_ids()
    assert set(tables) <= set(after)
    assert after["children_child"] != before["children_child"]  # remade
    assert {t: i for t, i in after.items() if t != "children_child"} == {
        t: i for t, i in before.items() if t != "children_child"
    }


def test_behind_the_wall_a_query_without_its_la_filter_sees_only_its_own_authority(
    world: World, other_world: World
) -> None:
    assert Child.objects.filter(la=other_world.la).exists()  # the owner (commands, tests) sees all
    with transaction.atomic():
        rowsecurity._raise(connection, world.la.pk)
        mine = set(Child.objects.values_list("la_id", flat=True))
        households = set(Household.objects.values_list("la_id", flat=True))
        count = Child.objects.filter(pk=other_world.children["jon"].pk).count()
        transaction.set_rollback(True)
    assert mine == {world.la.pk}
    assert households == {world.la.pk}
    assert count == 0


def _walled(la_id: int, write: Any) -> None:
    with transaction.atomic():
        rowsecurity._raise(connection, la_id)
        write()


def test_behind_the_wall_a_row_of_another_authority_cannot_be_written(
    world: World, other_world: World
) -> None:
    household = Household.objects.get(children=world.children["jon"])

    def create() -> None:
        Household.objects.create(la=other_world.la, address_line_1="1 Wrong Road", postcode="ZZ1 1ZZ")

    def move() -> None:  # a row of its own authority cannot be moved to another
        Household.objects.filter(pk=household.pk).update(la=other_world.la)

    with pytest.raises(ProgrammingError, match="row-level security"):
        _walled(world.la.pk, create)
    with pytest.raises(ProgrammingError, match="row-level security"):
        _walled(world.la.pk, move)
    assert Household.objects.get(pk=household.pk).la_id == world.la.pk


def test_with_no_authority_set_the_role_sees_nothing(world: World) -> None:
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('role', %s, true)", [rowsecurity.role()])
        count = Child.objects.count()
        transaction.set_rollback(True)
    assert count == 0


def test_a_signed_in_request_runs_behind_the_wall_even_where_the_access_filter_is_dropped(
    world: World, other_world: World, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The search's own filter (children_visible_to) dropped on purpose: every child of every LA.
    monkeypatch.setattr(selectors, "children_visible_to", lambda user: Child.objects.all())
    client.force_login(world.users["hos"])
    page = client.get("/children/?q=Smith").content.decode()
    assert "Jonathan" in page
    other = other_world.children["jon"]
    assert f"/children/{other.pk}/" not in page
    # After the response, the connection is the owner's again, with no authority set.
    current, session, la = _session()
    assert current == session
    assert la == ""


def test_the_wall_follows_a_streamed_download_to_its_last_row(
    world: World, other_world: World, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from casework.oversight import views as oversight

    # The drill-down's access filter dropped on purpose; its CSV is streamed after the view returns.
    monkeypatch.setattr(oversight, "children_visible_to", lambda user: Child.objects.all())
    client.force_login(world.users["hos"])
    response = client.get("/oversight/children/?format=csv")
    body = b"".join(response.streaming_content).decode()
    assert world.children["jon"].la_child_id in body
    for child in other_world.children.values():
        assert child.la_child_id not in body


def test_a_request_before_sign_in_sets_no_role(world: World, client: Any) -> None:
    client.get("/sign-in")
    current, session, la = _session()
    assert current == session
    assert la == ""


def test_outside_the_wall_is_the_owner_and_the_wall_comes_back_after(
    world: World, other_world: World
) -> None:
    with transaction.atomic():
        rowsecurity._raise(connection, world.la.pk)
        with rowsecurity.outside_wall():
            inside = Child.objects.filter(la=other_world.la).count()
        after = Child.objects.filter(la=other_world.la).count()
        current, session, la = _session()
        transaction.set_rollback(True)
    assert inside == len(other_world.children)
    assert after == 0
    assert current == rowsecurity.role()
    assert la == str(world.la.pk)


def test_an_immediate_background_import_inside_a_request_runs_as_the_owner(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from casework.returns import tasks

    seen: list[tuple[str, str, str]] = []

    def perform(run_id: int) -> str:
        seen.append(_session())
        return "ok"

    with transaction.atomic():
        rowsecurity._raise(connection, world.la.pk)
        monkeypatch.setattr(tasks, "perform_import", perform)
        tasks.run_import.call(1)
        back = _session()
        transaction.set_rollback(True)
    assert seen[0][0] == seen[0][1]  # the owner
    assert back[0] == rowsecurity.role()


def test_one_connection_serving_two_authorities_in_turn_keeps_each_behind_its_own_wall(
    world: World, other_world: World, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As a server process does: the same kept connection answers one council's person, then another's.
    monkeypatch.setattr(selectors, "children_visible_to", lambda user: Child.objects.all())
    other_client = type(client)()
    client.force_login(world.users["hos"])
    other_client.force_login(other_world.users["hos"])
    for _ in range(2):
        mine = client.get("/children/?q=Smith").content.decode()
        theirs = other_client.get("/children/?q=Smith").content.decode()
        assert f"/children/{world.children['jon'].pk}/" in mine
        assert f"/children/{other_world.children['jon'].pk}/" not in mine
        assert f"/children/{other_world.children['jon'].pk}/" in theirs
        assert f"/children/{world.children['jon'].pk}/" not in theirs


def test_an_error_outside_the_wall_leaves_the_connection_walled_again(world: World) -> None:
    with transaction.atomic():
        rowsecurity._raise(connection, world.la.pk)
        with pytest.raises(ValueError, match="in the ranking"), rowsecurity.outside_wall():
            raise ValueError("in the ranking")
        current, _session_user, la = _session()
        transaction.set_rollback(True)
    assert current == rowsecurity.role()
    assert la == str(world.la.pk)


def test_a_broken_transaction_outside_the_wall_is_walled_again_by_its_rollback(world: World) -> None:
    with transaction.atomic():
        rowsecurity._raise(connection, world.la.pk)
        with pytest.raises(ProgrammingError), transaction.atomic(), rowsecurity.outside_wall():
            with connection.cursor() as cursor:
                cursor.execute("SELECT * FROM no_such_table")
        current, _session_user, la = _session()
        transaction.set_rollback(True)
    assert current == rowsecurity.role()
    assert la == str(world.la.pk)
