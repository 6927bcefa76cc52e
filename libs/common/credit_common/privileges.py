"""What a service's application role may do in its database, applied by the migration step
(``credit_common.migrations``) after every ``alembic upgrade``, as the owner.

The application role reads and writes every table, uses every sequence, and never owns,
alters, drops or truncates anything. On the service's audit and history tables (each
service lists them once, in ``<service>.adapters.audit_tables``) it may only read and add
rows; their triggers refuse UPDATE, DELETE and TRUNCATE to everyone, owner included. Default
privileges give a table a later migration creates the same grants, and the next run of this
step takes UPDATE and DELETE away again if it is an audit table.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.engine import Connection


def grant_application_role(connection: Connection, app_role: str | None,
                           audit_tables: Iterable[str]) -> bool:
    """Returns False (and grants nothing) when there is no separate application role: the
    same user as the owner, or a superuser, which no grant can restrict."""
    owner = connection.execute(text("SELECT current_user")).scalar()
    if not app_role or app_role == owner:
        return False
    superuser = connection.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = :r"),
                                   {"r": app_role}).scalar()
    if superuser is None:
        raise SystemExit(f"数据库角色 {app_role} 不存在：请先运行 python -m credit_common.db_admin "
                         "create（make databases）")
    if superuser:
        return False
    role = connection.dialect.identifier_preparer.quote(app_role)
    for statement in (
        # nobody but the owner creates objects (PostgreSQL 15 already has it so)
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role}",
    ):
        connection.execute(text(statement))
    present = connection.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
        "AND tablename = ANY(:names)"), {"names": ["alembic_version", *audit_tables]}).scalars()
    for table in present:
        quoted = connection.dialect.identifier_preparer.quote(table)
        if table == "alembic_version":
            connection.execute(text(f"REVOKE ALL ON {quoted} FROM {role}"))
        else:
            connection.execute(text(
                f"REVOKE UPDATE, DELETE, TRUNCATE ON {quoted} FROM PUBLIC, {role}"))
    return True
