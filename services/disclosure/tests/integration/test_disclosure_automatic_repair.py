"""Automatic repair against the run's RabbitMQ and PostgreSQL: the publicity system's
filings go through the real inbound consumer process and cure the listings they answer
(once, whatever the order of filing and listing), a filing for an unknown subject is
dead-lettered and writes nothing, one that cures nothing is kept and changes nothing, the
rule version in force chooses removal at once or by an officer, and workflow's decision
takes the record off the list once, under its document's number."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from datetime import date, datetime, timedelta, UTC

import pika
import pytest
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import text
from sqlalchemy.orm import Session
from stdnum.cn import uscc

from credit_common import dlq
from credit_common.broker_users import partner_uri
from credit_common.clock import now
from credit_common.contracts.envelope import EventEnvelope
from credit_common.contracts.events import ListingRemovalDecided
from credit_common.contracts.interagency import AnnualReportFiled, InstantInfoPublished
from credit_common.reference.partner_agencies import partner_of_agency
from credit_common.testing import isolation
from credit_common.topology import (INTERAGENCY_EXCHANGE, INTERAGENCY_INBOUND_QUEUE,
                                    declare_subscription, find_subscription)
from disclosure.handlers import automatic_repair
from disclosure.adapters.unit_of_work import DisclosureUnitOfWork
from disclosure.domain.filings import cure_for
from disclosure.domain.rules import terms_on
from disclosure.service import DisclosureService

DEAD_LETTERS = INTERAGENCY_INBOUND_QUEUE + ".dlq"
PUBLICITY_SYSTEM = partner_of_agency("gd-gsxt").broker_user
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
ANNUAL, INSTANT = "annual_report.filed.v1", "instant_info.published.v1"
TODAY = now().date()


def new_uscc(prefix="91") -> str:
    n = uuid.uuid4().int
    body = prefix + "440106" + "".join(ALPHABET[(n >> (5 * i)) % 31] for i in range(9))
    return body + uscc.calc_check_digit(body + "0")


@pytest.fixture(scope="module")
def consumer(test_run_id, amqp_uri, database_urls, tmp_path_factory):
    log_path = tmp_path_factory.mktemp("inbound") / "inbound.log"
    env = {**os.environ, **isolation.environment(test_run_id)}
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "disclosure", "inbound"], env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while "inbound: consuming" not in log_path.read_text():
        assert process.poll() is None and time.monotonic() < deadline, log_path.read_text()
        time.sleep(0.1)
    yield process
    process.terminate()
    process.wait(15)


@pytest.fixture
def channel(amqp_uri, consumer):
    """The publicity system's channel: it logs in as its own broker user."""
    harness = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    harness.channel().queue_purge(DEAD_LETTERS)
    harness.close()
    connection = pika.BlockingConnection(pika.URLParameters(partner_uri(amqp_uri, "gd-gsxt")))
    channel = connection.channel()
    channel.confirm_delivery()
    yield channel
    connection.close()


@pytest.fixture
def engine(db_engine):
    return db_engine["disclosure"]


@pytest.fixture
def disclosure(container_factory, nameko_config):
    container_factory(DisclosureService, nameko_config).start()
    with ClusterRpcProxy(nameko_config) as proxy:
        yield proxy.disclosure


def add_subject(engine, kind="enterprise") -> dict:
    subject = {"id": uuid.uuid4(), "code": new_uscc({"enterprise": "91",
                                                      "individual_business": "92",
                                                      "cooperative": "93"}[kind])}
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO subjects (id, uscc, name, kind, district_code, registration_unit_code) "
            "VALUES (:id, :code, :name, :kind, '440106', '44010601')"),
            {**subject, "name": f"广州补报测试{uuid.uuid4().hex[:6]}有限公司", "kind": kind})
    return subject


def add_listing(engine, subject, listed_on: date, reason="annual_report_overdue",
                record_type="abnormal_operation_list") -> uuid.UUID:
    record_id = uuid.uuid4()
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO records (id, subject_id, record_type, listing_reason, listing_date, "
            "listing_unit_code, listing_document_number, source_record_id, district_code) "
            "VALUES (:id, :s, :t, :r, :d, '44010601', '穗天市监异〔2026〕7号', :ref, '440106')"),
            {"id": record_id, "s": subject["id"], "t": record_type, "r": reason,
             "d": listed_on, "ref": f"test-{record_id}"})
    return record_id


