"""Other agencies' messages through the real consumer process: applied exactly once, newer
versions update, withdrawals end publicity, bad messages are dead-lettered with the reason
and nothing of them is written, and the consumer survives all of it. Partners publish as
their own broker users with ``user_id`` set; a message without one, from a user that is no
partner, or naming another agency than its sender's is refused."""

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
from sqlalchemy import text
from stdnum.cn import uscc

from credit_common import dlq
from credit_common.broker_users import partner_uri
from credit_common.reference.partner_agencies import partner_of_agency
from credit_common.testing import isolation
from credit_common.topology import INTERAGENCY_EXCHANGE, INTERAGENCY_INBOUND_QUEUE

DEAD_LETTERS = INTERAGENCY_INBOUND_QUEUE + ".dlq"
SENDER = partner_of_agency("gz-env").broker_user
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def new_uscc() -> str:
    n = uuid.uuid4().int
    body = "91440106" + "".join(ALPHABET[(n >> (5 * i)) % 31] for i in range(9))
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
    """The environmental agency's channel: it logs in as its own broker user."""
    harness = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    harness.channel().queue_purge(DEAD_LETTERS)
    harness.close()
    connection = pika.BlockingConnection(pika.URLParameters(partner_uri(amqp_uri, "gz-env")))
    channel = connection.channel()
    channel.confirm_delivery()
    yield channel
    connection.close()


UPSERTED, WITHDRAWN = "record.upserted.v1", "record.withdrawn.v1"


def message(agency="gz-env", **record_changes) -> dict:
    return {"schema_version": "1.0", "message_id": str(uuid.uuid4()), "source_agency": agency,
            "occurred_at": datetime.now(UTC).isoformat(), "payload": {
                "source_record_id": f"env-{uuid.uuid4().hex[:10]}", "version": 1,
                "subject_code": new_uscc(), "subject_name": "广州总线测试环保有限公司",
                "district_code": "440106", "decision_number": "穗环罚〔2026〕88号",
                "decision_date": "2026-05-01", "penalty_kinds": ["fine"],
                "fine_amount": "20000.00", "deciding_department_name": "广州市生态环境局",
                **record_changes}}


def withdrawal(source_record_id, version, agency="gz-env") -> dict:
    body = message(agency)
    body["payload"] = {"source_record_id": source_record_id, "version": version,
                       "reason": "经行政复议撤销"}
    return body


def publish(channel, body, routing_key=UPSERTED, user_id=SENDER):
    raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    message_id = body.get("message_id") if isinstance(body, dict) else None
    channel.basic_publish(INTERAGENCY_EXCHANGE, routing_key, raw, pika.BasicProperties(
        content_type="application/json", delivery_mode=2, message_id=message_id,
        user_id=user_id))


def wait_for(predicate, timeout=10):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def stored(db_engine, agency, source_record_id):
    with db_engine["disclosure"].connect() as conn:
        return conn.execute(text(
            "SELECT publicity_state, source_version, decision_number FROM records "
            "WHERE source_agency = :a AND source_record_id = :r"),
            {"a": agency, "r": source_record_id}).all()


def test_a_record_published_twice_is_stored_once_and_announced_once(channel, db_engine):
    body = message()
    publish(channel, body)
    publish(channel, body)
    ref = body["payload"]["source_record_id"]
    wait_for(lambda: stored(db_engine, "gz-env", ref))
    time.sleep(0.5)
    assert stored(db_engine, "gz-env", ref) == [("active", 1, "穗环罚〔2026〕88号")]
    with db_engine["disclosure"].connect() as conn:
        announced = conn.execute(text(
            "SELECT count(*) FROM outbox WHERE body->'payload'->'source_record'->>'id' = :r"),
            {"r": ref}).scalar_one()
    assert announced == 1


