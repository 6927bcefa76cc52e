"""Create or drop the services' roles and databases (UTF-8, C.UTF-8 locale so pg_trgm and CJK
work).

    python -m credit_common.db_admin create
    python -m credit_common.db_admin drop

Each service's database has two roles, named by the user of its two URLs (defaults
``credit_<service>_owner`` and ``credit_<service>_app``): the **owner** owns the database and
every object in it and runs the migrations (so it can create pg_trgm, a trusted extension);
the **application role** owns nothing, may connect and use temporary tables, and gets its
table privileges from the migration step (``credit_common.privileges``). Its
``statement_timeout`` and ``idle_in_transaction_session_timeout`` are set here, for it in its
database (``ALTER ROLE … IN DATABASE … SET``), from ``DB_STATEMENT_TIMEOUT_MS`` and
``DB_IDLE_IN_TRANSACTION_TIMEOUT_MS``; the owner has none (an index build may take long).

Roles are cluster-wide: every test run's databases of a service share them. Creating them is
idempotent and serialised by an advisory lock, so concurrent runs do not collide. A role that
already exists is never altered, and a superuser named as either role is left alone.
``DATABASE_ADMIN_URL`` (default the local ``postgres``) is who does all this.
"""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import contextmanager

import psycopg2
from psycopg2 import sql
from sqlalchemy.engine import make_url

from credit_common.settings import DEFAULT_DATABASE_ADMIN_URL, ServiceSettings
from credit_common.topology import SERVICES

#: pg_advisory_lock key held while roles are created (any fixed number unique to this use)
ROLE_LOCK_KEY = 0x63726564  # "cred"


def admin_url() -> str:
    return os.environ.get("DATABASE_ADMIN_URL") or DEFAULT_DATABASE_ADMIN_URL


def _libpq(url: str, database: str | None = None) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


@contextmanager
def _admin_cursor(admin: str, database: str | None = None):
    conn = psycopg2.connect(_libpq(admin, database), connect_timeout=5)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            yield cur
    finally:
        conn.close()


def _is_superuser(cur, role: str) -> bool | None:
    """None when the role does not exist."""
    cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", (role,))
    row = cur.fetchone()
    return None if row is None else row[0]


def ensure_role(cur, role: str, password: str | None = None) -> bool:
    """Create a login role without any power over the cluster; True if it was created."""
    if _is_superuser(cur, role) is not None:
        return False
    statement = sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
                        "NOREPLICATION NOBYPASSRLS").format(sql.Identifier(role))
    if password:
        statement = sql.SQL("{} PASSWORD {}").format(statement, sql.Literal(password))
    cur.execute(statement)
    return True


def _adopt_objects(admin: str, database: str, owner: str) -> int:
    """A database made before the roles existed: its tables, sequences and functions pass to
    the owner, so its migrations can go on. Returns how many objects changed owner."""
    # extension members stay with the extension; a sequence of a column follows its table
    not_extension = ("NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = {oid} "
                     "AND d.deptype = 'e')")
    queries = (
        ("TABLE", "SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n "
                  "ON n.oid = c.relnamespace WHERE n.nspname = 'public' "
                  "AND c.relkind IN ('r', 'p', 'v', 'm', 'f') "
                  "AND pg_get_userbyid(c.relowner) <> %s AND " + not_extension.format(oid="c.oid")),
        ("SEQUENCE", "SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n "
                     "ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'S' "
                     "AND pg_get_userbyid(c.relowner) <> %s AND NOT EXISTS (SELECT 1 FROM "
                     "pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i', 'e'))"),
        ("FUNCTION", "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n "
                     "ON n.oid = p.pronamespace WHERE n.nspname = 'public' "
                     "AND pg_get_userbyid(p.proowner) <> %s AND " + not_extension.format(oid="p.oid")),
    )
    changed = 0
    with _admin_cursor(admin, database) as cur:
        for kind, query in queries:
            cur.execute(query, (owner,))
            for (name,) in cur.fetchall():
                # the names come from regclass/regprocedure, which quote them as needed
                cur.execute(sql.SQL("ALTER {} {} OWNER TO {}").format(
                    sql.SQL(kind), sql.SQL(name), sql.Identifier(owner)))
                changed += 1
    return changed


