"""WorkflowService and 两书同达 on the run's RabbitMQ and PostgreSQL: a request for an own
penalty's 信用修复告知书 issues one numbered, verifiable notice that says when, how and that it
is free, announced once however often (and under however many message ids) it arrives; a
malformed request changes nothing."""

from __future__ import annotations

import base64
import json
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
from credit_common.contracts.events import RepairNoticeRequested
from credit_common.topology import declare_subscription, find_subscription
from workflow.adapters.unit_of_work import WorkflowUnitOfWork
from workflow.handlers import documents
from workflow.service import WorkflowService

SUBSCRIPTION = find_subscription("intake", "repair_notice_requested", "workflow")


@pytest.fixture
def workflow(container_factory, nameko_config, clean_queues):
    container = container_factory(WorkflowService, nameko_config)
    container.start()
    return container


@pytest.fixture
def engine(db_engine):
    return db_engine["workflow"]


def requested(record_id=None, repairable=True, **changes) -> RepairNoticeRequested:
    return RepairNoticeRequested(**{
        "record_id": record_id or uuid.uuid4(), "decision_number": "穗天市监处罚〔2026〕88号",
        "decision_date": date(2026, 11, 30), "deciding_unit_code": "44010601",
        "district_code": "440106", "subject_code": "91440106MA59ABCD1M",
        "subject_name": f"广州告知{uuid.uuid4().hex[:4]}有限公司", "legal_rep_name": "陈大文",
        "legal_rep_phone": "13912345678", "repairable": repairable,
        "earliest_date": date(2027, 11, 30) if repairable else None,
        "reason": "公示满 12 个月后可申请信用修复" if repairable
        else "该行政处罚属于依法不予提前移出公示的情形（如吊销许可证件、责令停产停业等）",
        "rule_version": "2021.1", "article": "《市场监督管理行政处罚信息公示规定》第十三条",
        "conditions": ["行政处罚信息公示满 12 个月", "已履行行政处罚决定规定的义务"] if repairable else [],
        "materials": ["信用修复申请书", "信用承诺书"] if repairable else [],
        "requested_at": datetime.now(UTC), **changes})


def envelope_of(event, message_id=None) -> EventEnvelope:
    return EventEnvelope(event_type=event.event_type, source=event.source,
                         message_id=message_id or uuid.uuid4(),
                         data=event.model_dump(mode="json"))


def deliver(amqp_uri, *envelopes) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    declare_subscription(channel, SUBSCRIPTION)
    for envelope in envelopes:
        channel.basic_publish("intake.events", envelope.event_type,
                              json.dumps(envelope.model_dump(mode="json")).encode(),
                              pika.BasicProperties(content_type="application/json",
                                                   message_id=str(envelope.message_id)))
    connection.close()


def wait_for(check, message, timeout=15):
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        assert time.monotonic() < deadline, message
        time.sleep(0.05)


def handled(engine, amqp_uri, *message_ids) -> bool:
    """Every message id claimed, and nothing left waiting in the queue."""
    with engine.connect() as conn:
        claimed = conn.execute(text(
            "SELECT count(*) FROM processed_messages WHERE consumer = "
            "'workflow.repair_notice_requested' AND message_id = ANY(CAST(:ids AS uuid[]))"),
            {"ids": [str(i) for i in message_ids]}).scalar_one()
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    try:
        waiting = connection.channel().queue_declare(SUBSCRIPTION.queue, passive=True
                                                     ).method.message_count
    finally:
        connection.close()
    return claimed == len(message_ids) and waiting == 0


def notices(engine, record_id) -> list:
    with engine.connect() as conn:
        return conn.execute(text(
            "SELECT id, kind, number, verification_code, case_id, content FROM documents "
            "WHERE record_id = :r"), {"r": str(record_id)}).all()


def issued(engine, record_id) -> list[dict]:
    with engine.connect() as conn:
        return [r[0]["data"] for r in conn.execute(text(
            "SELECT body FROM outbox WHERE routing_key = 'repair_notice_issued' "
            "AND body->'data'->>'record_id' = :r ORDER BY id"), {"r": str(record_id)})]


