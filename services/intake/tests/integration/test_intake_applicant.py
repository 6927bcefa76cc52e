"""Intake's applicant operations in a real container against the run's broker and database:
login limits, codes stored only as hashes, rule versions, and records held by one open
application even when two drafts race for them."""

from __future__ import annotations

import concurrent.futures
import random
import uuid
from datetime import timedelta, UTC

import pytest
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import bindparam, text

from credit_common.clock import now
from credit_common.testing import payloads
from credit_common.testing.files import minimal_pdf, minimal_png
from intake.service import IntakeService


@pytest.fixture
def intake(container_factory, nameko_config, clean_queues):
    container = container_factory(IntakeService, nameko_config)
    container.start()
    with ClusterRpcProxy(nameko_config) as proxy:
        yield proxy.intake


def phone() -> str:
    return "137" + f"{random.randrange(10**8):08d}"


def code_of(remote_error) -> str:
    return remote_error.value.split(":", 1)[0]


def test_codes_are_stored_only_as_hashes_and_rate_limited_per_phone_and_ip(intake, db_engine):
    number = phone()
    issued = intake.request_login_code(number, "10.1.1.1")
    assert len(issued["code"]) == 6 and issued["expires_in"] == 300
    with db_engine["intake"].connect() as conn:
        stored = conn.execute(text("SELECT code_hash FROM login_codes WHERE phone = :p"),
                              {"p": number}).scalar_one()
    assert issued["code"] not in stored and len(stored) == 64
    with pytest.raises(RemoteError) as raised:
        intake.request_login_code(number, "10.1.1.1")
    assert code_of(raised.value) == "CODE_REQUESTED_TOO_OFTEN"

    # ten a day per phone: make the earlier ones old enough for the resend interval
    with db_engine["intake"].begin() as conn:
        for n in range(9):
            conn.execute(text(
                "INSERT INTO login_codes (phone, purpose, code_hash, issued_at, expires_at) "
                "VALUES (:p, 'login', 'x', now() - interval '2 hours' - :n * interval '1 minute',"
                " now())"), {"p": number, "n": n})
        conn.execute(text("UPDATE login_codes SET issued_at = now() - interval '3 hours' "
                          "WHERE phone = :p AND code_hash <> 'x'"), {"p": number})
    with pytest.raises(RemoteError) as raised:
        intake.request_login_code(number, "10.1.1.1")
    assert code_of(raised.value) == "DAILY_CODE_LIMIT"

    # per IP address: 30 an hour by default, whatever the phones
    ip = f"10.9.{random.randrange(255)}.{random.randrange(255)}"
    for _ in range(30):
        intake.request_login_code(phone(), ip)
    with pytest.raises(RemoteError) as raised:
        intake.request_login_code(phone(), ip)
    assert code_of(raised.value) == "IP_CODE_LIMIT"


def test_codes_older_than_two_days_are_deleted_as_new_ones_are_issued(intake, db_engine):
    old_phone, recent_phone = phone(), phone()
    with db_engine["intake"].begin() as conn:
        for who, age in ((old_phone, "3 days"), (old_phone, "50 hours"),
                         (recent_phone, "47 hours")):
            conn.execute(text(
                "INSERT INTO login_codes (phone, purpose, code_hash, issued_at, expires_at) "
                "VALUES (:p, 'login', 'x', now() - CAST(:age AS interval), now())"),
                {"p": who, "age": age})
    intake.request_login_code(phone())
    with db_engine["intake"].connect() as conn:
        left = conn.execute(text(
            "SELECT phone, count(*) FROM login_codes WHERE phone IN (:a, :b) GROUP BY phone"),
            {"a": old_phone, "b": recent_phone}).all()
    assert dict(left) == {recent_phone: 1}


