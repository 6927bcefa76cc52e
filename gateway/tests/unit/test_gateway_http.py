"""The gateway's HTTP behaviour with the RPC client replaced by a scripted fake: error
mapping, request ids, body limits, health and the dev routes' idempotency keys."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from credit_common.errors import EXPECTED
from gateway.api.errors import STATUS_OF
from gateway.core.config import GatewaySettings
from gateway.main import create_app
from gateway.rpc.client import RemoteError, RpcTimeout, ServiceUnavailable

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def client(rpc):
    settings = GatewaySettings(APP_ENV="development", DEV_MODE=True, MAX_BODY_BYTES=2000, RPC_TIMEOUT_S=3,
                               HEALTH_TIMEOUT_S=0.5)
    with TestClient(create_app(settings, rpc=rpc), raise_server_exceptions=False) as test_client:
        yield test_client


def valid_application(**changes):
    return {"record_type": "penalty_publicity", "subject_uscc": "91440106MA59ABCD1M",
            "subject_name": "广州测试科技有限公司", "district_code": "440106", **changes}


def assert_error(response, status, code):
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code
    assert CHINESE.search(body["message"]), body["message"]
    assert body["request_id"] == response.headers["x-request-id"]
    return body


def remote(path, *args):
    return RemoteError("intake", path.rsplit(".", 1)[-1], path, list(args), "")


@pytest.mark.parametrize("error, status, code", [
    (remote("credit_common.errors.NotFound", "APPLICATION_NOT_FOUND", "未找到该申请", {}),
     404, "APPLICATION_NOT_FOUND"),
    (remote("credit_common.errors.ValidationFailed", "INVALID_USCC", "校验位错误",
            {"field": "subject_uscc"}), 422, "INVALID_USCC"),
    (remote("credit_common.errors.Conflict", "CASE_ALREADY_ACCEPTED", "案件已受理", {}),
     409, "CASE_ALREADY_ACCEPTED"),
    (remote("credit_common.errors.Forbidden", "NOT_YOUR_OFFICE", "无权办理", {}),
     403, "NOT_YOUR_OFFICE"),
    (remote("credit_common.errors.Unavailable", "DATABASE_UNAVAILABLE", "数据库暂时不可用", {}),
     503, "DATABASE_UNAVAILABLE"),
    (remote("nameko.exceptions.MethodNotFound", "get_application"), 404, "NOT_FOUND"),
    (remote("nameko.exceptions.IncorrectSignature", "bad args"), 422, "INVALID_ARGUMENTS"),
    (remote("builtins.KeyError", "boom"), 502, "UPSTREAM_ERROR"),
    (RpcTimeout("intake", "get_application", 3), 504, "SERVICE_TIMEOUT"),
    (ServiceUnavailable("intake", "no running instance"), 503, "SERVICE_UNAVAILABLE"),
])
def test_service_errors_map_to_status_by_type(client, rpc, error, status, code):
    rpc.script[("intake", "get_application")] = error
    body = assert_error(client.get("/api/v1/dev/applications/x"), status, code)
    if code == "INVALID_USCC":
        assert body["details"] == {"field": "subject_uscc"}
        assert body["message"] == "校验位错误"


@pytest.mark.parametrize("error", EXPECTED, ids=lambda error: error.__name__)
def test_a_service_error_that_names_no_code_answers_its_types_own(client, rpc, error):
    rpc.script[("intake", "get_application")] = remote(f"{error.__module__}.{error.__name__}")
    body = assert_error(client.get("/api/v1/dev/applications/x"), STATUS_OF[error],
                        error.default_code)
    assert body["message"] == error.default_message


def test_a_remote_error_from_an_unknown_module_does_not_leak_its_text(client, rpc):
    rpc.script[("intake", "get_application")] = RemoteError(
        "intake", "OperationalError", "sqlalchemy.exc.OperationalError",
        ["password=secret"], "password=secret")
    response = client.get("/api/v1/dev/applications/x")
    assert response.status_code == 502
    assert "secret" not in response.text


def test_request_id_is_taken_from_the_caller_and_passed_to_the_service(client, rpc):
    response = client.get("/api/v1/dev/applications/abc", headers={"X-Request-ID": "req-123"})
    assert response.headers["x-request-id"] == "req-123"
    assert rpc.calls[-1]["request_id"] == "req-123"


def test_an_unsafe_request_id_is_replaced(client, rpc):
    response = client.get("/api/v1/dev/applications/abc",
                          headers={"X-Request-ID": "bad id\twith spaces"})
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])
    assert rpc.calls[-1]["request_id"] == response.headers["x-request-id"]


def test_submission_is_passed_on_as_plain_json_with_the_callers_key(client, rpc):
    rpc.script[("intake", "submit_application")] = {"id": "a1"}
    response = client.post("/api/v1/dev/applications", json=valid_application(),
                           headers={"Idempotency-Key": "key-1"})
    assert response.status_code == 201
    assert response.json() == {"id": "a1"}
    call = rpc.calls[-1]
    assert call["kwargs"] == {"application": valid_application(), "idempotency_key": "key-1"}


def test_a_submission_without_key_gets_a_fresh_one_each_time(client, rpc):
    client.post("/api/v1/dev/applications", json=valid_application())
    client.post("/api/v1/dev/applications", json=valid_application())
    first, second = (c["kwargs"]["idempotency_key"] for c in rpc.calls[-2:])
    assert first and second and first != second


def test_malformed_json_is_400(client, rpc):
    response = client.post("/api/v1/dev/applications", content=b'{"record_type": ',
                           headers={"Content-Type": "application/json"})
    assert_error(response, 400, "MALFORMED_JSON")
    assert rpc.calls == []


@pytest.mark.parametrize("change", [
    {"record_type": "unknown"}, {"district_code": 440106}, {"district_code": "4401"},
    {"subject_name": ""}, {"subject_uscc": None}, {"extra_field": 1},
])
def test_wrong_types_are_422_with_the_field_named(client, rpc, change):
    body = assert_error(client.post("/api/v1/dev/applications", json=valid_application(**change)),
                        422, "VALIDATION_FAILED")
    named = {f["field"] for f in body["details"]["fields"]}
    assert named & set(change), named
    assert rpc.calls == []


def test_unknown_route_is_404_and_wrong_method_405(client):
    assert_error(client.get("/api/v1/nowhere"), 404, "NOT_FOUND")
    assert_error(client.delete("/api/v1/dev/applications"), 405, "METHOD_NOT_ALLOWED")


def test_each_router_only_considers_paths_under_its_prefix(client, rpc, monkeypatch):
    from fastapi import APIRouter

    from gateway.api.routes import applicant, dev

    consulted = []
    route_matching = APIRouter.matches
    monkeypatch.setattr(APIRouter, "matches", lambda router, scope: (
        consulted.append(router.prefix), route_matching(router, scope))[1])
    scope = {"type": "http", "method": "GET", "path": "/api/v1/dev/cases/X1", "root_path": ""}
    applicant.router.matches(scope)
    assert consulted == []
    dev.router.matches(scope)
    assert consulted == ["/api/v1/dev"]
    # a prefix that begins like another router's still reaches its routes; the last router
    # included still answers its routes and their 405s
    rpc.script[("intake", "signature_request")] = {"application_id": "a"}
    assert client.get("/api/v1/public/signatures/some-token-of-16").status_code == 200
    assert rpc.calls[-1]["method"] == "signature_request"
    assert_error(client.put("/api/v1/dev/cases/X1"), 405, "METHOD_NOT_ALLOWED")
    assert client.get("/api/v1/dev/cases/X1").status_code == 200
    assert rpc.calls[-1]["method"] == "get_case"


def test_answers_are_written_by_pydantic_core_as_jsonable_encoder_would(client, rpc,
                                                                        monkeypatch):
    import datetime
    import enum
    import uuid

    from fastapi import encoders, routing

    class Colour(enum.Enum):
        RED = "红"

    walked = []
    monkeypatch.setattr(routing, "jsonable_encoder",
                        lambda value, **kw: walked.append(value) or encoders.jsonable_encoder(
                            value, **kw))
    answer = {"id": uuid.UUID(int=7), "on": datetime.date(2026, 4, 1),
              "colour": Colour.RED,
              "items": [{"名称": "天河", "n": 1, "ok": True, "none": None}]}
    rpc.script[("workflow", "get_case")] = answer
    response = client.get("/api/v1/dev/cases/X1")
    assert response.status_code == 200
    assert response.json() == encoders.jsonable_encoder(answer)
    assert walked == []
    # routes that declare their own response class or no body keep FastAPI's own handling
    assert client.post("/api/v1/applicant/auth/logout").status_code in (204, 401)


def test_a_body_over_the_limit_is_413_before_any_call(client, rpc):
    response = client.post("/api/v1/dev/applications",
                           json=valid_application(subject_name="大" * 1000))
    assert_error(response, 413, "PAYLOAD_TOO_LARGE")
    assert rpc.calls == []


def test_a_streamed_body_over_the_limit_is_413(client, rpc):
    def chunks():
        for _ in range(10):
            yield b"x" * 500

    response = client.post("/api/v1/dev/applications", content=chunks(),
                           headers={"Content-Type": "application/json"})
    assert_error(response, 413, "PAYLOAD_TOO_LARGE")
    assert rpc.calls == []


def test_healthz_is_200_when_every_service_answers(client, rpc):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert set(response.json()["services"]) == {"intake", "workflow", "notification",
                                                 "disclosure"}
    assert {c["timeout_s"] for c in rpc.calls} == {0.5}
    assert response.json()["status"] == "ok" and response.json()["checks"]["broker"] == "ok"


def test_healthz_is_503_naming_what_is_down(client, rpc):
    rpc.script[("workflow", "health")] = RpcTimeout("workflow", "health", 0.5)
    rpc.script[("disclosure", "health")] = {"service": "disclosure", "ok": False,
                                            "database": False, "broker": True}
    rpc.script[("disclosure", "health")] = {
        "service": "disclosure", "ok": False, "database": False, "broker": True,
        "checks": {"database": "timeout", "broker": "ok"}}
    body = assert_error(client.get("/healthz"), 503, "SERVICE_UNAVAILABLE")
    assert body["details"]["down"] == ["workflow", "disclosure"]
    assert "workflow" in body["message"] and "disclosure" in body["message"]
    assert body["status"] == "degraded"
    assert body["checks"] == {"broker": "ok", "intake": "ok", "workflow": "timeout",
                              "notification": "ok", "disclosure": "degraded",
                              "disclosure.database": "timeout", "disclosure.broker": "ok",
                              "database": "timeout"}


def test_healthz_names_the_broker_when_the_gateway_cannot_reach_it(client, rpc):
    rpc.ready = False
    body = assert_error(client.get("/healthz"), 503, "SERVICE_UNAVAILABLE")
    assert body["checks"]["broker"] == "unreachable"


def test_livez_answers_without_asking_any_service_or_the_broker(client, rpc):
    rpc.ready = False
    response = client.get("/livez")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert rpc.calls == []


def test_readyz_follows_the_gateways_own_broker_connection_only(client, rpc):
    rpc.script[("workflow", "health")] = RpcTimeout("workflow", "health", 0.5)
    response = client.get("/readyz")
    assert (response.status_code, response.json()["checks"]) == (200, {"broker": "ok"})
    assert rpc.calls == []
    rpc.ready = False
    body = assert_error(client.get("/readyz"), 503, "SERVICE_UNAVAILABLE")
    assert body["status"] == "degraded" and body["details"]["checks"] == {"broker": "unreachable"}


@pytest.mark.parametrize("settings", [
    {"APP_ENV": "development", "DEV_MODE": False},
    {"APP_ENV": "development", "DEV_MODE": True, "GATEWAY_HOST": "0.0.0.0"},
    {"APP_ENV": "development", "DEV_MODE": True, "GATEWAY_HOST": "10.1.2.3"},
    {"APP_ENV": "production", "JWT_SECRET": "s" * 40},
], ids=["dev-mode-off", "all-interfaces", "private-address", "production"])
def test_dev_routes_exist_only_in_development_on_a_loopback_listener(rpc, settings):
    with TestClient(create_app(GatewaySettings(**settings), rpc=rpc)) as test_client:
        assert test_client.get("/api/v1/dev/cases/x").status_code == 404
        assert test_client.get("/api/v1/dev/sms", params={"phone": "13800000001"}
                               ).status_code == 404
        assert "/api/v1/dev/sms" not in test_client.get("/openapi.json").json()["paths"]


def test_dev_routes_exist_in_development_on_loopback(rpc):
    settings = GatewaySettings(APP_ENV="development", DEV_MODE=True, GATEWAY_HOST="127.0.0.1")
    with TestClient(create_app(settings, rpc=rpc)) as test_client:
        assert "/api/v1/dev/sms" in test_client.get("/openapi.json").json()["paths"]


def test_an_unexpected_crash_is_a_500_with_code_and_message(client, rpc):
    rpc.script[("workflow", "get_case")] = ZeroDivisionError("boom")
    assert_error(client.get("/api/v1/dev/cases/x"), 500, "INTERNAL_ERROR")


def test_openapi_docs_are_served(client):
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/v1/dev/applications" in paths and "/healthz" in paths


def test_metrics_count_requests_by_route_template(client):
    client.get("/api/v1/dev/cases/XF-1")
    text = client.get("/metrics").text
    assert 'route="/api/v1/dev/cases/{acceptance_number}"' in text
