"""系统管理's versioned rules on a desk screen against the real platform: an administrator adds
a version of the deadline rules, of the publicity terms and of the bankruptcy reorganisation
rules through the page, sees a refused field named beside it first, and once the version's
effective date has come (the test moves it to today in the owning service's table, then
removes it) sees it listed as the one in force."""

from __future__ import annotations

import json
import re
import random
import uuid
from contextlib import contextmanager
from datetime import date, timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import text

from tests.browser.test_workbench_admin import at_rest, menu, open_workbench, pick_date
from tests.e2e.test_officer_journey import TODAY, add_officer, officer_login


def a_future_day() -> str:
    """A day far ahead no other test gives a version (the e2e tests take 2031-2049)."""
    return (date(2061, 1, 3) + timedelta(days=random.randrange(3650))).isoformat()


@contextmanager
def removed_afterwards(engine, table: str, version: str):
    """The version leaves its table after the test, whatever happened: the rest of the run
    keeps the versions it started with."""
    try:
        yield
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DELETE FROM {table} WHERE version = :v"), {"v": version})


def its_day_comes(engine, table: str, version: str) -> None:
    with engine.begin() as conn:
        moved = conn.execute(text(f"UPDATE {table} SET effective_from = :d WHERE version = :v"),
                             {"d": TODAY, "v": version})
    assert moved.rowcount == 1


def row_of(page: Page, version: str):
    return page.get_by_role("row").filter(
        has=page.get_by_role("cell", name=version, exact=True))


def fill_version(page: Page, dialog, version: str, source: str) -> None:
    dialog.get_by_label("版本号").fill(version)
    pick_date(page, "生效日期", a_future_day())
    dialog.get_by_label("依据（文件名称、文号）").fill(source)


def test_an_administrator_adds_a_deadline_rule_version_and_sees_it_in_force(
        new_page, http, db_engine, shot, assert_accessible):
    admin = officer_login(http, add_officer(db_engine, "440100", ["administrator"]))
    [current] = [v for v in http.get("/api/v1/admin/deadline-rules", headers=admin).json()[
        "items"] if v["in_force"]]
    rules = current["rules"]
    page = new_page(desktop=True)
    open_workbench(page, http, add_officer(db_engine, "440100", ["administrator"], "期限管理"))
    menu(page, "系统管理", "办理期限规则")
    expect(page.get_by_role("heading", name="办理期限规则", exact=True)).to_be_visible()
    expect(row_of(page, current["version"])).to_contain_text("现行")
    expect(page.get_by_role("table", name=f"办理期限规则 {current['version']} 的期限")).to_contain_text(
        f"受理后 {rules['decide_working_days']['penalty_publicity']} 个工作日内")
    shot(page, "01-deadline-rules")
    assert_accessible(at_rest(page), "deadline rules")

    version = f"t-{uuid.uuid4().hex[:6]}"
    page.get_by_role("button", name="新增期限规则版本").click()
    dialog = page.get_by_role("dialog", name="新增办理期限规则版本")
    # started from the version in force
    expect(dialog.get_by_label("受理时限（1–20）")).to_have_value(str(rules["accept_working_days"]))
    fill_version(page, dialog, version, "测试：办理期限规则")
    penalty = dialog.get_by_label("行政处罚信息公示", exact=True)
    penalty.fill("0")
    dialog.get_by_role("button", name="保存").click()
    # the API's refusal, named beside the field it is about
    expect(dialog.get_by_text("须为 1 至 60 之间的整数（工作日）")).to_be_visible()
    expect(dialog.get_by_role("alert").filter(has_text="请求编号")).to_be_visible()
    shot(page, "02-refused-field")
    assert_accessible(at_rest(page), "deadline rule refused")
    listed = http.get("/api/v1/admin/deadline-rules", headers=admin).json()["items"]
    assert version not in {v["version"] for v in listed}   # nothing stored

    with removed_afterwards(db_engine["workflow"], "deadline_rules", version):
        penalty.fill(str(rules["decide_working_days"]["penalty_publicity"]))
        dialog.get_by_role("button", name="保存").click()
        expect(dialog).to_be_hidden()
        expect(row_of(page, version)).to_contain_text("待生效")
        expect(row_of(page, version)).to_contain_text("测试：办理期限规则")

        its_day_comes(db_engine["workflow"], "deadline_rules", version)
        page.reload()
        expect(row_of(page, version)).to_contain_text("现行")
        expect(row_of(page, current["version"])).to_contain_text("已被替代")
        shot(page, "03-in-force")
        [in_force] = [v for v in http.get("/api/v1/admin/deadline-rules", headers=admin).json()[
            "items"] if v["in_force"]]
        assert (in_force["version"], in_force["rules"]) == (version, rules)


