"""统计 on a desk screen, against the real platform: applications of a 从化 office (a district no
other test of any suite has cases in: ``make test`` runs every suite on the same databases and
the figures count the office's whole year; tests/unit/test_statistics_districts.py checks it)
are submitted by applicants and decided by its officers over the API — approved and closed,
rejected, not accepted, one left waiting past its due date — then an officer of that office
opens 统计: the tiles, every chart's data table and the filtered figures match what the
statistics API answers, and 导出 CSV downloads a file whose rows match too."""

from __future__ import annotations

import csv
import re
from datetime import timedelta

from playwright.sync_api import Locator, Page, expect
from sqlalchemy import text

from tests.browser.conftest import log_in_on_page
from tests.e2e.test_officer_journey import TODAY, add_officer, officer_login
from tests.e2e.test_statistics import decided_cases

DISTRICT = "440117"                    # 从化区
OFFICE = f"{DISTRICT}01"               # 从化区街口所: the office listing that district's subjects
STATISTICS = "/api/v1/officer/statistics"


def average(value) -> str:
    return "—" if value is None else f"{value:.1f}"


def month_label(month: str) -> str:
    year, number = month.split("-")
    return f"{year}年{int(number)}月"


def table_rows(page: Page, name: str) -> list[list[str]]:
    """The cells of a chart's data table, row by row (the header row left out)."""
    table = page.get_by_role("table", name=name, exact=True)
    expect(table).to_be_visible()
    return [[c.strip() for c in row.get_by_role("cell").all_inner_texts()]
            for row in table.get_by_role("row").all() if row.get_by_role("cell").count()]


def tiles(page: Page) -> dict[str, str]:
    summary = page.get_by_role("region", name="概况")
    terms = summary.locator("dt").all_inner_texts()
    values = summary.locator("dd").all_inner_texts()
    return dict(zip(terms, values, strict=True))


def choose(page: Page, label: str, option: str) -> None:
    """An el-select by its label: opened from the keyboard, the option picked by its text."""
    page.get_by_role("combobox", name=label, exact=True).press("Enter")
    page.get_by_role("option", name=option, exact=True).click()


def expect_figures(page: Page, stats: dict) -> None:
    """The page shows exactly the API's figures: tiles and every data table."""
    expect(page.get_by_text(f"统计期间：{stats['period']['from']} 至 {stats['period']['to']}")
           ).to_be_visible()
    assert tiles(page) == {
        "案件数": str(stats["cases"]), "已作出决定": str(stats["decided"]),
        "超期未办结": str(stats["overdue"]), "超期作出决定": str(stats["decided_late"]),
        "平均办理工作日（受理至决定）": average(stats["average_handling_working_days"]),
        "补正中（暂停计时）": str(stats["paused"]),
        "平均补正用时（工作日）": average(stats["average_paused_working_days"])}

    def figures(row):
        return [str(row["cases"]), str(row["decided"]), str(row["overdue"]),
                str(row["decided_late"]), average(row["average_working_days"])]

    assert table_rows(page, "各单位办理情况（数据表）") == [
        [u["unit_name"], *figures(u)] for u in stats["by_unit"]]
    assert table_rows(page, "各区办理情况（数据表）") == [
        [d["district_name"], *figures(d)] for d in stats["by_district"]]
    assert table_rows(page, "各类型案件数（数据表）") == [
        [t["record_type_label"], *figures(t)] for t in stats["by_record_type"]]
    assert table_rows(page, "案件状态分布（数据表）") == [
        [s["status_label"], str(s["cases"])] for s in stats["by_status"]]
    assert table_rows(page, "超期情况（数据表）") == [
        [t["record_type_label"], str(t["overdue"]), str(t["decided_late"])]
        for t in stats["by_record_type"]] + [
        ["合计", str(stats["overdue"]), str(stats["decided_late"])]]
    assert table_rows(page, "平均办理工作日（受理至作出决定）（数据表）") == [
        [t["record_type_label"], average(t["average_working_days"])]
        for t in stats["by_record_type"]] + [
        ["总平均", average(stats["average_handling_working_days"])]]
    assert table_rows(page, "按月趋势（数据表）") == [
        [month_label(m["month"]), str(m["submitted"]), str(m["decided"])]
        for m in stats["monthly"]]


def charts(page: Page) -> Locator:
    return page.get_by_role("img").filter(has=page.locator("svg"))


