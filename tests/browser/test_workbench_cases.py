"""The officer workbench on a desk screen, against the real platform: 首页's counts and
reminders, 我的待办's search, the two-tab case page, 受理, 转办 within the district bureau,
核实 → 审核 → 审批 by the right roles each in their own browser, the decision PDF, and two
officers acting on the same case at once (the second is told what changed and keeps the
opinion typed). The applicant submits over the API, as the end-to-end tests do."""

from __future__ import annotations

import json
import random
import re
from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import text

from tests.browser.conftest import log_in_on_page
from tests.e2e import registry
from tests.e2e.test_applicant_journey import PDF, auth, log_in, upload
from tests.e2e.test_officer_journey import TODAY, add_officer, case_in_todo, officer_login

RECORD_TYPE = "abnormal_operation_list"
#: the listing office (天河区石牌所) decides; 天河南所 is another office of the same bureau
HOME_OFFICE, OTHER_OFFICE = "44010601", "44010602"
TIANHE_OFFICES = ["石牌", "天河南", "五山", "员村", "珠吉", "长兴"]
#: characters unlikely in other tests' subject names: the two-character search term
RARE = "榕樟棠桂枫榆槐杉柏楠"


def submitted_case(http, db_engine, name: str) -> dict:
    """A subject listed by the 石牌 office, its legal representative applies and submits;
    waits until workflow has opened the case."""
    disclosure_db = db_engine["disclosure"]
    phone = registry.new_phone()
    subject = registry.add_subject(disclosure_db, phone=phone, name=name)
    record = registry.add_listing(disclosure_db, subject, listed_on=TODAY - timedelta(days=120))
    headers = auth(log_in(http, phone))
    guide = http.get(f"/api/v1/applicant/guides/{RECORD_TYPE}", headers=headers).json()
    assert http.post(f"/api/v1/applicant/guides/{RECORD_TYPE}/acknowledgement", headers=headers,
                     json={"version": guide["version"]}).status_code == 201
    notice = http.get("/api/v1/applicant/legal-notice", headers=headers).json()
    assert http.post("/api/v1/applicant/subjects", headers=headers, json={
        "subject_code": subject["uscc"], "legal_notice_version": notice["version"]}
    ).status_code == 201
    draft = http.post("/api/v1/applicant/applications", headers=headers, json={
        "subject_code": subject["uscc"], "record_type": RECORD_TYPE, "record_ids": [record],
        "contact_name": "陈大文", "contact_phone": phone,
        "facts_and_reasons": "已补报 2024 年度报告，申请移出经营异常名录。"})
    assert draft.status_code == 201, draft.text
    for kind in ("application_form", "commitment", "correction_proof"):
        uploaded = upload(http, headers, draft.json()["id"], kind, PDF, f"{kind}.pdf")
        assert uploaded.status_code == 201, uploaded.text
    submitted = http.post(f"/api/v1/applicant/applications/{draft.json()['id']}/submit",
                          headers=headers)
    assert submitted.status_code == 200, submitted.text
    return {**submitted.json(), "subject": subject}


def officer_page(new_page, http, phone: str, shot, assert_accessible=None) -> Page:
    """An officer's own browser context, logged in on the workbench's login page."""
    page = new_page(desktop=True)
    page.goto("/workbench/login")
    expect(page.get_by_role("heading", name="信用修复办理工作台")).to_be_visible()
    if assert_accessible:
        shot(page, "00-login")
        assert_accessible(page, "workbench login")
    log_in_on_page(page, http, phone)
    expect(page.get_by_role("heading", name="首页", level=1)).to_be_visible()
    return page


