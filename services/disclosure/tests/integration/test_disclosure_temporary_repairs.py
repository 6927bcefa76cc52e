"""Temporary repair during a bankruptcy reorganisation against the run's broker and database:
intake's changes arriving through the real queue, in either order and twice; what they
announce on the inter-agency bus and tell intake; and the expiry job run by several instances
at once ending each repair once."""

from __future__ import annotations

import json
import threading
import time
import uuid
from datetime import date, timedelta

import pika
import pytest
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import text
from sqlalchemy.orm import Session

from credit_common.clock import now
from credit_common.contracts.envelope import EventEnvelope
from credit_common.contracts.reorganisation import ReorganisationChanged
from credit_common.topology import declare_subscription, find_subscription
from disclosure.adapters.unit_of_work import DisclosureUnitOfWork
from disclosure.handlers.temporary_repairs import expire_temporary_repairs
from disclosure.handlers.temporary_repairs import apply_reorganisation_change
from disclosure.service import DisclosureService
from stdnum.cn import uscc

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def add_subject(engine, name, *, records=1, listing_date=date(2026, 6, 1)):
    """A subject on the abnormal list ``records`` times (what a reorganisation hides)."""
    n = uuid.uuid4().int
    body = "91440106" + "".join(ALPHABET[(n >> (5 * i)) % 31] for i in range(9))
    code = body + uscc.calc_check_digit(body + "0")
    subject_id = uuid.uuid4()
    record_ids = [uuid.uuid4() for _ in range(records)]
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO subjects (id, uscc, name, kind, district_code, registration_unit_code, "
            "legal_rep_name, legal_rep_document_number, legal_rep_phone) VALUES (:id, :uscc, "
            ":name, 'enterprise', '440106', '44010601', '陈某', '440106199001011235', "
            "'13912345678')"), {"id": subject_id, "uscc": code, "name": name})
        for record_id in record_ids:
            conn.execute(text(
                "INSERT INTO records (id, subject_id, record_type, listing_reason, listing_date,"
                " listing_unit_code, source_record_id, district_code) VALUES (:id, :s, "
                "'abnormal_operation_list', 'annual_report_overdue', :day, '44010601', :ref, "
                "'440106')"), {"id": record_id, "s": subject_id, "day": listing_date,
                               "ref": f"test-{record_id}"})
    return {"id": subject_id, "code": code, "records": record_ids}


@pytest.fixture
def disclosure(container_factory, nameko_config):
    container_factory(DisclosureService, nameko_config).start()
    with ClusterRpcProxy(nameko_config) as proxy:
        yield proxy.disclosure


@pytest.fixture
def engine(db_engine):
    return db_engine["disclosure"]


RULINGS = {
    "granted": {"kind": "reorganisation_accepted", "court": "广州市中级人民法院",
                "case_number": "（2026）粤01破12号", "ruling_date": "2026-10-01",
                "debtor_name": "广州重整测试有限公司", "debtor_code": "91440106MA59ABCD1M"},
    "plan_confirmed": {"kind": "plan_confirmed", "court": "广州市中级人民法院",
                       "case_number": "（2026）粤01破12号之三", "ruling_date": "2026-11-20"},
    "terminated": {"kind": "reorganisation_terminated", "court": "广州市中级人民法院",
                   "case_number": "（2026）粤01破12号之五", "ruling_date": "2026-11-20"},
}


def reorganisation_change(application_id, subject, change, expires_on=None):
    return ReorganisationChanged(
        application_id=application_id, acceptance_number="XF-440106-20261101-000001",
        subject_code=subject["code"], record_ids=subject["records"], change=change,
        ruling=RULINGS.get(change), expires_on=expires_on or date(2027, 7, 1),
        decision_id="case:7", occurred_at=now())


def publish(amqp_uri, event, message_id=None) -> uuid.UUID:
    envelope = EventEnvelope(event_type=event.event_type, source=event.source,
                             data=event.model_dump(mode="json"),
                             **({"message_id": message_id} if message_id else {}))
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    declare_subscription(channel, find_subscription("intake", "reorganisation_changed",
                                                    "disclosure"))
    channel.basic_publish("intake.events", event.event_type,
                          json.dumps(envelope.model_dump(mode="json")).encode(),
                          pika.BasicProperties(content_type="application/json",
                                               message_id=str(envelope.message_id)))
    connection.close()
    return envelope.message_id


def wait_until_handled(engine, message_id, timeout=15):
    deadline = time.monotonic() + timeout
    while True:
        with engine.connect() as conn:
            if conn.execute(text("SELECT 1 FROM processed_messages WHERE message_id = :m"),
                            {"m": str(message_id)}).first():
                return
        assert time.monotonic() < deadline, "the reorganisation change was not handled in time"
        time.sleep(0.05)


def states(engine, record_ids) -> list[str]:
    with engine.connect() as conn:
        found = dict(conn.execute(text(
            "SELECT id, publicity_state FROM records WHERE id = ANY(:ids)"),
            {"ids": list(record_ids)}).all())
    return [found[i] for i in record_ids]


