"""Forged and broken access tokens: each is refused with 401 and a code, and nothing of the
account is read. Every token but the one flaw it tests carries a live session of its own
subject, so the refusal can only come from that flaw."""

from __future__ import annotations

import base64
import json
import time
from datetime import timedelta

import httpx
import jwt
import pytest

from credit_common import broker_users
from credit_common.testing import isolation
from credit_common.testing.platform import free_port, wait_until
from gateway.core.config import GatewaySettings
from gateway.core.security import AUDIENCE, ISSUER
from tests.e2e import registry
from tests.e2e.test_applicant_journey import TODAY, assert_error, auth, log_in, prepare

#: the suite's gateway runs with the development key (APP_ENV=development)
SECRET = GatewaySettings(APP_ENV="development").jwt_secret
#: what a production gateway of this test is given instead
PRODUCTION_SECRET = "p" * 48
ENVELOPE = {"code", "message", "request_id", "details"}


@pytest.fixture
def disclosure_db(db_engine):
    return db_engine["disclosure"]


@pytest.fixture
def owner(http, disclosure_db):
    """An applicant with a draft application: something a forged token could read."""
    phone, subject, headers = prepare(http, disclosure_db, record_type="abnormal_operation_list")
    record = registry.add_listing(disclosure_db, subject, listed_on=TODAY - timedelta(days=90))
    draft = http.post("/api/v1/applicant/applications", headers=headers, json={
        "subject_code": subject["uscc"], "record_type": "abnormal_operation_list",
        "record_ids": [record], "contact_name": "陈大文", "contact_phone": phone})
    assert draft.status_code == 201, draft.text
    token = headers["Authorization"].removeprefix("Bearer ")
    return {"token": token, "claims": jwt.decode(token, options={"verify_signature": False}),
            "application": draft.json(), "subject": subject, "phone": phone}


def sign(claims: dict, key: str = SECRET, algorithm: str = "HS256") -> str:
    return jwt.encode(claims, key, algorithm=algorithm)