def search_todo(page: Page, **fields: str) -> None:
    """From the menu to 我的待办, a fresh search by the labelled fields, Enter to search."""
    page.get_by_role("menuitem", name="我的待办").click()
    expect(page.get_by_role("heading", name="我的待办", level=1)).to_be_visible()
    page.get_by_role("button", name="重置").click()
    expect(page).to_have_url(re.compile(r"/workbench/todo$"))
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label(next(iter(fields)), exact=True).press("Enter")
    expect(page).to_have_url(re.compile(r"/workbench/todo\?"))
    expect(page.get_by_role("status").filter(has_text="本页")).to_be_visible()


def todo_row(page: Page, number: str):
    return page.get_by_role("row").filter(has_text=number)


def open_case(page: Page, number: str) -> None:
    page.goto(f"/workbench/cases/{number}")
    expect(page.get_by_role("heading", name=re.compile("案件办理"))).to_contain_text(number)
    expect(page.get_by_role("tab", name="信用修复申请信息")).to_be_visible()


def act(page: Page, button: str, opinion: str | None = None) -> None:
    if opinion is not None:
        page.get_by_label("办理意见").fill(opinion)
    page.get_by_role("button", name=button, exact=True).click()


def status_of(page: Page):
    return page.get_by_role("region", name="案件概况")


