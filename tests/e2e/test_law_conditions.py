"""What the law asks beyond the record itself, through the gateway and the bus, on every
real process: a penalty is not repaired while its subject is on the abnormal (or serious)
list, as a new applicant finds; the bureau's own listings and removals arrive on the bus and
change that answer; a serious-list repair is refused at the approval when a new listing
arrived after submission; an invalid rule version (eligibility or publicity terms) is 422
with a stable code and nothing is stored."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, UTC

import pika
import pytest
from sqlalchemy import text

from credit_common import dlq
from credit_common.broker_users import partner_uri
from credit_common.reference.partner_agencies import partner_of_agency
from credit_common.testing.platform import wait_until
from credit_common.topology import INTERAGENCY_INBOUND_DEAD_LETTER_QUEUE
from tests.e2e import registry
from tests.e2e.test_applicant_journey import PDF, TODAY, assert_error, prepare, upload
from tests.e2e.test_officer_journey import act, add_officer, case_in_todo, officer_login

BUREAU = "gz-amr"


@pytest.fixture
def disclosure_db(db_engine):
    return db_engine["disclosure"]


@pytest.fixture
def bureau(platform, amqp_uri):
    """Publishes as the market supervision bureau's own systems (a partner allowed the lists)."""
    connection = pika.BlockingConnection(pika.URLParameters(partner_uri(amqp_uri, BUREAU)))
    channel = connection.channel()
    channel.confirm_delivery()

    def publish(routing_key: str, payload: dict) -> str:
        body = {"schema_version": "1.0", "message_id": str(uuid.uuid4()),
                "source_agency": BUREAU, "occurred_at": datetime.now(UTC).isoformat(),
                "payload": payload}
        channel.basic_publish("interagency", routing_key,
                              json.dumps(body, ensure_ascii=False).encode(),
                              pika.BasicProperties(content_type="application/json",
                                                   delivery_mode=2,
                                                   message_id=body["message_id"],
                                                   user_id=partner_of_agency(BUREAU).broker_user))
        return body["message_id"]

    yield publish
    connection.close()


def listing(subject: dict, record_type="abnormal_operation_list", **changes) -> dict:
    return {"source_record_id": f"amr-{uuid.uuid4().hex[:10]}", "version": 1,
            "record_type": record_type, "subject_code": subject["uscc"],
            "subject_name": subject["name"], "subject_kind": subject["kind"],
            "district_code": subject["district_code"],
            "listing_reason": "annual_report_overdue", "listing_date": TODAY.isoformat(),
            "listing_unit_code": subject["district_code"] + "01",
            "listing_document_number": f"穗天市监异〔{TODAY.year}〕{uuid.uuid4().int % 9999}号",
            **changes}


def answers(http, headers, subject, record_type="penalty_publicity") -> dict:
    found = http.get(f"/api/v1/applicant/subjects/{subject['uscc']}/records",
                     params={"type": record_type}, headers=headers)
    assert found.status_code == 200, found.text
    return {i["record"]["id"]: i["eligibility"] for i in found.json()["items"]}


def test_a_new_applicant_s_penalty_is_not_eligible_while_the_subject_is_on_the_abnormal_list(
        http, disclosure_db):
    phone, subject, headers = prepare(http, disclosure_db)
    penalty = registry.add_penalty(disclosure_db, subject,
                                   publicity_start=TODAY - timedelta(days=400))
    registry.add_listing(disclosure_db, subject, listed_on=TODAY - timedelta(days=60))
    answer = answers(http, headers, subject)[penalty]
    assert answer["eligible"] is False, answer
    assert answer["reason_code"] == "LISTED_NOW" and "经营异常名录" in answer["reason"]
    assert answer["rule_version"] == "2021.1" and answer["article"]
    refused = http.post("/api/v1/applicant/applications", headers=headers, json={
        "subject_code": subject["uscc"], "record_type": "penalty_publicity",
        "record_ids": [penalty], "contact_name": "陈大文", "contact_phone": phone})
    assert_error(refused, 422, "RECORD_NOT_ELIGIBLE")
    assert refused.json()["details"]["reason_code"] == "LISTED_NOW"


def test_a_penalty_whose_fine_the_registry_does_not_know_paid_asks_for_the_proof(
        http, disclosure_db):
    _phone, subject, headers = prepare(http, disclosure_db)
    penalty = registry.add_penalty(disclosure_db, subject,
                                   publicity_start=TODAY - timedelta(days=400))
    answer = answers(http, headers, subject)[penalty]
    assert answer["eligible"] is True and answer["reason_code"] is None
    assert "上传履行义务的证明材料" in answer["reason"]
    with disclosure_db.begin() as conn:
        conn.execute(text("UPDATE records SET obligations_fulfilled_on = :d WHERE id = :id"),
                     {"d": TODAY - timedelta(days=300), "id": penalty})
    assert answers(http, headers, subject)[penalty]["reason"] == "符合信用修复条件"


