"""The gateway composes disclosure's answers into intake's requests by their contracts
(``credit_common.contracts.registry``): a registry subject becomes the snapshot intake keeps,
the records pass on as the registry gave them, and an answer off its contract's shape is the
service's failure (502), never a silent gap in what intake is sent."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from credit_common.contracts.registry import (IdentityCheck, RegistrySubject, SubjectRecords,
                                              SubjectSnapshot)
from credit_common.testing import payloads
from gateway.core.config import GatewaySettings
from gateway.core.security import Principal, issue_access_token
from gateway.main import create_app

SETTINGS = GatewaySettings(APP_ENV="development", DEV_MODE=False)
USCC = "91440106MA59ABCD1M"


@pytest.fixture
def client(rpc):
    with TestClient(create_app(SETTINGS, rpc=rpc), raise_server_exceptions=False) as test_client:
        yield test_client


def bearer(principal: Principal) -> dict:
    return {"Authorization": "Bearer " + issue_access_token(SETTINGS.jwt_secret, 300, principal)}


@pytest.fixture
def applicant(rpc) -> dict:
    applicant_id = str(uuid.uuid4())
    rpc.script[("intake", "session_active")] = True
    rpc.script[("intake", "applicant")] = {"id": applicant_id, "phone": "13800000000",
                                           "phone_masked": "138****0000", "phones_masked": []}
    return bearer(Principal(id=applicant_id, role="applicant", session_id=str(uuid.uuid4())))


def sent(rpc, service: str, method: str) -> dict:
    return next(c["kwargs"] for c in reversed(rpc.calls)
                if (c["service"], c["method"]) == (service, method))


def test_a_subject_of_my_own_becomes_the_snapshot_intake_keeps(client, rpc, applicant):
    subject = payloads.registry_subject(uscc=USCC, kind="individual_business")
    rpc.script[("disclosure", "subjects_by_phone")] = [payloads.registry_subject(
        uscc="91440106MA59ABCD2K"), subject]
    rpc.script[("intake", "bind_subject")] = {"code": USCC}
    response = client.post("/api/v1/applicant/subjects", headers=applicant,
                           json={"subject_code": USCC.lower(), "legal_notice_version": 1})
    assert response.status_code == 201, response.text
    kwargs = sent(rpc, "intake", "bind_subject")
    assert kwargs["method"] == "phone"
    assert kwargs["subject"] == SubjectSnapshot.of(
        RegistrySubject.model_validate(subject)).model_dump(mode="json")
    snapshot = SubjectSnapshot.model_validate(kwargs["subject"])
    assert (snapshot.code, snapshot.kind, snapshot.legal_rep_name, snapshot.id) == (
        USCC, "individual_business", subject["legal_representative"]["name"],
        uuid.UUID(subject["id"]))


def test_a_manual_identity_check_is_read_by_its_outcome(client, rpc, applicant):
    rpc.script[("disclosure", "subjects_by_phone")] = []
    manual = {"subject_code": USCC, "legal_notice_version": 1, "name": "广州测试科技有限公司",
              "legal_rep_name": "陈某", "document_type": "resident_id",
              "document_number": "440106199001011235"}
    rpc.script[("disclosure", "verify_identity")] = IdentityCheck(
        outcome="locked", retry_after_s=61).model_dump(mode="json")
    locked = client.post("/api/v1/applicant/subjects", headers=applicant, json=manual)
    assert locked.status_code == 429 and locked.json()["details"] == {"retry_after_s": 61}
    assert "2 分钟" in locked.json()["message"]
    rpc.script[("disclosure", "verify_identity")] = IdentityCheck(
        outcome="mismatch").model_dump(mode="json")
    assert client.post("/api/v1/applicant/subjects", headers=applicant,
                       json=manual).json()["code"] == "IDENTITY_MISMATCH"
    subject = payloads.registry_subject(uscc=USCC)
    rpc.script[("disclosure", "verify_identity")] = {"outcome": "matched", "subject": subject,
                                                     "retry_after_s": None}
    rpc.script[("intake", "bind_subject")] = {"code": USCC}
    assert client.post("/api/v1/applicant/subjects", headers=applicant,
                       json=manual).status_code == 201
    kwargs = sent(rpc, "intake", "bind_subject")
    assert kwargs["method"] == "manual" and kwargs["subject"]["code"] == USCC


def test_the_registrys_records_pass_on_to_intake_as_the_registry_gave_them(client, rpc,
                                                                          applicant):
    found = SubjectRecords(subject=RegistrySubject.model_validate(payloads.registry_subject()),
                           records=[]).model_dump(mode="json")
    found["records"] = [payloads.registry_record(fine_amount="5000.00"),
                        payloads.registry_record(record_type="abnormal_operation_list",
                                                 listing_date="2025-06-01")]
    rpc.script[("disclosure", "lookup_subject")] = found
    rpc.script[("intake", "assess_records")] = []
    response = client.get(f"/api/v1/applicant/subjects/{USCC}/records", headers=applicant)
    assert response.status_code == 200, response.text
    assert sent(rpc, "intake", "assess_records")["records"] == found["records"]


@pytest.mark.parametrize("renamed", ["uscc", "personal_data_masked"])
def test_an_answer_off_its_contract_is_the_services_failure_and_nothing_is_sent_on(
        client, rpc, applicant, renamed):
    subject = payloads.registry_subject(uscc=USCC)
    subject[f"{renamed}_v2"] = subject.pop(renamed)
    rpc.script[("disclosure", "subjects_by_phone")] = [subject]
    response = client.post("/api/v1/applicant/subjects", headers=applicant,
                           json={"subject_code": USCC, "legal_notice_version": 1})
    assert response.status_code == 502 and response.json()["code"] == "UPSTREAM_ERROR"
    assert not [c for c in rpc.calls if c["method"] == "bind_subject"]
