"""``text`` for repositories: SQLAlchemy's own parses its SQL for bind parameters on every
call (64 µs for the cases INSERT on this machine, more than PostgreSQL takes to run it), so
here the same SQL string gives back the same clause. Clauses are immutable (``bindparams``
and ``columns`` return new ones), so sharing them is safe; SQL built from a bounded set of
parts (columns, an optional ``FOR UPDATE``, filter combinations) stays within the cache."""

from __future__ import annotations

import functools

import sqlalchemy

text = functools.lru_cache(maxsize=2048)(sqlalchemy.text)
