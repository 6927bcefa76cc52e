"""WorkflowService and a cured listing, on the run's RabbitMQ and PostgreSQL: the rule's
removal is decided at once with a numbered, verifiable decision and announced once; a
removal for the listing unit waits in its list, is refused to everyone else, and one click
(or two at once) decides it once."""

from __future__ import annotations

import json
import random
import threading
import time
import uuid
from datetime import date, datetime, UTC

import pika
import pytest
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import text
from sqlalchemy.orm import Session

from credit_common.clock import now
from credit_common.contracts.envelope import EventEnvelope
from credit_common.contracts.events import ListingCured
from credit_common.topology import declare_subscription, find_subscription
from workflow.handlers import documents
from workflow.adapters.unit_of_work import WorkflowUnitOfWork
from workflow.service import WorkflowService


@pytest.fixture
def workflow(container_factory, nameko_config, clean_queues):
    container = container_factory(WorkflowService, nameko_config)
    container.start()
    return container


@pytest.fixture
def engine(db_engine):
    return db_engine["workflow"]


def add_officer(engine, unit_code: str, roles: list[str], name: str = "测试人员") -> str:
    officer_id = str(uuid.uuid4())
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO officers (id, phone, name, unit_code, roles) VALUES (:id, :p, :n, :u, "
            ":r)"), {"id": officer_id, "p": "137" + f"{random.randrange(10**8):08d}", "n": name,
                     "u": unit_code, "r": roles})
    return officer_id


def cured(removal: str, record_type="abnormal_operation_list") -> EventEnvelope:
    event = ListingCured(
        record_id=uuid.uuid4(), record_type=record_type, listing_reason="annual_report_overdue",
        listing_date=date(2026, 7, 1), listing_unit_code="44010601",
        listing_document_number="穗天市监异〔2026〕31号", district_code="440106",
        subject_code="91440106MA59ABCD1M", subject_name=f"广州移出{uuid.uuid4().hex[:4]}有限公司",
        filing_kind="annual_report", filed_on=date(2026, 11, 20), report_year=2025,
        filing_agency="gd-gsxt", filing_agency_name="国家企业信用信息公示系统（广东）",
        filing_message_id=uuid.uuid4(), rule_version="2025-12-25",
        basis="《市场监督管理信用修复管理办法》（2025年12月25日施行）", removal=removal,
        cured_at=datetime.now(UTC))
    return EventEnvelope(event_type=event.event_type, source=event.source,
                         data=event.model_dump(mode="json"))


def deliver(amqp_uri, envelope, times=1):
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    declare_subscription(channel, find_subscription("disclosure", "listing_cured", "workflow"))
    for _ in range(times):
        channel.basic_publish("disclosure.events", envelope.event_type,
                              json.dumps(envelope.model_dump(mode="json")).encode(),
                              pika.BasicProperties(content_type="application/json",
                                                   message_id=str(envelope.message_id)))
    connection.close()


def removal_of(engine, record_id, timeout=10):
    deadline = time.monotonic() + timeout
    while True:
        with engine.connect() as conn:
            row = conn.execute(text("SELECT id, status, document_number FROM listing_removals "
                                    "WHERE record_id = :r"), {"r": record_id}).first()
        if row is not None:
            return row
        assert time.monotonic() < deadline, "the cured listing did not arrive"
        time.sleep(0.05)


def decisions(engine, record_id) -> list[dict]:
    with engine.connect() as conn:
        return [r[0]["data"] for r in conn.execute(text(
            "SELECT body FROM outbox WHERE routing_key = 'listing_removal_decided' "
            "AND body->'data'->>'record_id' = :r ORDER BY id"), {"r": record_id})]


def documents_of(engine, removal_id) -> list:
    with engine.connect() as conn:
        return conn.execute(text(
            "SELECT kind, number, verification_code, case_id FROM documents "
            "WHERE listing_removal_id = :r"), {"r": removal_id}).all()


def render(engine) -> None:
    with Session(engine) as session, session.begin():
        documents.render_documents(WorkflowUnitOfWork(session), limit=50)


def code_of(raised) -> str:
    return raised.value.value.split(":", 1)[0]


