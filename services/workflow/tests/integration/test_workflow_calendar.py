"""The calendar data a transaction reads: once for a batch of events handled in one session,
again after an override is set, and never carried into another session."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import event, text
from sqlalchemy.orm import Session

from workflow.adapters.repository import CalendarRepository


def _a_free_day() -> date:
    # a day in 2031 no other test sets, so the run's database keeps no surprise for others
    return date(2031, 1, 1) + timedelta(days=uuid.uuid4().int % 300)


def test_one_session_reads_the_calendar_once_and_again_after_an_override(db_engine):
    engine = db_engine["workflow"]
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731 - (conn, cursor, sql, ...)
    event.listen(engine, "before_cursor_execute", listener)
    day, today = _a_free_day(), date(2026, 11, 27)
    try:
        with Session(engine) as session, session.begin():
            # three events of one batch: a unit of work (and a repository) for each
            for _ in range(3):
                calendar = CalendarRepository(session)
                calendar.prefetch(today)
                assert calendar.deadline_rules(today)["accept_working_days"] >= 1
                assert day not in calendar.overrides()
            assert len(statements) == 1
            CalendarRepository(session).set_override(day, False, "测试调休")
            assert CalendarRepository(session).overrides()[day] is False
            assert len(statements) == 3   # the write, then the overrides read again
            # a day's rules not read yet are read on their own
            CalendarRepository(session).prefetch(date(2026, 3, 31))
            assert len(statements) == 4
        with Session(engine) as session, session.begin():
            # a new session (a new worker) reads what the other committed
            assert CalendarRepository(session).overrides()[day] is False
            session.execute(text("DELETE FROM calendar_overrides WHERE day = :d"), {"d": day})
    finally:
        event.remove(engine, "before_cursor_execute", listener)
