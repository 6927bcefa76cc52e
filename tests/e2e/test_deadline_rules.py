"""The administrator's deadline rules through the gateway: the versions listed with the one in
force, a new version added from a future day, and bad input refused with a code and a Chinese
message, nothing stored."""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta

from tests.e2e.test_applicant_journey import assert_error
from tests.e2e.test_officer_journey import TODAY, add_officer, officer_login

RULES = {"accept_working_days": 2,
         "decide_working_days": {"serious_illegal_list": 15, "abnormal_operation_list": 5,
                                 "individual_abnormal_status": 5,
                                 "cooperative_abnormal_list": 5, "penalty_publicity": 15,
                                 "other_department_penalty": 5, "bankruptcy_reorganisation": 15},
         "remind_working_days_before": 2}


def listed(http, headers) -> list[dict]:
    answer = http.get("/api/v1/admin/deadline-rules", headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


def test_an_administrator_lists_and_adds_deadline_rule_versions(http, db_engine):
    admin = officer_login(http, add_officer(db_engine, "440100", ["administrator"]))
    handler = officer_login(http, add_officer(db_engine, "44010601", ["handler"]))
    versions = listed(http, admin)
    in_force = [v for v in versions if v["in_force"]]
    assert len(in_force) == 1 and in_force[0]["rules"]["remind_working_days_before"] >= 0
    assert next(v for v in versions if v["version"] == "2021.1")["source"]

    # a day no other test of the run gives a version (the service tests take 2031-2039)
    effective = date(2041, 1, 7) + timedelta(weeks=random.randrange(52 * 8))
    version = {"version": f"e2e-{uuid.uuid4().hex[:8]}", "effective_from": effective.isoformat(),
               "source": "测试：到期前两个工作日提醒", "rules": RULES}
    bad_rules = {**RULES, "decide_working_days": {**RULES["decide_working_days"],
                                                  "penalty_publicity": 0}}
    body = assert_error(http.post("/api/v1/admin/deadline-rules", headers=admin,
                                  json={**version, "rules": bad_rules}), 422, "VALIDATION_FAILED")
    assert {"field": "rules.decide_working_days.penalty_publicity",
            "type": "greater_than_equal"} in body["details"]["fields"]
    without_lead = {k: v for k, v in RULES.items() if k != "remind_working_days_before"}
    assert_error(http.post("/api/v1/admin/deadline-rules", headers=admin,
                           json={**version, "rules": without_lead}), 422, "VALIDATION_FAILED")
    assert_error(http.post("/api/v1/admin/deadline-rules", headers=admin,
                           json={**version, "effective_from": TODAY.isoformat()}), 422,
                 "EFFECTIVE_DATE_NOT_IN_FUTURE")
    assert_error(http.post("/api/v1/admin/deadline-rules", headers=handler, json=version), 403,
                 "ROLE_NOT_ALLOWED")
    assert listed(http, admin) == versions                 # nothing stored

    added = http.post("/api/v1/admin/deadline-rules", headers=admin, json=version)
    assert added.status_code == 201, added.text
    assert added.json()["rules"] == RULES
    assert_error(http.post("/api/v1/admin/deadline-rules", headers=admin, json={
        **version, "version": version["version"] + "b"}), 409, "RULE_VERSION_EXISTS")
    mine = [v for v in listed(http, admin) if v["version"] == version["version"]]
    assert [(v["effective_from"], v["rules"], v["in_force"]) for v in mine] == [
        (effective.isoformat(), RULES, False)]
