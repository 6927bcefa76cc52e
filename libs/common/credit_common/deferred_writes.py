"""Fewer round trips to PostgreSQL: ``BEGIN`` travels with a transaction's first statement,
``COMMIT`` with its last writes, and writes nobody reads back with whatever is sent next
(how, and what it saves: bench/README.md, "Fewer round trips to PostgreSQL")."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import psycopg2
import psycopg2.extensions
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import TextClause

_PYFORMAT_CACHE: dict[str, str] = {}

#: how a statement asks to be prepared; SQLAlchemy passes it on, PostgreSQL would ignore it
PREPARED_MARK = "/* prepared */ "
_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")


@dataclass(frozen=True)
class _Prepared:
    name: str
    prepare: bytes
    execute: str


_PREPARED_CACHE: dict[str, _Prepared] = {}


def _as_prepared(query: str) -> _Prepared:
    """``%(name)s`` placeholders become ``$1``, ``$2`` … in order of first appearance; the
    values go in that order into ``EXECUTE``, bound by psycopg2 as in any statement."""
    found = _PREPARED_CACHE.get(query)
    if found is None:
        names: list[str] = []

        def numbered(match: re.Match) -> str:
            if match.group(1) is None:
                return "%"
            if match.group(1) not in names:
                names.append(match.group(1))
            return f"${names.index(match.group(1)) + 1}"

        body = _PLACEHOLDER.sub(numbered, query[len(PREPARED_MARK):])
        name = "p_" + hashlib.sha1(query.encode()).hexdigest()[:20]
        arguments = ", ".join(f"%({n})s" for n in names)
        found = _PREPARED_CACHE[query] = _Prepared(
            name, f"PREPARE {name} AS {body}".encode(),
            f"EXECUTE {name}({arguments})" if names else f"EXECUTE {name}")
    return found


_BEGIN = {
    psycopg2.extensions.ISOLATION_LEVEL_READ_COMMITTED: b"BEGIN",
    psycopg2.extensions.ISOLATION_LEVEL_REPEATABLE_READ: b"BEGIN ISOLATION LEVEL REPEATABLE READ",
    psycopg2.extensions.ISOLATION_LEVEL_SERIALIZABLE: b"BEGIN ISOLATION LEVEL SERIALIZABLE",
    psycopg2.extensions.ISOLATION_LEVEL_READ_UNCOMMITTED: b"BEGIN",
    psycopg2.extensions.ISOLATION_LEVEL_DEFAULT: b"BEGIN",
}


class BatchingCursor(psycopg2.extensions.cursor):
    def execute(self, query, vars=None):
        if isinstance(query, str) and query.startswith(PREPARED_MARK):
            query = self.connection.prepare(query)
        waiting = self.connection.take_waiting()
        if not waiting:
            return self._send(query, vars)
        return self._send(b";\n".join([*waiting, self.mogrify(query, vars)]))

    def executemany(self, query, vars_list):
        self.connection.send_waiting()
        return super().executemany(query, vars_list)

    def copy_expert(self, *args, **kwargs):
        self.connection.send_waiting()
        return super().copy_expert(*args, **kwargs)

    def _send(self, query, vars=None):
        return super().execute(query, vars)


class BatchingConnection(psycopg2.extensions.connection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        super().set_isolation_level(psycopg2.extensions.ISOLATION_LEVEL_AUTOCOMMIT)
        self.cursor_factory = BatchingCursor
        #: None: statements run on their own (the caller asked for autocommit)
        self.begin: bytes | None = b"BEGIN"
        self.in_transaction = False
        self.waiting: list[bytes] = []
        self.prepared: set[str] = set()

    # -- what SQLAlchemy and psycopg2 callers use ------------------------------------------
    def set_isolation_level(self, level):
        # SQLAlchemy changes it between transactions only; it applies from the next one
        self.begin = (None if level == psycopg2.extensions.ISOLATION_LEVEL_AUTOCOMMIT
                      else _BEGIN[level])

    def commit(self):
        if not self.in_transaction and not self.waiting:
            return
        statements = self.take_waiting()
        if self.in_transaction:
            statements.append(b"COMMIT")
        # a failure leaves the transaction open (aborted) for the rollback that follows
        self._run(statements)
        self.in_transaction = False

    def rollback(self):
        self.waiting = []
        if self.in_transaction:
            try:
                self._run([b"ROLLBACK"])
            finally:
                self.in_transaction = False

    # -- prepared statements -----------------------------------------------------------------
    def prepare(self, query: str) -> str:
        """The ``EXECUTE`` that runs ``query`` (a prepared statement's SQL), after
        preparing it on this connection if it is not yet."""
        statement = _as_prepared(query)
        if statement.name not in self.prepared:
            self._run([statement.prepare])
            self.prepared.add(statement.name)
        return statement.execute

    # -- batching ----------------------------------------------------------------------------
    def defer(self, sql: bytes) -> None:
        self.waiting.append(sql)

    def take_waiting(self) -> list[bytes]:
        """What must go ahead of the next statement: BEGIN if a transaction starts, and the
        deferred writes."""
        if self.begin is not None and not self.in_transaction:
            self.in_transaction = True
            return [self.begin, *self._take()]
        return self._take()

    def send_waiting(self) -> None:
        waiting = self.take_waiting()
        if waiting:
            self._run(waiting)

    def _take(self) -> list[bytes]:
        waiting, self.waiting = self.waiting, []
        return waiting

    def _run(self, statements: list[bytes]) -> None:
        with psycopg2.extensions.cursor(self) as cursor:
            cursor.execute(b";\n".join(statements))


def defer(session: Session, statement: TextClause, params: dict) -> None:
    """Send ``statement`` with the transaction's next statement or its commit; on a
    connection that cannot batch, now."""
    connection = session.connection()
    raw = connection.connection.dbapi_connection
    if not isinstance(raw, BatchingConnection):
        session.execute(statement, params)
        return
    query = _pyformat(statement, connection.dialect)
    if query.startswith(PREPARED_MARK):
        query = raw.prepare(query)
    with psycopg2.extensions.cursor(raw) as cursor:
        raw.defer(cursor.mogrify(query, params))


class HeldRows:
    """The versions of the rows a transaction read FOR UPDATE. Nobody else can change such a
    row before the commit, so its optimistic-lock check is made here and its update deferred;
    a row not held is updated at once and checked by the row count."""

    def __init__(self):
        self._versions: dict = {}

    def hold(self, key, version: int) -> None:
        self._versions[key] = version

    def update(self, session: Session, statement: TextClause, params: dict, key,
               expected_version: int, new_version: int, stale: Exception) -> None:
        """Run ``statement`` (an UPDATE … WHERE version = :expected), or raise ``stale``."""
        held = self._versions.get(key)
        if held is None:
            if session.execute(statement, params).rowcount != 1:
                raise stale
            return
        if held != expected_version:
            raise stale
        defer(session, statement, params)
        self._versions[key] = new_version


def _pyformat(statement: TextClause, dialect) -> str:
    """``:name`` placeholders as psycopg2's ``%(name)s`` (literal ``%`` doubled)."""
    found = _PYFORMAT_CACHE.get(statement.text)
    if found is None:
        if len(_PYFORMAT_CACHE) > 1000:
            _PYFORMAT_CACHE.clear()
        found = _PYFORMAT_CACHE[statement.text] = str(statement.compile(dialect=dialect))
    return found
