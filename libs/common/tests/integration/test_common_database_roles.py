"""Least privilege in every service's database, on the real PostgreSQL: the services connect as
an application role that owns nothing; on the audit and history tables it may only read and
add rows; the append-only triggers refuse UPDATE, DELETE and TRUNCATE to the owner too and
fire in every session_replication_role; the role's statement and idle-in-transaction
timeouts hold, and a statement cut off reaches the caller as a clean error."""

from __future__ import annotations

import importlib
import re
import time

import psycopg2
import psycopg2.errors
import pytest
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import text

from credit_common.db_admin import SERVICES, drop_database, prepare_database
from credit_common.errors import EXPECTED
from credit_common.nameko_ext.db import DatabaseSession, build_engine
from credit_common.nameko_ext.entrypoints import rpc
from credit_common.relay import libpq_dsn
from credit_common.testing import isolation
from credit_common.testing.settings import service_settings

# the shared settings, reading notification's variables: these probes use its database
ProbeSettings = service_settings("notification")

#: a table named so is an audit or history table, whatever it holds
AUDIT_NAME = re.compile(r".+_(events|history|steps|checks)$")
INSUFFICIENT_PRIVILEGE = "42501"
RAISED_BY_TRIGGER = "P0001"


def audit_tables(service: str) -> tuple[str, ...]:
    return importlib.import_module(f"{service}.adapters.audit_tables").AUDIT_TABLES


AUDIT = [(service, table) for service in SERVICES for table in audit_tables(service)]


def settings_class(service: str):
    module = importlib.import_module(f"{service}.config")
    return getattr(module, f"{service.capitalize()}Settings")


def connect(url: str):
    conn = psycopg2.connect(libpq_dsn(url), connect_timeout=5)
    conn.autocommit = True
    return conn


def refused(conn, statement: str) -> str:
    """The SQLSTATE ``statement`` fails with (and the assertion if it does not fail)."""
    with conn.cursor() as cur:
        with pytest.raises(psycopg2.Error) as raised:
            cur.execute(statement)
    return raised.value.pgcode


@pytest.fixture(scope="module")
def as_app(database_urls):
    conns = {service: connect(url) for service, url in database_urls.items()}
    yield conns
    for conn in conns.values():
        conn.close()


@pytest.fixture(scope="module")
def as_owner(database_urls):
    conns = {service: connect(isolation.as_role(service, url, "owner"))
             for service, url in database_urls.items()}
    yield conns
    for conn in conns.values():
        conn.close()


def tables_of(conn) -> set[str]:
    with conn.cursor() as cur:
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return {row[0] for row in cur.fetchall()}


@pytest.mark.parametrize("service", SERVICES)
def test_every_audit_like_table_is_listed_and_every_listed_table_exists(service, as_owner):
    tables = tables_of(as_owner[service])
    unlisted = {t for t in tables if AUDIT_NAME.match(t)} - set(audit_tables(service))
    assert not unlisted, (f"{service}: add {sorted(unlisted)} to "
                          f"{service}.adapters.audit_tables.AUDIT_TABLES (or rename it)")
    assert set(audit_tables(service)) <= tables


@pytest.mark.parametrize("service, table", AUDIT, ids=[f"{s}.{t}" for s, t in AUDIT])
def test_the_application_role_cannot_update_delete_or_truncate_an_audit_table(
        service, table, as_app):
    conn = as_app[service]
    with conn.cursor() as cur:
        cur.execute("SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass "
                    "AND attnum > 0 AND NOT attisdropped ORDER BY attnum LIMIT 1", (table,))
        column = cur.fetchone()[0]
    # privileges are checked before any row is looked at: an empty table refuses as well
    assert refused(conn, f'UPDATE {table} SET "{column}" = "{column}"') == INSUFFICIENT_PRIVILEGE
    assert refused(conn, f"DELETE FROM {table}") == INSUFFICIENT_PRIVILEGE
    assert refused(conn, f"TRUNCATE {table}") == INSUFFICIENT_PRIVILEGE
    with conn.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM {table}")
        cur.execute(f"INSERT INTO {table} SELECT * FROM {table} WHERE false")
        cur.execute("SELECT has_table_privilege(%s, 'INSERT'), "
                    "has_table_privilege(%s, 'SELECT')", (table, table))
        assert cur.fetchone() == (True, True)


@pytest.mark.parametrize("service, table", AUDIT, ids=[f"{s}.{t}" for s, t in AUDIT])
def test_an_audit_tables_triggers_refuse_changes_to_everyone_in_every_replication_role(
        service, table, as_owner):
    conn = as_owner[service]
    # the owner holds every privilege: only the trigger stands in its way
    assert refused(conn, f"TRUNCATE {table}") == RAISED_BY_TRIGGER
    with conn.cursor() as cur:
        # tgtype bits: 1 row, 2 before, 8 delete, 16 update, 32 truncate
        cur.execute("SELECT tgtype, tgenabled FROM pg_trigger WHERE tgrelid = %s::regclass "
                    "AND NOT tgisinternal", (table,))
        triggers = cur.fetchall()
    row_guard = [enabled for kind, enabled in triggers if kind & 1 and kind & 2
                 and kind & 8 and kind & 16]
    truncate_guard = [enabled for kind, enabled in triggers if kind & 32 and kind & 2]
    # "A": ENABLE ALWAYS, so session_replication_role = replica does not switch them off
    assert row_guard == ["A"], f"{table}: no BEFORE UPDATE OR DELETE row trigger always on"
    assert truncate_guard == ["A"], f"{table}: no BEFORE TRUNCATE trigger always on"


