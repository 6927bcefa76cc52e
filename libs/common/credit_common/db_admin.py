"""Create or drop the services' databases (UTF-8, C.UTF-8 locale so pg_trgm and CJK work).

    python -m credit_common.db_admin create [--prefix credit]
    python -m credit_common.db_admin drop --prefix credit_t1234
"""

from __future__ import annotations

import argparse
import sys

import psycopg2
from psycopg2 import sql
from sqlalchemy.engine import make_url

SERVICES = ("intake", "workflow", "notification", "disclosure")


def _admin_dsn(database_url: str) -> tuple[str, str]:
    url = make_url(database_url)
    name = url.database
    admin = url.set(drivername="postgresql", database="postgres")
    return admin.render_as_string(hide_password=False), name


def ensure_database(database_url: str) -> bool:
    """Create the database if missing; True if it was created."""
    dsn, name = _admin_dsn(database_url)
    conn = psycopg2.connect(dsn, connect_timeout=5)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if cur.fetchone():
                return False
            cur.execute(sql.SQL(
                "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' "
                "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'").format(sql.Identifier(name)))
            return True
    finally:
        conn.close()


def drop_database(database_url: str) -> None:
    dsn, name = _admin_dsn(database_url)
    conn = psycopg2.connect(dsn, connect_timeout=5)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))
    finally:
        conn.close()


def service_database_urls(template: str) -> dict[str, str]:
    import os

    return {
        service: os.environ.get(f"{service.upper()}_DATABASE_URL") or template.format(service=service)
        for service in SERVICES
    }


def main(argv=None) -> int:
    from credit_common.settings import ServiceSettings

    parser = argparse.ArgumentParser(prog="db_admin")
    parser.add_argument("command", choices=["create", "drop"])
    args = parser.parse_args(argv)
    template = ServiceSettings().database_url_template
    for service, url in service_database_urls(template).items():
        if args.command == "create":
            created = ensure_database(url)
            print(f"{service}: {make_url(url).database} {'created' if created else 'exists'}")
        else:
            drop_database(url)
            print(f"{service}: {make_url(url).database} dropped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