def test_a_newer_version_updates_an_older_one_is_ignored_and_a_withdrawal_ends_it(
        channel, db_engine):
    first = message()
    ref = first["payload"]["source_record_id"]
    publish(channel, first)
    wait_for(lambda: stored(db_engine, "gz-env", ref))
    newer = message(**{**first["payload"], "version": 3, "decision_number": "穗环罚〔2026〕99号"})
    publish(channel, newer)
    wait_for(lambda: stored(db_engine, "gz-env", ref)[0][1] == 3)
    older = message(**{**first["payload"], "version": 2, "decision_number": "旧的"})
    publish(channel, older)
    publish(channel, withdrawal(ref, 4), routing_key=WITHDRAWN)
    wait_for(lambda: stored(db_engine, "gz-env", ref)[0][0] == "removed")
    assert stored(db_engine, "gz-env", ref) == [("removed", 4, "穗环罚〔2026〕99号")]


@pytest.mark.parametrize("case, expected", [
    ("not json", "INVALID_MESSAGE"),
    ("unknown schema version", "INVALID_MESSAGE"),
    ("missing field", "INVALID_MESSAGE"),
    ("bad checksum", "INVALID_SUBJECT_CODE"),
    ("unknown district", "UNKNOWN_DISTRICT"),
    ("future date", "DATE_IN_FUTURE"),
    ("withdrawal of an unknown record", "UNKNOWN_RECORD"),
    ("withdrawal sent as an upsert", "INVALID_MESSAGE"),
])
def test_a_bad_message_is_dead_lettered_with_its_reason_and_writes_nothing(
        channel, db_engine, amqp_uri, consumer, case, expected):
    body = message()
    ref = body["payload"]["source_record_id"]
    routing_key = UPSERTED
    if case == "not json":
        body = b"{not json"
    elif case == "unknown schema version":
        body["schema_version"] = "9.9"
    elif case == "missing field":
        del body["payload"]["decision_date"]
    elif case == "bad checksum":
        code = body["payload"]["subject_code"]
        body["payload"]["subject_code"] = code[:-1] + ("0" if code[-1] != "0" else "1")
    elif case == "unknown district":
        body["payload"]["district_code"] = "999999"
    elif case == "future date":
        body["payload"]["decision_date"] = "2099-01-01"
    elif case == "withdrawal of an unknown record":
        body, routing_key = withdrawal("never-published", 1), WITHDRAWN
    else:
        body = withdrawal(ref, 1)
    publish(channel, body, routing_key=routing_key)
    wait_for(lambda: dlq.queue_depths(amqp_uri, [DEAD_LETTERS])[DEAD_LETTERS] == 1)
    [dead] = [m for m in dlq.list_messages(amqp_uri, DEAD_LETTERS)]
    assert dead["reason"].startswith(expected), dead["reason"]
    assert dead["original_queue"] == INTERAGENCY_INBOUND_QUEUE
    assert stored(db_engine, "gz-env", ref) == []
    assert consumer.poll() is None, "the consumer died of a bad message"


def dead_letter(amqp_uri) -> dict:
    wait_for(lambda: dlq.queue_depths(amqp_uri, [DEAD_LETTERS])[DEAD_LETTERS] == 1)
    [dead] = dlq.list_messages(amqp_uri, DEAD_LETTERS)
    return dead


def test_a_message_naming_another_agency_than_its_sender_is_refused(
        channel, db_engine, amqp_uri, consumer):
    body = message(agency="gz-tax")  # sent by the environmental agency's user
    publish(channel, body)
    dead = dead_letter(amqp_uri)
    assert dead["reason"].startswith("AGENCY_MISMATCH"), dead["reason"]
    assert stored(db_engine, "gz-tax", body["payload"]["source_record_id"]) == []
    assert consumer.poll() is None


def test_a_message_without_user_id_is_refused(channel, db_engine, amqp_uri):
    body = message()
    publish(channel, body, user_id=None)
    assert dead_letter(amqp_uri)["reason"].startswith("MISSING_USER_ID")
    assert stored(db_engine, "gz-env", body["payload"]["source_record_id"]) == []


