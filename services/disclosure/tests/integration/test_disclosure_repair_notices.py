"""Disclosure and 两书同达 on the run's PostgreSQL and RabbitMQ: an own penalty entering the
registry (from the bus or by ``make import``) is announced once, in the transaction that
creates it, and never on an update; another department's penalty and a listing are not; the
issued 信用修复告知书 is shown on its record once, in every public answer, however often it
comes; a notice for a record the registry does not hold is dead-lettered and shows nowhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from datetime import date, datetime, UTC

import pika
import pytest
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import text
from sqlalchemy.orm import Session
from stdnum.cn import uscc

from credit_common.contracts.envelope import EventEnvelope
from credit_common.contracts.events import PenaltyRecorded, RepairNoticeIssued
from credit_common.contracts.interagency import RecordUpserted
from credit_common.contracts.registry import RegistryRecord
from credit_common.topology import declare_subscription, find_subscription
from disclosure.adapters.unit_of_work import DisclosureUnitOfWork
from disclosure.handlers.agency_messages import ingest_agency_message
from disclosure.service import DisclosureService

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
SUBSCRIPTION = find_subscription("workflow", "repair_notice_issued", "disclosure")


def new_code() -> str:
    n = uuid.uuid4().int
    body = "91440106" + "".join(ALPHABET[(n >> (5 * i)) % 31] for i in range(9))
    return body + uscc.calc_check_digit(body + "0")


@pytest.fixture
def engine(db_engine):
    return db_engine["disclosure"]


def add_subject(engine, phone="13912345678") -> dict:
    subject = {"id": uuid.uuid4(), "code": new_code(), "name": f"广州告知{uuid.uuid4().hex[:6]}有限公司"}
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO subjects (id, uscc, name, kind, district_code, registration_unit_code, "
            "legal_rep_name, legal_rep_phone) VALUES (:id, :code, :name, 'enterprise', "
            "'440106', '44010601', '陈大文', :phone)"), {**subject, "phone": phone})
    return subject


def penalty(subject, **changes) -> dict:
    return {"source_record_id": f"amr-{uuid.uuid4().hex[:10]}", "version": 1,
            "record_type": "penalty_publicity", "subject_code": subject["code"],
            "subject_name": subject["name"], "district_code": "440106",
            "decision_number": f"穗天市监处罚〔2026〕{uuid.uuid4().int % 9999}号",
            "decision_date": "2026-11-02", "penalty_domain": "food", "penalty_kinds": ["fine"],
            "fine_amount": "50000.00", "deciding_department_name": "广州市天河区市场监督管理局",
            "deciding_unit_code": "44010601", **changes}


def ingest(engine, payload, agency="gz-amr", message_id=None) -> str:
    message = RecordUpserted.model_validate({
        "schema_version": "1.0", "message_id": message_id or str(uuid.uuid4()),
        "source_agency": agency, "occurred_at": datetime.now(UTC).isoformat(),
        "payload": payload})
    allowed = {"penalty_publicity", "other_department_penalty", "abnormal_operation_list"}
    with Session(engine) as session, session.begin():
        return ingest_agency_message(message, DisclosureUnitOfWork(session),
                                     today=date(2026, 12, 7), allowed_types=allowed)


def announced(engine, record_id=None, subject_code=None) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT body FROM outbox WHERE routing_key = 'penalty_recorded' AND ("
            "body->'data'->>'record_id' = :r OR body->'data'->>'subject_code' = :s) ORDER BY id"),
            {"r": str(record_id), "s": subject_code}).scalars().all()
    return [PenaltyRecorded.model_validate(EventEnvelope.model_validate(b).data) for b in rows]


def record_id_of(engine, source_record_id) -> uuid.UUID:
    with engine.connect() as conn:
        return conn.execute(text("SELECT id FROM records WHERE source_record_id = :s"),
                            {"s": source_record_id}).scalar_one()


def test_an_own_penalty_is_announced_when_created_only(engine):
    subject = add_subject(engine)
    sent = penalty(subject)
    message_id = str(uuid.uuid4())
    assert ingest(engine, sent, message_id=message_id) == "created"
    record_id = record_id_of(engine, sent["source_record_id"])
    [event] = announced(engine, record_id)
    assert (event.decision_number, event.deciding_unit_code, event.subject_code,
            event.legal_rep_phone, event.legal_rep_name) == (
        sent["decision_number"], "44010601", subject["code"], "13912345678", "陈大文")
    record = RegistryRecord.model_validate(event.record)
    assert (record.id, record.penalty_domain, record.decision_date, record.documents) == (
        record_id, "food", date(2026, 11, 2), [])

    assert ingest(engine, sent, message_id=message_id) == "duplicate"
    assert ingest(engine, {**sent, "version": 2, "fine_amount": "60000.00"}) == "updated"
    assert len(announced(engine, record_id)) == 1


def test_another_department_s_penalty_and_a_listing_are_not_announced(engine):
    subject = add_subject(engine)
    assert ingest(engine, penalty(subject, record_type="other_department_penalty",
                                  deciding_department_name="广州市生态环境局",
                                  deciding_unit_code=None), agency="gz-env") == "created"
    assert ingest(engine, {
        "source_record_id": f"amr-{uuid.uuid4().hex[:10]}", "version": 1,
        "record_type": "abnormal_operation_list", "subject_code": subject["code"],
        "subject_name": subject["name"], "district_code": "440106",
        "listing_reason": "annual_report_overdue", "listing_date": "2026-11-01",
        "listing_unit_code": "44010601", "listing_document_number": "穗天市监异〔2026〕9号"}) \
        == "created"
    assert announced(engine, subject_code=subject["code"]) == []


def import_file(database_url, path, agency) -> dict:
    done = subprocess.run([sys.executable, "-m", "disclosure", "import", str(path), "--agency",
                           agency, "--quiet"], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "DISCLOSURE_DATABASE_URL": database_url})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_an_imported_own_penalty_is_announced_once(engine, database_urls, tmp_path):
    subject = add_subject(engine)
    ours, theirs = penalty(subject), penalty(subject, record_type="other_department_penalty",
                                             deciding_department_name="广州市生态环境局",
                                             deciding_unit_code=None)
    path = tmp_path / "penalties.jsonl"
    path.write_text("\n".join(json.dumps(line, ensure_ascii=False)
                              for line in (ours, theirs)) + "\n", encoding="utf-8")
    agency = f"gz-amr-{uuid.uuid4().hex[:6]}"
    assert import_file(database_urls["disclosure"], path, agency)["created"] == 2
    [event] = announced(engine, subject_code=subject["code"])
    assert (event.record_id, event.decision_number, event.legal_rep_phone) == (
        record_id_of(engine, ours["source_record_id"]), ours["decision_number"], "13912345678")
    assert RegistryRecord.model_validate(event.record).penalty_kinds == ["fine"]
    path.write_text("\n".join(json.dumps({**line, "version": 2}, ensure_ascii=False)
                              for line in (ours, theirs)) + "\n", encoding="utf-8")
    assert import_file(database_urls["disclosure"], path, agency)["updated"] == 2
    assert len(announced(engine, subject_code=subject["code"])) == 1


@pytest.fixture
def disclosure(container_factory, nameko_config, clean_queues):
    container_factory(DisclosureService, nameko_config).start()
    with ClusterRpcProxy(nameko_config) as proxy:
        yield proxy.disclosure


def issued(record_id, number="穗天市监信告〔2026〕1号") -> RepairNoticeIssued:
    return RepairNoticeIssued(
        record_id=record_id, document_id=uuid.uuid4(), kind="repair_notice",
        kind_label="信用修复告知书", number=number, issued_on=date(2026, 12, 7),
        verification_code=uuid.uuid4().hex[:12].upper(),
        document_url="http://127.0.0.1:8000/api/v1/public/documents/pdf?code=X",
        subject_code="91440106MA59ABCD1M", subject_name="广州告知有限公司",
        legal_rep_phone="13912345678", earliest_date=date(2027, 11, 2),
        issued_at=datetime.now(UTC))


def deliver(amqp_uri, *events) -> list[uuid.UUID]:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    declare_subscription(channel, SUBSCRIPTION)
    ids = []
    for event in events:
        envelope = EventEnvelope(event_type=event.event_type, source=event.source,
                                 data=event.model_dump(mode="json"))
        ids.append(envelope.message_id)
        channel.basic_publish("workflow.events", envelope.event_type,
                              json.dumps(envelope.model_dump(mode="json")).encode(),
                              pika.BasicProperties(content_type="application/json",
                                                   message_id=str(envelope.message_id)))
    connection.close()
    return ids


def wait_for(check, message, timeout=15):
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        assert time.monotonic() < deadline, message
        time.sleep(0.05)


def shown(engine, record_id) -> list:
    with engine.connect() as conn:
        return conn.execute(text("SELECT number, verification_code FROM record_documents "
                                  "WHERE record_id = :r"), {"r": str(record_id)}).all()


def claimed(engine, message_ids) -> bool:
    with engine.connect() as conn:
        return conn.execute(text(
            "SELECT count(*) FROM processed_messages WHERE consumer = "
            "'disclosure.repair_notice_issued' AND message_id = ANY(CAST(:ids AS uuid[]))"),
            {"ids": [str(i) for i in message_ids]}).scalar_one() == len(message_ids)


def test_the_issued_notice_shows_on_its_record_once_in_every_public_answer(
        engine, disclosure, amqp_uri):
    subject = add_subject(engine)
    sent = penalty(subject)
    ingest(engine, sent)
    record_id = record_id_of(engine, sent["source_record_id"])
    notice = issued(record_id)
    # twice under two message ids (and once more under the first, as a relay may)
    first, second = deliver(amqp_uri, notice, notice)
    # two workers may take them at once, the second then waiting on the first's row; once a
    # run saw that wait last until the statement timeout (15 s) and the retry settle it
    wait_for(lambda: claimed(engine, [first, second]), "the notices were not handled",
             timeout=60)
    assert shown(engine, record_id) == [(notice.number, notice.verification_code)]
    expected = [{"kind": "repair_notice", "kind_label": "信用修复告知书", "number": notice.number,
                 "issued_on": "2026-12-07", "verification_code": notice.verification_code}]
    [record] = disclosure.lookup_subject(code=subject["code"])["records"]
    assert record["documents"] == expected
    assert disclosure.get_record(record_id=str(record_id))["record"]["documents"] == expected
    found = disclosure.search_records(query={"name": subject["name"]})["items"]
    assert [i["record"]["documents"] for i in found] == [expected]


def test_a_notice_for_a_record_the_registry_does_not_hold_is_dead_lettered(
        engine, disclosure, amqp_uri):
    stray = uuid.uuid4()
    deliver(amqp_uri, issued(stray))

    def dead_lettered():
        connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
        try:
            return connection.channel().queue_declare(SUBSCRIPTION.dead_letter_queue,
                                                      passive=True).method.message_count
        finally:
            connection.close()

    wait_for(dead_lettered, "the stray notice was not dead-lettered", timeout=60)
    assert shown(engine, stray) == []