def annual_report(code, filed_on=TODAY - timedelta(days=10), correction=False) -> dict:
    return {"schema_version": "1.0", "message_id": str(uuid.uuid4()), "source_agency": "gd-gsxt",
            "occurred_at": datetime.now(UTC).isoformat(),
            "payload": {"subject_code": code, "report_year": TODAY.year - 1,
                        "filed_on": filed_on.isoformat(), "correction": correction}}


def instant_info(code, published_on=TODAY - timedelta(days=10), correction=False) -> dict:
    return {"schema_version": "1.0", "message_id": str(uuid.uuid4()), "source_agency": "gd-gsxt",
            "occurred_at": datetime.now(UTC).isoformat(),
            "payload": {"subject_code": code, "published_on": published_on.isoformat(),
                        "items": ["股东认缴和实缴的出资额"], "correction": correction}}


def publish(channel, body, routing_key=ANNUAL):
    raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    channel.basic_publish(INTERAGENCY_EXCHANGE, routing_key, raw, pika.BasicProperties(
        content_type="application/json", delivery_mode=2,
        message_id=body.get("message_id") if isinstance(body, dict) else None,
        user_id=PUBLICITY_SYSTEM))


def wait_for(predicate, timeout=15):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def handled(engine, message_id) -> bool:
    with engine.connect() as conn:
        return conn.execute(text("SELECT 1 FROM processed_messages WHERE message_id = :m"),
                            {"m": str(message_id)}).first() is not None


def cures(engine, record_ids) -> dict:
    with engine.connect() as conn:
        return {row.record_id: (row.removal, row.rule_version) for row in conn.execute(text(
            "SELECT record_id, removal, rule_version FROM listing_cures "
            "WHERE record_id = ANY(CAST(:r AS uuid[]))"), {"r": [str(r) for r in record_ids]})}


def cured_events(engine, record_id) -> list[dict]:
    with engine.connect() as conn:
        return [row[0] for row in conn.execute(text(
            "SELECT body FROM outbox WHERE routing_key = 'listing_cured' "
            "AND body->'data'->>'record_id' = :r ORDER BY id"), {"r": str(record_id)})]


def filings_of(engine, message_id) -> list:
    with engine.connect() as conn:
        return conn.execute(text("SELECT kind, listings_matched FROM filings "
                                 "WHERE message_id = :m"), {"m": message_id}).all()


def expected_removal(kind, record_type="abnormal_operation_list",
                     reason="annual_report_overdue") -> str:
    return cure_for(terms_on(TODAY).listing_cures, kind, record_type, reason).removal


def test_a_filed_annual_report_cures_the_listings_it_answers_once(channel, engine,
                                                                  disclosure):
    subject = add_subject(engine)
    answered = add_listing(engine, subject, TODAY - timedelta(days=120))
    other_reason = add_listing(engine, subject, TODAY - timedelta(days=120),
                               reason="unreachable_address")
    listed_later = add_listing(engine, subject, TODAY - timedelta(days=2))
    body = annual_report(subject["code"])
    publish(channel, body)
    publish(channel, body)  # the publicity system resends it
    wait_for(lambda: handled(engine, body["message_id"]))
    time.sleep(0.5)  # the second copy has come and gone
    assert filings_of(engine, body["message_id"]) == [("annual_report", 1)]
    assert cures(engine, [answered, other_reason, listed_later]) == {
        answered: (expected_removal("annual_report"), terms_on(TODAY).version)}
    [event] = cured_events(engine, answered)
    data = event["data"]
    assert (data["filing_kind"], data["listing_unit_code"], data["subject_code"],
            data["rule_version"], data["removal"]) == (
        "annual_report", "44010601", subject["code"], terms_on(TODAY).version,
        expected_removal("annual_report"))
    assert data["filing_agency_name"] == "国家企业信用信息公示系统（广东）"
    page = disclosure.get_record(str(answered))
    assert page["record"]["publicity_state"] == "active"   # removed once workflow decides
    assert (page["cure"]["removable"], page["cure"]["removable_label"],
            page["cure"]["filing_kind_label"]) == (True, "可移出", "补报年度报告并公示")
    assert disclosure.get_record(str(other_reason))["cure"] is None


