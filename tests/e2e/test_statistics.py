"""统计 through the gateway: applications submitted by applicants and decided by officers
over the API (approved and closed, rejected, not accepted, one left waiting past its due date)
in an office of 花都 that no other test of any suite has cases in (``make test`` runs every
suite on the same databases; tests/unit/test_statistics_districts.py checks it); every figure
an office and its district's credit section see is checked, the CSV and Excel exports hold the
same, and bad filters get a code and a Chinese message."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from urllib.parse import quote

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from credit_common.clock import now
from credit_common.reference.organisation import credit_section_code
from tests.e2e import registry
from tests.e2e.test_applicant_journey import PDF, assert_error, auth, log_in, upload
from tests.e2e.test_officer_journey import act, add_officer, case_in_todo, officer_login

TODAY = now().date()
RECORD_TYPE = "abnormal_operation_list"
DISTRICT = "440114"                  # 花都区
OFFICE = f"{DISTRICT}01"             # 花都区新华所: the unit listing the subjects of DISTRICT


def submitted_in(http, disclosure_db, district: str) -> str:
    """An abnormal-operation listing of a subject registered in ``district``, applied for
    and submitted by its legal representative; the acceptance number."""
    phone = registry.new_phone()
    subject = registry.add_subject(disclosure_db, phone=phone, district=district)
    record = registry.add_listing(disclosure_db, subject, listed_on=TODAY - timedelta(days=420))
    headers = auth(log_in(http, phone))
    guide = http.get(f"/api/v1/applicant/guides/{RECORD_TYPE}", headers=headers).json()
    http.post(f"/api/v1/applicant/guides/{RECORD_TYPE}/acknowledgement", headers=headers,
              json={"version": guide["version"]}).raise_for_status()
    notice = http.get("/api/v1/applicant/legal-notice", headers=headers).json()["version"]
    http.post("/api/v1/applicant/subjects", headers=headers, json={
        "subject_code": subject["uscc"], "legal_notice_version": notice}).raise_for_status()
    draft = http.post("/api/v1/applicant/applications", headers=headers, json={
        "subject_code": subject["uscc"], "record_type": RECORD_TYPE, "record_ids": [record],
        "contact_name": "陈大文", "contact_phone": phone})
    assert draft.status_code == 201, draft.text
    for kind in ("application_form", "commitment", "correction_proof"):
        assert upload(http, headers, draft.json()["id"], kind, PDF).status_code == 201
    submitted = http.post(f"/api/v1/applicant/applications/{draft.json()['id']}/submit",
                          headers=headers)
    assert submitted.status_code == 200, submitted.text
    return submitted.json()["acceptance_number"]


def steps(http, officers: dict, number: str, *taken: tuple[str, str, str | None]) -> None:
    """Each (officer, action, opinion) in turn on the case, every one accepted."""
    version = case_in_todo(http, officers["handler"], number)["version"]
    for who, action, opinion in taken:
        answer = act(http, officers[who], number, action, version,
                     **({"opinion": opinion} if opinion else {}))
        assert answer.status_code == 200, answer.text
        version = answer.json()["version"]


def decided_cases(http, db_engine, disclosure_db, district: str) -> dict[str, str]:
    """Four cases of the district's first office: approved and closed, rejected (decided,
    not closed), not accepted, and one still waiting for acceptance. Names -> numbers."""
    office = f"{district}01"
    officers = {role: officer_login(http, add_officer(db_engine, office, [role], name))
                for role, name in (("handler", "黄承办"), ("reviewer", "周审核"),
                                   ("approver", "吴审批"))}
    numbers = {name: submitted_in(http, disclosure_db, district)
               for name in ("approved", "rejected", "not_accepted", "waiting")}
    steps(http, officers, numbers["approved"], ("handler", "accept", None),
          ("handler", "verify", "材料属实"), ("reviewer", "review", "同意"),
          ("approver", "approve", "准予信用修复"), ("handler", "close", None))
    steps(http, officers, numbers["rejected"], ("handler", "accept", None),
          ("handler", "verify", "年报仍未补报"), ("reviewer", "review", "不同意"),
          ("approver", "reject", "未补报年度报告"))
    steps(http, officers, numbers["not_accepted"],
          ("handler", "not_accept", "申请材料与名录记录不符"))
    case_in_todo(http, officers["handler"], numbers["waiting"])
    return numbers


def figures(cases, decided, overdue, late, average, paused=0, paused_cases=0,
            paused_average=None):
    return {"cases": cases, "decided": decided, "overdue": overdue, "decided_late": late,
            "average_working_days": average, "paused": paused, "paused_cases": paused_cases,
            "average_paused_working_days": paused_average}


@pytest.fixture
def disclosure_db(db_engine):
    return db_engine["disclosure"]


def test_statistics_of_decided_cases_and_their_export(http, db_engine, disclosure_db):
    numbers = decided_cases(http, db_engine, disclosure_db, DISTRICT)
    # the waiting case's acceptance was due yesterday: it is overdue now
    with db_engine["workflow"].begin() as conn:
        conn.execute(text("UPDATE cases SET accept_due = :d WHERE acceptance_number = :n"),
                     {"d": TODAY - timedelta(days=1), "n": numbers["waiting"]})
    office = officer_login(http, add_officer(db_engine, OFFICE, ["handler"]))
    section = officer_login(http, add_officer(db_engine, credit_section_code(DISTRICT),
                                              ["reviewer"]))

    stats = http.get("/api/v1/officer/statistics", headers=office)
    assert stats.status_code == 200, stats.text
    stats = stats.json()
    year = TODAY.year
    assert stats["period"] == {"from": f"{year}-01-01", "to": f"{year}-12-31"}
    assert stats["scope"]["level"] == "unit" and stats["scope"]["unit_code"] == OFFICE
    # decided on the day of acceptance: 0 working days from acceptance to decision
    mine = figures(4, 3, 1, 0, 0.0)
    assert {k: stats[k] for k in ("cases", "decided", "overdue", "decided_late")} == {
        k: mine[k] for k in ("cases", "decided", "overdue", "decided_late")}
    assert stats["average_handling_working_days"] == 0.0 and stats["averaged_cases"] == 2
    unit_name = "广州市花都区市场监督管理局新华市场监督管理所"
    assert stats["by_unit"] == [{"unit_code": OFFICE, "unit_name": unit_name, **mine}]
    assert stats["by_district"] == [{"district_code": DISTRICT, "district_name": "花都区",
                                     **mine}]
    assert [t for t in stats["by_record_type"] if t["cases"]] == [
        {"record_type": RECORD_TYPE, "record_type_label": "经营异常名录", **mine}]
    assert len(stats["by_record_type"]) == 6
    assert {s["status"]: s["cases"] for s in stats["by_status"]} == {
        "pending_acceptance": 1, "not_accepted": 1, "rejected": 1, "closed": 1}
    this_month = f"{TODAY:%Y-%m}"
    assert [m for m in stats["monthly"] if m["submitted"] or m["decided"]] == [
        {"month": this_month, "submitted": 4, "decided": 3}]
    assert len(stats["monthly"]) == 12

    # the credit section sees the district: the same cases here; another district's none
    district = http.get("/api/v1/officer/statistics", headers=section,
                        params={"district": DISTRICT, "record_type": RECORD_TYPE}).json()
    assert district["scope"]["level"] == "district"
    # (other tests of the run may have cases at the district's credit section)
    assert [u for u in district["by_unit"] if u["unit_code"] == OFFICE] == stats["by_unit"]
    assert_error(http.get("/api/v1/officer/statistics", headers=section,
                          params={"district": "440106"}), 403, "DISTRICT_NOT_IN_SCOPE")
    # a period before these cases: nothing
    before = http.get("/api/v1/officer/statistics", headers=office,
                      params={"from": f"{year - 1}-01-01", "to": f"{year - 1}-12-31"}).json()
    assert before["cases"] == 0 and before["by_unit"] == []

    exported = http.get("/api/v1/officer/statistics/export", headers=office,
                        params={"format": "csv"})
    assert exported.status_code == 200, exported.text
    assert exported.headers["content-type"].startswith("text/csv")
    name = f"信用修复统计_{year}-01-01至{year}-12-31.csv"
    assert exported.headers["content-disposition"] == \
        f"attachment; filename*=UTF-8''{quote(name, safe='')}"
    assert exported.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    at = rows.index(["按单位"])
    assert rows[at + 2] == [OFFICE, unit_name, "4", "3", "1", "0", "0.0"]
    at = rows.index(["按月趋势"])
    assert [r for r in rows[at + 2:] if r and r[0] == this_month] == [[this_month, "4", "3"]]

    workbook = http.get("/api/v1/officer/statistics/export", headers=office,
                        params={"format": "xlsx"})
    assert workbook.status_code == 200, workbook.text
    assert workbook.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    sheets = load_workbook(io.BytesIO(workbook.content))
    assert [list(r) for r in sheets["按单位"].iter_rows(min_row=2, values_only=True)] == [
        [OFFICE, unit_name, 4, 3, 1, 0, 0.0]]


def test_bad_statistics_filters_get_a_code_and_a_chinese_message(http, db_engine):
    office = officer_login(http, add_officer(db_engine, OFFICE, ["handler"]))
    url = "/api/v1/officer/statistics"
    assert_error(http.get(url, headers=office, params={"from": "2026-05-01",
                                                       "to": "2026-04-01"}),
                 422, "INVALID_PERIOD")
    assert_error(http.get(url, headers=office, params={"from": "2026/05/01"}), 422,
                 "INVALID_DATE")
    assert_error(http.get(url, headers=office, params={"from": "2020-01-01",
                                                       "to": "2026-01-01"}),
                 422, "PERIOD_TOO_LONG")
    assert_error(http.get(url, headers=office, params={"district": "449999"}), 422,
                 "UNKNOWN_DISTRICT")
    assert_error(http.get(url, headers=office, params={"record_type": "parking"}), 422,
                 "VALIDATION_FAILED")
    assert_error(http.get(url, headers=office, params={"district": "440106"}), 403,
                 "DISTRICT_NOT_IN_SCOPE")
    assert_error(http.get(f"{url}/export", headers=office, params={"format": "pdf"}), 422,
                 "VALIDATION_FAILED")
    assert_error(http.get(f"{url}/export", headers=office,
                          params={"format": "csv", "from": "2026-05-01", "to": "2026-04-01"}),
                 422, "INVALID_PERIOD")
    assert_error(http.get(url), 401, "UNAUTHENTICATED")
