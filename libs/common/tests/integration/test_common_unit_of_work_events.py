"""Events collected by the unit of work at commit, through a real Nameko container and
PostgreSQL: an aggregate changed and never published by hand reaches the outbox once, a
rolled-back worker or a failed commit leaves nothing there, a read-only unit of work
publishes nothing, and a hand loop beside the collection never doubles a row."""

import uuid
from dataclasses import dataclass, field
from typing import ClassVar

import pytest
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import text

from credit_common.contracts.events import Event
from credit_common.errors import EXPECTED
from credit_common.nameko_ext.db import DatabaseSession
from credit_common.nameko_ext.entrypoints import rpc
from credit_common.unit_of_work import SqlUnitOfWork
from credit_common.testing.settings import service_settings


class ProbeChanged(Event):
    event_type: ClassVar[str] = "uow_probe_changed"
    source: ClassVar[str] = "uow_probe"

    tag: str


@dataclass
class Probe:
    tag: str
    events: list = field(default_factory=list)

    def change(self, tag: str | None = None) -> None:
        self.events.append(ProbeChanged(tag=tag or self.tag))


class Probes:
    """A repository as the services write them: it remembers every aggregate it handed out."""

    def __init__(self):
        self.seen: list[Probe] = []

    def get(self, tag: str) -> Probe:
        probe = Probe(tag)
        self.seen.append(probe)
        return probe


class ProbeUnitOfWork(SqlUnitOfWork):
    def __init__(self, session, read_only=False, opted_in=True):
        super().__init__(session, None, read_only)
        self.probes = self.collect_events_of(Probes()) if opted_in else Probes()


class UnitOfWorkProbeService:
    name = "uow_events_probe"
    # the notification database: every service database has the outbox
    db = DatabaseSession(service_settings("notification"))

    @rpc(expected_exceptions=EXPECTED)
    def change(self, tag):
        ProbeUnitOfWork(self.db).probes.get(tag).change()

    @rpc(expected_exceptions=EXPECTED)
    def change_and_publish_by_hand(self, tag):
        uow = ProbeUnitOfWork(self.db)
        probe = uow.probes.get(tag)
        probe.change()
        for _ in range(2):
            for event in probe.events:
                uow.publish(event)

    @rpc(expected_exceptions=EXPECTED)
    def change_not_opted_in(self, tag, by_hand):
        uow = ProbeUnitOfWork(self.db, opted_in=False)
        probe = uow.probes.get(tag)
        probe.change()
        if by_hand:
            for event in probe.events:
                uow.publish(event)

    @rpc
    def change_then_fail(self, tag):
        ProbeUnitOfWork(self.db).probes.get(tag).change()
        raise ValueError("after the change")

    @rpc(expected_exceptions=EXPECTED)
    def change_then_fail_the_commit(self, tag):
        uow = ProbeUnitOfWork(self.db)
        uow.probes.get(tag).change()
        # both claims travel with the COMMIT, where the second violates the primary key
        message_id = uuid.uuid4()
        uow.claim_later("uow_probe", message_id)
        uow.claim_later("uow_probe", message_id)

    @rpc(expected_exceptions=EXPECTED)
    def commit_twice(self, tag):
        uow = ProbeUnitOfWork(self.db)
        probe = uow.probes.get(tag)
        probe.change()
        self.db.commit()
        probe.change(f"{tag}-after")

    @rpc(expected_exceptions=EXPECTED)
    def roll_back_then_change(self, tag):
        uow = ProbeUnitOfWork(self.db)
        uow.probes.get(f"{tag}-rolled-back").change()
        self.db.execute(text("SELECT 1"))
        self.db.rollback()
        uow.probes.get(tag).change()

    @rpc(expected_exceptions=EXPECTED)
    def change_then_roll_back_a_savepoint(self, tag):
        ProbeUnitOfWork(self.db).probes.get(tag).change()
        try:
            with self.db.begin_nested():
                self.db.execute(text("SELECT 1 / 0"))
        except Exception:  # noqa: BLE001 - the savepoint is rolled back, the transaction goes on
            pass

    @rpc(expected_exceptions=EXPECTED)
    def read_only(self, tag):
        ProbeUnitOfWork(self.db, read_only=True).probes.get(tag).change()
        return "read"


