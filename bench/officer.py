"""The officer's hot paths at city scale: the todo list with 100,000 open cases in
``credit_bench_workflow`` (generated once, in SQL, and reused), and a transition (accept)
through the gateway."""

from __future__ import annotations

import time
import uuid

import httpx
import sqlalchemy as sa

from credit_common.reference.organisation import DISTRICTS, offices_of
from credit_common.testing.platform import latest_login_code

from bench import data_scale, database
from bench import http as bench_http
from bench import timing

BENCH_UNIT = "44010601"
BENCH_PHONE = "13999990001"
OPEN_CASES = 100_000


def ensure_open_cases(database_url: str, wanted: int = OPEN_CASES,
                      pending_in_bench_unit: int = 400) -> dict:
    """Spread ``wanted`` open cases over every office of the city (statuses and due dates
    mixed), and keep enough pending ones in the bench officer's office for the transition
    runs, which accept them."""
    units = [office.code for district in DISTRICTS for office in offices_of(district)]
    with database.engine(database_url) as engine:
        with engine.begin() as conn:
            have = conn.execute(sa.text(
                "SELECT count(*) FROM cases WHERE acceptance_number LIKE 'XF-B%'")).scalar_one()
            if have < wanted:
                conn.execute(sa.text(
                    "INSERT INTO cases (id, application_id, acceptance_number, record_type, "
                    "subject_uscc, subject_name, district_code, status, submitted_at, opened_at,"
                    " unit_code, accept_due, decide_due) "
                    "SELECT gen_random_uuid(), gen_random_uuid(), 'XF-B' || lpad(n::text, 9, '0'),"
                    " (ARRAY['abnormal_operation_list','penalty_publicity','serious_illegal_list',"
                    "'individual_abnormal_status'])[1 + n % 4], '91440106MA59ABCD1M', "
                    "'广州基准待办' || n || '有限公司', substr(u, 1, 6), "
                    "(ARRAY['pending_acceptance','accepted','under_review','under_approval'])"
                    "[1 + (n / 7) % 4], now(), now(), u, current_date + (n % 20) - 5, "
                    "CASE WHEN (n / 7) % 4 > 0 THEN current_date + (n % 30) - 5 END "
                    "FROM (SELECT n, (:units)[1 + n % :unit_count] AS u "
                    "FROM generate_series(:start, :stop) AS n) s"),
                    {"units": units, "unit_count": len(units), "start": have + 1,
                     "stop": wanted})
            pending = conn.execute(sa.text(
                "SELECT count(*) FROM cases WHERE unit_code = :u AND status = "
                "'pending_acceptance'"), {"u": BENCH_UNIT}).scalar_one()
            if pending < pending_in_bench_unit:
                conn.execute(sa.text(
                    "INSERT INTO cases (id, application_id, acceptance_number, record_type, "
                    "subject_uscc, subject_name, district_code, status, submitted_at, opened_at,"
                    " unit_code, accept_due) SELECT gen_random_uuid(), gen_random_uuid(), "
                    "'XF-T' || replace(gen_random_uuid()::text, '-', ''), "
                    "'abnormal_operation_list', '91440106MA59ABCD1M', '广州基准受理有限公司', "
                    "'440106', 'pending_acceptance', now(), now(), :u, current_date + 2 "
                    "FROM generate_series(1, :n)"),
                    {"u": BENCH_UNIT, "n": pending_in_bench_unit - pending})
            conn.execute(sa.text(
                "INSERT INTO officers (id, phone, name, unit_code, roles) VALUES (:id, :p, "
                "'基准承办', :u, ARRAY['handler']) ON CONFLICT (phone) DO NOTHING"),
                {"id": uuid.uuid4(), "p": BENCH_PHONE, "u": BENCH_UNIT})
            conn.execute(sa.text("ANALYZE cases"))
            total = conn.execute(sa.text(
                "SELECT count(*) FROM cases WHERE status NOT IN ('closed', 'withdrawn')"
            )).scalar_one()
            officer_id = conn.execute(sa.text("SELECT id FROM officers WHERE phone = :p"),
                                      {"p": BENCH_PHONE}).scalar_one()
    return {"open_cases": total, "officer_id": str(officer_id)}


