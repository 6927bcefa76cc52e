"""What the repositories share: their session, and ``text`` and ``prepared``, SQL parsed once a
process, since SQLAlchemy's own ``text`` parses it on every call (bench/README.md, "SQL parsed
once a process")."""

from __future__ import annotations

import functools

import sqlalchemy
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import TextClause

from credit_common.deferred_writes import PREPARED_MARK

text = functools.lru_cache(maxsize=2048)(sqlalchemy.text)


class SqlRepository:
    """A repository over the session of one unit of work."""

    def __init__(self, session: Session):
        self.session = session


@functools.lru_cache(maxsize=512)
def prepared(sql: str) -> TextClause:
    """``text(sql)`` run as a server-side prepared statement on the services' write
    connections (``credit_common.deferred_writes``), for the hot path's statements. Each
    parameter's type must follow from the SQL (a column it is compared with or assigned to,
    or a ``CAST``): ``PREPARE`` has no values to guess from."""
    return sqlalchemy.text(PREPARED_MARK + sql)