def test_sessions_a_month_past_their_expiry_are_deleted_as_new_ones_open(intake, db_engine):
    ended = {}
    with db_engine["intake"].begin() as conn:
        for age in ("31 days", "40 days", "29 days"):
            ended[age] = uuid.uuid4()
            conn.execute(text(
                "INSERT INTO sessions (id, principal_id, phone, refresh_hash, created_at, "
                "refreshed_at, expires_at) VALUES (:id, :id, :p, :h, now() - interval '60 days', "
                "now() - interval '60 days', now() - CAST(:age AS interval))"),
                {"id": ended[age], "p": phone(), "h": uuid.uuid4().hex, "age": age})
    number = phone()
    opened = intake.log_in(number, intake.request_login_code(number)["code"])
    with db_engine["intake"].connect() as conn:
        left = set(conn.execute(text("SELECT id FROM sessions WHERE id IN :ids").bindparams(
            bindparam("ids", expanding=True)), {"ids": list(ended.values())}).scalars())
    assert left == {ended["29 days"]}
    assert intake.session_active(opened["session_id"], opened["applicant_id"]) is True


def test_an_expired_code_is_refused_and_a_good_one_opens_a_session(intake, db_engine):
    number = phone()
    first = intake.request_login_code(number)["code"]
    with db_engine["intake"].begin() as conn:
        conn.execute(text("UPDATE login_codes SET expires_at = now() - interval '1 second', "
                          "issued_at = now() - interval '10 minutes' WHERE phone = :p"),
                     {"p": number})
    with pytest.raises(RemoteError) as raised:
        intake.log_in(number, first)
    assert code_of(raised.value) == "CODE_EXPIRED"
    second = intake.request_login_code(number)["code"]
    session = intake.log_in(number, second)
    mine = session["applicant_id"]
    assert intake.session_active(session["session_id"], mine) is True
    # a live session is nobody else's: a token naming another applicant is refused
    assert intake.session_active(session["session_id"], str(uuid.uuid4())) is False
    intake.log_out(session["session_id"])
    assert intake.session_active(session["session_id"], mine) is False
    assert intake.session_active("not-a-uuid", mine) is False


def test_the_logged_in_applicant_is_read_by_id_the_token_carries_no_phone(intake):
    number = phone()
    applicant = intake.log_in(number, intake.request_login_code(number)["code"])["applicant_id"]
    assert intake.applicant(applicant) == {
        "id": applicant, "phone": number, "phone_masked": f"{number[:3]}****{number[-4:]}",
        "phones_masked": [f"{number[:3]}****{number[-4:]}"]}
    for unknown in (str(uuid.uuid4()), "not-a-uuid"):
        with pytest.raises(RemoteError) as raised:
            intake.applicant(unknown)
        assert code_of(raised.value) == "APPLICANT_NOT_FOUND"


def add_officer(db_engine, roles: list[str], active: bool = True) -> str:
    officer_id = str(uuid.uuid4())
    with db_engine["workflow"].begin() as conn:
        conn.execute(text(
            "INSERT INTO officers (id, phone, name, unit_code, roles, active) VALUES (:id, :p, "
            "'测试人员', '440100', :r, :a)"),
            {"id": officer_id, "p": phone(), "r": roles, "a": active})
    return officer_id


@pytest.fixture
def workflow(container_factory, nameko_config):
    """Workflow owns the officers: intake asks it whether a caller is an administrator."""
    from workflow.service import WorkflowService
    container_factory(WorkflowService, nameko_config).start()


def test_rule_versions_are_refused_inside_intake_to_a_caller_without_the_role(
        intake, workflow, db_engine):
    rules = {"record_types": {"penalty_publicity": {"article": "新规", "min_publicity_months": 3,
                                                    "materials": ["application_form"]}}}
    for caller, expected in ((None, "ROLE_REQUIRED"),
                             (add_officer(db_engine, ["handler", "approver"]), "ROLE_REQUIRED"),
                             (add_officer(db_engine, ["administrator"], active=False),
                              "OFFICER_DISABLED"),
                             (str(uuid.uuid4()), "OFFICER_DISABLED")):
        for call in (lambda caller=caller: intake.rule_versions(admin_id=caller),
                     lambda caller=caller: intake.add_rule_version("t-x", "2099-01-01", "s",
                                                                   rules, admin_id=caller)):
            with pytest.raises(RemoteError) as raised:
                call()
            assert (raised.value.exc_type, code_of(raised.value)) == ("Forbidden", expected)


