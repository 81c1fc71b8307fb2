"""Every list is paged with its true count and downloads the same filtered rows as CSV and XLSX, audited
(issue 11; casework/core/listing.py). One test per list, each through `check_list`."""

from __future__ import annotations

import pytest

from tests.casework.lists import check_list

pytestmark = pytest.mark.django_db


def test_the_drill_down_list(client, world, monkeypatch):
    client.force_login(world.users["hos"])
    rows = check_list(
        client,
        f"/oversight/children/?team={world.teams['north'].pk}",
        name="children",
        count=2,
        key="Name",
        monkeypatch=monkeypatch,
    )
    assert {r[1] for r in rows[1:]} == {"Jonathan Smith", "Amira Khan"}
    assert rows[0][:2] == ["LA child ID", "Name"]
