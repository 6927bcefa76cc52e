"""The workbench's per-type menus, counter applications, 消息 and 系统管理 on a desk screen,
against the real platform: the registry and the officers are arranged as the end-to-end tests
do, and each officer works the pages by their Chinese labels."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import text

from credit_common.testing.platform import wait_until
from tests.browser.conftest import log_in_on_page
from tests.e2e import registry
from tests.e2e.test_applicant_journey import EXE, PDF
from tests.e2e.test_officer_journey import TODAY, add_officer, case_in_todo, officer_login

#: the office that listed the subjects registry.add_listing makes (天河区 石牌所)
UNIT = "44010601"
NUMBER = re.compile(r"XF-440106-\d{8}-\d{6}")


def open_workbench(page: Page, http, phone: str) -> None:
    page.goto("/workbench/login")
    expect(page.get_by_role("heading", name="信用修复办理工作台")).to_be_visible()
    log_in_on_page(page, http, phone)
    expect(page).not_to_have_url(re.compile(r"/login"))
    expect(page.get_by_role("navigation", name="主菜单")).to_be_visible()


def menu(page: Page, *entries: str) -> None:
    """Follows the main menu as a person does: a group, then its entry."""
    nav = page.get_by_role("navigation", name="主菜单")
    for entry in entries:
        nav.get_by_text(entry, exact=True).click()


def pick_date(page: Page, label: str, day: str) -> None:
    field = page.get_by_label(label, exact=True)
    field.fill(day)
    field.press("Enter")
    expect(field).to_have_value(day)


def at_rest(page: Page) -> Page:
    """The pointer off the controls: a hovered button shows Element Plus's lighter hover
    colour, which is not what the page looks like at rest."""
    page.mouse.move(0, 0)
    return page


def test_a_handler_files_a_counter_application_from_a_per_type_menu(
        new_page, http, db_engine, shot, assert_accessible):
    disclosure_db = db_engine["disclosure"]
    tag = uuid.uuid4().hex[:6]
    handler_phone = add_officer(db_engine, UNIT, ["handler"], "黄承办")
    # a colleague over the API (the handler's own phone has just had its code)
    colleague = officer_login(http, add_officer(db_engine, UNIT, ["handler"]))
    applicant_phone = registry.new_phone()
    subject = registry.add_subject(disclosure_db, phone=applicant_phone,
                                   name=f"广州窗口{tag}贸易有限公司")
    registry.add_listing(disclosure_db, subject, listed_on=TODAY - timedelta(days=120))

    page = new_page(desktop=True)
    open_workbench(page, http, handler_phone)
    menu(page, "信用修复办理", "经营异常名录")
    expect(page.get_by_role("heading", name="经营异常名录信用修复办理")).to_be_visible()
    page.get_by_label("主体名称").fill(tag)
    page.get_by_label("主体名称").press("Enter")
    rows = page.get_by_role("row").filter(has_text=subject["name"])
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("未按照规定的期限公示年度报告")
    expect(rows).to_contain_text(subject["uscc"])
    shot(page, "01-listed-subjects")
    assert_accessible(at_rest(page), "per-type menu")

    rows.get_by_role("button", name=f"办理 {subject['name']}").click()
    expect(page).to_have_url(re.compile(r"/workbench/counter/[0-9a-f-]{36}$"))
    expect(page.get_by_role("heading", name="窗口代办申请")).to_be_visible()
    expect(page.get_by_text(subject["uscc"])).to_be_visible()
    submit = page.get_by_role("button", name="提交", exact=True)
    expect(submit).to_be_disabled()   # contact details and materials still missing
    page.get_by_label("联系人").fill("陈大文")
    page.get_by_label("联系电话").fill(applicant_phone)
    # a file that is not what it claims: the API's own refusal, beside the kind it concerns
    page.get_by_label("上传其他材料").set_input_files(
        {"name": "说明.pdf", "mimeType": "application/pdf", "buffer": EXE})
    expect(page.get_by_role("alert").filter(has_text="仅支持 PDF、JPEG、PNG")).to_be_visible()
    for label in ("信用修复申请书", "信用承诺书", "已补报年报、更正信息或住所可联系的证明材料"):
        page.get_by_label(f"上传{label}").set_input_files(
            {"name": f"{label}.pdf", "mimeType": "application/pdf", "buffer": PDF})
        expect(page.get_by_role("listitem").filter(has_text=label).get_by_text("已上传 1 份")
               ).to_be_visible()
    shot(page, "02-counter-application")
    assert_accessible(at_rest(page), "counter application")

    expect(submit).to_be_enabled()
    submit.click()
    done = page.get_by_text(re.compile(r"申请已提交，受理编号"))
    expect(done).to_be_visible()
    number = NUMBER.search(done.inner_text()).group(0)
    expect(page.get_by_role("link", name=f"查看案件 {number}")).to_be_visible()
    expect(page.get_by_label("联系人")).to_be_disabled()
    shot(page, "03-submitted")
    assert_accessible(at_rest(page), "counter application submitted")

    # the case waits in the office's 我的待办, as one filed online does
    item = case_in_todo(http, colleague, number)
    assert item["status"] == "pending_acceptance" and item["subject_name"] == subject["name"]

    # due today: the office is reminded in 消息, and the message leads to the case
    with db_engine["workflow"].begin() as conn:
        conn.execute(text("UPDATE cases SET accept_due = :d WHERE acceptance_number = :n"),
                     {"d": TODAY, "n": number})
    title = f"案件即将到期：{number}"
    wait_until(lambda: any(m["title"] == title for m in http.get(
        "/api/v1/officer/inbox", headers=colleague).json()["items"]), 20, interval=0.3,
        message="the reminder in the inbox")
    menu(page, "消息")
    expect(page.get_by_role("heading", name="消息", exact=True)).to_be_visible()
    message = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name=title))
    expect(message.get_by_text("未读", exact=True)).to_be_visible()
    expect(message.get_by_text("到期提醒")).to_be_visible()
    shot(page, "04-inbox")
    assert_accessible(at_rest(page), "inbox")
    message.get_by_role("button", name="标为已读").click()
    expect(message.get_by_text("未读", exact=True)).to_have_count(0)
    message.get_by_role("button", name=f"查看案件 {number}").click()
    expect(page).to_have_url(re.compile(rf"/workbench/cases/{number}$"))


def test_an_administrator_adjusts_the_working_days_and_sees_the_calculator_follow(
        new_page, http, db_engine, shot, assert_accessible):
    admin_phone = add_officer(db_engine, "440100", ["administrator"], "马管理")
    page = new_page(desktop=True)
    open_workbench(page, http, admin_phone)
    menu(page, "系统管理", "工作日调整")
    expect(page.get_by_role("heading", name="工作日调整", exact=True)).to_be_visible()

    # Friday 17 July 2026: the next working day is Monday the 20th by the State Council's plan
    pick_date(page, "起始日期", "2026-07-17")
    page.get_by_label("工作日数").fill("1")
    page.get_by_label("工作日数").press("Tab")
    page.get_by_role("button", name="计算").click()
    answer = page.get_by_role("status").filter(has_text="个工作日")
    expect(answer).to_contain_text("2026-07-20")
    expect(answer).to_contain_text("国务院节假日安排")

    note = f"测试调休{uuid.uuid4().hex[:4]}"
    pick_date(page, "日期", "2026-07-18")
    page.get_by_text("工作日（上班）").click()
    page.get_by_label("调整原因").fill(note)
    page.get_by_role("button", name="添加调整").click()
    row = page.get_by_role("row").filter(has_text=note)
    expect(row).to_contain_text("2026-07-18")
    expect(row).to_contain_text("星期六")
    expect(row).to_contain_text("工作日")
    # the calculator counts the Saturday now, and says where the answer comes from
    expect(answer).to_contain_text("2026-07-18")
    expect(answer).to_contain_text("工作日调整表")
    shot(page, "01-calendar")
    assert_accessible(at_rest(page), "calendar")

    # 证明材料模式: find a subject, switch it on
    subject = registry.add_subject(db_engine["disclosure"], phone=registry.new_phone())
    menu(page, "证明材料模式")
    expect(page.get_by_role("heading", name="证明材料模式")).to_be_visible()
    page.get_by_label("统一社会信用代码/注册号").fill(subject["uscc"])
    page.get_by_label("统一社会信用代码/注册号").press("Enter")
    expect(page.get_by_role("heading", name=subject["name"])).to_be_visible()
    mode = page.get_by_role("status").filter(has_text="证明材料模式：")
    expect(mode).to_contain_text("未开启")
    page.get_by_role("button", name="开启证明材料模式").click()
    expect(mode).to_contain_text("已开启")
    expect(page.get_by_role("button", name="关闭证明材料模式")).to_be_visible()
    shot(page, "02-proof-material")
    assert_accessible(at_rest(page), "proof material mode")
    other_admin = officer_login(http, add_officer(db_engine, "440100", ["administrator"]))
    found = http.get(f"/api/v1/officer/subjects/{subject['uscc']}", headers=other_admin).json()
    assert found["subject"]["proof_material_mode"] is True


def test_an_administrator_adds_an_officer_in_scope_and_a_past_rule_version_is_refused(
        new_page, http, db_engine, shot, assert_accessible):
    tag = uuid.uuid4().hex[:6]
    admin_phone = add_officer(db_engine, "440113", ["administrator"], f"番禺管理{tag}")
    page = new_page(desktop=True)
    open_workbench(page, http, admin_phone)
    menu(page, "系统管理", "人员与角色")
    expect(page.get_by_role("heading", name="人员与角色")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text=f"番禺管理{tag}")).to_be_visible()
    assert_accessible(at_rest(page), "officers")

    newcomer, phone = f"新承办{tag}", registry.new_phone()
    page.get_by_role("button", name="新增人员").click()
    dialog = page.get_by_role("dialog", name="新增人员")
    dialog.get_by_label("手机号").fill(phone)
    dialog.get_by_label("姓名").fill(newcomer)
    dialog.get_by_label("单位").click()
    page.get_by_role("option", name="广州市番禺区市场监督管理局市桥市场监督管理所").click()
    dialog.get_by_text("审核人", exact=True).click()
    expect(dialog.get_by_role("checkbox", name="审核人")).to_be_checked()
    shot(page, "01-new-officer")
    assert_accessible(at_rest(page), "new officer dialog")
    dialog.get_by_role("button", name="保存").click()
    expect(dialog).to_be_hidden()
    row = page.get_by_role("row").filter(has_text=newcomer)
    expect(row).to_contain_text("广州市番禺区市场监督管理局市桥市场监督管理所")
    expect(row).to_contain_text("承办人、审核人")
    expect(row).to_contain_text("在用")
    shot(page, "02-officer-listed")
    # another administrator of the district, over the API
    admin = officer_login(http, add_officer(db_engine, "440113", ["administrator"]))
    listed = http.get("/api/v1/admin/officers", headers=admin, params={"q": tag}).json()["items"]
    assert {(o["name"], o["unit_code"]) for o in listed} >= {(newcomer, "44011301")}

    menu(page, "修复规则版本")
    expect(page.get_by_role("heading", name="修复规则版本")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="2021.1")).to_contain_text("现行")
    expect(page.get_by_role("table", name="严重违法失信名单的修复规则")).to_be_visible()
    penalty_rules = page.get_by_role("table", name="行政处罚信息公示的修复规则")
    expect(penalty_rules).to_contain_text("申请时不得在列的名单")  # every condition in words
    expect(penalty_rules).not_to_contain_text("not_listed_now")
    assert_accessible(at_rest(page), "rule versions")
    shot(page, "03-rule-versions")
    page.get_by_role("button", name="新增规则版本").click()
    dialog = page.get_by_role("dialog", name="新增规则版本")
    dialog.get_by_label("版本号").fill(f"t-{tag}")
    pick_date(page, "生效日期", (TODAY - timedelta(days=1)).isoformat())
    expect(dialog.get_by_text("生效日期须晚于今天")).to_be_visible()   # the page warns at once
    dialog.get_by_label("依据（文件名称、文号）").fill("测试依据")
    dialog.get_by_role("button", name="保存").click()
    refusal = dialog.get_by_role("alert").filter(has_text="新规则版本的生效日期必须晚于今天")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("请求编号")
    shot(page, "04-past-rule-version-refused")
    # said once, in the dialog: no toast repeats it over the form
    expect(page.locator(".el-message")).to_have_count(0)
    expect(page.get_by_role("alert").filter(has_text="新规则版本的生效日期必须晚于今天")).to_have_count(1)
    assert_accessible(at_rest(page), "rule version refused")
    versions = http.get("/api/v1/admin/eligibility-rules", headers=admin).json()["items"]
    assert f"t-{tag}" not in {v["version"] for v in versions}


def test_a_handler_sees_no_administration(new_page, http, db_engine, shot, assert_accessible):
    page = new_page(desktop=True)
    open_workbench(page, http, add_officer(db_engine, UNIT, ["handler", "reviewer"]))
    nav = page.get_by_role("navigation", name="主菜单")
    expect(nav.get_by_text("信用修复办理", exact=True)).to_be_visible()
    expect(nav.get_by_text("系统管理")).to_have_count(0)
    page.goto("/workbench/admin/officers")   # typed by hand: the workbench sends it home
    expect(page).to_have_url(re.compile(r"/workbench/?$"))
    expect(nav.get_by_text("系统管理")).to_have_count(0)
    shot(page, "01-no-administration")
    assert_accessible(at_rest(page), "home of a handler")