def test_an_administrator_adds_a_rule_version_for_a_future_date(intake, workflow, db_engine):
    # the business day is Shanghai's; and a version this test adds must never come into force
    # while the run's later suites share these databases (a day ahead did, at midnight)
    today = now().date()
    later = (today + timedelta(days=3650)).isoformat()
    rules = {"record_types": {"penalty_publicity": {"article": "新规", "min_publicity_months": 3,
                                                    "materials": ["application_form"]}}}
    version = f"t-{uuid.uuid4().hex[:6]}"
    admin = add_officer(db_engine, ["administrator"])
    added = intake.add_rule_version(version, later, "测试规则", rules, admin)
    assert added == {"version": version, "effective_from": later, "source": "测试规则"}
    listed = {v["version"]: v for v in intake.rule_versions(admin)}
    assert listed["2021.1"]["effective_from"] == "2021-07-30"
    assert listed[version]["created_by"] == admin
    assert listed[version]["rules"] == rules   # the administrator reads what each version says
    for bad, expected in (
        ((version + "x", today.isoformat(), "s", rules), "EFFECTIVE_DATE_NOT_IN_FUTURE"),
        ((version, (today + timedelta(days=9)).isoformat(), "s", rules),
         "RULE_VERSION_EXISTS"),
        ((version + "y", "2099-13-01", "s", rules), "INVALID_DATE"),
        ((version + "z", "2099-01-01", "s", {"record_types": {"nope": {}}}), "INVALID_RULES"),
    ):
        with pytest.raises(RemoteError) as raised:
            intake.add_rule_version(*bad, admin)
        assert code_of(raised.value) == expected


def test_an_invalid_rule_version_is_refused_field_by_field_and_nothing_is_stored(
        intake, workflow, db_engine):
    admin = add_officer(db_engine, ["administrator"])
    later = (now().date() + timedelta(days=3650)).isoformat()

    def stored() -> int:
        with db_engine["intake"].connect() as conn:
            return conn.execute(text("SELECT count(*) FROM rule_versions")).scalar_one()

    before = stored()
    for rules, field in (
        ({"record_types": {"penalty_publicity": {"article": "新规", "min_publicity_month": 3}}},
         "rules.record_types.penalty_publicity.min_publicity_month"),
        ({"record_types": {"penalty_publicity": {"article": "新规",
                                                 "not_repairable_penalty_kinds": ["jail"]}}},
         "rules.record_types.penalty_publicity.not_repairable_penalty_kinds.0"),
        ({"record_types": {"serious_illegal_list": {"article": "新规",
                                                    "min_listed_months": "twelve"}}},
         "rules.record_types.serious_illegal_list.min_listed_months"),
    ):
        with pytest.raises(RemoteError) as raised:
            intake.add_rule_version(f"t-{uuid.uuid4().hex[:6]}", later, "测试规则", rules, admin)
        assert (raised.value.exc_type, code_of(raised.value)) == ("ValidationFailed",
                                                                  "INVALID_RULES")
        assert field in raised.value.value and "规则内容不符合要求" in raised.value.value
    assert stored() == before


def test_the_baseline_refuses_a_penalty_of_a_subject_on_the_abnormal_list(intake):
    """As a new applicant would find it: the penalty of a subject with an active abnormal
    listing is not "符合信用修复条件"."""
    number = phone()
    applicant = intake.log_in(number, intake.request_login_code(number)["code"])["applicant_id"]
    code = "91440106MA5" + uuid.uuid4().hex[:6].upper()
    intake.bind_subject(applicant, subject_snapshot(code), "manual", 1)
    fine = payloads.registry_record(
        penalty_kinds=["fine"], fine_amount="50000.00", penalty_domain="other",
        decision_date="2025-01-10", publicity_start_date="2025-01-10",
        obligations_fulfilled_on="2025-02-01")
    listed = payloads.registry_record(
        record_type="abnormal_operation_list", listing_reason="annual_report_overdue",
        listing_date="2026-01-05", subject_id=fine["subject_id"])
    alone = intake.assess_records(applicant, code, [fine], "penalty_publicity")
    assert alone[0]["eligibility"]["eligible"] is True
    [answer] = intake.assess_records(applicant, code, [fine, listed], "penalty_publicity")
    assert answer["eligibility"]["eligible"] is False
    assert answer["eligibility"]["reason_code"] == "LISTED_NOW"
    assert answer["eligibility"]["rule_version"] == "2021.1"


def subject_snapshot(code: str) -> dict:
    return payloads.subject_snapshot(code=code, uscc=code, name="广州并发测试有限公司",
                                     address="广州市")


