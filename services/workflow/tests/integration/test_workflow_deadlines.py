"""Deadline notices with several timers at once: each case gets one reminder per due date and
one escalation, whoever runs the check."""

from __future__ import annotations

import concurrent.futures
import uuid
from datetime import date, datetime, timedelta, UTC

import pytest
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import text

from workflow.service import WorkflowService


@pytest.fixture
def workflow(container_factory, nameko_config, clean_queues):
    container = container_factory(WorkflowService, nameko_config)
    container.start()
    return container


def add_case(engine, due: date, status="pending_acceptance") -> str:
    number = f"XF-440106-20261126-{uuid.uuid4().int % 10**6:06d}"
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO cases (id, application_id, acceptance_number, record_type, "
            "subject_uscc, subject_name, district_code, status, submitted_at, opened_at, "
            "unit_code, accept_due) VALUES (:id, :app, :n, 'abnormal_operation_list', "
            "'91440106MA59ABCD1M', '广州期限测试有限公司', '440106', :s, :at, :at, '44010601', "
            ":due)"), {"id": uuid.uuid4(), "app": uuid.uuid4(), "n": number, "s": status,
                       "at": datetime.now(UTC), "due": due})
    return number


def test_four_timers_at_once_send_each_notice_once(workflow, nameko_config, db_engine):
    engine = db_engine["workflow"]
    today = date(2026, 11, 26)   # a Thursday: the next working day is Friday the 27th
    overdue = [add_case(engine, today - timedelta(days=n + 1)) for n in range(6)]
    due_soon = [add_case(engine, today + timedelta(days=1)) for _ in range(4)]
    not_yet = add_case(engine, today + timedelta(days=10))
    returned = add_case(engine, today - timedelta(days=2), status="returned")  # the applicant's turn

    def check(_):
        with ClusterRpcProxy(nameko_config) as proxy:
            return proxy.workflow.check_deadlines(today.isoformat())

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        results = list(pool.map(check, range(4)))
    assert sum(r["escalation"] for r in results) >= len(overdue)
    with engine.connect() as conn:
        sent = conn.execute(text(
            "SELECT body->'data'->>'acceptance_number', body->'data'->>'kind' FROM outbox "
            "WHERE routing_key = 'case_deadline'")).all()
    # nothing for the case not yet due, nor for the returned one, however late
    mine = [(n, k) for n, k in sent if n in {*overdue, *due_soon, not_yet, returned}]
    assert sorted(mine) == sorted([(n, "escalation") for n in overdue]
                                  + [(n, "reminder") for n in due_soon])
    with ClusterRpcProxy(nameko_config) as proxy:   # again: nothing new
        assert proxy.workflow.check_deadlines(today.isoformat()) == {"reminder": 0,
                                                                      "escalation": 0}


def test_document_numbers_are_unique_under_concurrency_and_never_reused(db_engine):
    from sqlalchemy.orm import Session

    from workflow.adapters.repository import DocumentRepository

    issuer = f"9{uuid.uuid4().int % 10**5:05d}"

    def take(rollback: bool):
        with Session(db_engine["workflow"]) as session, session.begin():
            number = DocumentRepository(session).next_number(issuer, "repair_decision", 2026)
            if rollback:
                session.rollback()
            return number

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        numbers = list(pool.map(take, [False] * 30))
    assert sorted(numbers) == list(range(1, 31))
    take(True)                       # a rolled-back issue's number is never seen...
    assert take(False) == 31         # ...and the next one carries on without a duplicate
