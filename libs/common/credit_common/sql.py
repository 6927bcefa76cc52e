"""``text`` and ``prepared`` for repositories.

``text``: SQLAlchemy's own parses its SQL for bind parameters on every
call (64 µs for the cases INSERT on this machine, more than PostgreSQL takes to run it), so
here the same SQL string gives back the same clause. Clauses are immutable (``bindparams``
and ``columns`` return new ones), so sharing them is safe; SQL built from a bounded set of
parts (columns, an optional ``FOR UPDATE``, filter combinations) stays within the cache."""

from __future__ import annotations

import functools

import sqlalchemy
from sqlalchemy.sql.elements import TextClause

from credit_common.deferred_writes import PREPARED_MARK

text = functools.lru_cache(maxsize=2048)(sqlalchemy.text)


@functools.lru_cache(maxsize=512)
def prepared(sql: str) -> TextClause:
    """``text(sql)`` run as a server-side prepared statement on the services' write
    connections (``credit_common.deferred_writes``), for the hot path's statements. Each
    parameter's type must follow from the SQL (a column it is compared with or assigned to,
    or a ``CAST``): ``PREPARE`` has no values to guess from."""
    return sqlalchemy.text(PREPARED_MARK + sql)