def test_two_drafts_racing_for_one_record_leave_it_in_exactly_one(intake, nameko_config):
    number = phone()
    session = intake.log_in(number, intake.request_login_code(number)["code"])
    applicant = session["applicant_id"]
    code = "91440106MA5" + uuid.uuid4().hex[:6].upper()
    intake.bind_subject(applicant, subject_snapshot(code), "manual", 1)
    intake.acknowledge_guide(applicant, "abnormal_operation_list", 1)
    record = payloads.registry_record(
        record_type="abnormal_operation_list", listing_reason="annual_report_overdue",
        listing_date="2026-01-05", district_code="440106", listing_unit_code="44010601")

    def draft(_):
        with ClusterRpcProxy(nameko_config) as proxy:
            try:
                return proxy.intake.create_draft(applicant, code, "abnormal_operation_list",
                                                  [record["id"]], {}, [record])["status"]
            except RemoteError as exc:
                return code_of(exc)

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        outcomes = sorted(pool.map(draft, range(4)))
    assert outcomes == ["RECORD_IN_OPEN_APPLICATION"] * 3 + ["draft"], outcomes


PDF = minimal_pdf()


def publish_from_workflow(amqp_uri, event):
    import json

    import pika

    from credit_common.contracts.envelope import EventEnvelope
    from credit_common.topology import declare_subscription, find_subscription

    envelope = EventEnvelope(event_type=event.event_type, source="workflow",
                             data=event.model_dump(mode="json"))
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    declare_subscription(channel, find_subscription("workflow", event.event_type, "intake"))
    channel.basic_publish("workflow.events", event.event_type,
                          json.dumps(envelope.model_dump(mode="json")).encode(),
                          pika.BasicProperties(content_type="application/json",
                                               message_id=str(envelope.message_id)))
    connection.close()
    return envelope


def publish_case_status(amqp_uri, application, case_version, status, note=None,
                        case_id=None):
    from datetime import datetime

    from credit_common.contracts.events import CaseStatusChanged

    return publish_from_workflow(amqp_uri, CaseStatusChanged(
        case_id=case_id or uuid.uuid4(), application_id=application["id"],
        acceptance_number=application["acceptance_number"], case_version=case_version,
        status=status, note=note, occurred_at=datetime.now(UTC)))


def publish_case_opened(amqp_uri, application, case_id):
    from datetime import datetime

    from credit_common.contracts.events import CaseOpened

    return publish_from_workflow(amqp_uri, CaseOpened(
        case_id=case_id, application_id=application["id"],
        acceptance_number=application["acceptance_number"],
        opened_at=datetime.now(UTC)))


def wait_for_status(intake, applicant, application_id, status, timeout=10):
    import time

    deadline = time.monotonic() + timeout
    while True:
        detail = intake.application_detail(applicant, application_id)
        if detail["status"] == status:
            return detail
        assert time.monotonic() < deadline, detail["status"]
        time.sleep(0.05)


def submitted_application(intake):
    """A logged-in applicant's list-removal application, submitted: (applicant, number,
    record, application)."""
    import base64

    number = phone()
    applicant = intake.log_in(number, intake.request_login_code(number)["code"])["applicant_id"]
    code = "91440106MA5" + uuid.uuid4().hex[:6].upper()
    intake.bind_subject(applicant, subject_snapshot(code), "manual", 1)
    intake.acknowledge_guide(applicant, "abnormal_operation_list", 1)
    record = payloads.registry_record(
        record_type="abnormal_operation_list", listing_reason="annual_report_overdue",
        listing_date="2026-01-05", district_code="440106", listing_unit_code="44010601")
    draft = intake.create_draft(applicant, code, "abnormal_operation_list", [record["id"]],
                                {"contact_name": "陈某", "contact_phone": number}, [record])
    for kind in ("application_form", "commitment", "correction_proof"):
        intake.add_material(applicant, draft["id"], kind, "a.pdf",
                            base64.b64encode(PDF).decode())
    return applicant, number, record, intake.submit(applicant, draft["id"], [record])