@pytest.mark.parametrize("case, expected", [
    ("unknown subject", "UNKNOWN_SUBJECT"),
    ("bad checksum", "INVALID_SUBJECT_CODE"),
    ("future date", "DATE_IN_FUTURE"),
    ("missing report year", "INVALID_MESSAGE"),
    ("no published items", "INVALID_MESSAGE"),
])
def test_a_bad_filing_is_dead_lettered_with_its_reason_and_writes_nothing(
        channel, engine, amqp_uri, consumer, case, expected):
    subject = add_subject(engine)
    record = add_listing(engine, subject, TODAY - timedelta(days=60))
    body, routing_key = annual_report(subject["code"]), ANNUAL
    if case == "unknown subject":
        body = annual_report(new_uscc())
    elif case == "bad checksum":
        code = subject["code"]
        body = annual_report(code[:-1] + ("0" if code[-1] != "0" else "1"))
    elif case == "future date":
        body = annual_report(subject["code"], filed_on=TODAY + timedelta(days=1))
    elif case == "missing report year":
        del body["payload"]["report_year"]
    else:
        body, routing_key = instant_info(subject["code"]), INSTANT
        body["payload"]["items"] = []
    publish(channel, body, routing_key)
    wait_for(lambda: dlq.queue_depths(amqp_uri, [DEAD_LETTERS])[DEAD_LETTERS] == 1)
    [dead] = dlq.list_messages(amqp_uri, DEAD_LETTERS)
    assert dead["reason"].startswith(expected), dead["reason"]
    assert filings_of(engine, body["message_id"]) == []
    assert not handled(engine, body["message_id"])
    assert cures(engine, [record]) == {} and cured_events(engine, record) == []
    assert consumer.poll() is None, "the consumer died of a bad filing"


def test_a_filing_that_cures_nothing_is_recorded_and_changes_nothing(channel, engine):
    subject = add_subject(engine)
    unreachable = add_listing(engine, subject, TODAY - timedelta(days=60),
                              reason="unreachable_address")
    with engine.connect() as conn:
        before = conn.execute(text("SELECT publicity_state, version FROM records WHERE id = :r"),
                              {"r": unreachable}).one()
    body = instant_info(subject["code"])
    publish(channel, body, INSTANT)
    wait_for(lambda: handled(engine, body["message_id"]))
    assert filings_of(engine, body["message_id"]) == [("instant_info", 0)]
    assert cures(engine, [unreachable]) == {} and cured_events(engine, unreachable) == []
    with engine.connect() as conn:
        assert conn.execute(text("SELECT publicity_state, version FROM records WHERE id = :r"),
                            {"r": unreachable}).one() == before
        assert conn.execute(text("SELECT count(*) FROM record_history WHERE record_id = :r"),
                            {"r": unreachable}).scalar_one() == 0


def sweep(engine) -> int:
    with Session(engine) as session, session.begin():
        return automatic_repair.cure_waiting_listings(TODAY, 30, DisclosureUnitOfWork(session))


@pytest.mark.parametrize("filing_first", [True, False], ids=["filing-first", "listing-first"])
def test_filing_and_listing_in_either_order_cure_the_listing_once(channel, engine,
                                                                   filing_first):
    subject = add_subject(engine)
    filed_on = TODAY - timedelta(days=10)
    body = instant_info(subject["code"], published_on=filed_on)
    if filing_first:
        publish(channel, body, INSTANT)
        wait_for(lambda: handled(engine, body["message_id"]))
        assert filings_of(engine, body["message_id"]) == [("instant_info", 0)]
    # the listing the filing answers, and one made after the filing, which it cannot answer
    answered = add_listing(engine, subject, filed_on - timedelta(days=30),
                           reason="instant_info_not_published")
    after = add_listing(engine, subject, filed_on + timedelta(days=1),
                        reason="instant_info_not_published")
    if not filing_first:
        publish(channel, body, INSTANT)
        wait_for(lambda: handled(engine, body["message_id"]))
    sweep(engine)
    sweep(engine)   # a second instance, or the next tick, finds nothing more to do
    removal = expected_removal("instant_info", reason="instant_info_not_published")
    assert cures(engine, [answered, after]) == {answered: (removal, terms_on(TODAY).version)}
    assert len(cured_events(engine, answered)) == 1


def filing_message(model, body):
    return model.model_validate(body)


def test_the_rule_version_in_force_chooses_removal_at_once_or_by_an_officer(engine):
    """The 2021 baseline leaves a filed annual report's listing to the listing unit; the
    2025-12-25 version removes it at once (disclosure/domain/rules.py)."""
    outcomes = {}
    for today in (date(2025, 12, 1), date(2026, 1, 5)):
        subject = add_subject(engine)
        record = add_listing(engine, subject, today - timedelta(days=90))
        message = filing_message(AnnualReportFiled, annual_report(
            subject["code"], filed_on=today - timedelta(days=3)))
        with Session(engine) as session, session.begin():
            assert automatic_repair.ingest_filing(message, DisclosureUnitOfWork(session),
                                                  today) == "cured 1"
        outcomes[today] = cures(engine, [record])[record]
        [event] = cured_events(engine, record)
        assert event["data"]["removal"] == outcomes[today][0]
    assert outcomes == {date(2025, 12, 1): ("officer_confirmation", "2021-baseline"),
                        date(2026, 1, 5): ("immediate", "2025-12-25")}