def segment(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def tampered(token: str, **changes) -> str:
    """The token's own signature over a payload it was not made for."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return ".".join([header, segment({**claims, **changes}), signature])


def assert_refused_unread(response: httpx.Response, code: str, owner: dict) -> None:
    body = assert_error(response, 401, code)
    assert set(body) <= ENVELOPE and body["request_id"] == response.headers["x-request-id"]
    for secret in (owner["application"]["id"], owner["subject"]["uscc"],
                   owner["subject"]["name"], owner["phone"]):
        assert secret not in response.text


def forged_tokens(owner: dict, victim: dict) -> dict[str, tuple[str, str]]:
    """name -> (token, the code it must be refused with)."""
    claims = owner["claims"]
    now = int(time.time())
    return {
        "alg_none": (jwt.encode(claims, None, algorithm="none"), "INVALID_TOKEN"),
        "alg_none_with_signature": (
            f"{segment({'alg': 'none', 'typ': 'JWT'})}.{owner['token'].split('.', 1)[1]}",
            "INVALID_TOKEN"),
        "hs512_right_secret": (sign(claims, algorithm="HS512"), "INVALID_TOKEN"),
        "another_secret": (sign(claims, key="x" * 48), "INVALID_TOKEN"),
        "expired": (sign({**claims, "iat": now - 3600, "exp": now - 60}), "INVALID_TOKEN"),
        "no_expiry": (sign({k: v for k, v in claims.items() if k != "exp"}), "INVALID_TOKEN"),
        "wrong_issuer": (sign({**claims, "iss": "someone-else"}), "INVALID_TOKEN"),
        "no_issuer": (sign({k: v for k, v in claims.items() if k != "iss"}), "INVALID_TOKEN"),
        "wrong_audience": (sign({**claims, "aud": "another-api"}), "INVALID_TOKEN"),
        "no_audience": (sign({k: v for k, v in claims.items() if k != "aud"}), "INVALID_TOKEN"),
        "tampered_subject": (tampered(owner["token"], sub=victim["claims"]["sub"]),
                             "INVALID_TOKEN"),
        "tampered_role": (tampered(owner["token"], role="officer", unit="440100",
                                   roles=["administrator"]), "INVALID_TOKEN"),
        "tampered_expiry": (tampered(owner["token"], exp=now + 10**6), "INVALID_TOKEN"),
        "truncated_signature": (owner["token"][:-4], "INVALID_TOKEN"),
        # well signed, but the session is the attacker's and the subject the victim's
        "session_of_someone_else": (sign({**claims, "sub": victim["claims"]["sub"]}),
                                    "SESSION_REVOKED"),
        "own_subject_over_victims_session": (sign({**victim["claims"],
                                                   "sub": claims["sub"]}), "SESSION_REVOKED"),
    }


def test_every_forged_or_broken_token_is_refused_and_reads_nothing(http, disclosure_db, owner):
    victim_token = log_in(http, registry.new_phone())["access_token"]
    victim = {"token": victim_token,
              "claims": jwt.decode(victim_token, options={"verify_signature": False})}
    assert owner["claims"]["aud"] == AUDIENCE and owner["claims"]["iss"] == ISSUER
    mine = f"/api/v1/applicant/applications/{owner['application']['id']}"
    # the owner's own token reads it: the refusals below are the forgeries'
    assert http.get(mine, headers=auth({"access_token": owner["token"]})).status_code == 200

    corpus = forged_tokens(owner, victim)
    for name, (token, code) in corpus.items():
        for path in (mine, "/api/v1/applicant/applications"):
            response = http.get(path, headers={"Authorization": f"Bearer {token}"})
            try:
                assert_refused_unread(response, code, owner)
            except AssertionError as failure:
                raise AssertionError(f"{name} on {path}: {failure}") from None
    # the officer routes refuse them the same way
    for name in ("alg_none", "tampered_role", "hs512_right_secret"):
        response = http.get("/api/v1/officer/cases",
                            headers={"Authorization": f"Bearer {corpus[name][0]}"})
        assert_refused_unread(response, "INVALID_TOKEN", owner)


@pytest.fixture
def production_gateway(platform, test_run_id):
    """A gateway as production runs it (strong key, a broker user with a strong password of
    its own, no development routes), over this run's services."""
    vhost = isolation.vhost_name(test_run_id)
    user = f"credit-gateway-production-{test_run_id}"
    broker_users.apply(vhost, [broker_users.Account(user, PRODUCTION_SECRET,
                                                    *broker_users.process_grant("gateway"))])
    amqp_uri = broker_users.with_credentials(
        isolation.amqp_uri_template(test_run_id).format(service="gateway"), user,
        PRODUCTION_SECRET)
    port = free_port()
    name = "gateway.8"
    platform.start("gateway", instance=8, extra_env={
        "APP_ENV": "production", "DEV_MODE": "false", "JWT_SECRET": PRODUCTION_SECRET,
        "GATEWAY_AMQP_URI": amqp_uri, "GATEWAY_PORT": str(port)})
    url = f"http://127.0.0.1:{port}"

    def answers():
        if not platform.running(name):
            raise AssertionError(f"the production gateway stopped:\n{platform.log(name)[-2000:]}")
        try:
            return httpx.get(f"{url}/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    wait_until(answers, 30, interval=0.2, message="the production gateway")
    try:
        with httpx.Client(base_url=url, timeout=10) as client:
            yield client
    finally:
        platform.stop(name)
        broker_users.rabbitmqctl("delete_user", user)


def test_a_token_signed_with_the_placeholder_secret_opens_nothing_in_production(
        production_gateway, owner):
    placeholder = GatewaySettings.model_fields["jwt_secret"].default
    assert placeholder == SECRET  # the public default, as .env.example ships it
    claims = owner["claims"]
    mine = f"/api/v1/applicant/applications/{owner['application']['id']}"
    # the same claims under the production key are accepted: the key alone decides
    proper = sign(claims, key=PRODUCTION_SECRET)
    assert production_gateway.get(mine, headers={"Authorization": f"Bearer {proper}"}
                                  ).status_code == 200
    for token in (owner["token"], sign(claims, key=placeholder),
                  sign({**claims, "role": "officer", "unit": "440100",
                        "roles": ["administrator"]}, key=placeholder)):
        for path in (mine, "/api/v1/applicant/applications", "/api/v1/officer/cases",
                     "/api/v1/admin/officers"):
            response = production_gateway.get(path, headers={"Authorization": f"Bearer {token}"})
            assert_refused_unread(response, "INVALID_TOKEN", owner)
    # and the development routes do not exist there
    assert production_gateway.get("/api/v1/dev/sms", params={"phone": owner["phone"]}
                                  ).status_code == 404
