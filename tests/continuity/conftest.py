"""Fixtures for the read-replica tests: one hot standby for the test session, and a "replica"
connection to it for each test that asks (removed after, so no other test sees one)."""

from __future__ import annotations

import copy
import os
import types
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from casework.core import replica
from continuity import embedded_db
from tests.standby import Standby, primary_wal_position, start_standby, wait_for_replay


@pytest.fixture(scope="session")
def standby(django_db_setup: Any) -> Iterator[Standby]:
    try:
        server = start_standby(embedded_db.ensure_running())
    except Exception as error:
        # Under CI the replica tests must run: a standby that cannot start fails them.
        if os.environ.get("CI", "").lower() == "true":
            raise
        pytest.skip(f"could not start a hot standby of the test server: {error}")
    yield server
    server.stop()


@pytest.fixture
def replica_db(
    transactional_db: Any, standby: Standby, settings: Any, django_db_blocker: Any
) -> Iterator[Standby]:
    """The "replica" connection, to the standby's copy of the test database. The test's data is
    committed (transactional_db), so it reaches the standby as it would in production."""
    default = connections[DEFAULT_DB_ALIAS].settings_dict
    config = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": default["NAME"],
        "USER": standby.user,
        "HOST": standby.socket_dir,
        "PORT": str(standby.port),
        "CONN_MAX_AGE": 60,
        "OPTIONS": {"connect_timeout": 2},
        "TEST": {"MIRROR": DEFAULT_DB_ALIAS},
    }
    configured = connections.configure_settings(
        {DEFAULT_DB_ALIAS: copy.deepcopy(default), replica.REPLICA: config}
    )
    connections.settings[replica.REPLICA] = configured[replica.REPLICA]
    # Django's test case refuses connections to an alias its `databases` does not name, by patching
    # BaseDatabaseWrapper.ensure_connection while a test runs; "replica" is added after that list was
    # fixed (no other test may see it), so its connection gets the method as Django defines it (which
    # pytest-django keeps while it blocks database access outside tests).
    real = getattr(django_db_blocker, "_real_ensure_connection", None)
    real = real or BaseDatabaseWrapper.ensure_connection
    wrapper = connections[replica.REPLICA]
    wrapper.ensure_connection = types.MethodType(real, wrapper)  # type: ignore[method-assign]
    settings.REPLICA_RETRY_SECONDS = 30.0
    replica.health.reset()
    yield standby
    replica.close_replica_connection()
    try:
        del connections[replica.REPLICA]
    except AttributeError:  # never opened in this thread
        pass
    del connections.settings[replica.REPLICA]
    replica.health.reset()


@pytest.fixture
def caught_up(replica_db: Standby) -> Any:
    """Call to wait until the standby has replayed everything the primary has written so far."""

    def wait() -> None:
        wait_for_replay(replica_db, primary_wal_position(embedded_db.ensure_running()))

    return wait
