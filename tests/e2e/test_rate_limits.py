"""Per-client-IP rate limits on the public queries and the login routes, counted in Redis,
answered 429 with Retry-After; behind a trusted proxy the client is the X-Forwarded-For one.

A gateway of its own with small limits (the suite's gateway has them out of the way)."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest

from credit_common.testing.platform import free_port, wait_until


@pytest.fixture
def strict_gateway(platform):
    port = free_port()
    platform.start("gateway", instance=9, extra_env={
        "GATEWAY_PORT": str(port), "RATE_LIMIT_PUBLIC": "3/minute",
        "RATE_LIMIT_LOGIN": "2/minute", "FORWARDED_ALLOW_IPS": "127.0.0.1",
        # counters of this test alone
        "RATE_LIMIT_PREFIX": f"credit-rate-test-{uuid.uuid4().hex}"})
    url = f"http://127.0.0.1:{port}"

    def answers():
        try:
            return httpx.get(f"{url}/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    wait_until(answers, 30, interval=0.2, message="the strict gateway")
    with httpx.Client(base_url=url, timeout=10) as client:
        yield client
    platform.stop("gateway.9")


def assert_limited(response):
    assert response.status_code == 429, response.text
    body = response.json()
    assert body["code"] == "RATE_LIMITED" and re.search(r"[\u4e00-\u9fff]", body["message"])
    assert body["request_id"] == response.headers["x-request-id"]
    assert 1 <= int(response.headers["retry-after"]) <= 60


def test_public_queries_are_limited_per_client_ip(strict_gateway):
    client_a = {"X-Forwarded-For": "203.0.113.7"}
    for _ in range(3):
        assert strict_gateway.get("/api/v1/public/subjects", params={"q": "示范"},
                                  headers=client_a).status_code == 200
    assert_limited(strict_gateway.get("/api/v1/public/subjects", params={"q": "示范"},
                                      headers=client_a))
    assert_limited(strict_gateway.get("/api/v1/public/documents/verify",
                                      params={"code": "ABCDEFGH"}, headers=client_a))
    # another client behind the same trusted proxy has its own count
    assert strict_gateway.get("/api/v1/public/subjects", params={"q": "示范"},
                              headers={"X-Forwarded-For": "203.0.113.8"}).status_code == 200
    # routes that need a login are not these limits' business
    assert strict_gateway.get("/api/v1/applicant/applications",
                              headers=client_a).status_code == 401


def test_login_and_code_routes_are_limited_per_client_ip(strict_gateway):
    client = {"X-Forwarded-For": "198.51.100.20"}
    for phone in ("13900000101", "13900000102"):
        answer = strict_gateway.post("/api/v1/applicant/auth/code", json={"phone": phone},
                                     headers=client)
        assert answer.status_code == 202, answer.text
    assert_limited(strict_gateway.post("/api/v1/officer/auth/login",
                                       json={"phone": "13900000103", "code": "123456"},
                                       headers=client))