def test_the_bureau_s_listing_and_removal_on_the_bus_change_the_answer(http, disclosure_db,
                                                                      bureau):
    _phone, subject, headers = prepare(http, disclosure_db)
    penalty = registry.add_penalty(disclosure_db, subject,
                                   publicity_start=TODAY - timedelta(days=400))
    assert answers(http, headers, subject)[penalty]["eligible"] is True

    listed = listing(subject, obligations_fulfilled_on=TODAY.isoformat())
    bureau("record.upserted.v1", listed)

    def public_listing():
        records = http.get(f"/api/v1/public/subjects/{subject['uscc']}").json()["records"]
        return next((r for r in records if r["record_type"] == "abnormal_operation_list"), None)

    record = wait_until(public_listing, 20, interval=0.2, message="the listing in public")
    assert (record["publicity_state"], record["listing_unit_code"], record["source_agency"]) == (
        "active", "44010601", BUREAU)
    assert record["obligations_fulfilled_on"] == TODAY.isoformat()
    assert answers(http, headers, subject)[penalty]["reason_code"] == "LISTED_NOW"

    bureau("record.withdrawn.v1", {"source_record_id": listed["source_record_id"], "version": 2,
                                   "reason": "已补报年度报告",
                                   "document_number": "穗天市监移〔2026〕12号"})
    wait_until(lambda: public_listing()["publicity_state"] == "removed", 20, interval=0.2,
               message="the listing removed")
    history = http.get(f"/api/v1/public/records/{record['id']}").json()["history"]
    assert [(h["to_state"], h["cause_kind"]) for h in history] == [("active", "message"),
                                                                  ("removed", "message")]
    assert answers(http, headers, subject)[penalty]["eligible"] is True


def test_a_bad_listing_on_the_bus_is_dead_lettered_with_a_clear_reason_and_changes_nothing(
        http, disclosure_db, bureau, amqp_uri):
    _phone, subject, _headers = prepare(http, disclosure_db)
    sent = {bureau("record.upserted.v1", listing(subject, listing_date="2026-02-30")):
            "INVALID_MESSAGE: payload.listing_date：不是有效的日期",
            bureau("record.upserted.v1", listing(subject, record_type="grey_list")):
            "INVALID_MESSAGE: payload.record_type：取值无效",
            bureau("record.upserted.v1", listing(subject, listing_reason="serious_violation")):
            "REASON_NOT_OF_LIST"}

    def dead_lettered():
        found = {m["message_id"]: m["reason"]
                 for m in dlq.list_messages(amqp_uri, INTERAGENCY_INBOUND_DEAD_LETTER_QUEUE)}
        return found if set(sent) <= set(found) else None

    reasons = wait_until(dead_lettered, 20, interval=0.2, message="the bad listings refused")
    for message_id, expected in sent.items():
        assert reasons[message_id].startswith(expected), reasons[message_id]
    records = http.get(f"/api/v1/public/subjects/{subject['uscc']}").json()["records"]
    assert records == []


def serious_case_at_approval(http, db_engine, disclosure_db):
    """A serious-list application, accepted, verified and reviewed: the approver's turn."""
    phone, subject, headers = prepare(http, disclosure_db, record_type="serious_illegal_list")
    record = registry.add_listing(disclosure_db, subject, record_type="serious_illegal_list",
                                  reason="serious_violation",
                                  listed_on=TODAY - timedelta(days=420))
    draft = http.post("/api/v1/applicant/applications", headers=headers, json={
        "subject_code": subject["uscc"], "record_type": "serious_illegal_list",
        "record_ids": [record], "contact_name": "陈大文", "contact_phone": phone})
    assert draft.status_code == 201, draft.text
    for kind in ("application_form", "commitment", "fulfilment_proof"):
        assert upload(http, headers, draft.json()["id"], kind, PDF).status_code == 201
    submitted = http.post(f"/api/v1/applicant/applications/{draft.json()['id']}/submit",
                          headers=headers)
    assert submitted.status_code == 200, submitted.text
    number = submitted.json()["acceptance_number"]
    handler = officer_login(http, add_officer(db_engine, "44010601", ["handler"]))
    reviewer = officer_login(http, add_officer(db_engine, "44010601", ["reviewer"]))
    approver = officer_login(http, add_officer(db_engine, "44010601", ["approver"]))
    version = case_in_todo(http, handler, number)["version"]
    version = act(http, handler, number, "accept", version).json()["version"]
    version = act(http, handler, number, "verify", version, opinion="已履行义务").json()["version"]
    reviewed = act(http, reviewer, number, "review", version, opinion="同意")
    assert reviewed.status_code == 200, reviewed.text
    return subject, number, reviewed.json()["version"], approver


