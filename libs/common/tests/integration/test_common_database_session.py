"""The DatabaseSession provider with a real Nameko container and PostgreSQL: commit on
success, rollback on failure, commit before the reply, commit failures reach the caller,
and queries that wait inside PostgreSQL do not block the eventlet hub."""

import time

import pytest
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import text

from credit_common.errors import EXPECTED
from credit_common.nameko_ext.db import DatabaseSession
from credit_common.nameko_ext.entrypoints import rpc
from credit_common.unit_of_work import SqlUnitOfWork
from credit_common.testing.settings import service_settings

# the shared settings, reading notification's variables: these probes use its database
ProbeSettings = service_settings("notification")

SCRATCH_TABLE = "common_test_items"


@pytest.fixture
def scratch_table(db_engine):
    """A table in the notification database (the service with the fewest tables of its own)
    for the plumbing tests, emptied before each test."""
    engine = db_engine["notification"]
    with engine.begin() as conn:
        conn.execute(text(
            f"CREATE TABLE IF NOT EXISTS {SCRATCH_TABLE} ("
            " id serial PRIMARY KEY, label text NOT NULL,"
            " CONSTRAINT common_test_items_label_unique UNIQUE (label)"
            " DEFERRABLE INITIALLY DEFERRED)"))
        conn.execute(text(f"TRUNCATE {SCRATCH_TABLE}"))
    yield engine


def labels(engine) -> list[str]:
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(text(f"SELECT label FROM {SCRATCH_TABLE} ORDER BY id"))]


class PlumbingService:
    name = "plumbing_probe"
    db = DatabaseSession(ProbeSettings)

    @rpc(expected_exceptions=EXPECTED)
    def add(self, label):
        self.db.execute(text(f"INSERT INTO {SCRATCH_TABLE} (label) VALUES (:l)"), {"l": label})
        return label

    @rpc
    def add_then_fail(self, label):
        self.db.execute(text(f"INSERT INTO {SCRATCH_TABLE} (label) VALUES (:l)"), {"l": label})
        raise ValueError("after the insert")

    @rpc(expected_exceptions=EXPECTED)
    def add_twice(self, label):
        # the unique constraint is deferred: both inserts succeed, the commit fails
        for _ in range(2):
            self.db.execute(text(f"INSERT INTO {SCRATCH_TABLE} (label) VALUES (:l)"),
                            {"l": label})
        return "unreachable"

    @rpc
    def read_twice(self):
        """Two statements of a read-only unit of work: their transactions' start times."""
        uow = SqlUnitOfWork(self.db, read_only=True)
        first = uow.session.execute(text("SELECT now()::text, pg_sleep(0.05)")).scalar()
        second = uow.session.execute(text("SELECT now()::text")).scalar()
        return [first, second]

    @rpc
    def read_then_write(self):
        SqlUnitOfWork(self.db, read_only=True).session.execute(text("SELECT 1"))
        SqlUnitOfWork(self.db)  # refused: it would write outside a transaction
        return "unreachable"

    @rpc
    def sleep_in_database(self, seconds):
        self.db.execute(text("SELECT pg_sleep(:s)"), {"s": seconds})
        return seconds


@pytest.fixture
def plumbing(container_factory, nameko_config, scratch_table):
    container = container_factory(PlumbingService, nameko_config)
    container.start()
    return container


def test_the_session_is_committed_when_the_worker_succeeds(plumbing, nameko_config,
                                                           scratch_table):
    with ClusterRpcProxy(nameko_config) as proxy:
        assert proxy.plumbing_probe.add("kept") == "kept"
        # no wait: the commit happened before the reply was sent
        assert labels(scratch_table) == ["kept"]


def test_the_session_is_rolled_back_when_the_worker_fails(plumbing, nameko_config,
                                                          scratch_table):
    with ClusterRpcProxy(nameko_config) as proxy:
        with pytest.raises(RemoteError) as raised:
            proxy.plumbing_probe.add_then_fail("lost")
    assert raised.value.exc_type == "ValueError"
    assert labels(scratch_table) == []


def test_a_failed_commit_reaches_the_caller_as_conflict_and_saves_nothing(
        plumbing, nameko_config, scratch_table):
    with ClusterRpcProxy(nameko_config) as proxy:
        with pytest.raises(RemoteError) as raised:
            proxy.plumbing_probe.add_twice("twice")
        assert raised.value.exc_type == "Conflict"
        assert labels(scratch_table) == []
        # the worker's connection went back to the pool clean: the next call works
        assert proxy.plumbing_probe.add("after") == "after"
    assert labels(scratch_table) == ["after"]


def test_ten_calls_sleeping_one_second_in_postgresql_run_concurrently(plumbing, nameko_config):
    with ClusterRpcProxy(nameko_config) as proxy:
        proxy.plumbing_probe.sleep_in_database(0)  # warm the pool's first connection
        started = time.monotonic()
        replies = [proxy.plumbing_probe.sleep_in_database.call_async(1) for _ in range(10)]
        assert [reply.result() for reply in replies] == [1] * 10
        elapsed = time.monotonic() - started
    # serialised, ten 1 s sleeps take 10 s; a driver that yields to the hub overlaps them
    assert elapsed < 4, f"10 x pg_sleep(1) took {elapsed:.1f} s: the driver blocks the hub"


def test_a_read_only_unit_of_work_runs_each_statement_in_autocommit(plumbing, nameko_config):
    with ClusterRpcProxy(nameko_config) as proxy:
        first, second = proxy.plumbing_probe.read_twice()
    # now() is the start of the transaction: in one transaction both would be equal
    assert first != second


def test_a_session_that_read_in_autocommit_refuses_to_write(plumbing, nameko_config):
    with ClusterRpcProxy(nameko_config) as proxy:
        with pytest.raises(RemoteError) as refused:
            proxy.plumbing_probe.read_then_write()
    assert "cannot write" in str(refused.value)