def prepare_database(admin: str, app_url: str, owner_url: str, *, statement_timeout_ms: int,
                     idle_in_transaction_timeout_ms: int) -> bool:
    """The roles and the database of one service, made where missing; True if the database
    was created. Re-running it changes nothing but an existing database's owner."""
    app, owner = make_url(app_url), make_url(owner_url)
    name = app.database
    if owner.database != name:
        raise SystemExit(f"应用角色与迁移角色的数据库不同：{name} / {owner.database}")
    with _admin_cursor(admin) as cur:
        cur.execute("SELECT pg_advisory_lock(%s)", (ROLE_LOCK_KEY,))
        try:
            ensure_role(cur, owner.username, owner.password)
            if app.username != owner.username:
                ensure_role(cur, app.username, app.password)
        finally:
            cur.execute("SELECT pg_advisory_unlock(%s)", (ROLE_LOCK_KEY,))
        owner_is_ours = not _is_superuser(cur, owner.username)
        app_is_ours = app.username != owner.username and not _is_superuser(cur, app.username)
        cur.execute("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s",
                    (name,))
        row = cur.fetchone()
        created = row is None
        if created:
            cur.execute(sql.SQL(
                "CREATE DATABASE {} OWNER {} TEMPLATE template0 ENCODING 'UTF8' "
                "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'").format(
                    sql.Identifier(name), sql.Identifier(owner.username)))
        elif owner_is_ours and row[0] != owner.username:
            cur.execute(sql.SQL("ALTER DATABASE {} OWNER TO {}").format(
                sql.Identifier(name), sql.Identifier(owner.username)))
        if app_is_ours:
            database = sql.Identifier(name)
            role = sql.Identifier(app.username)
            # only the service's own roles may connect (PUBLIC may by default)
            cur.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(database))
            cur.execute(sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(
                database, role))
            for parameter, value in (
                    ("statement_timeout", statement_timeout_ms),
                    ("idle_in_transaction_session_timeout", idle_in_transaction_timeout_ms)):
                cur.execute(sql.SQL("ALTER ROLE {} IN DATABASE {} SET {} = {}").format(
                    role, database, sql.Identifier(parameter), sql.Literal(value)))
    if not created and owner_is_ours:
        _adopt_objects(admin, name, owner.username)
    return created


def drop_database(admin: str, name: str) -> None:
    with _admin_cursor(admin) as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))


def service_database_urls(settings: ServiceSettings | None = None) -> dict[str, tuple[str, str]]:
    """service -> (application URL, migration URL), as each service's settings derive them."""
    settings = settings or ServiceSettings()
    return {
        service: (
            os.environ.get(f"{service.upper()}_DATABASE_URL")
            or settings.database_url_template.format(service=service),
            os.environ.get(f"{service.upper()}_MIGRATION_DATABASE_URL")
            or settings.migration_database_url_template.format(service=service),
        )
        for service in SERVICES
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="db_admin")
    parser.add_argument("command", choices=["create", "drop"])
    args = parser.parse_args(argv)
    settings = ServiceSettings()
    for service, (app_url, owner_url) in service_database_urls(settings).items():
        name = make_url(app_url).database
        if args.command == "create":
            created = prepare_database(
                admin_url(), app_url, owner_url,
                statement_timeout_ms=settings.db_statement_timeout_ms,
                idle_in_transaction_timeout_ms=settings.db_idle_in_transaction_timeout_ms)
            print(f"{service}: {name} {'created' if created else 'exists'} "
                  f"(owner {make_url(owner_url).username}, application "
                  f"{make_url(app_url).username})")
        else:
            drop_database(admin_url(), name)
            print(f"{service}: {name} dropped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
