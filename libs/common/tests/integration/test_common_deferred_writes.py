"""Deferred writes on a real PostgreSQL session: sent in one round trip, in the order written,
before any other statement, before a savepoint and before the commit; dropped by a rollback;
bound exactly as a plain execute binds them."""

import uuid
from datetime import datetime, timezone

import psycopg2.extensions
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from credit_common.deferred_writes import defer, pending

TABLE = "common_test_deferred"
INSERT = text(f"INSERT INTO {TABLE} (label, ref, at, kinds) VALUES (:label, :ref, :at, :kinds)")


@pytest.fixture
def engine(db_engine):
    engine = db_engine["notification"]
    with engine.begin() as conn:
        conn.execute(text(
            f"CREATE TABLE IF NOT EXISTS {TABLE} (id serial PRIMARY KEY, label text NOT NULL "
            "UNIQUE, ref uuid, at timestamptz, kinds text[])"))
        conn.execute(text(f"TRUNCATE {TABLE}"))
    yield engine


def row(label, **extra):
    return {"label": label, "ref": None, "at": None, "kinds": None, **extra}


def saved(engine) -> list[str]:
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(text(f"SELECT label FROM {TABLE} ORDER BY id"))]


class RecordingCursor(psycopg2.extensions.cursor):
    sent: list[str] = []

    def execute(self, query, vars=None):
        RecordingCursor.sent.append(query.decode() if isinstance(query, bytes) else query)
        return super().execute(query, vars)


def test_deferred_writes_go_in_one_round_trip_at_commit_in_order(engine):
    with Session(engine) as session:
        for label in ("一", "二", "三"):
            defer(session, INSERT, row(label))
        assert pending(session) == 3
        assert saved(engine) == []  # nothing sent yet
        session.commit()
    assert saved(engine) == ["一", "二", "三"]


def test_a_read_sees_the_writes_deferred_before_it(engine):
    with Session(engine) as session:
        session.execute(text("SELECT 1"))
        defer(session, INSERT, row("先写"))
        found = session.execute(text(f"SELECT label FROM {TABLE}")).scalars().all()
        assert found == ["先写"]
        assert pending(session) == 0
        session.rollback()
    assert saved(engine) == []


def test_a_rollback_drops_what_was_deferred(engine):
    with Session(engine) as session:
        session.execute(text(f"INSERT INTO {TABLE} (label) VALUES ('立即')"))
        defer(session, INSERT, row("延后"))
        session.rollback()
        assert pending(session) == 0
        session.execute(text(f"INSERT INTO {TABLE} (label) VALUES ('之后')"))
        session.commit()
    assert saved(engine) == ["之后"]


def test_a_savepoint_rolled_back_keeps_what_was_deferred_before_it(engine):
    with Session(engine) as session:
        defer(session, INSERT, row("外层"))
        with pytest.raises(IntegrityError):
            with session.begin_nested():
                session.execute(text(f"INSERT INTO {TABLE} (label) VALUES ('外层')"))
        session.commit()
    assert saved(engine) == ["外层"]


def test_values_are_bound_as_a_plain_execute_binds_them(engine):
    ref = uuid.uuid4()
    at = datetime(2026, 4, 1, 8, 30, tzinfo=timezone.utc)
    tricky = "100% 完成'; DROP TABLE x; -- :label %(label)s"
    with Session(engine) as session:
        defer(session, INSERT, row(tricky, ref=ref, at=at, kinds=["fine", "warning"]))
        session.commit()
    with engine.connect() as conn:
        got = conn.execute(text(f"SELECT label, ref, at, kinds FROM {TABLE}")).one()
    assert got == (tricky, ref, at, ["fine", "warning"])


def test_a_failing_deferred_write_fails_the_commit_and_saves_nothing(engine):
    with Session(engine) as session:
        defer(session, INSERT, row("重复"))
        defer(session, INSERT, row("重复"))
        with pytest.raises(IntegrityError):
            session.commit()
        session.rollback()
    assert saved(engine) == []


def test_the_batch_is_one_statement_sent(engine):
    with Session(engine) as session:
        session.connection().connection.dbapi_connection.cursor_factory = RecordingCursor
        RecordingCursor.sent = []
        session.execute(text("SELECT 1"))
        for label in ("甲", "乙", "丙"):
            defer(session, INSERT, row(label))
        session.commit()
    assert len(RecordingCursor.sent) == 2
    assert RecordingCursor.sent[0] == "SELECT 1"
    assert RecordingCursor.sent[1].count("INSERT INTO") == 3
    assert saved(engine) == ["甲", "乙", "丙"]