def test_a_case_from_the_todo_list_through_transfer_to_the_decision(
        http, db_engine, new_page, shot, assert_accessible):
    term = "".join(random.sample(RARE, 2))
    name = f"广州{term}{registry.new_phone()[-4:]}贸易有限公司"
    case = submitted_case(http, db_engine, name)
    number = case["acceptance_number"]
    phones = {
        "handler": add_officer(db_engine, HOME_OFFICE, ["handler"], "黄承办"),
        "receiver": add_officer(db_engine, OTHER_OFFICE, ["handler"], "林承办"),
        "colleague": add_officer(db_engine, OTHER_OFFICE, ["handler"], "郑承办"),
        "reviewer": add_officer(db_engine, OTHER_OFFICE, ["reviewer"], "周审核"),
        "approver": add_officer(db_engine, OTHER_OFFICE, ["approver"], "吴审批"),
    }
    elsewhere = officer_login(http, add_officer(db_engine, "44010401", ["handler"], "越秀承办"))
    # due today: 即将超期 on the home page and in the list, and the deadline reminder
    # (an officer over the API waits for the case: a second code to the handler's phone
    # within a minute would be refused)
    case_in_todo(http, officer_login(http, add_officer(db_engine, HOME_OFFICE, ["handler"])),
                 number)
    with db_engine["workflow"].begin() as conn:
        conn.execute(text("UPDATE cases SET accept_due = :d WHERE acceptance_number = :n"),
                     {"d": TODAY, "n": number})

    # 首页: the counts as cards and the reminder of the case due today
    handler = officer_page(new_page, http, phones["handler"], shot, assert_accessible)
    due_soon = handler.get_by_role("link", name=re.compile(r"^即将超期 \d+ 件"))
    expect(due_soon).to_be_visible()
    expect(handler.get_by_role("link", name=re.compile(r"^待受理 [1-9]\d* 件"))).to_be_visible()
    handler.reload()  # the deadline timer runs every second in the tests
    expect(handler.get_by_role("link", name=f"案件即将到期：{number}")).to_be_visible(timeout=20_000)
    shot(handler, "01-home")
    assert_accessible(handler, "home")
    due_soon.click()
    expect(handler).to_have_url(re.compile(r"/workbench/todo\?due_soon=1$"))
    expect(handler.get_by_label("仅看即将超期")).to_be_checked()
    expect(todo_row(handler, number)).to_contain_text("即将超期")

    # 我的待办: by a two-character part of the name; the query stays in the address
    search_todo(handler, 主体名称=term)
    expect(handler).to_have_url(re.compile(r"/workbench/todo\?name="))
    row = todo_row(handler, number)
    expect(row).to_contain_text(name)
    expect(row).to_contain_text("待受理")
    expect(row).to_contain_text("经营异常名录")
    expect(row).to_contain_text(TODAY.isoformat())
    shot(handler, "02-todo-search")
    assert_accessible(handler, "todo list")
    handler.reload()
    expect(handler.get_by_label("主体名称", exact=True)).to_have_value(term)
    row.get_by_role("button", name=f"办理 {number}").click()

    # the case page: application tab with records, eligibility and materials
    expect(handler).to_have_url(re.compile(rf"/workbench/cases/{number}$"))
    expect(handler.get_by_role("heading", name="申请主体")).to_be_visible()
    expect(handler.get_by_text("符合修复条件")).to_be_visible()
    expect(handler.get_by_text("已补报 2024 年度报告")).to_be_visible()
    expect(handler.get_by_role("button", name="受理", exact=True)).to_be_visible()
    for absent in ("核实", "审核", "审批通过（准予修复）", "办结"):
        expect(handler.get_by_role("button", name=absent, exact=True)).to_have_count(0)
    shot(handler, "03-case-application")
    assert_accessible(handler, "case page: application")
    handler.get_by_role("button", name=re.compile(r"^预览 信用承诺书")).click()
    preview = handler.get_by_role("dialog", name="材料预览：信用承诺书")
    expect(preview.locator("iframe")).to_have_attribute("src", re.compile(r"^blob:"))
    shot(handler, "04-material-preview")
    assert_accessible(handler, "material preview")
    preview.get_by_role("button", name=re.compile("关闭")).click()
    expect(preview).to_be_hidden()

    act(handler, "受理")
    expect(status_of(handler)).to_contain_text("已受理（核实中）")
    notice = handler.get_by_role("row").filter(has_text="信用修复申请受理通知书")
    expect(notice).to_contain_text(re.compile(rf"穗天市监信受〔{TODAY.year}〕\d+号"),
                                   timeout=20_000)

    # 转办: only the other offices of 天河区; a reason is required
    handler.get_by_role("button", name="转办", exact=True).click()
    dialog = handler.get_by_role("dialog", name="转办")
    dialog.get_by_label("接收单位").press("Enter")  # the keyboard opens the choices
    options = handler.get_by_role("option")
    expect(options).to_have_count(len(TIANHE_OFFICES) - 1)
    offered = options.all_inner_texts()
    assert offered == [f"广州市天河区市场监督管理局{place}市场监督管理所"
                       for place in TIANHE_OFFICES if place != "石牌"], offered
    assert not any("信用监管科" in o or "越秀" in o for o in offered)
    shot(handler, "05-transfer-options")
    assert_accessible(handler, "transfer dialog")
    handler.get_by_role("option", name="广州市天河区市场监督管理局天河南市场监督管理所").click()
    dialog.get_by_role("button", name="确认转办").click()
    expect(dialog.get_by_role("alert")).to_have_text("请填写转办原因")
    dialog.get_by_label("转办原因").fill("经营场所位于天河南所辖区")
    dialog.get_by_role("button", name="确认转办").click()
    expect(handler).to_have_url(re.compile(r"/workbench/todo$"))
    search_todo(handler, 受理编号=number)
    expect(handler.get_by_role("status").filter(has_text="本页")).to_have_text("第 1 页，本页 0 条")
    expect(todo_row(handler, number)).to_have_count(0)
    assert http.get(f"/api/v1/officer/cases/{number}",
                    headers=elsewhere).json()["code"] == "CASE_NOT_ACCESSIBLE"

    # the receiving office has it; two of its handlers open it at once
    receiver = officer_page(new_page, http, phones["receiver"], shot)
    search_todo(receiver, 主体名称=term)
    expect(todo_row(receiver, number)).to_contain_text("已受理（核实中）")
    todo_row(receiver, number).get_by_role("button", name=f"办理 {number}").click()
    expect(receiver.get_by_role("button", name="核实", exact=True)).to_be_visible()
    colleague = officer_page(new_page, http, phones["colleague"], shot)
    open_case(colleague, number)
    colleague.get_by_label("办理意见").fill("郑承办：材料齐全，拟同意核实")

    receiver.get_by_role("tab", name="信用修复审批表").click()
    steps = receiver.get_by_role("table", name="信用修复审批表：办理过程")
    transfer_row = steps.get_by_role("row").filter(has_text="转办")
    expect(transfer_row).to_contain_text("黄承办")
    expect(transfer_row).to_contain_text("转至 广州市天河区市场监督管理局天河南市场监督管理所")
    expect(transfer_row).to_contain_text("经营场所位于天河南所辖区")
    shot(receiver, "06-approval-form")
    assert_accessible(receiver, "case page: approval form")
    act(receiver, "核实", "已核实：2024 年度报告已补报")
    expect(status_of(receiver)).to_contain_text("审核中")

    # the colleague acts on the version it saw: told what changed, the opinion kept
    colleague.get_by_role("button", name="核实", exact=True).click()
    # in the page (a toast says it too, outside the main area)
    changed = colleague.get_by_role("main").get_by_role("alert").filter(has_text="已被其他人员处理")
    expect(changed).to_contain_text("当前状态为“审核中”")
    expect(changed).to_contain_text("最近一步：核实")
    expect(changed).to_contain_text("林承办")
    expect(status_of(colleague)).to_contain_text("审核中")
    expect(colleague.get_by_label("办理意见")).to_have_value("郑承办：材料齐全，拟同意核实")
    expect(colleague.get_by_role("button", name="核实", exact=True)).to_have_count(0)
    shot(colleague, "07-conflict")
    assert_accessible(colleague, "case page after a conflict")

    # 审核 and 审批 by their roles
    reviewer = officer_page(new_page, http, phones["reviewer"], shot)
    open_case(reviewer, number)
    expect(reviewer.get_by_role("button", name="受理", exact=True)).to_have_count(0)
    act(reviewer, "审核", "同意")
    expect(status_of(reviewer)).to_contain_text("审批中")
    approver = officer_page(new_page, http, phones["approver"], shot)
    open_case(approver, number)
    act(approver, "审批通过（准予修复）", "准予移出经营异常名录")
    expect(status_of(approver)).to_contain_text("准予修复")

    # the decision: listed with its number and date, opens in the page and in a new window
    decision = approver.get_by_role("row").filter(has_text="准予信用修复决定书")
    expect(decision).to_contain_text(re.compile(rf"穗天市监信修〔{TODAY.year}〕\d+号"),
                                     timeout=20_000)
    expect(decision).to_contain_text(TODAY.isoformat())
    with approver.expect_response(re.compile(r"/documents/[0-9a-f-]+$")) as fetched:
        decision.get_by_role("button", name=re.compile("^查看 准予信用修复决定书")).click()
    response = fetched.value
    assert response.status == 200 and response.header_value("content-type") == "application/pdf"
    # the same file with the page's own session: a real PDF
    session = json.loads(approver.evaluate(
        "() => localStorage.getItem('credit-repair.officer.session')"))
    pdf = http.get(response.url, headers=auth(session))
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
    viewer = approver.get_by_role("dialog", name="准予信用修复决定书")
    expect(viewer.locator("iframe")).to_have_attribute("src", re.compile(r"^blob:"))
    shot(approver, "08-decision-viewer")
    assert_accessible(approver, "decision viewer")
    # 打印 prints the frame: the system print dialog is replaced by a counter here
    frame = viewer.locator("iframe")
    frame.evaluate(
        "f => { f.contentWindow.print = () => { window.printed = (window.printed || 0) + 1 } }")
    viewer.get_by_role("button", name="打印").click()
    assert approver.evaluate("() => window.printed") == 1
    with approver.context.expect_page() as opened:
        viewer.get_by_role("link", name="在新窗口打开").click()
    assert opened.value.url.startswith("blob:")
    opened.value.close()