@pytest.mark.parametrize("opened_first", [True, False], ids=["opened-first", "accepted-first"])
def test_the_case_opening_and_its_acceptance_in_either_order_leave_it_accepted(
        intake, amqp_uri, opened_first):
    applicant, _, _, submitted = submitted_application(intake)
    case_id = uuid.uuid4()
    if opened_first:
        publish_case_opened(amqp_uri, submitted, case_id)
        wait_for_status(intake, applicant, submitted["id"], "pending_acceptance")
        publish_case_status(amqp_uri, submitted, 2, "accepted", case_id=case_id)
        detail = wait_for_status(intake, applicant, submitted["id"], "accepted")
    else:
        publish_case_status(amqp_uri, submitted, 2, "accepted", case_id=case_id)
        wait_for_status(intake, applicant, submitted["id"], "accepted")
        publish_case_opened(amqp_uri, submitted, case_id)
        detail = wait_for_case(intake, applicant, submitted["id"], case_id)
    assert detail["status"] == "accepted" and detail["case_id"] == str(case_id)


def wait_for_case(intake, applicant, application_id, case_id, timeout=10):
    import time

    deadline = time.monotonic() + timeout
    while True:
        detail = intake.application_detail(applicant, application_id)
        if detail["case_id"] == str(case_id):
            return detail
        assert time.monotonic() < deadline, detail["case_id"]
        time.sleep(0.05)


def outbox_events(db_engine, application_id) -> list[str]:
    """The events intake staged for one application, in order (status changes with their
    status)."""
    with db_engine["intake"].connect() as conn:
        rows = conn.execute(text(
            "SELECT routing_key, body->'data'->>'status' FROM outbox "
            "WHERE body->'data'->>'application_id' = :a ORDER BY id"), {"a": application_id})
        return [f"{key}:{status}" if status else key for key, status in rows]


def test_a_withdrawal_is_announced_once(intake, db_engine):
    applicant, _, _, submitted = submitted_application(intake)
    withdrawn = intake.withdraw(applicant, submitted["id"], "已自行整改完毕")
    assert withdrawn["status"] == "withdrawn"
    assert outbox_events(db_engine, submitted["id"]) == ["application_submitted",
                                                         "application_withdrawn"]


def test_returned_for_correction_then_resubmitted_under_the_same_number(intake, amqp_uri,
                                                                        db_engine):
    import base64

    applicant, number, record, submitted = submitted_application(intake)
    draft = submitted
    publish_case_status(amqp_uri, submitted, 1, "accepted")
    wait_for_status(intake, applicant, draft["id"], "accepted")
    publish_case_status(amqp_uri, submitted, 2, "returned", "请补充 2025 年度报告的公示截图")
    detail = wait_for_status(intake, applicant, draft["id"], "returned")
    assert detail["editable"] is True
    assert detail["timeline"][-1]["note"] == "退回补正：请补充 2025 年度报告的公示截图"
    publish_case_status(amqp_uri, submitted, 1, "accepted")  # late: must not move it back

    changed = intake.update_draft(applicant, draft["id"], {
        "contact_name": "陈某", "contact_phone": number}, detail["version"])
    intake.add_material(applicant, draft["id"], "other", "截图.png",
                        base64.b64encode(minimal_png()).decode())
    again = intake.submit(applicant, draft["id"], [record])
    assert again["acceptance_number"] == submitted["acceptance_number"]
    assert again["status"] == "submitted" and again["version"] > changed["version"]
    statuses = [t["to_status"] for t in intake.application_detail(applicant, draft["id"])[
        "timeline"]]
    assert statuses == ["draft", "submitted", "accepted", "returned", "submitted"]

    publish_case_status(amqp_uri, again, 3, "pending_acceptance")  # workflow reopened it
    wait_for_status(intake, applicant, draft["id"], "pending_acceptance")
    publish_case_status(amqp_uri, again, 4, "approved")
    decided = wait_for_status(intake, applicant, draft["id"], "repaired")
    assert decided["status_label"] == "予以修复" and decided["decided_at"]
    with pytest.raises(RemoteError) as raised:
        intake.withdraw(applicant, draft["id"])
    assert code_of(raised.value) == "APPLICATION_ALREADY_DECIDED"
    # every change announced once, in order, the late step and the refusal not at all
    assert outbox_events(db_engine, draft["id"]) == [
        "application_submitted", "application_status_changed:accepted",
        "application_status_changed:returned", "application_submitted",
        "application_status_changed:pending_acceptance",
        "application_status_changed:repaired"]
