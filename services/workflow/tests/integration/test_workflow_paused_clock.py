"""退回补正 stops the legal clock, in a real container on the real database and bus: a case
returned before National Day (and one before the Spring Festival) keeps the working days it
had, is never reminded, escalated or counted overdue while it waits, and comes back with its
decision due date counted again from the resubmission; the case page and the statistics show
the pause. Workflow's clock is set to the days of the story (the process runs in this test)."""

from __future__ import annotations

import importlib
import json
import pkgutil
import time
import uuid
from datetime import datetime

import pika
import pytest
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import text

from credit_common.clock import SHANGHAI, now
from credit_common.contracts.envelope import EventEnvelope
from credit_common.contracts.events import ApplicationSubmitted
from credit_common.topology import declare_subscription, find_subscription
from workflow import handlers
from workflow import service as service_module
from workflow.service import WorkflowService


@pytest.fixture
def workflow(container_factory, nameko_config, clean_queues):
    container = container_factory(WorkflowService, nameko_config)
    container.start()
    return container


class Clock:
    """Workflow's "now", moved to the day the story has reached."""

    def __init__(self, monkeypatch):
        self.at = now()
        # every use case module that reads the clock, and the entrypoints
        for found in pkgutil.iter_modules(handlers.__path__):
            module = importlib.import_module(f"{handlers.__name__}.{found.name}")
            if hasattr(module, "now"):
                monkeypatch.setattr(module, "now", lambda: self.at)
        monkeypatch.setattr(service_module, "now", lambda: self.at)

    def set(self, day: str) -> None:
        self.at = datetime.fromisoformat(f"{day}T10:00").replace(tzinfo=SHANGHAI)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def add_officer(db_engine, unit: str, roles: list[str]) -> str:
    officer_id = str(uuid.uuid4())
    with db_engine["workflow"].begin() as conn:
        conn.execute(text(
            "INSERT INTO officers (id, phone, name, unit_code, roles) VALUES (:id, :p, '补正测试', "
            ":u, :r)"), {"id": officer_id, "p": f"137{uuid.uuid4().int % 10**8:08d}",
                         "u": unit, "r": roles})
    return officer_id


def submission(record_type: str, unit: str, day: str, application_id=None,
               number=None) -> EventEnvelope:
    event = ApplicationSubmitted(
        application_id=application_id or uuid.uuid4(),
        acceptance_number=number or f"XF-{unit[:6]}-{day.replace('-', '')}-"
                                    f"{uuid.uuid4().int % 10**6:06d}",
        record_type=record_type, subject_uscc="91440115MA59PAUS1X",
        subject_name="广州补正计时测试有限公司", district_code=unit[:6],
        submitted_at=datetime.fromisoformat(f"{day}T09:00").replace(tzinfo=SHANGHAI),
        record_ids=[uuid.uuid4()], deciding_unit_code=unit, subject_district_code=unit[:6])
    return EventEnvelope(event_type=event.event_type, source=event.source,
                         data=event.model_dump(mode="json"))


def deliver(amqp_uri, envelope: EventEnvelope) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    try:
        channel = connection.channel()
        declare_subscription(channel, find_subscription("intake", "application_submitted",
                                                        "workflow"))
        channel.basic_publish("intake.events", envelope.event_type,
                              json.dumps(envelope.model_dump(mode="json")).encode(),
                              pika.BasicProperties(content_type="application/json",
                                                   message_id=str(envelope.message_id)))
    finally:
        connection.close()


def case_when(proxy, number: str, status: str, timeout: float = 15) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        try:
            case = proxy.workflow.get_case(number)
        except RemoteError:
            case = None
        if case is not None and case["status"] == status:
            return case
        assert time.monotonic() < deadline, f"case {number} not {status}: {case}"
        time.sleep(0.05)


def notices(db_engine, number: str) -> list[tuple[str, str]]:
    with db_engine["workflow"].connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT body->'data'->>'kind', body->'data'->>'due' FROM outbox "
            "WHERE routing_key = 'case_deadline' AND body->'data'->>'acceptance_number' = :n "
            "ORDER BY id"), {"n": number})]


