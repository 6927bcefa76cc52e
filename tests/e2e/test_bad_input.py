"""Bad input at the gateway gets a 4xx with a stable code and a Chinese message, never a 500,
and nothing is saved."""

import re

import pytest
from sqlalchemy import text

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def assert_error(response, status, code=None):
    assert response.status_code == status, response.text
    body = response.json()
    assert re.fullmatch(r"[A-Z][A-Z0-9_]+", body["code"])
    if code:
        assert body["code"] == code
    assert CHINESE.search(body["message"]), body["message"]
    assert body["request_id"] == response.headers["X-Request-ID"]
    return body


def test_malformed_json(http):
    response = http.post("/api/v1/dev/applications", content=b'{"record_type": ',
                         headers={"Content-Type": "application/json"})
    assert 400 <= response.status_code < 500
    assert_error(response, response.status_code)


@pytest.mark.parametrize("change", [
    {"record_type": "not_a_type"},
    {"district_code": 440106},
    {"district_code": "44A106"},
    {"subject_name": ""},
    {"subject_uscc": ["91440106"]},
])
def test_wrong_types_and_values(http, application_payload, change):
    assert_error(http.post("/api/v1/dev/applications", json=application_payload(**change)), 422)


def test_missing_field(http, application_payload):
    payload = application_payload()
    del payload["subject_name"]
    assert_error(http.post("/api/v1/dev/applications", json=payload), 422)


def test_invalid_uscc_checksum_is_refused_by_intake_and_nothing_is_saved(http, application_payload,
                                                                          db_engine):
    payload = application_payload()
    bad = payload["subject_uscc"][:-1] + ("0" if payload["subject_uscc"][-1] != "0" else "1")
    body = assert_error(http.post("/api/v1/dev/applications",
                                  json={**payload, "subject_uscc": bad}), 422, "INVALID_USCC")
    assert body["details"]["field"] == "subject_uscc"
    with db_engine["intake"].connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM applications WHERE subject_uscc = :u"),
                            {"u": bad}).scalar_one() == 0


def test_unknown_route(http):
    assert_error(http.get("/api/v1/no/such/route"), 404, "NOT_FOUND")


def test_unknown_case_is_404_not_500(http):
    assert_error(http.get("/api/v1/dev/cases/XF-000000-20260101-000000"), 404, "CASE_NOT_FOUND")


def test_oversized_body(http, application_payload):
    payload = application_payload(subject_name="大" * 2_000_000)
    assert_error(http.post("/api/v1/dev/applications", json=payload), 413)


@pytest.mark.parametrize("path, params", [
    ("/api/v1/public/documents/verify", {"code": "ABC\x00DEF"}),
    ("/api/v1/public/subjects", {"q": "示范\x00"}),
])
def test_a_nul_character_in_a_parameter_is_refused_not_a_service_failure(http, path, params):
    assert_error(http.get(path, params=params), 422, "VALIDATION_FAILED")
    assert_error(http.get("/api/v1/public/records/abc%00def"), 422, "VALIDATION_FAILED")


def test_a_nul_character_in_a_body_is_refused_not_a_service_failure(http, db_engine):
    from datetime import timedelta

    from tests.e2e import registry
    from tests.e2e.test_applicant_journey import TODAY, prepare

    phone, subject, headers = prepare(http, db_engine["disclosure"],
                                      record_type="abnormal_operation_list")
    record = registry.add_listing(db_engine["disclosure"], subject,
                                  listed_on=TODAY - timedelta(days=90))
    draft = http.post("/api/v1/applicant/applications", headers=headers, json={
        "subject_code": subject["uscc"], "record_type": "abnormal_operation_list",
        "record_ids": [record]}).json()
    assert_error(http.patch(f"/api/v1/applicant/applications/{draft['id']}", headers=headers,
                            json={"version": draft["version"], "facts_and_reasons": "已整改\x00"}),
                 422, "VALIDATION_FAILED")
