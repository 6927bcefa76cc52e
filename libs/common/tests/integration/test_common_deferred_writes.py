"""Batched round trips on a real PostgreSQL: BEGIN goes with the first statement, deferred
writes with the next statement or with COMMIT, in the order written; a failure stops the
rest and aborts the transaction; a rollback, or a savepoint rolled back, undoes what it
should and nothing else; values are bound as a plain execute binds them; prepared statements
are prepared once a connection, run and deferred like any other, and outlive a rollback."""

import uuid
from datetime import datetime, UTC

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from credit_common.deferred_writes import BatchingConnection, BatchingCursor, HeldRows, defer
from credit_common.sql import prepared

TABLE = "common_test_deferred"
INSERT = text(f"INSERT INTO {TABLE} (label, ref, at, kinds) VALUES (:label, :ref, :at, :kinds)")


class RecordingCursor(BatchingCursor):
    """What actually went to the server, one entry a round trip."""
    sent: list[str] = []

    def _send(self, query, vars=None):
        sql = self.mogrify(query, vars)
        RecordingCursor.sent.append(sql.decode())
        return super()._send(sql)


class RecordingConnection(BatchingConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cursor_factory = RecordingCursor

    def _run(self, statements):
        RecordingCursor.sent.append(b";\n".join(statements).decode())
        super()._run(statements)


@pytest.fixture
def engine(db_engine, database_urls):
    with db_engine["notification"].begin() as conn:
        conn.execute(text(
            f"CREATE TABLE IF NOT EXISTS {TABLE} (id serial PRIMARY KEY, label text NOT NULL "
            "UNIQUE, ref uuid, at timestamptz, kinds text[])"))
        conn.execute(text(f"TRUNCATE {TABLE}"))
    engine = create_engine(database_urls["notification"],
                           connect_args={"connection_factory": RecordingConnection})
    RecordingCursor.sent = []
    yield engine
    engine.dispose()


def row(label, **extra):
    return {"label": label, "ref": None, "at": None, "kinds": None, **extra}


def saved(engine) -> list[str]:
    with engine.connect() as conn:
        labels = [r[0] for r in conn.execute(text(f"SELECT label FROM {TABLE} ORDER BY id"))]
        conn.rollback()
    return labels


def test_begin_travels_with_the_first_statement_and_the_writes_with_commit(engine):
    with Session(engine) as session:
        session.connection()
        RecordingCursor.sent = []
        session.execute(text("SELECT 1"))
        for label in ("一", "二", "三"):
            defer(session, INSERT, row(label))
        assert len(session.connection().connection.dbapi_connection.waiting) == 3
        session.commit()
    assert len(RecordingCursor.sent) == 2  # two round trips for the whole transaction
    first, last = RecordingCursor.sent
    assert first == "BEGIN;\nSELECT 1"
    assert last.count("INSERT INTO") == 3 and last.endswith("COMMIT")
    assert saved(engine) == ["一", "二", "三"]


def test_a_read_sees_the_writes_deferred_before_it_in_the_same_round_trip(engine):
    with Session(engine) as session:
        session.execute(text("SELECT 1"))
        defer(session, INSERT, row("先写"))
        RecordingCursor.sent = []
        found = session.execute(text(f"SELECT label FROM {TABLE}")).scalars().all()
        assert found == ["先写"]
        assert len(RecordingCursor.sent) == 1
        session.rollback()
    assert saved(engine) == []


def test_a_rollback_drops_what_was_deferred(engine):
    with Session(engine) as session:
        session.execute(text(f"INSERT INTO {TABLE} (label) VALUES ('立即')"))
        defer(session, INSERT, row("延后"))
        session.rollback()
        session.execute(text(f"INSERT INTO {TABLE} (label) VALUES ('之后')"))
        session.commit()
    assert saved(engine) == ["之后"]


def test_a_savepoint_rolled_back_keeps_what_was_deferred_before_it(engine):
    with Session(engine) as session:
        defer(session, INSERT, row("外层"))
        with pytest.raises(IntegrityError):
            with session.begin_nested():
                session.execute(text(f"INSERT INTO {TABLE} (label) VALUES ('外层')"))
        defer(session, INSERT, row("之后"))
        session.commit()
    assert saved(engine) == ["外层", "之后"]


def test_values_are_bound_as_a_plain_execute_binds_them(engine):
    ref = uuid.uuid4()
    at = datetime(2026, 4, 1, 8, 30, tzinfo=UTC)
    tricky = "100% 完成'; DROP TABLE x; -- :label %(label)s"
    with Session(engine) as session:
        defer(session, INSERT, row(tricky, ref=ref, at=at, kinds=["fine", "warning"]))
        session.commit()
    with engine.connect() as conn:
        got = conn.execute(text(f"SELECT label, ref, at, kinds FROM {TABLE}")).one()
    assert got == (tricky, ref, at, ["fine", "warning"])


def test_a_failing_deferred_write_fails_the_commit_and_saves_nothing(engine):
    with Session(engine) as session:
        session.execute(text(f"INSERT INTO {TABLE} (label) VALUES ('之前')"))
        defer(session, INSERT, row("重复"))
        defer(session, INSERT, row("重复"))
        with pytest.raises(IntegrityError):
            session.commit()
        session.rollback()
    assert saved(engine) == []


def test_a_failing_statement_aborts_the_transaction_and_the_connection_is_reusable(engine):
    with Session(engine) as session:
        defer(session, INSERT, row("丢弃"))
        with pytest.raises(IntegrityError):
            session.execute(text(f"INSERT INTO {TABLE} (id, label) VALUES (1, 'a'), (1, 'b')"))
        session.rollback()
        session.execute(text(f"INSERT INTO {TABLE} (label) VALUES ('可用')"))
        session.commit()
    assert saved(engine) == ["可用"]


def test_an_autocommit_connection_runs_each_statement_on_its_own(engine):
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        RecordingCursor.sent = []
        conn.execute(text(f"INSERT INTO {TABLE} (label) VALUES ('自动提交')"))
        assert RecordingCursor.sent == [f"INSERT INTO {TABLE} (label) VALUES ('自动提交')"]
    # committed without any COMMIT: visible from another connection at once
    assert saved(engine) == ["自动提交"]


def test_held_rows_check_the_version_in_python_and_defer_the_update(engine):
    update = text(f"UPDATE {TABLE} SET label = :label WHERE id = :id AND kinds[1] = :expected")
    with Session(engine) as session:
        session.execute(text(f"INSERT INTO {TABLE} (id, label, kinds) VALUES "
                             "(1, '甲', '{1}'), (2, '乙', '{1}')"))
        session.commit()
    stale = RuntimeError("stale")
    with Session(engine) as session:
        held = HeldRows()
        session.execute(text(f"SELECT 1 FROM {TABLE} WHERE id = 1 FOR UPDATE"))
        held.hold(1, 1)
        with pytest.raises(RuntimeError):
            held.update(session, update, {"label": "x", "id": 1, "expected": "2"}, 1, 2, 3,
                        stale)
        held.update(session, update, {"label": "甲改", "id": 1, "expected": "1"}, 1, 1, 2, stale)
        assert len(session.connection().connection.dbapi_connection.waiting) == 1
        # a row not held is checked by the database at once
        with pytest.raises(RuntimeError):
            held.update(session, update, {"label": "y", "id": 2, "expected": "9"}, 2, 9, 10,
                        stale)
        session.commit()
    assert saved(engine) == ["甲改", "乙"]


PREPARED_INSERT = prepared(
    f"INSERT INTO {TABLE} (label, ref, at, kinds) VALUES (:label, :ref, :at, :kinds) "
    "RETURNING id")
PREPARED_FIND = prepared(
    f"SELECT label FROM {TABLE} WHERE label LIKE '%' || :part || '%' OR label = :part "
    "ORDER BY id")


def test_a_prepared_statement_is_prepared_once_a_connection_and_outlives_a_rollback(engine):
    ref = uuid.uuid4()
    at = datetime(2026, 4, 1, 8, 30, tzinfo=UTC)
    tricky = "100% 完成'; DROP TABLE x; -- :label %(label)s"
    with Session(engine) as session:
        session.execute(PREPARED_INSERT, row("回滚"))
        session.rollback()
        new_id = session.execute(PREPARED_INSERT, row(tricky, ref=ref, at=at,
                                                      kinds=["fine"])).scalar_one()
        defer(session, PREPARED_INSERT, row("延后"))
        assert session.execute(PREPARED_FIND, {"part": "延"}).scalars().all() == ["延后"]
        session.commit()
    prepares = [sql for sql in RecordingCursor.sent if sql.startswith("PREPARE")]
    assert len(prepares) == 2, prepares  # the INSERT and the SELECT, each once
    executed = [sql for sql in RecordingCursor.sent if "EXECUTE p_" in sql]
    assert sum(sql.count("EXECUTE p_") for sql in executed) == 4
    assert all("INSERT INTO" not in sql for sql in executed)
    assert saved(engine) == [tricky, "延后"]
    with engine.connect() as conn:
        got = conn.execute(text(f"SELECT ref, at, kinds FROM {TABLE} WHERE id = :i"),
                           {"i": new_id}).one()
    assert got == (ref, at, ["fine"])


def test_a_prepared_statement_that_fails_aborts_its_transaction_like_any_other(engine):
    with Session(engine) as session:
        session.execute(PREPARED_INSERT, row("唯一"))
        with pytest.raises(IntegrityError):
            session.execute(PREPARED_INSERT, row("唯一"))
        session.rollback()
        session.execute(PREPARED_INSERT, row("之后"))
        session.commit()
    assert saved(engine) == ["之后"]