def test_a_correction_of_false_information_waits_for_the_listing_unit(engine):
    subject = add_subject(engine)
    record = add_listing(engine, subject, TODAY - timedelta(days=90),
                         reason="false_information")
    message = filing_message(InstantInfoPublished, instant_info(subject["code"],
                                                                correction=True))
    with Session(engine) as session, session.begin():
        automatic_repair.ingest_filing(message, DisclosureUnitOfWork(session))
    assert cures(engine, [record])[record][0] == "officer_confirmation"


def removal_decided(amqp_uri, record_id, document_number, record_type="abnormal_operation_list",
                    outcome="remove_from_list") -> EventEnvelope:
    event = ListingRemovalDecided(
        removal_id=uuid.uuid4(), record_id=record_id, record_type=record_type,
        outcome=outcome, document_number=document_number,
        decided_at=datetime.now(UTC),
        note="系统自动移出：列入事由已消除（规则版本 2025-12-25）")
    envelope = EventEnvelope(event_type=event.event_type, source=event.source,
                             data=event.model_dump(mode="json"))
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    declare_subscription(channel, find_subscription("workflow", "listing_removal_decided",
                                                    "disclosure"))
    for _ in range(2):  # the relay may publish a row twice
        channel.basic_publish("workflow.events", event.event_type,
                              json.dumps(envelope.model_dump(mode="json")).encode(),
                              pika.BasicProperties(content_type="application/json",
                                                   message_id=str(envelope.message_id)))
    connection.close()
    return envelope


def announced(engine, record_id) -> list[dict]:
    with engine.connect() as conn:
        return [r[0]["payload"] for r in conn.execute(text(
            "SELECT body FROM outbox WHERE routing_key = 'record.publicity_changed.v1' "
            "AND body->'payload'->>'record_id' = :r ORDER BY id"), {"r": str(record_id)})]


@pytest.mark.parametrize("kind, record_type, outcome, state", [
    ("enterprise", "abnormal_operation_list", "remove_from_list", "removed"),
    ("individual_business", "individual_abnormal_status", "restore_normal_status", "restored"),
    ("cooperative", "cooperative_abnormal_list", "remove_from_list", "removed"),
])
def test_workflows_decision_takes_the_record_off_once_under_its_document_number(
        disclosure, engine, amqp_uri, kind, record_type, outcome, state):
    subject = add_subject(engine, kind)
    record = add_listing(engine, subject, TODAY - timedelta(days=90), record_type=record_type)
    number = f"穗天市监信移〔{TODAY.year}〕{uuid.uuid4().int % 10**6}号"
    first = removal_decided(amqp_uri, record, number, record_type, outcome)
    again = removal_decided(amqp_uri, record, number, record_type, outcome)  # same document
    wait_for(lambda: handled(engine, first.message_id) and handled(engine, again.message_id))
    page = disclosure.get_record(str(record))
    assert page["record"]["publicity_state"] == state
    [entry] = page["history"]
    assert (entry["from_state"], entry["to_state"], entry["cause_kind"], entry["cause_ref"]) == (
        "active", state, "decision", number)
    assert "列入事由已消除" in entry["note"]
    [change] = announced(engine, record)
    assert (change["to_state"], change["cause_ref"]) == (state, number)


def test_a_record_no_longer_listed_stays_as_it_is(disclosure, engine, amqp_uri):
    subject = add_subject(engine)
    record = add_listing(engine, subject, TODAY - timedelta(days=90))
    # an approved application took it off meanwhile
    disclosure.apply_repair_outcome(f"D-{uuid.uuid4().hex[:8]}", str(record), "remove_from_list")
    envelope = removal_decided(amqp_uri, record, f"穗天市监信移〔{TODAY.year}〕"
                                                 f"{uuid.uuid4().int % 10**6}号")
    wait_for(lambda: handled(engine, envelope.message_id))
    history = disclosure.get_record(str(record))["history"]
    assert [h["cause_kind"] for h in history] == ["decision"]
    assert len(announced(engine, record)) == 1
