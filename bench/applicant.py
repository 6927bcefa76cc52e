"""The applicant's eligibility answer through the gateway: a subject with 20 records in the
registry, a logged-in applicant who confirmed it, and ``GET .../subjects/{code}/records``
timed (disclosure's records, then intake's rules, composed by the gateway)."""

from __future__ import annotations

import random
import time
import uuid
from datetime import date, timedelta

import httpx
import sqlalchemy as sa
from stdnum.cn import ric, uscc

from credit_common.testing.platform import latest_login_code

from bench import database
from bench import http as bench_http

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def add_subject_with_records(database_url: str, records: int = 20) -> tuple[str, str]:
    """A fresh subject (its own phone) with ``records`` penalties of mixed age and kind."""
    rng = random.Random()
    phone = "136" + f"{rng.randrange(10**8):08d}"
    body = "91440106" + "".join(rng.choice(ALPHABET) for _ in range(9))
    code = body + uscc.calc_check_digit(body + "0")
    person = "44010619900101" + f"{rng.randrange(1000):03d}"
    person += ric.calc_check_digit(person + "0")
    subject_id = uuid.uuid4()
    with database.engine(database_url) as engine:
        with engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO subjects (id, uscc, name, kind, district_code, "
                "registration_unit_code, address, legal_rep_name, legal_rep_document_type, "
                "legal_rep_document_number, legal_rep_phone) VALUES (:id, :code, :name, "
                "'enterprise', '440106', '44010601', '广州市天河区', '陈基准', 'resident_id', "
                ":person, :phone)"),
                {"id": subject_id, "code": code, "name": f"广州基准资格{code[-6:]}有限公司",
                 "person": person, "phone": phone})
            for n in range(records):
                started = date.today() - timedelta(days=rng.randrange(20, 900))
                conn.execute(sa.text(
                    "INSERT INTO records (id, subject_id, record_type, decision_number, "
                    "decision_date, publicity_start_date, penalty_domain, penalty_kinds, "
                    "fine_amount, deciding_unit_code, source_record_id, district_code) VALUES "
                    "(:id, :s, 'penalty_publicity', :n, :d, :d, :domain, :kinds, :fine, "
                    "'44010601', :ref, '440106')"),
                    {"id": uuid.uuid4(), "s": subject_id, "n": f"穗天市监罚〔2025〕{n}号",
                     "d": started, "domain": rng.choice(["food", "other", "other"]),
                     "kinds": rng.choice([["fine"], ["fine", "confiscation"], ["warning"]]),
                     "fine": f"{rng.randrange(1000, 200000)}.00",
                     "ref": f"bench-{uuid.uuid4()}"})
    return code, phone


def logged_in_applicant(gateway_url: str, code: str, phone: str) -> dict:
    with httpx.Client(base_url=gateway_url, timeout=10) as client:
        client.post("/api/v1/applicant/auth/code", json={"phone": phone}).raise_for_status()
        tokens = client.post("/api/v1/applicant/auth/login", json={
            "phone": phone, "code": latest_login_code(client, phone)}).json()
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        client.post("/api/v1/applicant/subjects", headers=headers, json={
            "subject_code": code, "legal_notice_version": 1}).raise_for_status()
    return headers


def measure_eligibility(gateway_url: str, database_url: str, calls: int,
                        warmup: int) -> list[float]:
    code, phone = add_subject_with_records(database_url)
    headers = logged_in_applicant(gateway_url, code, phone)
    url = f"{gateway_url}/api/v1/applicant/subjects/{code}/records"
    latencies = []
    with bench_http.Client(gateway_url, headers=headers) as client:
        for i in range(warmup + calls):
            started = time.perf_counter()
            response = client.get(url)
            response.raise_for_status()
            if i >= warmup:
                latencies.append((time.perf_counter() - started) * 1000)
        assert len(response.json()["items"]) == 20
    return latencies