def test_a_case_returned_before_national_day_keeps_its_working_days(
        workflow, nameko_config, amqp_uri, db_engine, clock):
    office = "44011501"
    handler = add_officer(db_engine, office, ["handler"])
    district = add_officer(db_engine, "440115", ["handler"])
    first = submission("penalty_publicity", office, "2026-09-25")
    number = first.data["acceptance_number"]
    period = {"from": "2026-09-01", "to": "2026-10-31"}
    with ClusterRpcProxy(nameko_config) as proxy:
        clock.set("2026-09-25")
        deliver(amqp_uri, first)
        case = case_when(proxy, number, "pending_acceptance")
        accepted = proxy.workflow.act(handler, number, "accept", case["version"])
        assert accepted["decide_due"] == "2026-10-22"        # 15 working days, the holiday off

        clock.set("2026-09-29")
        returned = proxy.workflow.act(handler, number, "return", accepted["version"],
                                      "请补充罚款缴纳凭证")
        # 30 Sep, 8, 9, 10 (a 调休 Saturday), 12-16 and 19-22 October are left
        assert (returned["status"], returned["paused"], returned["paused_working_days_left"],
                returned["due"]) == ("returned", True, 13, None)

        clock.set("2026-10-12")
        page = proxy.workflow.case_page(handler, number)["case"]
        assert page["paused_since"] == "2026-09-29T10:00:00+08:00"
        assert (page["paused_working_days"], page["overdue"]) == (5, False)

        # past the old due date: no reminder, no escalation, not overdue, counted as paused
        for day in ("2026-10-21", "2026-10-26"):
            proxy.workflow.check_deadlines(day)
        assert notices(db_engine, number) == []
        clock.set("2026-10-26")
        assert proxy.workflow.todo(district, {"acceptance_number": number})["items"]
        assert proxy.workflow.todo(district, {"acceptance_number": number,
                                              "overdue": True})["items"] == []
        stats = proxy.workflow.statistics(handler, period)
        assert (stats["paused"], stats["paused_cases"], stats["average_paused_working_days"],
                stats["overdue"]) == (1, 1, 15.0, 0)

        # corrected and resubmitted (intake announces the same application again)
        clock.set("2026-10-27")
        deliver(amqp_uri, submission("penalty_publicity", office, "2026-10-27",
                                     uuid.UUID(first.data["application_id"]), number))
        case = case_when(proxy, number, "pending_acceptance")
        # 13 working days after 27 October; the 16 spent returned moved 22 October to here
        assert (case["decide_due"], case["due"], case["paused"], case["paused_working_days"],
                case["pause_count"]) == ("2026-11-13", "2026-11-13", False, 16, 1)

        clock.set("2026-10-28")
        proxy.workflow.check_deadlines("2026-10-28")
        assert notices(db_engine, number) == []              # the old due date is gone
        again = proxy.workflow.act(handler, number, "accept", case["version"])
        assert again["decide_due"] == "2026-11-13"            # the clock runs on, not anew

        proxy.workflow.check_deadlines("2026-11-12")
        proxy.workflow.check_deadlines("2026-11-16")
        assert notices(db_engine, number) == [("reminder", "2026-11-13"),
                                              ("escalation", "2026-11-13")]
        clock.set("2026-11-16")
        stats = proxy.workflow.statistics(handler, period)
        assert (stats["paused"], stats["paused_cases"],
                stats["average_paused_working_days"]) == (0, 1, 16.0)
        assert stats["by_unit"][0]["paused_cases"] == 1


def test_a_case_returned_before_the_spring_festival_comes_back_with_the_days_it_kept(
        workflow, nameko_config, amqp_uri, db_engine, clock):
    # 南沙's 横沥 office: 从化 is the browser statistics test's, which counts its offices' year
    office = "44011503"
    handler = add_officer(db_engine, office, ["handler"])
    first = submission("abnormal_operation_list", office, "2026-02-06")
    number = first.data["acceptance_number"]
    with ClusterRpcProxy(nameko_config) as proxy:
        clock.set("2026-02-06")
        deliver(amqp_uri, first)
        case = case_when(proxy, number, "pending_acceptance")
        accepted = proxy.workflow.act(handler, number, "accept", case["version"])
        assert accepted["decide_due"] == "2026-02-13"

        clock.set("2026-02-11")
        returned = proxy.workflow.act(handler, number, "return", accepted["version"],
                                      "请补报 2025 年度报告")
        assert returned["paused_working_days_left"] == 2      # 12 and 13 February

        clock.set("2026-02-16")                               # in the holiday, after 13 Feb
        proxy.workflow.check_deadlines("2026-02-16")
        assert notices(db_engine, number) == []
        page = proxy.workflow.case_page(handler, number)["case"]
        assert (page["paused_working_days"], page["overdue"]) == (3, False)   # with Sat 14th

        clock.set("2026-02-24")                               # the first working day after
        deliver(amqp_uri, submission("abnormal_operation_list", office, "2026-02-24",
                                     uuid.UUID(first.data["application_id"]), number))
        case = case_when(proxy, number, "pending_acceptance")
        assert (case["decide_due"], case["paused_working_days"]) == ("2026-02-26", 4)

        clock.set("2026-02-25")
        again = proxy.workflow.act(handler, number, "accept", case["version"])
        assert again["decide_due"] == "2026-02-26"            # not 3 March, a fresh period
        with db_engine["workflow"].connect() as conn:
            stored = conn.execute(text(
                "SELECT paused_since, paused_working_days_left, paused_working_days_total, "
                "pause_count FROM cases WHERE acceptance_number = :n"), {"n": number}).one()
        assert tuple(stored) == (None, None, 4, 1)