@pytest.fixture
def probe(container_factory, nameko_config, db_engine):
    container = container_factory(UnitOfWorkProbeService, nameko_config)
    container.start()
    yield container
    # no relay knows the probe's exchange: its rows must not wait for one
    with db_engine["notification"].begin() as conn:
        conn.execute(text("DELETE FROM outbox WHERE routing_key = :k"),
                     {"k": ProbeChanged.event_type})


def rows(db_engine, tag: str) -> int:
    with db_engine["notification"].connect() as conn:
        return conn.execute(text(
            "SELECT count(*) FROM outbox WHERE routing_key = :k AND body->'data'->>'tag' = :t"),
            {"k": ProbeChanged.event_type, "t": tag}).scalar_one()


def call(nameko_config, method: str, *args):
    with ClusterRpcProxy(nameko_config) as proxy:
        return getattr(proxy.uow_events_probe, method)(*args)


def test_a_change_never_published_by_hand_reaches_the_outbox_once(probe, nameko_config,
                                                                  db_engine):
    tag = uuid.uuid4().hex
    call(nameko_config, "change", tag)
    # no wait: the rows were written with the commit, before the reply
    assert rows(db_engine, tag) == 1
    with db_engine["notification"].connect() as conn:
        exchange = conn.execute(text("SELECT exchange FROM outbox WHERE routing_key = :k AND "
                                     "body->'data'->>'tag' = :t"),
                                {"k": ProbeChanged.event_type, "t": tag}).scalar_one()
    assert exchange == "uow_probe.events"


def test_a_hand_loop_beside_the_collection_stages_each_event_once(probe, nameko_config,
                                                                  db_engine):
    tag = uuid.uuid4().hex
    call(nameko_config, "change_and_publish_by_hand", tag)
    assert rows(db_engine, tag) == 1


@pytest.mark.parametrize("by_hand, expected", [(True, 1), (False, 0)])
def test_a_repository_not_opted_in_is_published_by_its_hand_loop_only(
        probe, nameko_config, db_engine, by_hand, expected):
    tag = uuid.uuid4().hex
    call(nameko_config, "change_not_opted_in", tag, by_hand)
    assert rows(db_engine, tag) == expected


def test_a_rolled_back_worker_publishes_nothing(probe, nameko_config, db_engine):
    tag = uuid.uuid4().hex
    with pytest.raises(RemoteError) as raised:
        call(nameko_config, "change_then_fail", tag)
    assert raised.value.exc_type == "ValueError"
    assert rows(db_engine, tag) == 0


def test_a_commit_that_fails_publishes_nothing(probe, nameko_config, db_engine):
    tag = uuid.uuid4().hex
    with pytest.raises(RemoteError) as raised:
        call(nameko_config, "change_then_fail_the_commit", tag)
    assert raised.value.exc_type == "Conflict"
    assert rows(db_engine, tag) == 0


def test_each_commit_stages_what_changed_since_the_one_before(probe, nameko_config,
                                                             db_engine):
    tag = uuid.uuid4().hex
    call(nameko_config, "commit_twice", tag)
    assert (rows(db_engine, tag), rows(db_engine, f"{tag}-after")) == (1, 1)


def test_a_change_rolled_back_is_not_announced_by_a_later_commit(probe, nameko_config,
                                                                 db_engine):
    tag = uuid.uuid4().hex
    call(nameko_config, "roll_back_then_change", tag)
    assert (rows(db_engine, f"{tag}-rolled-back"), rows(db_engine, tag)) == (0, 1)


def test_a_savepoint_rolled_back_keeps_the_events_for_the_commit(probe, nameko_config,
                                                                 db_engine):
    tag = uuid.uuid4().hex
    call(nameko_config, "change_then_roll_back_a_savepoint", tag)
    assert rows(db_engine, tag) == 1


def test_a_read_only_unit_of_work_publishes_nothing(probe, nameko_config, db_engine):
    tag = uuid.uuid4().hex
    assert call(nameko_config, "read_only", tag) == "read"
    assert rows(db_engine, tag) == 0
