"""Every main page renders for the roles that use it."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["sw", "tm", "hos", "bs", "analyst", "admin"])
def test_home_page_renders_for_every_role(client, world, role):
    client.force_login(world.users[role])
    response = client.get(reverse("web:home"))
    assert response.status_code == 200
    assert world.users[role].get_role_display() in response.content.decode()


def test_child_pages_render(client, world):
    client.force_login(world.users["hos"])
    child = world.children["jon"]
    for name in [
        "children:detail",
        "children:edit",
        "children:status-add",
        "children:placement-add",
        "children:covid-status",
        "children:household",
        "children:restriction",
    ]:
        response = client.get(reverse(name, args=[child.pk]))
        assert response.status_code == 200, name
    assert client.get(reverse("children:search") + "?q=jonathon").status_code == 200
    assert client.get(reverse("teams:detail", args=[world.teams["north"].pk])).status_code == 200
    assert client.get(reverse("accounts:staff-detail", args=[world.users["sw"].pk])).status_code == 200
    assert client.get(reverse("audit:log")).status_code == 200
