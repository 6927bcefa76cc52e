"""What disclosure answers for other services to read (``credit_common.contracts.registry``):
built from the run's database by the real service, every answer is its model's shape exactly
(parsed and dumped again, nothing changes), whoever reads it."""

from __future__ import annotations

import random
import uuid
from datetime import date

import pytest
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import text
from stdnum.cn import uscc

from credit_common.contracts.registry import (IdentityCheck, RegistryRecord, RegistrySubject,
                                              SubjectRecords)
from disclosure.service import DisclosureService

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@pytest.fixture
def disclosure(container_factory, nameko_config):
    container_factory(DisclosureService, nameko_config).start()
    with ClusterRpcProxy(nameko_config) as proxy:
        yield proxy.disclosure


def new_uscc() -> str:
    n = uuid.uuid4().int
    body = "91440106" + "".join(ALPHABET[(n >> (5 * i)) % 31] for i in range(9))
    return body + uscc.calc_check_digit(body + "0")


def listed_and_penalised(engine) -> dict:
    """A subject with a listing and a penalty: between them every field of a record is set."""
    subject = {"id": uuid.uuid4(), "code": new_uscc(),
               "phone": "139" + f"{random.randrange(10**8):08d}"}
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO subjects (id, uscc, name, kind, district_code, registration_unit_code,"
            " address, legal_rep_name, legal_rep_document_number, legal_rep_phone) VALUES "
            "(:id, :code, '广州契约测试有限公司', 'enterprise', '440106', '44010601', "
            "'广州市天河区契约路1号', '陈某', '440106199001011235', :phone)"), subject)
        conn.execute(text(
            "INSERT INTO records (id, subject_id, record_type, listing_reason, listing_date, "
            "listing_unit_code, listing_document_number, source_record_id, district_code) "
            "VALUES (:id, :s, 'abnormal_operation_list', 'annual_report_overdue', "
            "'2025-06-01', '44010601', '穗天市监异〔2025〕1号', :ref, '440106')"),
            {"id": uuid.uuid4(), "s": subject["id"], "ref": f"contract-{uuid.uuid4()}"})
        conn.execute(text(
            "INSERT INTO records (id, subject_id, record_type, decision_number, decision_date, "
            "publicity_start_date, publicity_end_date, penalty_domain, penalty_kinds, "
            "fine_amount, deciding_unit_code, obligations_fulfilled_on, source_record_id, "
            "district_code) VALUES (:id, :s, 'penalty_publicity', '穗天市监处罚〔2025〕2号', "
            ":day, :day, '2028-01-10', 'food', ARRAY['fine', 'confiscation'], 50000.00, "
            "'44010601', '2025-03-01', :ref, '440106')"),
            {"id": uuid.uuid4(), "s": subject["id"], "day": date(2025, 1, 10),
             "ref": f"contract-{uuid.uuid4()}"})
    return subject


def exactly(model, payload):
    parsed = model.model_validate(payload)
    assert parsed.model_dump(mode="json") == payload
    return parsed


def test_a_lookup_is_a_subject_and_its_records_masked_or_in_full(disclosure, db_engine):
    subject = listed_and_penalised(db_engine["disclosure"])
    public = exactly(SubjectRecords, disclosure.lookup_subject(subject["code"]))
    full = exactly(SubjectRecords, disclosure.lookup_subject(subject["code"],
                                                             viewer_unit_code="44010601"))
    assert public.subject.personal_data_masked and not full.subject.personal_data_masked
    assert full.subject.legal_representative.phone == subject["phone"]
    assert public.subject.legal_representative.phone != subject["phone"]
    penalty = next(r for r in full.records if r.record_type == "penalty_publicity")
    listing = next(r for r in full.records if r.record_type == "abnormal_operation_list")
    assert (str(penalty.fine_amount), penalty.made_by) == ("50000.00", "44010601")
    assert (listing.listing_date, listing.made_by) == (date(2025, 6, 1), "44010601")


def test_subjects_by_phone_searches_and_single_records_are_the_same_shapes(disclosure,
                                                                           db_engine):
    subject = listed_and_penalised(db_engine["disclosure"])
    [mine] = disclosure.subjects_by_phone(subject["phone"])
    assert exactly(RegistrySubject, mine).code == subject["code"]
    found = disclosure.search_records({"subject_code": subject["code"], "limit": 10})
    assert len(found["items"]) == 2
    for item in found["items"]:
        exactly(RegistryRecord, item["record"])
        exactly(RegistrySubject, item["subject"])
    single = disclosure.get_record(found["items"][0]["record"]["id"])
    exactly(RegistryRecord, single["record"])
    exactly(RegistrySubject, single["subject"])


def test_each_outcome_of_a_manual_identity_check_is_the_contracts(disclosure, db_engine):
    subject = listed_and_penalised(db_engine["disclosure"])
    applicant = str(uuid.uuid4())

    def check(legal_rep_name):
        return exactly(IdentityCheck, disclosure.verify_identity(
            applicant, subject["code"], "广州契约测试有限公司", legal_rep_name, "resident_id",
            "440106199001011235"))

    matched = check("陈某")
    assert matched.outcome == "matched" and matched.subject.code == subject["code"]
    assert not matched.subject.personal_data_masked
    outcomes = [check("李某").outcome for _ in range(6)]
    assert outcomes[0] == "mismatch" and outcomes[-1] == "locked"
    locked = check("陈某")
    assert locked.outcome == "locked" and locked.retry_after_s > 0 and locked.subject is None
