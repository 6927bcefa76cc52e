"""Writes whose result nobody reads in the same transaction (outbox rows, timeline and
approval-form entries) go to PostgreSQL together, in one round trip, instead of one each.

``defer(session, statement, params)`` keeps the statement on the session; the batch is sent
before the session's next statement of any other kind (so every statement still runs in the
order the code wrote them, and a read sees the writes before it), before a savepoint and
before the commit. A rollback drops it. The SQL is bound on the client by psycopg2 (``mogrify``), exactly as a
plain ``session.execute`` would bind it, and the statements are joined into one simple query.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction
from sqlalchemy.sql.elements import TextClause

_PENDING = "deferred_writes"
_PYFORMAT_CACHE: dict[str, str] = {}


def defer(session: Session, statement: TextClause, params: dict) -> None:
    if not isinstance(session, Session):
        # only a Session's events send the batch: anything else would drop it silently
        raise TypeError(f"deferred writes need a Session, not {type(session).__name__}")
    session.info.setdefault(_PENDING, []).append((statement, params))


def pending(session: Session) -> int:
    return len(session.info.get(_PENDING) or ())


def flush_deferred(session: Session, connection: Connection | None = None) -> None:
    waiting = session.info.get(_PENDING)
    if not waiting:
        return
    session.info[_PENDING] = []
    connection = connection or session.connection()
    dialect = connection.dialect
    cursor = connection.connection.dbapi_connection.cursor()
    sql = b""
    try:
        sql = b";\n".join(cursor.mogrify(_pyformat(statement, dialect), params)
                          for statement, params in waiting)
        cursor.execute(sql)
    except dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(sql.decode(errors="replace"), None, exc,
                                  dialect.loaded_dbapi.Error) from exc
    finally:
        cursor.close()


def _pyformat(statement: TextClause, dialect) -> str:
    """``:name`` placeholders as psycopg2's ``%(name)s`` (literal ``%`` doubled)."""
    found = _PYFORMAT_CACHE.get(statement.text)
    if found is None:
        if len(_PYFORMAT_CACHE) > 1000:
            _PYFORMAT_CACHE.clear()
        found = _PYFORMAT_CACHE[statement.text] = str(statement.compile(dialect=dialect))
    return found


@event.listens_for(Session, "do_orm_execute")
def _before_any_other_statement(state: ORMExecuteState) -> None:
    flush_deferred(state.session)


@event.listens_for(Session, "after_transaction_create")
def _before_savepoint(session: Session, transaction: SessionTransaction) -> None:
    # the SAVEPOINT is not sent yet: what was deferred before it belongs to the enclosing
    # transaction, and must not be undone with the savepoint
    if transaction.nested and pending(session):
        flush_deferred(session, transaction.parent.connection(None))


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    flush_deferred(session)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction) -> None:
    session.info.pop(_PENDING, None)