def announced(engine, record_ids) -> list[tuple[str, str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT body FROM outbox WHERE routing_key = 'record.publicity_changed.v1' "
            "AND body->'payload'->>'record_id' = ANY(:ids) ORDER BY id"),
            {"ids": [str(i) for i in record_ids]}).scalars()
        return [(b["payload"]["from_state"], b["payload"]["to_state"],
                 b["payload"]["cause_kind"]) for b in rows]


def told_intake(engine, application_id) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT body FROM outbox WHERE exchange = 'disclosure.events' "
            "AND routing_key = 'temporary_repair_changed' "
            "AND body->'data'->>'application_id' = :a ORDER BY id"),
            {"a": str(application_id)}).scalars()
        return [(b["data"]["state"], b["data"]["cause"]) for b in rows]


@pytest.mark.parametrize("grant_first", [True, False], ids=["grant-first",
                                                           "confirmation-first"])
def test_a_grant_and_its_confirmation_in_either_order_repair_the_records_once(
        disclosure, engine, amqp_uri, grant_first):
    subject = add_subject(engine, "广州重整顺序测试有限公司", records=2,
                          listing_date=date(2026, 6, 1))
    application_id = uuid.uuid4()
    steps = [reorganisation_change(application_id, subject, "granted"),
             reorganisation_change(application_id, subject, "plan_confirmed")]
    first = None
    for event in (steps if grant_first else reversed(steps)):
        message_id = publish(amqp_uri, event)
        first = first or (event, message_id)
        wait_until_handled(engine, message_id)
    assert states(engine, subject["records"]) == ["removed", "removed"]
    # the first change delivered again (the relay's re-publication), then a termination
    # that comes too late: neither changes anything
    publish(amqp_uri, first[0], message_id=first[1])
    wait_until_handled(engine, publish(amqp_uri, reorganisation_change(
        application_id, subject, "terminated")))
    assert states(engine, subject["records"]) == ["removed", "removed"]

    if grant_first:
        assert announced(engine, subject["records"]) == [
            ("active", "temporarily_repaired", "temporary_repair")] * 2 + [
            ("temporarily_repaired", "removed", "reorganisation_plan_confirmed")] * 2
        assert told_intake(engine, application_id) == [("temporary", "granted"),
                                                       ("final", "plan_confirmed")]
    else:
        assert announced(engine, subject["records"]) == [
            ("active", "removed", "reorganisation_plan_confirmed")] * 2
        assert told_intake(engine, application_id) == [("final", "plan_confirmed")]
    [repair] = disclosure.temporary_repairs_of_subject(subject["code"])
    assert (repair["state"], repair["end_cause"], repair["ending_ruling"]["case_number"]) == (
        "final", "plan_confirmed", "（2026）粤01破12号之三")
    history = disclosure.get_record(str(subject["records"][0]))["history"]
    assert history[-1]["cause_ref"] == "（2026）粤01破12号之三"


def test_a_termination_publicises_the_records_again_and_tells_intake(disclosure, engine,
                                                                    amqp_uri):
    subject = add_subject(engine, "广州重整终止测试有限公司", records=1,
                          listing_date=date(2026, 6, 1))
    application_id = uuid.uuid4()
    for change in ("granted", "terminated"):
        wait_until_handled(engine, publish(amqp_uri, reorganisation_change(
            application_id, subject, change)))
    assert states(engine, subject["records"]) == ["active"]
    assert announced(engine, subject["records"]) == [
        ("active", "temporarily_repaired", "temporary_repair"),
        ("temporarily_repaired", "active", "reorganisation_terminated")]
    assert told_intake(engine, application_id) == [("temporary", "granted"),
                                                   ("reinstated", "terminated")]


def test_the_expiry_job_ends_each_due_repair_once_with_several_instances(engine):
    today = date(2032, 3, 1)  # a day no other test uses
    due = [add_subject(engine, f"广州重整到期测试{n}有限公司", records=2,
                       listing_date=date(2026, 6, 1)) for n in range(3)]
    running = add_subject(engine, "广州重整未到期测试有限公司", records=1,
                          listing_date=date(2026, 6, 1))
    ids = {}
    with Session(engine) as session, session.begin():
        uow = DisclosureUnitOfWork(session)
        for subject, last_day in [*((s, today - timedelta(days=1)) for s in due),
                                  (running, today)]:
            ids[subject["code"]] = uuid.uuid4()
            event = reorganisation_change(ids[subject["code"]], subject, "granted",
                                          expires_on=last_day)
            apply_reorganisation_change(EventEnvelope(
                event_type=event.event_type, source=event.source,
                data=event.model_dump(mode="json")), uow)
    ended, errors = [], []

    def run_job():
        try:
            with Session(engine) as session, session.begin():
                ended.append(expire_temporary_repairs(today, DisclosureUnitOfWork(session)))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run_job) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(ended) == 3
    for subject in due:
        assert states(engine, subject["records"]) == ["active", "active"]
        assert announced(engine, subject["records"])[-2:] == [
            ("temporarily_repaired", "active", "temporary_repair_expired")] * 2
        assert told_intake(engine, ids[subject["code"]]) == [("temporary", "granted"),
                                                             ("reinstated", "expired")]
    assert states(engine, running["records"]) == ["temporarily_repaired"]  # its last day
    with Session(engine) as session, session.begin():
        assert expire_temporary_repairs(today, DisclosureUnitOfWork(session)) == 0