def test_a_message_from_a_user_that_is_no_partner_is_refused(channel, db_engine, amqp_uri):
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))  # the harness: guest
    try:
        guest = connection.channel()
        guest.confirm_delivery()
        body = message()
        publish(guest, body, user_id="guest")
        assert dead_letter(amqp_uri)["reason"].startswith("UNKNOWN_PARTNER")
    finally:
        connection.close()
    assert stored(db_engine, "gz-env", body["payload"]["source_record_id"]) == []


def test_a_replayed_dead_letter_is_applied_as_its_original_senders(
        channel, db_engine, amqp_uri, test_run_id):
    record = message()
    ref = record["payload"]["source_record_id"]
    publish(channel, withdrawal(ref, 2), routing_key=WITHDRAWN)  # before its record: refused
    assert dead_letter(amqp_uri)["reason"].startswith("UNKNOWN_RECORD")
    publish(channel, record)
    wait_for(lambda: stored(db_engine, "gz-env", ref))
    # make dlq-replay: disclosure's own user sends it back; the sender stays gz-env's
    disclosure_uri = isolation.amqp_uri_template(test_run_id).format(service="disclosure")
    assert dlq.replay(disclosure_uri, DEAD_LETTERS, service="disclosure") == 1
    wait_for(lambda: stored(db_engine, "gz-env", ref)[0][0] == "removed")
    assert dlq.queue_depths(amqp_uri, [DEAD_LETTERS])[DEAD_LETTERS] == 0


# -- the bureau's own listings and removals ------------------------------------------------

@pytest.fixture
def bureau(amqp_uri, consumer):
    """The market supervision bureau's own systems: a partner allowed the four lists."""
    harness = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    harness.channel().queue_purge(DEAD_LETTERS)
    harness.close()
    connection = pika.BlockingConnection(pika.URLParameters(partner_uri(amqp_uri, "gz-amr")))
    channel = connection.channel()
    channel.confirm_delivery()
    yield channel
    connection.close()


BUREAU = partner_of_agency("gz-amr").broker_user


def listing_message(**changes) -> dict:
    body = message(agency="gz-amr")
    body["payload"] = {"source_record_id": f"amr-{uuid.uuid4().hex[:10]}", "version": 1,
                       "record_type": "abnormal_operation_list", "subject_code": new_uscc(),
                       "subject_name": "广州名单总线测试有限公司", "subject_kind": "enterprise",
                       "district_code": "440106", "listing_reason": "annual_report_overdue",
                       "listing_date": "2026-07-01", "listing_unit_code": "44010601",
                       "listing_document_number": "穗天市监异〔2026〕77号", **changes}
    return body


def listed(db_engine, source_record_id):
    with db_engine["disclosure"].connect() as conn:
        return conn.execute(text(
            "SELECT publicity_state, source_version, record_type, listing_reason, listing_date,"
            " listing_unit_code, obligations_fulfilled_on FROM records "
            "WHERE source_agency = 'gz-amr' AND source_record_id = :r"),
            {"r": source_record_id}).all()


def history(db_engine, source_record_id):
    with db_engine["disclosure"].connect() as conn:
        return conn.execute(text(
            "SELECT h.to_state, h.note FROM record_history h JOIN records r ON r.id = h.record_id"
            " WHERE r.source_agency = 'gz-amr' AND r.source_record_id = :r ORDER BY h.id"),
            {"r": source_record_id}).all()


def test_the_bureau_lists_a_subject_and_removes_it_again_each_once(bureau, db_engine):
    body = listing_message(obligations_fulfilled_on="2026-08-01")
    ref = body["payload"]["source_record_id"]
    publish(bureau, body, user_id=BUREAU)
    publish(bureau, body, user_id=BUREAU)
    wait_for(lambda: listed(db_engine, ref))
    [row] = listed(db_engine, ref)
    assert tuple(row) == ("active", 1, "abnormal_operation_list", "annual_report_overdue",
                          date(2026, 7, 1), "44010601", date(2026, 8, 1))
    removal = withdrawal(ref, 2, agency="gz-amr")
    removal["payload"].update(reason="已补报年度报告", document_number="穗天市监移〔2026〕5号")
    publish(bureau, removal, routing_key=WITHDRAWN, user_id=BUREAU)
    wait_for(lambda: listed(db_engine, ref)[0][0] == "removed")
    assert history(db_engine, ref) == [("active", ""),
                                       ("removed", "已补报年度报告（穗天市监移〔2026〕5号）")]


