"""Every service's migrations go up, all the way down and up again on a fresh database, which
is created UTF-8 with the C.UTF-8 locale (pg_trgm ignores CJK characters otherwise)."""

import pathlib

import pytest
from sqlalchemy import create_engine, text

from credit_common.db_admin import SERVICES, drop_database, prepare_database
from credit_common.testing import isolation

REPO_ROOT = str(pathlib.Path(__file__).resolve().parents[4])


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_go_up_down_and_up_again(service, test_run_id):
    database = f"credit_t{test_run_id}_{service}_migrations"
    url = isolation.role_url_template(database, "app").format(service=service)
    prepare_database(isolation.admin_url(), url,
                     isolation.role_url_template(database, "owner").format(service=service),
                     statement_timeout_ms=15000, idle_in_transaction_timeout_ms=60000)
    engine = create_engine(isolation.as_role(service, url, "owner"))
    try:
        isolation.migrate(service, url, REPO_ROOT)
        with engine.connect() as conn:
            tables = set(conn.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars())
            encoding, collation = conn.execute(text(
                "SELECT pg_encoding_to_char(encoding), datcollate FROM pg_database "
                "WHERE datname = current_database()")).one()
        assert {"outbox", "processed_messages", "alembic_version"} <= tables
        assert (encoding, collation) == ("UTF8", "C.UTF-8")

        isolation.migrate(service, url, REPO_ROOT, revision="base", command="downgrade")
        with engine.connect() as conn:
            left = set(conn.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars())
        assert left <= {"alembic_version"}, f"downgrade left {left}"

        isolation.migrate(service, url, REPO_ROOT)
        with engine.connect() as conn:
            again = set(conn.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars())
        assert again == tables
    finally:
        engine.dispose()
        drop_database(isolation.admin_url(), database)
