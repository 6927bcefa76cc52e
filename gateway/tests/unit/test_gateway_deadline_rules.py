"""The administrator's deadline rule routes with a scripted workflow: a version that does not
fit the schema is refused before any call, a valid one is handed on whole."""

from __future__ import annotations

import copy

import pytest
from fastapi.testclient import TestClient

from gateway.core.config import GatewaySettings
from gateway.core.security import Principal, issue_access_token
from gateway.main import create_app

from .test_gateway_http import assert_error

RULES = {"accept_working_days": 2,
         "decide_working_days": {"serious_illegal_list": 15, "abnormal_operation_list": 5,
                                 "individual_abnormal_status": 5,
                                 "cooperative_abnormal_list": 5, "penalty_publicity": 15,
                                 "other_department_penalty": 5, "bankruptcy_reorganisation": 15},
         "remind_working_days_before": 2}
VERSION = {"version": "2027.1", "effective_from": "2027-01-01",
           "source": "《市场监督管理信用修复管理办法》", "rules": RULES}


@pytest.fixture
def client(rpc):
    settings = GatewaySettings(APP_ENV="development", DEV_MODE=False)
    rpc.script[("workflow", "session_active")] = True
    with TestClient(create_app(settings, rpc=rpc), raise_server_exceptions=False) as test_client:
        yield test_client


def headers(*roles: str) -> dict:
    settings = GatewaySettings(APP_ENV="development")
    token = issue_access_token(settings.jwt_secret, 600, Principal(
        id="7b0c6c1e-0000-4000-8000-000000000001", role="officer", session_id="s-1",
        unit_code="440100", roles=roles))
    return {"Authorization": f"Bearer {token}"}


def test_a_valid_version_goes_to_workflow_whole(client, rpc):
    rpc.script[("workflow", "add_deadline_rule_version")] = {"version": "2027.1"}
    response = client.post("/api/v1/admin/deadline-rules", headers=headers("administrator"),
                           json=VERSION)
    assert response.status_code == 201, response.text
    call = rpc.calls[-1]
    assert (call["service"], call["method"]) == ("workflow", "add_deadline_rule_version")
    assert call["kwargs"] == {"admin_id": "7b0c6c1e-0000-4000-8000-000000000001",
                              "version": VERSION}


def changed(path: str, value) -> dict:
    body = copy.deepcopy(VERSION)
    *parents, last = path.split(".")
    target = body
    for key in parents:
        target = target[key]
    if value is KeyError:
        del target[last]
    else:
        target[last] = value
    return body


@pytest.mark.parametrize("body, field", [
    (changed("rules.decide_working_days.penalty_publicity", 0),
     "rules.decide_working_days.penalty_publicity"),
    (changed("rules.decide_working_days.penalty_publicity", "15"),
     "rules.decide_working_days.penalty_publicity"),
    (changed("rules.decide_working_days.other_department_penalty", KeyError),
     "rules.decide_working_days.other_department_penalty"),
    (changed("rules.remind_working_days_before", 11), "rules.remind_working_days_before"),
    (changed("rules.accept_working_days", None), "rules.accept_working_days"),
    (changed("rules.extra", 1), "rules.extra"),
    (changed("version", "a\x07b"), "version"),
    (changed("effective_from", "明年"), "effective_from"),
])
def test_a_version_off_the_schema_is_422_before_any_call(client, rpc, body, field):
    body = assert_error(client.post("/api/v1/admin/deadline-rules",
                                    headers=headers("administrator"), json=body),
                        422, "VALIDATION_FAILED")
    assert field in [f["field"] for f in body["details"]["fields"]]
    assert not [c for c in rpc.calls if c["method"] == "add_deadline_rule_version"]


def test_only_administrators_reach_the_rules(client, rpc):
    assert_error(client.get("/api/v1/admin/deadline-rules", headers=headers("handler")), 403,
                 "ROLE_NOT_ALLOWED")
    assert_error(client.get("/api/v1/admin/deadline-rules"), 401, "UNAUTHENTICATED")
    rpc.script[("workflow", "deadline_rule_versions")] = [{"version": "2021.1"}]
    listed = client.get("/api/v1/admin/deadline-rules", headers=headers("administrator"))
    assert listed.json() == {"items": [{"version": "2021.1"}], "next_cursor": None}
    assert rpc.calls[-1]["kwargs"] == {"admin_id": "7b0c6c1e-0000-4000-8000-000000000001"}


def test_the_section_head_role_can_be_given(client, rpc):
    rpc.script[("workflow", "add_officer")] = {"id": "x"}
    response = client.post("/api/v1/admin/officers", headers=headers("administrator"), json={
        "phone": "13900000099", "name": "冯科长", "unit_code": "44010690",
        "roles": ["section_head", "approver"]})
    assert response.status_code == 201, response.text
    assert rpc.calls[-1]["kwargs"]["roles"] == ["section_head", "approver"]