def test_a_new_serious_listing_after_submission_refuses_the_approval(http, db_engine,
                                                                     disclosure_db, bureau):
    subject, number, version, approver = serious_case_at_approval(http, db_engine,
                                                                  disclosure_db)
    again = listing(subject, "serious_illegal_list", listing_reason="serious_violation",
                    listing_unit_code=subject["district_code"])
    bureau("record.upserted.v1", again)
    wait_until(lambda: len([r for r in http.get(f"/api/v1/public/subjects/{subject['uscc']}")
                            .json()["records"] if r["record_type"] == "serious_illegal_list"])
               == 2, 20, interval=0.2, message="the new listing in the registry")

    refused = act(http, approver, number, "approve", version, opinion="准予移出")
    assert_error(refused, 409, "RECORD_NO_LONGER_ELIGIBLE")
    assert refused.json()["details"]["reason_code"] == "LISTED_AGAIN_SINCE"
    page = http.get(f"/api/v1/officer/cases/{number}", headers=approver).json()
    assert page["case"]["status"] == "under_approval" and page["case"]["version"] == version
    rejected = act(http, approver, number, "reject", version,
                   opinion="此后又被列入严重违法失信名单")
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"


def test_without_a_new_listing_the_serious_list_repair_is_approved(http, db_engine,
                                                                   disclosure_db):
    subject, number, version, approver = serious_case_at_approval(http, db_engine,
                                                                  disclosure_db)
    approved = act(http, approver, number, "approve", version, opinion="准予移出")
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"


def test_an_invalid_eligibility_rule_version_is_422_and_nothing_is_stored(http, db_engine):
    admin = officer_login(http, add_officer(db_engine, "440100", ["administrator"]))
    before = http.get("/api/v1/admin/eligibility-rules", headers=admin).json()["items"]
    later = (TODAY + timedelta(days=3650)).isoformat()
    for rules, field in (
        ({"record_types": {"penalty_publicity": {"article": "新规",
                                                 "min_publicity_month": 3}}},
         "rules.record_types.penalty_publicity.min_publicity_month"),
        ({"record_types": {"penalty_publicity": {"article": "新规",
                                                 "not_listed_now": ["penalty_publicity"]}}},
         "rules.record_types.penalty_publicity.not_listed_now.0"),
        ({"record_types": {"blacklist": {"article": "新规"}}}, "rules.record_types.blacklist"),
    ):
        refused = http.post("/api/v1/admin/eligibility-rules", headers=admin, json={
            "version": f"t-{uuid.uuid4().hex[:6]}", "effective_from": later, "source": "测试",
            "rules": rules})
        assert_error(refused, 422, "INVALID_RULES")
        assert field in [e["field"] for e in refused.json()["details"]["errors"]]
    assert http.get("/api/v1/admin/eligibility-rules", headers=admin).json()["items"] == before


def test_publicity_terms_are_versions_an_administrator_adds_only_when_valid(http, db_engine):
    admin = officer_login(http, add_officer(db_engine, "440100", ["administrator"]))
    handler = officer_login(http, add_officer(db_engine, "440100", ["handler"]))
    url = "/api/v1/admin/publicity-terms"
    versions = http.get(url, headers=admin).json()["items"]
    assert [v["version"] for v in versions] == ["2021-baseline", "2025-12-25"]
    shipped = versions[0]["terms"]
    assert shipped["record_types"]["penalty_publicity"]["short_term_months"] == 3
    assert_error(http.get(url, headers=handler), 403, "ROLE_NOT_ALLOWED")

    later = (TODAY + timedelta(days=3650)).isoformat()
    broken = json.loads(json.dumps(shipped))
    broken["record_types"]["penalty_publicity"]["term_years"] = 0
    del broken["record_types"]["other_department_penalty"]
    refused = http.post(url, headers=admin, json={"version": "t-bad", "effective_from": later,
                                                  "source": "测试", "terms": broken})
    assert_error(refused, 422, "INVALID_RULES")
    assert {e["field"] for e in refused.json()["details"]["errors"]} == {
        "terms.record_types.penalty_publicity.term_years",
        "terms.record_types.other_department_penalty"}
    assert_error(http.post(url, headers=admin, json={
        "version": "t-today", "effective_from": TODAY.isoformat(), "source": "测试",
        "terms": shipped}), 422, "EFFECTIVE_DATE_NOT_IN_FUTURE")
    assert_error(http.post(url, headers=handler, json={
        "version": "t-x", "effective_from": later, "source": "测试", "terms": shipped}),
        403, "ROLE_NOT_ALLOWED")
    assert http.get(url, headers=admin).json()["items"] == versions

    version = f"t-{uuid.uuid4().hex[:6]}"
    added = http.post(url, headers=admin, json={"version": version, "effective_from": later,
                                                "source": "测试规定", "terms": shipped})
    try:
        assert added.status_code == 201, added.text
        assert [v["version"] for v in http.get(url, headers=admin).json()["items"]][-1] == \
            version
        assert_error(http.post(url, headers=admin, json={
            "version": version, "effective_from": later, "source": "测试", "terms": shipped}),
            409, "RULE_VERSION_EXISTS")
    finally:
        with db_engine["disclosure"].begin() as conn:
            conn.execute(text("DELETE FROM publicity_term_versions WHERE version = :v"),
                         {"v": version})