def test_an_individual_business_s_abnormal_status_is_restored_when_removed(bureau, db_engine):
    code = new_uscc()[:-1]
    code = "92" + code[2:]
    code += uscc.calc_check_digit(code + "0")
    body = listing_message(record_type="individual_abnormal_status", subject_code=code,
                           subject_kind="individual_business", subject_name="天河区测试便利店")
    ref = body["payload"]["source_record_id"]
    publish(bureau, body, user_id=BUREAU)
    wait_for(lambda: listed(db_engine, ref))
    publish(bureau, withdrawal(ref, 2, agency="gz-amr"), routing_key=WITHDRAWN, user_id=BUREAU)
    wait_for(lambda: listed(db_engine, ref)[0][0] == "restored")


@pytest.mark.parametrize("changes, expected", [
    ({"listing_date": "2026-02-30"}, "INVALID_MESSAGE"),           # no such day
    ({"record_type": "blacklist"}, "INVALID_MESSAGE"),             # no such list
    ({"decision_number": "穗罚〔2026〕1号"}, "INVALID_MESSAGE"),   # a penalty's field
    ({"listing_reason": "serious_violation"}, "REASON_NOT_OF_LIST"),
    ({"subject_kind": "cooperative"}, "SUBJECT_KIND_MISMATCH"),
    ({"listing_unit_code": "44010401"}, "UNKNOWN_UNIT"),           # 越秀's office, 天河's record
    ({"listing_date": "2099-01-01"}, "DATE_IN_FUTURE"),
])
def test_a_bad_listing_is_dead_lettered_with_its_reason_and_writes_nothing(
        bureau, db_engine, amqp_uri, consumer, changes, expected):
    body = listing_message(**changes)
    publish(bureau, body, user_id=BUREAU)
    dead = dead_letter(amqp_uri)
    assert dead["reason"].startswith(expected), dead["reason"]
    assert listed(db_engine, body["payload"]["source_record_id"]) == []
    assert consumer.poll() is None


def test_another_department_may_not_list_a_subject(channel, db_engine, amqp_uri):
    body = listing_message()
    body["source_agency"] = "gz-env"
    publish(channel, body)                       # the environmental agency's own user
    dead = dead_letter(amqp_uri)
    assert dead["reason"].startswith("UNSUPPORTED_RECORD_TYPE"), dead["reason"]
    with db_engine["disclosure"].connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM records WHERE source_record_id = :r"),
                            {"r": body["payload"]["source_record_id"]}).scalar_one() == 0


def test_a_removal_of_a_listing_that_already_ended_changes_nothing_and_is_not_refused(
        bureau, db_engine, amqp_uri):
    body = listing_message(record_type="serious_illegal_list", listing_reason="serious_violation",
                           listing_unit_code="440106")
    ref = body["payload"]["source_record_id"]
    publish(bureau, body, user_id=BUREAU)
    wait_for(lambda: listed(db_engine, ref))
    with db_engine["disclosure"].begin() as conn:  # its term ended: the daily job's doing
        conn.execute(text("UPDATE records SET publicity_state = 'expired' WHERE "
                          "source_agency = 'gz-amr' AND source_record_id = :r"), {"r": ref})
    publish(bureau, withdrawal(ref, 2, agency="gz-amr"), routing_key=WITHDRAWN, user_id=BUREAU)
    wait_for(lambda: listed(db_engine, ref)[0][1] == 2)
    assert listed(db_engine, ref)[0][0] == "expired"
    assert [state for state, _ in history(db_engine, ref)] == ["active"]
    assert dlq.queue_depths(amqp_uri, [DEAD_LETTERS])[DEAD_LETTERS] == 0