def mirror_applications(workflow_url: str, intake_url: str) -> int:
    """Give every open case of the bench office that the bench made in SQL its application in
    intake, as a submission would have: the events the transitions publish then do in intake
    what they do for real cases (an event about an unknown application would be retried and
    dead-lettered, work no real case causes)."""
    with database.engine(workflow_url) as workflow, database.engine(intake_url) as intake:
        with workflow.connect() as conn:
            cases = [dict(r._mapping) for r in conn.execute(sa.text(
                "SELECT id AS case_id, application_id AS id, acceptance_number, record_type, "
                "subject_uscc, subject_name, district_code, submitted_at FROM cases "
                "WHERE unit_code = :u AND status NOT IN ('closed', 'withdrawn') "
                "AND (acceptance_number LIKE 'XF-T%' OR acceptance_number LIKE 'XF-A%')"),
                {"u": BENCH_UNIT})]
        with intake.begin() as conn:
            added = conn.execute(sa.text(
                "INSERT INTO applications (id, acceptance_number, record_type, subject_uscc, "
                "subject_name, district_code, status, case_id, submitted_at, updated_at) "
                "VALUES (:id, :acceptance_number, :record_type, :subject_uscc, :subject_name, "
                ":district_code, 'pending_acceptance', :case_id, :submitted_at, now()) "
                "ON CONFLICT (id) DO NOTHING"), cases).rowcount if cases else 0
    return added


def officer_headers(gateway_url: str) -> dict:
    with httpx.Client(base_url=gateway_url, timeout=10) as client:
        client.post("/api/v1/officer/auth/code", json={"phone": BENCH_PHONE}).raise_for_status()
        tokens = client.post("/api/v1/officer/auth/login", json={
            "phone": BENCH_PHONE, "code": latest_login_code(client, BENCH_PHONE)})
        tokens.raise_for_status()
    return {"Authorization": f"Bearer {tokens.json()['access_token']}"}


def measure_todo_rpc(amqp_uri: str, officer_id: str, calls: int, warmup: int) -> list[float]:
    return timing.time_rpc(amqp_uri, "workflow", [
        ("todo", {"officer_id": officer_id, "limit": 20})] * (warmup + calls), warmup)


def measure_todo_http(gateway_url: str, headers: dict, calls: int, warmup: int) -> list[float]:
    return timing.time_http([f"{gateway_url}/api/v1/officer/cases?limit=20"] * (warmup + calls),
                            warmup, headers=headers)


def measure_transition_http(gateway_url: str, headers: dict, calls: int,
                            pause_s: float = 0.0) -> list[float]:
    """Accept ``calls`` pending cases of the bench office, one after another; ``pause_s``
    between two accepts lets the previous one's events (relay, intake, disclosure,
    notification) finish first, as they do between an officer's clicks."""
    latencies = []
    with bench_http.Client(gateway_url, headers=headers) as client:
        pending = []
        cursor = None
        while len(pending) < calls:
            page = client.get("/api/v1/officer/cases", params={
                "status": "pending_acceptance", "limit": 100,
                **({"cursor": cursor} if cursor else {})}).json()
            pending += page["items"]
            cursor = page["next_cursor"]
            if not cursor:
                break
        for case in pending[:calls]:
            started = time.perf_counter()
            response = client.post(f"/api/v1/officer/cases/{case['acceptance_number']}/actions",
                                   json={"action": "accept", "version": case["version"]})
            response.raise_for_status()
            latencies.append((time.perf_counter() - started) * 1000)
            time.sleep(pause_s)
    return latencies


APPROVER_PHONE = "13999990002"