def render(engine) -> None:
    with Session(engine) as session, session.begin():
        documents.render_documents(WorkflowUnitOfWork(session), limit=50)


def test_one_numbered_notice_per_record_however_often_it_is_asked_for(
        workflow, engine, amqp_uri, nameko_config):
    event = requested()
    first, second = envelope_of(event), envelope_of(event)
    # the relay may publish a row twice; intake may have been asked twice (two message ids)
    deliver(amqp_uri, first, first, second)
    wait_for(lambda: handled(engine, amqp_uri, first.message_id, second.message_id),
             "the three requests were not all handled")
    [(document_id, kind, number, code, case_id, content)] = notices(engine, event.record_id)
    assert (kind, case_id) == ("repair_notice", None)
    assert number.startswith(f"穗天市监信告〔{now().year}〕")  # the 天河区 bureau numbers it
    text_of = "".join(content["paragraphs"])
    for words in ("穗天市监处罚〔2026〕88号", "2027年11月30日", "不收取任何费用",
                  "1. 信用修复申请书；2. 信用承诺书", "已履行行政处罚决定规定的义务",
                  "广州市天河区市场监督管理局"):
        assert words in text_of, words
    [announced] = issued(engine, event.record_id)
    assert (announced["number"], announced["verification_code"], announced["kind"],
            announced["kind_label"], announced["document_id"], announced["legal_rep_phone"]
            ) == (number, code, "repair_notice", "信用修复告知书", str(document_id),
                  "13912345678")
    assert announced["document_url"].endswith(f"/api/v1/public/documents/pdf?code={code}")

    render(engine)
    with ClusterRpcProxy(nameko_config) as proxy:
        verified = proxy.workflow.verify_document(code=code)
        pdf = proxy.workflow.public_document_pdf(code=code.lower())
    assert (verified["number"], verified["title"], verified["subject_code"]) == (
        number, "信用修复告知书", "91440106MA59ABCD1M")
    assert base64.b64decode(pdf["content_b64"]).startswith(b"%PDF")
    assert pdf["number"] == number


def test_a_penalty_that_cannot_be_repaired_early_is_told_so(workflow, engine, amqp_uri):
    event = requested(repairable=False)
    envelope = envelope_of(event)
    deliver(amqp_uri, envelope)
    wait_for(lambda: handled(engine, amqp_uri, envelope.message_id), "not handled")
    [(_id, _kind, _number, _code, _case, content)] = notices(engine, event.record_id)
    text_of = "".join(content["paragraphs"])
    assert "不予提前移出公示" in text_of and "不收取任何费用" in text_of
    assert "最早可于" not in text_of
    assert issued(engine, event.record_id)[0]["earliest_date"] is None


def test_a_malformed_request_is_dead_lettered_and_issues_nothing(workflow, engine, amqp_uri,
                                                                 nameko_config):
    event = requested()
    bad = EventEnvelope(event_type=event.event_type, source=event.source,
                        data={**event.model_dump(mode="json"), "decision_date": "2026-02-30"})
    deliver(amqp_uri, bad)

    def dead_lettered():
        connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
        try:
            return connection.channel().queue_declare(SUBSCRIPTION.dead_letter_queue,
                                                      passive=True).method.message_count
        finally:
            connection.close()

    wait_for(dead_lettered, "the malformed request was not dead-lettered", timeout=60)
    assert notices(engine, event.record_id) == [] and issued(engine, event.record_id) == []


def test_only_a_repair_notice_is_handed_out_by_its_code(workflow, engine, nameko_config):
    with ClusterRpcProxy(nameko_config) as proxy:
        for code in ("000000000000", "NOT-A-CODE"):
            with pytest.raises(RemoteError) as raised:
                proxy.workflow.public_document_pdf(code=code)
            assert raised.value.value.split(":", 1)[0] == "DOCUMENT_NOT_FOUND"