@pytest.mark.parametrize("service", SERVICES)
def test_the_application_role_owns_nothing_and_cannot_switch_triggers_off(service, as_app):
    conn = as_app[service]
    assert refused(conn, "SET session_replication_role = replica") == INSUFFICIENT_PRIVILEGE
    assert refused(conn, "DROP TABLE outbox") == INSUFFICIENT_PRIVILEGE
    assert refused(conn, "ALTER TABLE outbox ADD COLUMN x int") == INSUFFICIENT_PRIVILEGE
    assert refused(conn, "ALTER TABLE outbox DISABLE TRIGGER ALL") == INSUFFICIENT_PRIVILEGE
    assert refused(conn, "CREATE TABLE intruder (id int)") == INSUFFICIENT_PRIVILEGE
    with conn.cursor() as cur:
        cur.execute("SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles "
                    "WHERE rolname = current_user")
        assert cur.fetchone() == (False, False, False, False)
        cur.execute("SELECT count(*) FROM pg_class WHERE relowner = "
                    "(SELECT oid FROM pg_roles WHERE rolname = current_user)")
        assert cur.fetchone()[0] == 0
        # an ordinary table: reads and writes as the service needs
        cur.execute("SELECT count(*) FROM outbox")


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_engine_connects_as_the_application_role_with_its_timeouts(
        service, run_environment):
    settings = settings_class(service)()
    engine = build_engine(settings)
    try:
        with engine.connect() as conn:
            user, statement, idle = conn.execute(text(
                "SELECT current_user, current_setting('statement_timeout'), "
                "current_setting('idle_in_transaction_session_timeout')")).one()
    finally:
        engine.dispose()
    assert (user, statement, idle) == (f"credit_{service}_app", "15s", "1min")


def test_the_owner_role_has_no_statement_timeout(as_owner):
    with as_owner["intake"].cursor() as cur:
        cur.execute("SHOW statement_timeout")
        assert cur.fetchone()[0] == "0"


# -- a database whose application role has short timeouts ----------------------------------

class SleepService:
    name = "timeout_probe"
    db = DatabaseSession(ProbeSettings)

    @rpc(expected_exceptions=EXPECTED)
    def sleep_in_database(self, seconds):
        self.db.execute(text("SELECT pg_sleep(:s)"), {"s": seconds})
        return seconds


@pytest.fixture(scope="module")
def short_timeouts(test_run_id):
    """notification's roles on a database of their own, statement timeout 300 ms and idle in
    transaction 500 ms: the role settings act without a test waiting 15 s."""
    database = f"credit_t{test_run_id}_notification_timeouts"
    app_url = isolation.role_url_template(database, "app").format(service="notification")
    prepare_database(isolation.admin_url(), app_url,
                     isolation.role_url_template(database, "owner").format(service="notification"),
                     statement_timeout_ms=300, idle_in_transaction_timeout_ms=500)
    yield app_url
    drop_database(isolation.admin_url(), database)


def test_a_statement_past_the_roles_timeout_is_cancelled_and_the_caller_gets_a_clean_error(
        short_timeouts, container_factory, nameko_config, monkeypatch):
    monkeypatch.setenv("NOTIFICATION_DATABASE_URL", short_timeouts)
    container = container_factory(SleepService, nameko_config)
    container.start()
    with ClusterRpcProxy(nameko_config) as proxy:
        assert proxy.timeout_probe.sleep_in_database(0) == 0
        started = time.monotonic()
        with pytest.raises(RemoteError) as raised:
            proxy.timeout_probe.sleep_in_database(5)
        elapsed = time.monotonic() - started
        # the pool's connection is usable again
        assert proxy.timeout_probe.sleep_in_database(0) == 0
    assert raised.value.exc_type == "Unavailable"
    assert raised.value.value.startswith("DATABASE_TIMEOUT: 数据库处理超时"), raised.value.value
    assert elapsed < 3, f"cancelled after {elapsed:.1f} s"


def test_a_transaction_left_idle_past_the_roles_timeout_is_ended_by_the_server(
        short_timeouts):
    idle = connect(short_timeouts)
    watcher = connect(short_timeouts)
    try:
        idle.autocommit = False
        with idle.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            pid = cur.fetchone()[0]
        deadline = time.monotonic() + 10
        with watcher.cursor() as cur:
            while True:
                cur.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (pid,))
                if cur.fetchone()[0] == 0:
                    break
                assert time.monotonic() < deadline, "the idle transaction was never ended"
                time.sleep(0.1)
        with pytest.raises(psycopg2.OperationalError):
            with idle.cursor() as cur:
                cur.execute("SELECT 1")
    finally:
        idle.close()
        watcher.close()
