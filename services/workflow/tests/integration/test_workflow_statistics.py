"""Statistics over cases with known outcomes, every figure checked: cases decided on time,
decided late, decided but not yet closed after their due date (never overdue), running past
their due date (overdue), returned and withdrawn ones (never overdue), in three offices of two
districts over two months of 2025 (a period no other test writes cases into), as an office, a
district's credit section and the city bureau see them; and the export of the same figures."""

from __future__ import annotations

import base64
import csv
import io
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ClusterRpcProxy
from openpyxl import load_workbook
from sqlalchemy import text

from workflow.service import WorkflowService

SHANGHAI = ZoneInfo("Asia/Shanghai")
PERIOD = {"from": "2025-03-01", "to": "2025-04-30"}
OFFICE_A, OFFICE_B, OFFICE_C = "44011301", "44011302", "44011801"   # 番禺 市桥, 番禺 大石, 增城 荔城
TYPES = ["serious_illegal_list", "abnormal_operation_list", "individual_abnormal_status",
         "cooperative_abnormal_list", "penalty_publicity", "other_department_penalty"]
#: far enough ahead that "today" never passes it while this test is kept
LATER = date.today() + timedelta(days=400)


def at(day: str, clock: str = "10:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=SHANGHAI)


#: name: (unit, record type, status, submitted, accept_due, accepted, decide_due, decided, closed)
CASES = {
    # office A: on time and closed (8 working days from acceptance to decision)
    "A1": (OFFICE_A, "penalty_publicity", "closed", at("2025-03-03"), date(2025, 3, 5),
           at("2025-03-04"), date(2025, 3, 25), at("2025-03-14"), at("2025-03-17")),
    # running past its due date: overdue
    "A2": (OFFICE_A, "abnormal_operation_list", "under_review", at("2025-03-10"),
           date(2025, 3, 12), at("2025-03-11"), date(2025, 3, 18), None, None),
    # decided after its due date and not closed: late, never overdue (18 working days: the
    # Qingming holiday off, Sunday 27 April a working day)
    "A3": (OFFICE_A, "abnormal_operation_list", "rejected", at("2025-04-01"),
           date(2025, 4, 3), at("2025-04-02"), date(2025, 4, 10), at("2025-04-28"), None),
    # waiting for acceptance past its due date: overdue
    "A4": (OFFICE_A, "penalty_publicity", "pending_acceptance", at("2025-04-15", "23:30"),
           date(2025, 4, 17), None, None, None, None),
    # 不予受理 in time; submitted at 00:30 on 1 March in Shanghai (still February in UTC)
    "A5": (OFFICE_A, "serious_illegal_list", "not_accepted", at("2025-03-01", "00:30"),
           date(2025, 3, 4), None, None, at("2025-03-03"), None),
    # submitted before the period, decided within it: only in March's decisions
    "A6": (OFFICE_A, "penalty_publicity", "approved", at("2025-02-27"), date(2025, 3, 3),
           at("2025-02-28"), date(2025, 3, 21), at("2025-03-05"), None),
    # 00:10 on 1 May in Shanghai (still 30 April in UTC): after the period
    "A7": (OFFICE_A, "penalty_publicity", "pending_acceptance", at("2025-05-01", "00:10"),
           date(2025, 5, 7), None, None, None, None),
    # office B: decided on its due day (on time, 16 working days)
    "B1": (OFFICE_B, "penalty_publicity", "approved", at("2025-04-07"), date(2025, 4, 9),
           at("2025-04-08"), date(2025, 4, 29), at("2025-04-29"), None),
    # returned, waiting for the applicant past the acceptance due date: not overdue, paused
    "B2": (OFFICE_B, "abnormal_operation_list", "returned", at("2025-03-20"),
           date(2025, 3, 24), None, None, None, None),
    # office C of another district: decided a day late (6 working days)
    "C1": (OFFICE_C, "cooperative_abnormal_list", "closed", at("2025-03-05", "09:00"),
           date(2025, 3, 7), at("2025-03-05", "15:00"), date(2025, 3, 12), at("2025-03-13"),
           at("2025-03-14")),
    # running, not yet due
    "C2": (OFFICE_C, "individual_abnormal_status", "accepted", at("2025-04-20"),
           date(2025, 4, 22), at("2025-04-21"), LATER, None, None),
    # withdrawn past its due date: not overdue
    "C3": (OFFICE_C, "individual_abnormal_status", "withdrawn", at("2025-04-22"),
           date(2025, 4, 24), None, None, None, None),
}


@pytest.fixture
def workflow(container_factory, nameko_config, clean_queues):
    container = container_factory(WorkflowService, nameko_config)
    container.start()
    return container


@pytest.fixture(scope="module")
def arranged(database_urls):
    """The cases of CASES (once per run: the period is this test's alone)."""
    from sqlalchemy import create_engine
    engine = create_engine(database_urls["workflow"])
    with engine.begin() as conn:
        mine = conn.execute(text("SELECT count(*) FROM cases WHERE subject_name = '统计测试有限公司'"
                                 )).scalar_one()
        if not mine:
            for _name, (unit, kind, status, submitted, accept_due, accepted, decide_due,
                       decided, closed) in CASES.items():
                conn.execute(text(
                    "INSERT INTO cases (id, application_id, acceptance_number, record_type, "
                    "subject_uscc, subject_name, district_code, status, submitted_at, opened_at, "
                    "unit_code, accept_due, accepted_at, decide_due, decided_at, closed_at) "
                    "VALUES (:id, :app, :n, :kind, '91440113MA59STAT1X', '统计测试有限公司', "
                    ":district, :status, :submitted, :submitted, :unit, :accept_due, "
                    ":accepted, :decide_due, :decided, :closed)"), {
                        "id": uuid.uuid4(), "app": uuid.uuid4(),
                        "n": f"XF-{unit[:6]}-{submitted:%Y%m%d}-9{uuid.uuid4().int % 10**5:05d}",
                        "kind": kind, "district": unit[:6], "status": status,
                        "submitted": submitted, "unit": unit, "accept_due": accept_due,
                        "accepted": accepted, "decide_due": decide_due, "decided": decided,
                        "closed": closed})
            # B1 was returned once and resubmitted 3 working days later (B2, returned
            # before pauses were kept, has no pause of its own: it counts as paused now)
            conn.execute(text(
                "UPDATE cases SET pause_count = 1, paused_working_days_total = 3 "
                "WHERE subject_name = '统计测试有限公司' AND unit_code = :u AND status = 'approved'"),
                {"u": OFFICE_B})
    engine.dispose()
    return CASES


def officer(db_engine, unit: str, roles=("handler",)) -> str:
    officer_id = uuid.uuid4()
    with db_engine["workflow"].begin() as conn:
        conn.execute(text(
            "INSERT INTO officers (id, phone, name, unit_code, roles) VALUES (:id, :p, '统计员', "
            ":u, :r)"), {"id": officer_id, "p": f"139{uuid.uuid4().int % 10**8:08d}", "u": unit,
                        "r": list(roles)})
    return str(officer_id)


def figures(cases, decided, overdue, late, average, paused=0, paused_cases=0,
            paused_average=None):
    return {"cases": cases, "decided": decided, "overdue": overdue, "decided_late": late,
            "average_working_days": average, "paused": paused, "paused_cases": paused_cases,
            "average_paused_working_days": paused_average}


def by_type(**given):
    return [{"record_type": t, "record_type_label": label,
             **given.get(t, figures(0, 0, 0, 0, None))}
            for t, label in zip(TYPES, ["严重违法失信名单", "经营异常名录", "个体工商户经营异常状态",
                                        "农民专业合作社经营异常名录", "行政处罚信息公示", "其他部门行政处罚"],
                                strict=True)]


def statistics(nameko_config, officer_id, **filters):
    with ClusterRpcProxy(nameko_config) as proxy:
        return proxy.workflow.statistics(officer_id, {**PERIOD, **filters})


def refused(nameko_config, officer_id, filters, exc_type, code):
    with ClusterRpcProxy(nameko_config) as proxy, pytest.raises(RemoteError) as raised:
        proxy.workflow.statistics(officer_id, filters)
    assert raised.value.exc_type == exc_type
    assert raised.value.value.startswith(f"{code}: ")
    return raised.value.value


UNIT_A = {"unit_code": OFFICE_A, "unit_name": "广州市番禺区市场监督管理局市桥市场监督管理所",
          **figures(5, 3, 2, 1, 13.0)}
UNIT_B = {"unit_code": OFFICE_B, "unit_name": "广州市番禺区市场监督管理局大石市场监督管理所",
          **figures(2, 1, 0, 0, 16.0, 1, 1, 3.0)}
UNIT_C = {"unit_code": OFFICE_C, "unit_name": "广州市增城区市场监督管理局荔城市场监督管理所",
          **figures(3, 1, 0, 1, 6.0)}


def test_an_office_sees_its_own_cases_every_figure(workflow, nameko_config, db_engine,
                                                     arranged):
    stats = statistics(nameko_config, officer(db_engine, OFFICE_A))
    assert stats["period"] == PERIOD
    assert stats["filters"] == {"district_code": None, "record_type": None}
    assert stats["scope"] == {"level": "unit", "unit_code": OFFICE_A, "district_code": "440113",
                              "unit_name": UNIT_A["unit_name"], "district_name": "番禺区"}
    assert stats["average_basis"] == "accepted_to_decided"
    assert {k: stats[k] for k in ("cases", "decided", "overdue", "decided_late",
                                  "average_handling_working_days", "averaged_cases", "paused",
                                  "paused_cases", "average_paused_working_days")} == {
        "cases": 5, "decided": 3, "overdue": 2, "decided_late": 1,
        "average_handling_working_days": 13.0, "averaged_cases": 2, "paused": 0,
        "paused_cases": 0, "average_paused_working_days": None}
    assert stats["by_unit"] == [UNIT_A]
    assert stats["by_district"] == [{"district_code": "440113", "district_name": "番禺区",
                                     **figures(5, 3, 2, 1, 13.0)}]
    assert stats["by_record_type"] == by_type(
        serious_illegal_list=figures(1, 1, 0, 0, None),
        abnormal_operation_list=figures(2, 1, 1, 1, 18.0),
        penalty_publicity=figures(2, 1, 1, 0, 8.0))
    assert stats["by_status"] == [
        {"status": "pending_acceptance", "status_label": "待受理", "cases": 1},
        {"status": "not_accepted", "status_label": "不予受理", "cases": 1},
        {"status": "under_review", "status_label": "审核中", "cases": 1},
        {"status": "rejected", "status_label": "不予修复", "cases": 1},
        {"status": "closed", "status_label": "已办结", "cases": 1}]
    # March: A1, A2, A5 submitted; A1, A5 and A6 (submitted in February) decided
    assert stats["monthly"] == [{"month": "2025-03", "submitted": 3, "decided": 3},
                                {"month": "2025-04", "submitted": 2, "decided": 1}]


def test_a_credit_section_sees_its_district_and_the_city_everything(workflow, nameko_config,
                                                                   db_engine, arranged):
    district = statistics(nameko_config, officer(db_engine, "44011390"))
    assert district["scope"]["level"] == "district"
    assert (district["cases"], district["decided"], district["overdue"],
            district["decided_late"], district["average_handling_working_days"],
            district["averaged_cases"], district["paused"], district["paused_cases"],
            district["average_paused_working_days"]) == (7, 4, 2, 1, 14.0, 3, 1, 1, 3.0)
    assert district["by_unit"] == [UNIT_A, UNIT_B]
    assert district["by_district"] == [{"district_code": "440113", "district_name": "番禺区",
                                        **figures(7, 4, 2, 1, 14.0, 1, 1, 3.0)}]
    assert district["monthly"] == [{"month": "2025-03", "submitted": 4, "decided": 3},
                                   {"month": "2025-04", "submitted": 3, "decided": 2}]

    city = statistics(nameko_config, officer(db_engine, "440100", ["administrator"]))
    assert city["scope"] == {"level": "city", "unit_code": "440100", "district_code": None,
                             "unit_name": "广州市市场监督管理局", "district_name": None}
    assert (city["cases"], city["decided"], city["overdue"], city["decided_late"],
            city["average_handling_working_days"], city["averaged_cases"], city["paused"],
            city["paused_cases"], city["average_paused_working_days"]) == (
        10, 5, 2, 2, 12.0, 4, 1, 1, 3.0)
    assert city["by_unit"] == [UNIT_A, UNIT_B, UNIT_C]
    # every district is listed, the ones without cases with zeros
    assert len(city["by_district"]) == 11
    assert [d for d in city["by_district"] if d["cases"]] == [
        {"district_code": "440113", "district_name": "番禺区",
         **figures(7, 4, 2, 1, 14.0, 1, 1, 3.0)},
        {"district_code": "440118", "district_name": "增城区", **figures(3, 1, 0, 1, 6.0)}]
    assert next(d for d in city["by_district"] if d["district_code"] == "440106") == {
        "district_code": "440106", "district_name": "天河区", **figures(0, 0, 0, 0, None)}
    assert city["by_record_type"] == by_type(
        serious_illegal_list=figures(1, 1, 0, 0, None),
        abnormal_operation_list=figures(3, 1, 1, 1, 18.0, paused=1),
        individual_abnormal_status=figures(2, 0, 0, 0, None),
        cooperative_abnormal_list=figures(1, 1, 0, 1, 6.0),
        penalty_publicity=figures(3, 2, 1, 0, 12.0, 0, 1, 3.0))
    assert {s["status"]: s["cases"] for s in city["by_status"]} == {
        "pending_acceptance": 1, "accepted": 1, "returned": 1, "not_accepted": 1,
        "under_review": 1, "approved": 1, "rejected": 1, "closed": 2, "withdrawn": 1}
    assert city["monthly"] == [{"month": "2025-03", "submitted": 5, "decided": 4},
                               {"month": "2025-04", "submitted": 5, "decided": 2}]


def test_filters_by_district_type_and_period(workflow, nameko_config, db_engine, arranged):
    city = officer(db_engine, "440100", ["administrator"])
    one = statistics(nameko_config, city, district_code="440118",
                     record_type="cooperative_abnormal_list")
    assert one["filters"] == {"district_code": "440118",
                              "record_type": "cooperative_abnormal_list"}
    assert (one["cases"], one["decided"], one["overdue"], one["decided_late"],
            one["average_handling_working_days"]) == (1, 1, 0, 1, 6.0)
    assert one["by_unit"] == [{**UNIT_C, **figures(1, 1, 0, 1, 6.0)}]
    assert one["by_district"] == [{"district_code": "440118", "district_name": "增城区",
                                   **figures(1, 1, 0, 1, 6.0)}]
    assert one["by_record_type"] == [{"record_type": "cooperative_abnormal_list",
                                      "record_type_label": "农民专业合作社经营异常名录",
                                      **figures(1, 1, 0, 1, 6.0)}]
    assert one["monthly"] == [{"month": "2025-03", "submitted": 1, "decided": 1},
                              {"month": "2025-04", "submitted": 0, "decided": 0}]

    april = statistics(nameko_config, officer(db_engine, OFFICE_A), **{"from": "2025-04-01"})
    assert april["period"] == {"from": "2025-04-01", "to": "2025-04-30"}
    assert (april["cases"], april["decided"], april["overdue"], april["decided_late"]) == (
        2, 1, 1, 1)
    assert april["monthly"] == [{"month": "2025-04", "submitted": 2, "decided": 1}]
    # the district's own code as a filter is the same as none
    section = officer(db_engine, "44011390")
    assert statistics(nameko_config, section, district_code="440113")["cases"] == 7


def test_the_period_defaults_to_this_year(workflow, nameko_config, db_engine):
    with ClusterRpcProxy(nameko_config) as proxy:
        stats = proxy.workflow.statistics(officer(db_engine, OFFICE_A))
    year = stats["as_of"][:4]
    assert stats["period"] == {"from": f"{year}-01-01", "to": f"{year}-12-31"}
    assert [m["month"] for m in stats["monthly"]] == [f"{year}-{m:02d}" for m in range(1, 13)]


def test_bad_filters_are_refused_with_a_code_and_a_chinese_message(workflow, nameko_config,
                                                                   db_engine):
    office = officer(db_engine, OFFICE_A)
    message = refused(nameko_config, office, {"from": "2025-05-01", "to": "2025-04-01"},
                      "ValidationFailed", "INVALID_PERIOD")
    assert "开始日期不能晚于结束日期" in message
    refused(nameko_config, office, {"from": "2025-13-01"}, "ValidationFailed", "INVALID_DATE")
    refused(nameko_config, office, {"to": "20250401"}, "ValidationFailed", "INVALID_DATE")
    refused(nameko_config, office, {"from": "2020-01-01", "to": "2025-01-01"},
            "ValidationFailed", "PERIOD_TOO_LONG")
    refused(nameko_config, office, {"district_code": "449999"}, "ValidationFailed",
            "UNKNOWN_DISTRICT")
    refused(nameko_config, office, {"record_type": "parking_ticket"}, "ValidationFailed",
            "INVALID_RECORD_TYPE")
    # another district than one's own: refused, not an empty answer
    refused(nameko_config, office, {"district_code": "440118"}, "Forbidden",
            "DISTRICT_NOT_IN_SCOPE")
    refused(nameko_config, officer(db_engine, "44011390"), {"district_code": "440106"},
            "Forbidden", "DISTRICT_NOT_IN_SCOPE")
    with ClusterRpcProxy(nameko_config) as proxy, pytest.raises(RemoteError) as raised:
        proxy.workflow.statistics_export(office, PERIOD, "pdf")
    assert raised.value.value.startswith("INVALID_EXPORT_FORMAT: ")


def csv_tables(content: bytes) -> dict[str, list[list[str]]]:
    """Title -> rows (the header first) of the exported CSV."""
    assert content.startswith(b"\xef\xbb\xbf")   # the BOM Excel needs to read UTF-8
    tables, current = {}, None
    for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))):
        if not row:
            current = None
        elif current is None:
            current = tables.setdefault(row[0], [])
        else:
            current.append(row)
    return tables


