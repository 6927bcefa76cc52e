"""What the repositories share: their session, and ``text`` and ``prepared``, SQL parsed once a
process, since SQLAlchemy's own ``text`` parses it on every call (bench/README.md, "SQL parsed
once a process")."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

import sqlalchemy
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import TextClause

from credit_common.deferred_writes import PREPARED_MARK

text = functools.lru_cache(maxsize=2048)(sqlalchemy.text)


class SqlRepository:
    """A repository over the session of one unit of work."""

    def __init__(self, session: Session):
        self.session = session

    def rows(self, sql: str, params: Mapping | None = None) -> list[dict]:
        """Every row ``sql`` answers, each as a dict."""
        return [dict(r._mapping) for r in self.session.execute(text(sql), params or {})]

    def row(self, sql: str, params: Mapping | None = None) -> dict | None:
        """The first row ``sql`` answers as a dict, or None."""
        found = self.session.execute(text(sql), params or {}).first()
        return dict(found._mapping) if found else None


@functools.lru_cache(maxsize=512)
def prepared(sql: str) -> TextClause:
    """``text(sql)`` run as a server-side prepared statement on the services' write
    connections (``credit_common.deferred_writes``), for the hot path's statements. Each
    parameter's type must follow from the SQL (a column it is compared with or assigned to,
    or a ``CAST``): ``PREPARE`` has no values to guess from."""
    return sqlalchemy.text(PREPARED_MARK + sql)


def insert_sql(table: str, columns: Sequence[str], then: str = "",
               casts: Mapping[str, str] | None = None) -> str:
    """``INSERT INTO table (columns) VALUES (:column, …) then``: the columns are named once and
    each takes the parameter of its name (``CAST`` to the type ``casts`` gives it)."""
    casts = casts or {}
    values = ", ".join(f"CAST(:{c} AS {casts[c]})" if c in casts else f":{c}" for c in columns)
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({values}) {then}".rstrip()
