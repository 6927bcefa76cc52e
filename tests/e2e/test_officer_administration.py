"""The workbench's administration and counter routes through the gateway: the officers an
administrator manages (listed, added and changed only within the administrator's scope), the
units to put them in, the rule versions with what they say, and a counter application whose
contact details the officer completes before submitting."""

from __future__ import annotations

import uuid
from datetime import timedelta

from tests.e2e import registry
from tests.e2e.test_applicant_journey import PDF, assert_error
from tests.e2e.test_officer_journey import TODAY, add_officer, case_in_todo, officer_login


def test_an_administrator_manages_the_officers_of_the_own_district(http, db_engine):
    tag = uuid.uuid4().hex[:8]
    district_admin = officer_login(http, add_officer(db_engine, "440115", ["administrator"],
                                                     f"区管理{tag}"))
    office_admin = officer_login(http, add_officer(db_engine, "44011501", ["administrator"],
                                                   f"所管理{tag}"))
    handler = officer_login(http, add_officer(db_engine, "44011501", ["handler"], f"承办{tag}"))
    add_officer(db_engine, "44010601", ["handler"], f"天河{tag}")

    assert_error(http.get("/api/v1/admin/officers", headers=handler), 403, "ROLE_NOT_ALLOWED")
    listed = http.get("/api/v1/admin/officers", headers=district_admin, params={"q": tag})
    assert listed.status_code == 200, listed.text
    assert [o["name"] for o in listed.json()["items"]][0] == f"区管理{tag}"
    assert {o["unit_code"] for o in listed.json()["items"]} == {"440115", "44011501"}
    office = http.get("/api/v1/admin/officers", headers=office_admin, params={"q": tag}).json()
    assert {o["unit_code"] for o in office["items"]} == {"44011501"}
    first = http.get("/api/v1/admin/officers", headers=district_admin,
                     params={"q": tag, "limit": 1}).json()
    assert len(first["items"]) == 1 and first["next_cursor"]
    rest = http.get("/api/v1/admin/officers", headers=district_admin,
                    params={"q": tag, "limit": 1, "cursor": first["next_cursor"]}).json()
    assert rest["items"][0]["id"] != first["items"][0]["id"]
    assert_error(http.get("/api/v1/admin/officers", headers=district_admin,
                          params={"cursor": "x"}), 422, "INVALID_CURSOR")

    units = http.get("/api/v1/admin/units", headers=office_admin).json()["items"]
    assert units == [{"code": "44011501", "name": "广州市南沙区市场监督管理局南沙市场监督管理所"}]
    assert len(http.get("/api/v1/admin/units", headers=district_admin).json()["items"]) == 7

    new = {"phone": registry.new_phone(), "name": f"新人{tag}", "unit_code": "44011502",
           "roles": ["handler", "reviewer"]}
    assert_error(http.post("/api/v1/admin/officers", headers=office_admin, json=new), 403,
                 "OFFICER_OUTSIDE_SCOPE")
    created = http.post("/api/v1/admin/officers", headers=district_admin, json=new)
    assert created.status_code == 201, created.text
    assert_error(http.patch(f"/api/v1/admin/officers/{created.json()['id']}",
                            headers=district_admin, json={"unit_code": "44010601"}), 403,
                 "OFFICER_OUTSIDE_SCOPE")
    changed = http.patch(f"/api/v1/admin/officers/{created.json()['id']}",
                         headers=district_admin, json={"roles": ["approver"], "active": False})
    assert changed.status_code == 200, changed.text
    assert changed.json()["roles"] == ["approver"] and changed.json()["active"] is False


def test_rule_versions_show_what_they_say(http, db_engine):
    admin = officer_login(http, add_officer(db_engine, "440100", ["administrator"]))
    versions = http.get("/api/v1/admin/eligibility-rules", headers=admin).json()["items"]
    baseline = next(v for v in versions if v["version"] == "2021.1")
    assert baseline["rules"]["record_types"]["penalty_publicity"]["min_publicity_months"] == 6
    assert_error(http.post("/api/v1/admin/eligibility-rules", headers=admin, json={
        "version": f"t-{uuid.uuid4().hex[:6]}", "effective_from": TODAY.isoformat(),
        "source": "测试", "rules": baseline["rules"]}), 422, "EFFECTIVE_DATE_NOT_IN_FUTURE")


def test_a_counter_application_gets_its_contact_details_on_the_counter_page(http, db_engine):
    disclosure_db = db_engine["disclosure"]
    handler = officer_login(http, add_officer(db_engine, "44010601", ["handler"]))
    elsewhere = officer_login(http, add_officer(db_engine, "44010601", ["handler"]))
    phone = registry.new_phone()
    subject = registry.add_subject(disclosure_db, phone=phone)
    record = registry.add_listing(disclosure_db, subject, listed_on=TODAY - timedelta(days=90))
    draft = http.post("/api/v1/officer/counter-applications", headers=handler, json={
        "subject_code": subject["uscc"], "record_type": "abnormal_operation_list",
        "record_ids": [record]})
    assert draft.status_code == 201, draft.text
    app_id, version = draft.json()["id"], draft.json()["version"]
    url = f"/api/v1/officer/counter-applications/{app_id}"
    for kind in ("application_form", "commitment", "correction_proof"):
        assert http.post(f"{url}/materials", headers=handler, data={"kind": kind},
                         files={"file": ("材料.pdf", PDF, "application/pdf")}).status_code == 201
    assert_error(http.post(f"{url}/submit", headers=handler), 422, "FORM_INCOMPLETE")

    form = {"contact_name": "陈大文", "contact_phone": phone, "version": version}
    assert_error(http.patch(url, headers=elsewhere, json=form), 403, "APPLICATION_NOT_ACCESSIBLE")
    assert_error(http.patch(url, headers=handler, json={**form, "version": version + 5}), 409,
                 "STALE_VERSION")
    assert http.patch(url, headers=handler, json={**form, "contact_phone": "12"}).status_code \
        == 422
    changed = http.patch(url, headers=handler, json=form)
    assert changed.status_code == 200, changed.text
    assert http.get(url, headers=handler).json()["form"]["contact_name"] == "陈大文"
    submitted = http.post(f"{url}/submit", headers=handler)
    assert submitted.status_code == 200, submitted.text
    item = case_in_todo(http, handler, submitted.json()["acceptance_number"])
    assert item["status"] == "pending_acceptance"
    # submitted: no more changes (the case opening may bump the version meanwhile)
    late = http.patch(url, headers=handler, json={**form, "version": http.get(
        url, headers=handler).json()["version"]})
    assert late.status_code == 409 and late.json()["code"] in ("APPLICATION_NOT_EDITABLE",
                                                               "STALE_VERSION")
