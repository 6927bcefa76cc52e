"""Arranging the registry for end-to-end tests: a subject whose phones are a test login,
with the records a test needs, written straight into this run's disclosure database (what
other agencies and the demo data would have put there)."""

from __future__ import annotations

import random
import uuid
from datetime import date

from sqlalchemy import text
from stdnum.cn import ric, uscc

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_rng = random.Random()


def new_uscc(prefix: str = "91") -> str:
    body = prefix + "440106" + "".join(_rng.choice(ALPHABET) for _ in range(9))
    return body + uscc.calc_check_digit(body + "0")


def new_resident_id() -> str:
    body = "440106" + "19900101" + f"{_rng.randrange(1000):03d}"  # 天河区 exists since 1985
    return body + ric.calc_check_digit(body + "0")


def new_phone() -> str:
    return "139" + f"{_rng.randrange(10**8):08d}"


def add_subject(engine, *, phone: str, name: str | None = None, kind: str = "enterprise",
                district: str = "440106", document_type: str = "resident_id",
                proof_material_mode: bool = False) -> dict:
    subject = {
        "id": uuid.uuid4(), "uscc": new_uscc({"enterprise": "91", "individual_business": "92",
                                              "cooperative": "93"}[kind]),
        "name": name or f"广州测试{uuid.uuid4().hex[:6]}科技有限公司", "kind": kind,
        "district_code": district, "registration_unit_code": district + "01",
        "address": "广州市天河区天河路 1 号", "legal_rep_name": "陈大文",
        "legal_rep_document_type": document_type,
        "legal_rep_document_number": new_resident_id() if document_type == "resident_id"
        else "H12345678", "legal_rep_phone": phone, "liaison_phone": "",
        "proof_material_mode": proof_material_mode,
    }
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO subjects (id, uscc, name, kind, district_code, registration_unit_code, "
            "address, legal_rep_name, legal_rep_document_type, legal_rep_document_number, "
            "legal_rep_phone, liaison_phone, proof_material_mode) VALUES (:id, :uscc, :name, "
            ":kind, :district_code, :registration_unit_code, :address, :legal_rep_name, "
            ":legal_rep_document_type, :legal_rep_document_number, :legal_rep_phone, "
            ":liaison_phone, :proof_material_mode)"), subject)
    return subject


def add_penalty(engine, subject: dict, *, publicity_start: date, kinds=("fine",),
                fine: str | None = "50000.00", domain: str = "other", severe: bool = False,
                record_type: str = "penalty_publicity") -> str:
    record_id = uuid.uuid4()
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO records (id, subject_id, record_type, decision_number, decision_date, "
            "publicity_start_date, penalty_domain, penalty_kinds, fine_amount, severe, "
            "deciding_unit_code, deciding_department_name, source_record_id, district_code) "
            "VALUES (:id, :s, :t, :n, :d, :d, :domain, :kinds, :fine, :severe, :unit, :dept, "
            ":ref, :district)"),
            {"id": record_id, "s": subject["id"], "t": record_type,
             "n": f"穗天市监处罚〔2025〕{_rng.randrange(1, 9999)}号", "d": publicity_start,
             "domain": domain, "kinds": list(kinds), "fine": fine, "severe": severe,
             "unit": subject["district_code"] + "01" if record_type == "penalty_publicity"
             else None,
             "dept": None if record_type == "penalty_publicity" else "广州市生态环境局",
             "ref": f"e2e-{record_id}", "district": subject["district_code"]})
    return str(record_id)


def add_listing(engine, subject: dict, *, listed_on: date,
                record_type: str = "abnormal_operation_list",
                reason: str = "annual_report_overdue") -> str:
    record_id = uuid.uuid4()
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO records (id, subject_id, record_type, listing_reason, listing_date, "
            "listing_unit_code, listing_document_number, source_record_id, district_code) "
            "VALUES (:id, :s, :t, :reason, :d, :unit, :doc, :ref, :district)"),
            {"id": record_id, "s": subject["id"], "t": record_type, "reason": reason,
             "d": listed_on, "unit": subject["district_code"] + "01",
             "doc": f"穗天市监异〔2024〕{_rng.randrange(1, 9999)}号", "ref": f"e2e-{record_id}",
             "district": subject["district_code"]})
    return str(record_id)