def test_the_statistics_page_shows_and_exports_the_cases_just_decided(
        http, db_engine, new_page, shot, assert_accessible, tmp_path):
    numbers = decided_cases(http, db_engine, db_engine["disclosure"], DISTRICT)
    with db_engine["workflow"].begin() as conn:   # the waiting case is now past its due date
        conn.execute(text("UPDATE cases SET accept_due = :d WHERE acceptance_number = :n"),
                     {"d": TODAY - timedelta(days=1), "n": numbers["waiting"]})
    # one officer of the office asks the API, another (own login code) uses the page
    api = officer_login(http, add_officer(db_engine, OFFICE, ["handler"], "统计员"))
    phone = add_officer(db_engine, OFFICE, ["reviewer"], "周审核")
    stats = http.get(STATISTICS, headers=api).json()
    # the API counts the four cases just handled, the one waiting overdue
    assert (stats["cases"], stats["decided"], stats["overdue"], stats["decided_late"]) == (
        4, 3, 1, 0)
    assert [u["unit_code"] for u in stats["by_unit"]] == [OFFICE]

    page = new_page(desktop=True)
    page.goto("/workbench/login")
    log_in_on_page(page, http, phone)
    expect(page.get_by_role("heading", name="首页", level=1)).to_be_visible()
    page.get_by_role("menuitem", name="统计").click()
    expect(page.get_by_role("heading", name="统计", level=1)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/workbench/statistics$"))
    expect(charts(page)).to_have_count(7)
    for chart in charts(page).all():
        assert re.search(r"[\u4e00-\u9fff]", chart.get_attribute("aria-label") or "")
    expect(page.get_by_role("img", name=re.compile("^柱状图：各单位"))).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("^饼图：按当前状态"))).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("^折线图：统计期间内每月"))).to_be_visible()
    expect_figures(page, stats)
    this_month = month_label(f"{TODAY:%Y-%m}")
    assert [this_month, "4", "3"] in table_rows(page, "按月趋势（数据表）")
    shot(page, "01-statistics")
    assert_accessible(page, "statistics")
    for step, heading in (("01b-types", "各类型案件数"), ("01c-overdue", "超期情况"),
                          ("01d-monthly", "按月趋势")):
        page.get_by_role("heading", name=heading, exact=True).scroll_into_view_if_needed()
        shot(page, step)

    # 类型 and 期间 (this month), then 查询: the figures the API gives for the same filters
    choose(page, "类型", "经营异常名录")
    first = TODAY.replace(day=1).isoformat()
    # the picker holds this year's period; typed dates replace it, 查询 applies them
    expect(page.get_by_label("期间", exact=True)).to_have_value(f"{TODAY.year}-01-01")
    page.get_by_label("期间", exact=True).fill(first)
    page.get_by_label("期间结束日期").fill(TODAY.isoformat())
    page.get_by_label("期间结束日期").press("Enter")
    page.get_by_role("button", name="查询").click()
    expect(page).to_have_url(re.compile(r"type=abnormal_operation_list"))
    expect(page).to_have_url(re.compile(rf"from={first}&to={TODAY.isoformat()}"))
    filtered = http.get(STATISTICS, headers=api, params={
        "from": first, "to": TODAY.isoformat(), "record_type": "abnormal_operation_list"}).json()
    assert filtered["cases"] == 4 and len(filtered["by_record_type"]) == 1
    expect_figures(page, filtered)
    page.mouse.move(0, 0)   # at rest: not Element Plus's lighter hover colour on 查询
    shot(page, "02-statistics-filtered")
    assert_accessible(page, "statistics filtered")

    with page.expect_download() as downloading:
        page.get_by_role("button", name="导出 CSV").click()
    download = downloading.value
    assert download.suggested_filename == f"信用修复统计_{first}至{TODAY.isoformat()}.csv"
    saved = tmp_path / "statistics.csv"
    download.save_as(saved)
    content = saved.read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(content.decode("utf-8-sig").splitlines()))
    at = rows.index(["按单位"])
    assert rows[at + 2:at + 2 + len(filtered["by_unit"])] == [
        [u["unit_code"], u["unit_name"], str(u["cases"]), str(u["decided"]), str(u["overdue"]),
         str(u["decided_late"]), "" if u["average_working_days"] is None
         else str(u["average_working_days"])] for u in filtered["by_unit"]]
    at = rows.index(["按月趋势"])
    assert rows[at + 2:at + 2 + len(filtered["monthly"])] == [
        [m["month"], str(m["submitted"]), str(m["decided"])] for m in filtered["monthly"]]
    overview = dict(r for r in rows[2:rows.index([])] if len(r) == 2)
    assert overview["案件数"] == str(filtered["cases"])
    assert overview["类型"] == "经营异常名录"

    # a period the wrong way round: refused with a code and a Chinese message
    refused = http.get(STATISTICS, headers=api, params={
        "from": TODAY.isoformat(), "to": (TODAY - timedelta(days=1)).isoformat()})
    assert refused.status_code == 422 and refused.json()["code"] == "INVALID_PERIOD"
    assert re.search(r"[\u4e00-\u9fff]", refused.json()["message"])
