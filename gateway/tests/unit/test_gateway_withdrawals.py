"""The penalty withdrawal route with scripted services: the officer as workflow knows them and
the ruling go to disclosure with the file; a form missing a field, an unknown ruling kind or
a file over the limit is refused before disclosure is asked."""

from __future__ import annotations

import base64

import pytest
from fastapi.testclient import TestClient

from credit_common.testing.files import minimal_pdf
from gateway.core.config import GatewaySettings
from gateway.core.security import Principal, issue_access_token
from gateway.main import create_app

from .test_gateway_http import assert_error

OFFICER_ID = "7b0c6c1e-0000-4000-8000-000000000002"
RECORD = "0f1e2d3c-4b5a-4968-8776-5a4b3c2d1e0f"
FORM = {"ruling_kind": "court_judgment", "ruling_number": "（2026）粤0106行初55号",
        "ruling_date": "2026-11-20", "reason": "判决撤销该行政处罚决定"}


@pytest.fixture
def client(rpc):
    settings = GatewaySettings(APP_ENV="development", DEV_MODE=False, MAX_UPLOAD_BYTES=4096)
    rpc.script[("workflow", "session_active")] = True
    rpc.script[("workflow", "me")] = {"id": OFFICER_ID, "name": "王审批", "phone": "13900000000",
                                      "unit_code": "44010601", "unit_name": "石牌所",
                                      "roles": ["approver"], "active": True}
    rpc.script[("disclosure", "withdraw_penalty")] = {"created": True}
    with TestClient(create_app(settings, rpc=rpc), raise_server_exceptions=False) as test_client:
        yield test_client


def headers(role: str = "officer") -> dict:
    settings = GatewaySettings(APP_ENV="development")
    token = issue_access_token(settings.jwt_secret, 600, Principal(
        id=OFFICER_ID, role=role, session_id="s-1",
        unit_code="44010601" if role == "officer" else None,
        roles=("approver",) if role == "officer" else ()))
    return {"Authorization": f"Bearer {token}"}


def post(client, data=None, content=None, role="officer"):
    return client.post(f"/api/v1/officer/records/{RECORD}/withdrawal", headers=headers(role),
                       data=FORM if data is None else data,
                       files={"file": ("判决书.pdf", minimal_pdf() if content is None else content,
                                       "application/pdf")})


def test_the_officer_and_the_ruling_go_to_disclosure_with_the_file(client, rpc):
    response = post(client)
    assert response.status_code == 200, response.text
    call = rpc.calls[-1]
    assert (call["service"], call["method"]) == ("disclosure", "withdraw_penalty")
    kwargs = call["kwargs"]
    assert kwargs["record_id"] == RECORD
    assert kwargs["officer"] == {"id": OFFICER_ID, "name": "王审批", "unit_code": "44010601",
                                 "roles": ["approver"], "active": True}
    assert kwargs["ruling"] == {"kind": "court_judgment", "number": "（2026）粤0106行初55号",
                                "ruling_date": "2026-11-20", "reason": "判决撤销该行政处罚决定"}
    assert base64.b64decode(kwargs["content_b64"]) == minimal_pdf()


@pytest.mark.parametrize("data", [
    {k: v for k, v in FORM.items() if k != "reason"},
    {**FORM, "ruling_kind": "appeal"},
    {**FORM, "ruling_date": "2026-13-01"},
    {**FORM, "ruling_number": "x"},
])
def test_a_bad_form_is_refused_before_disclosure_is_asked(client, rpc, data):
    assert_error(post(client, data=data), 422, "VALIDATION_FAILED")
    assert not [c for c in rpc.calls if c["service"] == "disclosure"]


def test_a_file_over_the_limit_is_refused_before_disclosure_is_asked(client, rpc):
    assert_error(post(client, content=b"%PDF-" + b"0" * 5000), 422, "FILE_TOO_LARGE")
    assert not [c for c in rpc.calls if c["service"] == "disclosure"]


def test_an_applicant_may_not_withdraw(client, rpc):
    rpc.script[("intake", "session_active")] = True
    assert_error(post(client, role="applicant"), 403, "ROLE_NOT_ALLOWED")
    assert not [c for c in rpc.calls if c["service"] == "disclosure"]