def test_the_rules_removal_is_decided_at_once_with_a_verifiable_decision(
        workflow, engine, amqp_uri, nameko_config):
    envelope = cured("immediate")
    record_id = envelope.data["record_id"]
    deliver(amqp_uri, envelope, times=2)  # the relay may publish a row twice
    removal = removal_of(engine, record_id)
    time.sleep(0.3)  # the second copy has come and gone
    assert removal.status == "removed"
    [(kind, number, code, case_id)] = documents_of(engine, removal.id)
    assert (kind, case_id, number) == ("listing_removal_decision", None,
                                       removal.document_number)
    assert number.startswith(f"穗天市监信移〔{now().year}〕")  # the 天河区 bureau numbers it
    [decided] = decisions(engine, record_id)
    assert (decided["document_number"], decided["outcome"], decided["officer_name"]) == (
        number, "remove_from_list", None)
    render(engine)
    with ClusterRpcProxy(nameko_config) as proxy:
        verified = proxy.workflow.verify_document(code=code)
        admin = add_officer(engine, "440100", ["approver"])
        page = proxy.workflow.listing_removal(admin, str(removal.id))
    assert (verified["number"], verified["title"], verified["subject_name"]) == (
        number, "移出经营异常名录决定书", envelope.data["subject_name"])
    assert (page["status"], page["removal_label"], page["decided_by_name"], page["can_remove"]) \
        == ("removed", "系统自动移出", None, False)
    assert [d["number"] for d in page["documents"]] == [number]


def test_a_removal_for_the_listing_unit_waits_for_one_click_of_its_own_officer(
        workflow, engine, amqp_uri, nameko_config):
    envelope = cured("officer_confirmation", "individual_abnormal_status")
    record_id = envelope.data["record_id"]
    deliver(amqp_uri, envelope)
    removal = removal_of(engine, record_id)
    assert (removal.status, documents_of(engine, removal.id), decisions(engine, record_id)) == (
        "pending", [], [])
    handler = add_officer(engine, "44010601", ["handler"], "黄承办")
    with ClusterRpcProxy(nameko_config) as proxy:
        listed = proxy.workflow.listing_removals(handler, status="pending", limit=100)
        [mine] = [r for r in listed["items"] if r["record_id"] == record_id]
        assert (mine["status_label"], mine["can_remove"]) == ("可移出（待确认）", True)
        district = add_officer(engine, "440106", ["handler", "approver"])
        assert proxy.workflow.listing_removal(district, str(removal.id))["can_remove"] is False
        for officer_id, expected in (
                (add_officer(engine, "44010602", ["handler", "approver"]),
                 "REMOVAL_NOT_ACCESSIBLE"),           # another office: as if it did not exist
                (add_officer(engine, "44010401", ["handler"]), "REMOVAL_NOT_ACCESSIBLE"),
                (district, "REMOVAL_NOT_OF_MY_UNIT"),  # sees the district's, acts on none
                (add_officer(engine, "44010601", ["reviewer"]), "ROLE_REQUIRED")):
            with pytest.raises(RemoteError) as raised:
                proxy.workflow.remove_listing(officer_id, str(removal.id))
            assert (raised.value.exc_type, code_of(raised)) == ("Forbidden", expected)
        other = add_officer(engine, "44010602", ["handler"])
        assert record_id not in [r["record_id"] for r in proxy.workflow.listing_removals(
            other, limit=100)["items"]]
        with pytest.raises(RemoteError) as raised:
            proxy.workflow.remove_listing(handler, str(uuid.uuid4()))
        assert code_of(raised) == "REMOVAL_NOT_ACCESSIBLE"
        assert removal_of(engine, record_id).status == "pending"

        answers = []

        def click():
            with ClusterRpcProxy(nameko_config) as own:
                answers.append(own.workflow.remove_listing(handler, str(removal.id)))

        clicks = [threading.Thread(target=click) for _ in range(3)]
        for thread in clicks:
            thread.start()
        for thread in clicks:
            thread.join()
    assert {(a["status"], a["decided_by_name"], a["document_number"]) for a in answers} == {
        ("removed", "黄承办", removal_of(engine, record_id).document_number)}
    [(kind, number, _code, _case)] = documents_of(engine, removal.id)
    assert kind == "status_restoration_decision" and "市监信复〔" in number
    [decided] = decisions(engine, record_id)
    assert (decided["outcome"], decided["officer_name"], decided["document_number"]) == (
        "restore_normal_status", "黄承办", number)