def measure_pdf_generation(calls: int) -> list[float]:
    """A decision document rendered in process (font, layout, QR), per call."""
    from datetime import date

    from workflow.adapters import documents_pdf
    from workflow.domain import documents

    case = {"subject_name": "广州基准文书科技有限公司", "subject_uscc": "91440106MA59ABCD1M",
            "submitted_at": "2026-11-20T10:00:00+08:00", "record_type": "penalty_publicity",
            "acceptance_number": "XF-440106-20261120-000001"}
    latencies = []
    for i in range(calls + 5):
        started = time.perf_counter()
        documents_pdf.render("repair_decision", f"穗天市监信修〔2026〕{i}号", "广州市天河区市场监督管理局",
                             date(2026, 11, 26), case,
                             documents.paragraphs("repair_decision", case, None, None), [],
                             "http://127.0.0.1:8000/api/v1/public/documents/verify?code=X",
                             "ABCDEF123456")
        if i >= 5:
            latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def cases_awaiting_approval(workflow_url: str, disclosure_url: str, intake_url: str,
                            count: int) -> list[dict]:
    """``count`` cases at the approval step in the bench office, each for a fresh active
    record in the registry and with its application in intake, and an approver to approve
    them: the cases' numbers, records and versions. The cases name the record's registered
    subject: an approval looks it up in the registry and has intake check its application
    again. Only these are approved by the measurement: a case an interrupted run left
    waiting may name a record of a registry generated since."""
    with (database.engine(disclosure_url) as disclosure, database.engine(workflow_url) as workflow,
          database.engine(intake_url) as intake):
        with disclosure.begin() as conn:
            subject = conn.execute(sa.text(
                "SELECT id, uscc, name FROM subjects WHERE district_code = '440106' LIMIT 1"
            )).one()
            records = [uuid.uuid4() for _ in range(count)]
            for record_id in records:
                data_scale.add_listed_record(conn, record_id, subject.id, BENCH_UNIT,
                                             f"bench-approve-{record_id}")
        cases = [{"case_id": uuid.uuid4(), "application_id": uuid.uuid4(),
                  "acceptance_number": f"XF-A{record_id.hex[:20]}", "uscc": subject.uscc,
                  "name": subject.name, "u": BENCH_UNIT, "records": f'["{record_id}"]'}
                 for record_id in records]
        with workflow.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO officers (id, phone, name, unit_code, roles) VALUES (:id, :p, "
                "'基准审批', :u, ARRAY['approver']) ON CONFLICT (phone) DO NOTHING"),
                {"id": uuid.uuid4(), "p": APPROVER_PHONE, "u": BENCH_UNIT})
            if cases:
                conn.execute(sa.text(
                    "INSERT INTO cases (id, application_id, acceptance_number, record_type, "
                    "subject_uscc, subject_name, district_code, status, submitted_at, "
                    "opened_at, unit_code, record_ids, accept_due, version) VALUES "
                    "(:case_id, :application_id, :acceptance_number, "
                    "'abnormal_operation_list', :uscc, :name, '440106', 'under_approval', "
                    "now(), now(), :u, CAST(:records AS jsonb), current_date + 5, 4)"), cases)
        with intake.begin() as conn:
            if cases:
                conn.execute(sa.text(
                    "INSERT INTO applications (id, acceptance_number, record_type, "
                    "subject_uscc, subject_name, district_code, status, case_id, "
                    "submitted_at, updated_at, case_version) VALUES (:application_id, "
                    ":acceptance_number, 'abnormal_operation_list', :uscc, :name, '440106', "
                    "'accepted', :case_id, now(), now(), 3)"), cases)
        return [{"acceptance_number": c["acceptance_number"], "record_id": str(record_id),
                 "version": 4} for c, record_id in zip(cases, records, strict=True)]


def measure_approve_to_public(gateway_url: str, waiting: list[dict]) -> list[float]:
    """From the approve request at the gateway until the public query no longer shows the
    record as active (outbox → relay → disclosure → public read), per case of ``waiting``
    (from ``cases_awaiting_approval``)."""
    global BENCH_PHONE
    phone, BENCH_PHONE = BENCH_PHONE, APPROVER_PHONE
    try:
        headers = officer_headers(gateway_url)
    finally:
        BENCH_PHONE = phone
    latencies = []
    with bench_http.Client(gateway_url, headers=headers) as client:
        for case in waiting:
            record_id = case["record_id"]
            started = time.perf_counter()
            client.post(f"/api/v1/officer/cases/{case['acceptance_number']}/actions",
                        json={"action": "approve", "version": case["version"],
                              "opinion": "准予"}).raise_for_status()
            deadline = started + 10
            while True:
                answer = client.get(f"/api/v1/public/records/{record_id}")
                answer.raise_for_status()
                if answer.json()["record"]["publicity_state"] != "active":
                    break
                if time.perf_counter() > deadline:
                    raise RuntimeError(f"record {record_id} still active after 10 s")
                time.sleep(0.002)
            latencies.append((time.perf_counter() - started) * 1000)
    return latencies
