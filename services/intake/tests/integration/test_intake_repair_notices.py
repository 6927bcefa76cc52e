"""Intake and 两书同达 on the run's RabbitMQ and PostgreSQL: a recorded own penalty gets the
terms of its 信用修复告知书 from the rule version in force (the migrated baseline), announced
once per message; a malformed announcement is dead-lettered and announces nothing."""

from __future__ import annotations

import json
import time
import uuid
from datetime import date, datetime, UTC

import pika
import pytest
from sqlalchemy import text

from credit_common.clock import now
from credit_common.contracts.envelope import EventEnvelope
from credit_common.contracts.events import PenaltyRecorded, RepairNoticeRequested
from credit_common.testing import payloads
from credit_common.topology import declare_subscription, find_subscription
from intake.domain.eligibility import add_months
from intake.service import IntakeService

SUBSCRIPTION = find_subscription("disclosure", "penalty_recorded", "intake")
TODAY = now().date()


@pytest.fixture
def intake(container_factory, nameko_config, clean_queues):
    container_factory(IntakeService, nameko_config).start()


def recorded(decided: date, **record) -> PenaltyRecorded:
    record_id = uuid.uuid4()
    return PenaltyRecorded(
        record_id=record_id, decision_number="穗天市监处罚〔2026〕41号", decision_date=decided,
        deciding_unit_code="44010601", district_code="440106",
        subject_code="91440106MA59ABCD1M", subject_name="广州告知有限公司",
        subject_kind="enterprise", legal_rep_name="陈大文", legal_rep_phone="13912345678",
        record=payloads.registry_record(**{
            "id": str(record_id), "record_type": "penalty_publicity",
            "penalty_kinds": ["fine"], "fine_amount": "50000.00", "penalty_domain": "food",
            "decision_date": decided.isoformat(), "publicity_start_date": decided.isoformat(),
            "deciding_unit_code": "44010601", **record}),
        recorded_at=datetime.now(UTC))


def deliver(amqp_uri, *envelopes) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    declare_subscription(channel, SUBSCRIPTION)
    for envelope in envelopes:
        channel.basic_publish("disclosure.events", envelope.event_type,
                              json.dumps(envelope.model_dump(mode="json")).encode(),
                              pika.BasicProperties(content_type="application/json",
                                                   message_id=str(envelope.message_id)))
    connection.close()


def envelope_of(event) -> EventEnvelope:
    return EventEnvelope(event_type=event.event_type, source=event.source,
                         data=event.model_dump(mode="json"))


def requests(engine, record_id) -> list[RepairNoticeRequested]:
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT body FROM outbox WHERE routing_key = 'repair_notice_requested' "
            "AND body->'data'->>'record_id' = :r ORDER BY id"), {"r": str(record_id)}
        ).scalars().all()
    return [RepairNoticeRequested.model_validate(r["data"]) for r in rows]


def wait_for(check, message, timeout=15):
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        assert time.monotonic() < deadline, message
        time.sleep(0.05)


def test_the_terms_come_from_the_rule_version_in_force_once_per_message(intake, db_engine,
                                                                        amqp_uri):
    event = recorded(TODAY)
    envelope = envelope_of(event)
    deliver(amqp_uri, envelope, envelope)   # the relay may publish a row twice
    [requested] = wait_for(lambda: requests(db_engine["intake"], event.record_id),
                           "no request for the notice")
    assert (requested.repairable, requested.earliest_date, requested.decision_number,
            requested.legal_rep_phone) == (True, add_months(TODAY, 12), "穗天市监处罚〔2026〕41号",
                                           "13912345678")
    assert requested.rule_version and requested.article
    assert requested.conditions[0] == "行政处罚信息公示满 12 个月"
    assert "信用修复申请书" in requested.materials
    with db_engine["intake"].connect() as conn:
        assert conn.execute(text(
            "SELECT count(*) FROM processed_messages WHERE message_id = :m"),
            {"m": str(envelope.message_id)}).scalar_one() == 1
    assert len(requests(db_engine["intake"], event.record_id)) == 1


def test_a_severe_penalty_is_told_it_is_not_repaired_by_application(intake, db_engine,
                                                                   amqp_uri):
    event = recorded(TODAY, penalty_kinds=["fine", "business_licence_revocation"])
    deliver(amqp_uri, envelope_of(event))
    [requested] = wait_for(lambda: requests(db_engine["intake"], event.record_id),
                           "no request for the notice")
    assert (requested.repairable, requested.earliest_date, requested.materials) == (
        False, None, [])
    assert "不予提前移出公示" in requested.reason


def test_a_malformed_announcement_is_dead_lettered_and_requests_nothing(intake, db_engine,
                                                                       amqp_uri):
    event = recorded(TODAY)
    bad = EventEnvelope(event_type=event.event_type, source=event.source,
                        data={**event.model_dump(mode="json"),
                              "record": {**event.record, "decision_number": None,
                                         "penalty_kinds": ["no_such_kind"]}})
    deliver(amqp_uri, bad)

    def dead_lettered():
        connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
        try:
            return connection.channel().queue_declare(SUBSCRIPTION.dead_letter_queue,
                                                      passive=True).method.message_count
        finally:
            connection.close()

    wait_for(dead_lettered, "the malformed announcement was not dead-lettered", timeout=60)
    assert requests(db_engine["intake"], event.record_id) == []
