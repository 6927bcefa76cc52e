"""Sessions belong to their principal: a token naming someone else over a live session of
one's own is refused; an officer deactivated or given other roles is logged out; an
administrator cannot change their own roles, unit or status."""

from __future__ import annotations

import httpx
import jwt

from credit_common.testing.database_scan import columns_containing
from credit_common.testing.platform import latest_login_code, wait_until
from gateway.core.config import GatewaySettings
from gateway.core.security import Principal, issue_access_token, read_access_token
from tests.e2e import registry
from tests.e2e.test_applicant_journey import assert_error, auth, log_in
from tests.e2e.test_officer_journey import add_officer, officer_login

#: the suite's gateway runs with the development key (APP_ENV=development)
SECRET = GatewaySettings(APP_ENV="development").jwt_secret


def test_a_token_for_someone_else_over_ones_own_live_session_is_refused(http):
    attacker = log_in(http, registry.new_phone())
    victim = log_in(http, registry.new_phone())
    mine = read_access_token(SECRET, attacker["access_token"])
    victims = read_access_token(SECRET, victim["access_token"])
    forged = issue_access_token(SECRET, 600, Principal(
        id=victims.id, role="applicant", session_id=mine.session_id))
    assert http.get("/api/v1/applicant/applications",
                    headers=auth(attacker)).status_code == 200
    assert_error(http.get("/api/v1/applicant/applications",
                          headers={"Authorization": f"Bearer {forged}"}),
                 401, "SESSION_REVOKED")
    # nor as an officer over an applicant's session
    claims = jwt.decode(attacker["access_token"], options={"verify_signature": False})
    officer_token = issue_access_token(SECRET, 600, Principal(
        id=claims["sub"], role="officer", session_id=claims["sid"],
        unit_code="440100", roles=("administrator",)))
    assert_error(http.get("/api/v1/officer/cases",
                          headers={"Authorization": f"Bearer {officer_token}"}),
                 401, "SESSION_REVOKED")


def test_tokens_carry_no_phone_and_the_applicant_reads_it_from_the_server(http, db_engine):
    phone = registry.new_phone()
    applicant = log_in(http, phone)
    officer_phone = add_officer(db_engine, "44010601", ["handler"], "郑承办")
    officer = officer_login(http, officer_phone)
    for token in (applicant["access_token"], officer["Authorization"].split()[1]):
        claims = jwt.decode(token, options={"verify_signature": False})
        assert "phone" not in claims and phone not in token and officer_phone not in token
        assert not {"phone", "id_number", "document_number"} & set(claims)
    me = http.get("/api/v1/applicant/me", headers=auth(applicant))
    assert me.status_code == 200, me.text
    assert me.json()["phone"] == phone
    assert me.json()["phone_masked"] == f"{phone[:3]}****{phone[-4:]}"
    assert_error(http.get("/api/v1/applicant/me"), 401, "UNAUTHENTICATED")
    assert_error(http.get("/api/v1/applicant/me", headers=officer), 403, "ROLE_NOT_ALLOWED")


def test_a_login_code_is_at_rest_nowhere_in_notification_and_the_sink_still_shows_it(
        http, db_engine):
    phone = registry.new_phone()
    assert http.post("/api/v1/applicant/auth/code", json={"phone": phone}).status_code == 202
    code = latest_login_code(http, phone)          # the development sink shows the real text
    assert columns_containing(db_engine["notification"], code) == []
    assert http.post("/api/v1/applicant/auth/login",
                     json={"phone": phone, "code": code}).status_code == 200


def still_in(http: httpx.Client, headers: dict) -> bool:
    return http.get("/api/v1/officer/me", headers=headers).status_code == 200


def test_a_changed_or_deactivated_officer_is_logged_out_and_admins_keep_their_own_powers(
        http, db_engine):
    admin = officer_login(http, add_officer(db_engine, "440100", ["administrator"], "马管理"))
    me = http.get("/api/v1/officer/me", headers=admin).json()
    phone = add_officer(db_engine, "44010601", ["handler"], "黄承办")
    handler = officer_login(http, phone)
    officer_id = http.get("/api/v1/officer/me", headers=handler).json()["id"]

    changed = http.patch(f"/api/v1/admin/officers/{officer_id}", headers=admin,
                         json={"roles": ["handler", "reviewer"]})
    assert changed.status_code == 200, changed.text
    # the gateways notice within SESSION_CHECK_CACHE_S (the session ends in the database now)
    wait_until(lambda: not still_in(http, handler), 15, interval=0.3,
               message="the changed officer's session to end")
    listed = http.get("/api/v1/admin/officers", headers=admin, params={"q": phone}).json()
    assert [o["roles"] for o in listed["items"]] == [["handler", "reviewer"]]
    other = officer_login(http, add_officer(db_engine, "44010602", ["handler"], "周承办"))
    other_id = http.get("/api/v1/officer/me", headers=other).json()["id"]
    assert http.patch(f"/api/v1/admin/officers/{other_id}", headers=admin,
                      json={"active": False}).status_code == 200
    wait_until(lambda: not still_in(http, other), 15, interval=0.3,
               message="the deactivated officer's session to end")
    # a rename changes no power: the session stays
    renamed = officer_login(http, add_officer(db_engine, "44010601", ["handler"], "林承办"))
    renamed_id = http.get("/api/v1/officer/me", headers=renamed).json()["id"]
    assert http.patch(f"/api/v1/admin/officers/{renamed_id}", headers=admin,
                      json={"name": "林承办二"}).status_code == 200
    assert still_in(http, renamed)

    for change in ({"roles": ["administrator", "approver"]}, {"active": False},
                   {"unit_code": "44010601"}):
        assert_error(http.patch(f"/api/v1/admin/officers/{me['id']}", headers=admin,
                                json=change), 403, "OWN_ACCOUNT_NOT_CHANGEABLE")
    assert still_in(http, admin)


def test_an_officers_reused_refresh_token_ends_the_session(http, db_engine):
    phone = add_officer(db_engine, "44010601", ["handler"], "黄承办")
    assert http.post("/api/v1/officer/auth/code", json={"phone": phone}).status_code == 202
    first = http.post("/api/v1/officer/auth/login", json={
        "phone": phone, "code": latest_login_code(http, phone)}).json()
    second = http.post("/api/v1/officer/auth/refresh",
                       json={"refresh_token": first["refresh_token"]}).json()
    assert still_in(http, auth(second))
    assert_error(http.post("/api/v1/officer/auth/refresh",
                           json={"refresh_token": first["refresh_token"]}),
                 401, "INVALID_REFRESH_TOKEN")
    wait_until(lambda: not still_in(http, auth(second)), 15, interval=0.3,
               message="the officer's session to end")
    assert_error(http.post("/api/v1/officer/auth/refresh",
                           json={"refresh_token": second["refresh_token"]}),
                 401, "INVALID_REFRESH_TOKEN")