def test_an_administrator_adds_a_publicity_term_version_and_sees_it_in_force(
        new_page, http, db_engine, shot, assert_accessible):
    page = new_page(desktop=True)
    open_workbench(page, http, add_officer(db_engine, "440100", ["administrator"], "公示管理"))
    menu(page, "系统管理", "公示期限版本")
    expect(page.get_by_role("heading", name="公示期限版本", exact=True)).to_be_visible()
    expect(row_of(page, "2025-12-25")).to_contain_text("现行")
    expect(page.get_by_text("补报年度报告：经营异常名录（未按照规定的期限公示年度报告）→ 系统自动移出")
           ).to_be_visible()
    expect(page.get_by_role("table", name="经营异常名录的公示期限", exact=True)).to_contain_text("不设期限，直至移出")
    shot(page, "01-publicity-terms")
    assert_accessible(at_rest(page), "publicity terms")

    version = f"t-{uuid.uuid4().hex[:6]}"
    page.get_by_role("button", name="新增公示期限版本").click()
    dialog = page.get_by_role("dialog", name="新增公示期限版本")
    fill_version(page, dialog, version, "测试：公示期限")
    content = dialog.get_by_label("公示期限（JSON：basis、record_types、listing_cures、cure_basis）")
    terms = json.loads(content.input_value())
    assert terms["record_types"]["penalty_publicity"]["term_years"] >= 1  # the version in force
    broken = json.loads(json.dumps(terms))
    broken["record_types"]["penalty_publicity"]["term_years"] = 0
    content.fill(json.dumps(broken, ensure_ascii=False, indent=2))
    dialog.get_by_role("button", name="保存").click()
    expect(dialog.get_by_role("list", name="内容中不符合要求的字段")).to_contain_text(
        "terms.record_types.penalty_publicity.term_years：不得小于 1")
    shot(page, "02-refused-field")
    assert_accessible(at_rest(page), "publicity terms refused")

    with removed_afterwards(db_engine["disclosure"], "publicity_term_versions", version):
        content.fill(json.dumps(terms, ensure_ascii=False, indent=2))
        dialog.get_by_role("button", name="保存").click()
        expect(dialog).to_be_hidden()
        expect(row_of(page, version)).to_contain_text("待生效")

        its_day_comes(db_engine["disclosure"], "publicity_term_versions", version)
        page.reload()
        expect(row_of(page, version)).to_contain_text("现行")
        expect(row_of(page, "2025-12-25")).to_contain_text("已被替代")
        expect(page.get_by_role("heading", name=f"公示期限版本 {version}（{TODAY.isoformat()} 起生效）")
               ).to_be_visible()
        shot(page, "03-in-force")


def test_an_administrator_adds_a_reorganisation_rule_version_and_sees_it_in_force(
        new_page, http, db_engine, shot, assert_accessible):
    admin = officer_login(http, add_officer(db_engine, "440100", ["administrator"]))
    # the version in force today: other suites of the run add versions that start later
    baseline = max((v for v in http.get("/api/v1/admin/reorganisation-rules",
                                        headers=admin).json()["items"]
                    if v["effective_from"] <= TODAY.isoformat()),
                   key=lambda v: v["effective_from"])
    page = new_page(desktop=True)
    open_workbench(page, http, add_officer(db_engine, "440100", ["administrator"], "重整管理"))
    menu(page, "系统管理", "破产重整临时修复规则")
    expect(page.get_by_role("heading", name="破产重整临时修复规则", exact=True)).to_be_visible()
    expect(row_of(page, baseline["version"])).to_contain_text("现行")
    in_force = page.get_by_role("table", name=f"破产重整临时修复规则 {baseline['version']}")
    expect(in_force).to_contain_text("临时修复期限（月）")
    # the court papers and the reasons per record type, in words
    expect(in_force).to_contain_text("受理重整申请的民事裁定书")
    expect(in_force).to_contain_text("严重违法失信名单：被列入经营异常名录届满3年仍未履行相关义务")
    shot(page, "01-reorganisation-rules")
    assert_accessible(at_rest(page), "reorganisation rules")

    version = f"t-{uuid.uuid4().hex[:6]}"
    page.get_by_role("button", name="新增破产重整临时修复规则版本").click()
    dialog = page.get_by_role("dialog", name="新增破产重整临时修复规则版本")
    fill_version(page, dialog, version, "《企业破产法》（测试）")
    content = dialog.get_by_label(re.compile(r"^规则内容（JSON：record_types"))
    rules = json.loads(content.input_value())
    assert rules == baseline["rules"]
    content.fill(json.dumps({**rules, "term_months": "十二"}, ensure_ascii=False))
    dialog.get_by_role("button", name="保存").click()
    expect(dialog.get_by_role("list", name="内容中不符合要求的字段")).to_contain_text(
        "term_months：不符合要求")
    expect(dialog.get_by_role("alert").filter(has_text="规则内容不符合破产重整临时修复规则的格式")
           ).to_be_visible()
    shot(page, "02-refused-field")

    with removed_afterwards(db_engine["intake"], "reorganisation_rules", version):
        content.fill(json.dumps(rules, ensure_ascii=False, indent=2))
        dialog.get_by_role("button", name="保存").click()
        expect(dialog).to_be_hidden()
        expect(row_of(page, version)).to_contain_text("待生效")

        its_day_comes(db_engine["intake"], "reorganisation_rules", version)
        page.reload()
        expect(row_of(page, version)).to_contain_text("现行")
        expect(row_of(page, baseline["version"])).to_contain_text("已被替代")
        shot(page, "03-in-force")
        assert_accessible(at_rest(page), "reorganisation rule in force")
