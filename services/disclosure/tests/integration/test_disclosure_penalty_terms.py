"""The daily job that ends penalty publicity, against the run's PostgreSQL, across the
boundary days. The rule: the term counts calendar months or years from the publicity start
(the start day not counted), so its last day is the same-numbered day of its last month (or
that month's last day); the record is publicised through that day, weekend or holiday
alike, and the job of the next day ends it. Three months for a warning, 通报批评 or a fine
up to the province's threshold (10,000 yuan here), three years otherwise; an end date the
agency gave is the last day."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session
from stdnum.cn import uscc

from disclosure.handlers import daily_jobs
from disclosure.adapters.unit_of_work import DisclosureUnitOfWork


ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def new_uscc() -> str:
    n = uuid.uuid4().int
    body = "91440106" + "".join(ALPHABET[(n >> (5 * i)) % 31] for i in range(9))
    return body + uscc.calc_check_digit(body + "0")


@pytest.fixture
def engine(db_engine):
    return db_engine["disclosure"]


def add_penalty(engine, start: date, kinds, fine=None, severe=False, end=None) -> uuid.UUID:
    subject_id, record_id = uuid.uuid4(), uuid.uuid4()
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO subjects (id, uscc, name, kind, district_code, registration_unit_code) "
            "VALUES (:id, :code, '广州公示期测试有限公司', 'enterprise', '440106', '44010601')"),
            {"id": subject_id, "code": new_uscc()})
        conn.execute(text(
            "INSERT INTO records (id, subject_id, record_type, decision_number, decision_date, "
            "publicity_start_date, publicity_end_date, penalty_kinds, fine_amount, severe, "
            "source_record_id, district_code) VALUES (:id, :s, 'penalty_publicity', "
            "'穗天市监处罚〔2023〕1号', :start, :start, :end, :kinds, :fine, :severe, :ref, "
            "'440106')"),
            {"id": record_id, "s": subject_id, "start": start, "end": end, "kinds": kinds,
             "fine": fine, "severe": severe, "ref": f"term-{record_id}"})
    return record_id


def run_job(engine, day: date) -> None:
    with Session(engine) as session, session.begin():
        daily_jobs.end_penalty_publicity(day, DisclosureUnitOfWork(session))


def state(engine, record_id) -> str:
    with engine.connect() as conn:
        return conn.execute(text("SELECT publicity_state FROM records WHERE id = :r"),
                            {"r": record_id}).scalar_one()


@pytest.mark.parametrize("start, kinds, fine, severe, end, last_day", [
    # a warning: 3 months; the day after the last is National Day, a holiday: it ends then
    (date(2026, 6, 30), ["warning"], None, False, None, date(2026, 9, 30)),
    # 通报批评, from 30 November: the last day is the last of February
    (date(2025, 11, 30), ["circulated_criticism"], None, False, None, date(2026, 2, 28)),
    # a fine of exactly the threshold is low: 3 months, the last day a Sunday
    (date(2026, 3, 7), ["fine"], "10000.00", False, None, date(2026, 6, 7)),
    # a cent more: 3 years, the last day a Saturday of the National Day holiday
    (date(2023, 10, 3), ["fine"], "10000.01", False, None, date(2026, 10, 3)),
    # a warning with a suspension, or flagged severe: 3 years
    (date(2023, 5, 12), ["warning", "suspension"], None, False, None, date(2026, 5, 12)),
    (date(2023, 8, 8), ["warning"], None, True, None, date(2026, 8, 8)),
    # the agency's own end date, Labour Day
    (date(2025, 5, 1), ["fine"], "50000.00", False, date(2026, 5, 1), date(2026, 5, 1)),
], ids=["warning-holiday-after", "criticism-month-end", "low-fine-sunday",
        "fine-over-threshold-saturday", "warning-and-suspension", "severe-warning",
        "given-end-date"])
def test_publicity_lasts_through_its_last_day_and_ends_the_day_after(
        engine, start, kinds, fine, severe, end, last_day):
    record_id = add_penalty(engine, start, kinds, fine, severe, end)
    for day, expected in ((last_day - timedelta(days=1), "active"), (last_day, "active"),
                          (last_day + timedelta(days=1), "expired")):
        run_job(engine, day)
        assert state(engine, record_id) == expected, (day, expected)
    with engine.connect() as conn:
        [(from_state, to_state, cause_kind, cause_ref, note)] = conn.execute(text(
            "SELECT from_state, to_state, cause_kind, cause_ref, note FROM record_history "
            "WHERE record_id = :r"), {"r": record_id}).all()
        [announcement] = conn.execute(text(
            "SELECT body->'payload' FROM outbox WHERE routing_key = "
            "'record.publicity_changed.v1' AND body->'payload'->>'record_id' = :r"),
            {"r": str(record_id)}).scalars()
    assert (from_state, to_state, cause_kind) == ("active", "expired", "job")
    assert cause_ref == f"end_penalty_publicity:{last_day + timedelta(days=1)}"
    assert f"公示至{last_day}" in note
    assert (announcement["from_state"], announcement["to_state"]) == ("active", "expired")
    run_job(engine, last_day + timedelta(days=2))  # a later run leaves it alone
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM record_history WHERE record_id = :r"),
                            {"r": record_id}).scalar_one() == 1