def test_the_export_holds_the_same_figures(workflow, nameko_config, db_engine, arranged):
    section = officer(db_engine, "44011390")
    with ClusterRpcProxy(nameko_config) as proxy:
        exported = proxy.workflow.statistics_export(section, PERIOD, "csv")
        workbook_file = proxy.workflow.statistics_export(section, PERIOD, "xlsx")
    assert exported["file_name"] == "信用修复统计_2025-03-01至2025-04-30.csv"
    assert exported["content_type"].startswith("text/csv")
    tables = csv_tables(base64.b64decode(exported["content_b64"]))
    assert list(tables) == ["概况", "按单位", "按区划", "按类型", "按状态", "按月趋势"]
    overview = dict(tables["概况"][1:])
    assert overview["统计期间"] == "2025-03-01 至 2025-04-30"
    assert overview["统计范围"] == "本区（番禺区）"
    assert (overview["案件数"], overview["已作出决定"], overview["超期未办结"],
            overview["超期作出决定"], overview["平均办理工作日（受理至决定）"],
            overview["补正中（暂停计时）"], overview["曾退回补正"],
            overview["平均补正用时（工作日）"]) == ("7", "4", "2", "1", "14.0", "1", "1", "3.0")
    assert tables["按单位"] == [
        ["单位代码", "单位", "案件数", "已作出决定", "超期未办结", "超期作出决定", "平均办理工作日（受理至决定）"],
        [OFFICE_A, UNIT_A["unit_name"], "5", "3", "2", "1", "13.0"],
        [OFFICE_B, UNIT_B["unit_name"], "2", "1", "0", "0", "16.0"]]
    assert tables["按类型"][1] == ["serious_illegal_list", "严重违法失信名单", "1", "1", "0", "0", ""]
    assert tables["按月趋势"] == [["月份", "提交案件数", "作出决定数"], ["2025-03", "4", "3"],
                              ["2025-04", "3", "2"]]

    assert workbook_file["file_name"].endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(base64.b64decode(workbook_file["content_b64"])))
    assert workbook.sheetnames == ["概况", "按单位", "按区划", "按类型", "按状态", "按月趋势"]
    units = [list(r) for r in workbook["按单位"].iter_rows(values_only=True)]
    assert units[1:] == [[OFFICE_A, UNIT_A["unit_name"], 5, 3, 2, 1, 13.0],
                         [OFFICE_B, UNIT_B["unit_name"], 2, 1, 0, 0, 16.0]]
    statuses = {r[0]: r[2] for r in workbook["按状态"].iter_rows(min_row=2, values_only=True)}
    assert statuses == {"pending_acceptance": 1, "returned": 1, "not_accepted": 1,
                        "under_review": 1, "approved": 1, "rejected": 1, "closed": 1}
