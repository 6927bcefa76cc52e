"""进度查询, an application's detail and 消息 in a phone-sized browser, against the real
platform: the applications are arranged over the API as the end-to-end tests do, the officers
act over the API, and the applicant follows everything on the pages."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from credit_common.testing.platform import wait_until
from tests.e2e import registry
from tests.e2e.test_applicant_journey import PDF, auth, log_in, upload
from tests.e2e.test_officer_journey import TODAY, act, add_officer, case_in_todo, officer_login

SESSION_KEY = "credit-repair.applicant.session"
RECORD_TYPE = "abnormal_operation_list"
#: the deciding office of a listing made by the subject's district (440106 天河)
UNIT = "44010601"


@pytest.fixture
def disclosure_db(db_engine):
    return db_engine["disclosure"]


# -- arranging over the API -------------------------------------------------------------------

def applicant_with_subject(http, disclosure_db) -> tuple[str, dict, dict]:
    """A new phone that is a subject's legal representative, logged in, subject confirmed."""
    phone = registry.new_phone()
    subject = registry.add_subject(disclosure_db, phone=phone)
    tokens = log_in(http, phone)
    headers = auth(tokens)
    guide = http.get(f"/api/v1/applicant/guides/{RECORD_TYPE}", headers=headers).json()
    assert http.post(f"/api/v1/applicant/guides/{RECORD_TYPE}/acknowledgement", headers=headers,
                     json={"version": guide["version"]}).status_code == 201
    notice = http.get("/api/v1/applicant/legal-notice", headers=headers).json()
    chosen = http.post("/api/v1/applicant/subjects", headers=headers, json={
        "subject_code": subject["uscc"], "legal_notice_version": notice["version"]})
    assert chosen.status_code == 201, chosen.text
    return phone, subject, tokens


def submit_application(http, disclosure_db, subject: dict, tokens: dict,
                       contact_phone: str) -> dict:
    """An abnormal-operation listing application, submitted; waits until its case is open."""
    headers = auth(tokens)
    record = registry.add_listing(disclosure_db, subject, listed_on=TODAY - timedelta(days=120))
    draft = http.post("/api/v1/applicant/applications", headers=headers, json={
        "subject_code": subject["uscc"], "record_type": RECORD_TYPE, "record_ids": [record],
        "contact_name": "陈大文", "contact_phone": contact_phone})
    assert draft.status_code == 201, draft.text
    application_id = draft.json()["id"]
    for kind in ("application_form", "commitment", "correction_proof"):
        assert upload(http, headers, application_id, kind, PDF).status_code == 201
    submitted = http.post(f"/api/v1/applicant/applications/{application_id}/submit",
                          headers=headers)
    assert submitted.status_code == 200, submitted.text
    wait_for_status(http, tokens, application_id, "pending_acceptance")
    return submitted.json()


def wait_for_status(http, tokens: dict, application_id: str, status: str) -> dict:
    url = f"/api/v1/applicant/applications/{application_id}"
    return wait_until(lambda: (lambda d: d if d["status"] == status else None)(
        http.get(url, headers=auth(tokens)).json()), 20, interval=0.2,
        message=f"the applicant to see {status}")


def officer_acts(http, officer: dict, number: str, *steps: tuple[str, str | None]) -> dict:
    """The officer takes each (action, opinion) in turn on the case; the last answer."""
    version = case_in_todo(http, officer, number)["version"]
    answer = {}
    for action, opinion in steps:
        extra = {"opinion": opinion} if opinion else {}
        response = act(http, officer, number, action, version, **extra)
        assert response.status_code == 200, response.text
        answer = response.json()
        version = answer["version"]
    return answer


def prove_phone_code(http, phone: str) -> str:
    """The code in the newest 'prove this phone' SMS (the phone also gets status texts)."""
    def arrived():
        items = http.get("/api/v1/dev/sms", params={"phone": phone}).json()["items"]
        return next((i["body"] for i in items if "查询信用修复办理进度" in i["body"]), None)

    body = wait_until(arrived, 10, interval=0.1, message=f"the code SMS to {phone}")
    return re.search(r"验证码为 (\d{6})", body).group(1)


# -- in the browser ---------------------------------------------------------------------------

def sign_in(page: Page, tokens: dict) -> None:
    """The session the login page would keep (the login page is tested on its own)."""
    page.goto("/")
    page.evaluate("([key, value]) => localStorage.setItem(key, value)",
                  [SESSION_KEY, json.dumps(tokens)])


def masked(phone: str) -> str:
    return f"{phone[:3]}****{phone[7:]}"


def open_progress(page: Page, phone: str, shot, assert_accessible) -> None:
    page.goto("/progress")
    dialog = page.get_by_role("dialog", name="查询办理进度")
    expect(dialog).to_contain_text(f"查询手机号 {masked(phone)} 名下的申请？")
    shot(page, "01-confirm-phone")
    assert_accessible(page, "progress: confirm the login phone")
    dialog.get_by_role("button", name="确认").click()
    expect(dialog).to_be_hidden()


def card(page: Page, number: str):
    return page.get_by_role("link").filter(has_text=number)


def test_an_approved_application_its_timeline_decision_pdf_and_verification(
        http, db_engine, disclosure_db, phone, shot, assert_accessible):
    handler = officer_login(http, add_officer(db_engine, UNIT, ["handler"], "黄承办"))
    reviewer = officer_login(http, add_officer(db_engine, UNIT, ["reviewer"], "周审核"))
    approver = officer_login(http, add_officer(db_engine, UNIT, ["approver"], "吴审批"))
    number_phone, subject, tokens = applicant_with_subject(http, disclosure_db)
    application = submit_application(http, disclosure_db, subject, tokens, number_phone)
    number = application["acceptance_number"]

    sign_in(phone, tokens)
    open_progress(phone, number_phone, shot, assert_accessible)
    item = card(phone, number)
    expect(item).to_contain_text("待受理")
    expect(item).to_contain_text(subject["name"])
    expect(item).to_contain_text("经营异常名录")
    shot(phone, "02-list-pending")
    assert_accessible(phone, "progress list")

    officer_acts(http, handler, number, ("accept", None), ("verify", "已补报年报"))
    officer_acts(http, reviewer, number, ("review", "同意"))
    officer_acts(http, approver, number, ("approve", "准予移出经营异常名录"))
    wait_for_status(http, tokens, application["id"], "repaired")

    phone.reload()  # asked once per visit: no second confirmation
    expect(card(phone, number)).to_contain_text("予以修复")
    expect(phone.get_by_role("dialog", name="查询办理进度")).to_be_hidden()
    shot(phone, "03-list-repaired")

    def decided():
        items = http.get(f"/api/v1/applicant/applications/{application['id']}/documents",
                         headers=auth(tokens)).json()["items"]
        return next((d for d in items if d["kind"] == "repair_decision"), None)

    decision = wait_until(decided, 20, interval=0.2, message="the decision rendered")
    card(phone, number).click()
    expect(phone).to_have_url(re.compile(rf"/applications/{application['id']}$"))
    expect(phone.get_by_role("heading", name="申请详情")).to_be_visible()
    timeline = phone.get_by_role("list").filter(has_text="已受理/核实中")
    for label in ("已提交", "待受理", "已受理/核实中", "予以修复"):
        expect(timeline).to_contain_text(label)
    expect(timeline).to_contain_text(TODAY.isoformat())  # Beijing date of every step
    expect(timeline).to_contain_text("准予移出经营异常名录")
    expect(phone.get_by_role("button", name="撤回申请")).to_have_count(0)  # decided

    entry = phone.get_by_role("listitem").filter(
        has=phone.get_by_role("heading", name="准予信用修复决定书"))
    expect(entry).to_contain_text(decision["number"])
    expect(phone.get_by_role("heading", name="信用修复申请受理通知书")).to_be_visible()
    shot(phone, "04-detail-repaired")
    assert_accessible(phone, "application detail (repaired)")

    with phone.expect_download() as downloading:
        entry.get_by_role("button", name="下载").click()
    download = downloading.value
    assert download.suggested_filename == f"{decision['number']}.pdf"
    with open(download.path(), "rb") as saved:
        assert saved.read(5) == b"%PDF-"

    entry.get_by_role("button", name="查看").click()
    viewer = phone.get_by_role("dialog", name="文书预览")
    expect(viewer.get_by_role("heading", name="准予信用修复决定书")).to_be_visible()
    expect(viewer.locator("iframe")).to_have_attribute("src", re.compile(r"^blob:"))
    expect(viewer.get_by_role("link", name="保存到本机")).to_have_attribute(
        "download", f"{decision['number']}.pdf")
    shot(phone, "05-decision-viewer")
    assert_accessible(phone, "document viewer")
    viewer.get_by_role("button", name="关闭").click()
    expect(viewer).to_be_hidden()

    entry.get_by_role("link", name="在线核验").click()
    expect(phone).to_have_url(re.compile(r"/verify\?code=" + re.escape(
        decision["verification_code"]) + "$"))
    checked = http.get("/api/v1/public/documents/verify",
                       params={"code": decision["verification_code"]}).json()
    assert (checked["number"], checked["subject_name"]) == (decision["number"], subject["name"])
    shot(phone, "06-verify-page")


def test_applications_of_an_earlier_phone_join_the_list_once_it_is_proven(
        http, disclosure_db, phone, shot, assert_accessible):
    # filed with contact phone X (the phone the applicant then had); now logged in with Y
    _owner_phone, subject, owner_tokens = applicant_with_subject(http, disclosure_db)
    earlier = registry.new_phone()
    application = submit_application(http, disclosure_db, subject, owner_tokens, earlier)
    number = application["acceptance_number"]
    now_phone = registry.new_phone()
    tokens = log_in(http, now_phone)

    sign_in(phone, tokens)
    phone.goto("/progress")
    asking = phone.get_by_role("dialog", name="查询办理进度")
    expect(asking).to_contain_text(masked(now_phone))
    asking.get_by_role("button", name="使用其他手机号").click()

    dialog = phone.get_by_role("dialog", name="使用其他手机号查询")
    dialog.get_by_label("曾用手机号").fill(earlier)
    dialog.get_by_role("button", name="获取验证码").click()
    expect(dialog.get_by_role("button", name=re.compile(r"\d+ 秒后重发"))).to_be_disabled()
    expect(dialog.get_by_role("status")).to_contain_text(f"验证码已发送至 {masked(earlier)}")
    code = prove_phone_code(http, earlier)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    dialog.get_by_label("验证码").fill(wrong)
    dialog.get_by_role("button", name="验证并查询").click()
    expect(dialog.get_by_role("alert")).to_contain_text("请求编号")  # the API's words + id
    shot(phone, "01-earlier-phone-wrong-code")
    assert_accessible(phone, "earlier phone dialog")

    dialog.get_by_label("验证码").fill(code)
    dialog.get_by_role("button", name="验证并查询").click()
    expect(dialog).to_be_hidden()
    expect(card(phone, number)).to_contain_text("待受理")
    expect(card(phone, number)).to_contain_text(subject["name"])
    shot(phone, "02-earlier-phone-applications")
    assert_accessible(phone, "progress list with an earlier phone")

    card(phone, number).click()
    expect(phone.get_by_text(number)).to_be_visible()
    mine = http.get("/api/v1/applicant/applications", headers=auth(tokens)).json()["items"]
    assert [a["acceptance_number"] for a in mine] == [number]


def test_withdrawing_an_application_after_confirming(
        http, disclosure_db, phone, shot, assert_accessible):
    number_phone, subject, tokens = applicant_with_subject(http, disclosure_db)
    application = submit_application(http, disclosure_db, subject, tokens, number_phone)

    sign_in(phone, tokens)
    phone.goto(f"/applications/{application['id']}")
    expect(phone.get_by_text(application["acceptance_number"])).to_be_visible()
    expect(phone.get_by_role("heading", name="官方文书")).to_be_visible()
    expect(phone.get_by_text("暂无文书")).to_be_visible()
    shot(phone, "01-detail-pending")
    assert_accessible(phone, "application detail (pending)")

    phone.get_by_role("button", name="撤回申请").click()
    dialog = phone.get_by_role("dialog", name="撤回申请")
    expect(dialog).to_contain_text(application["acceptance_number"])
    dialog.get_by_label("撤回原因").fill("主体已注销，不再申请")
    shot(phone, "02-withdraw-confirm")
    assert_accessible(phone, "withdraw dialog")
    dialog.get_by_role("button", name="确认撤回").click()
    expect(dialog).to_be_hidden()

    summary = phone.get_by_role("region", name="申请信息")
    expect(summary).to_contain_text("已撤回")
    expect(phone.get_by_role("button", name="撤回申请")).to_have_count(0)
    expect(phone.get_by_role("list").filter(has_text="主体已注销")).to_contain_text("已撤回")
    shot(phone, "03-withdrawn")
    detail = http.get(f"/api/v1/applicant/applications/{application['id']}",
                      headers=auth(tokens)).json()
    assert detail["status"] == "withdrawn"


def test_a_returned_application_shows_the_reason_and_leads_to_the_form(
        http, db_engine, disclosure_db, phone, new_page, shot, assert_accessible):
    handler = officer_login(http, add_officer(db_engine, UNIT, ["handler"]))
    number_phone, subject, tokens = applicant_with_subject(http, disclosure_db)
    application = submit_application(http, disclosure_db, subject, tokens, number_phone)
    officer_acts(http, handler, application["acceptance_number"],
                 ("return", "请补充 2025 年度报告公示截图"))
    wait_for_status(http, tokens, application["id"], "returned")

    sign_in(phone, tokens)
    phone.goto(f"/applications/{application['id']}")
    notice = phone.get_by_role("region", name="申请已退回补正")
    expect(notice).to_contain_text("请补充 2025 年度报告公示截图")
    expect(phone.get_by_role("region", name="申请信息")).to_contain_text("退回")
    shot(phone, "01-returned")
    assert_accessible(phone, "application detail (returned)")

    notice.get_by_role("button", name="修改并重新提交").click()
    expect(phone).to_have_url(re.compile(rf"/applications/{application['id']}/edit$"))
    shot(phone, "02-edit-page")

    # on a desktop the same page keeps the phone's column in the middle
    desktop = new_page(desktop=True)
    sign_in(desktop, tokens)
    desktop.goto(f"/applications/{application['id']}")
    expect(desktop.get_by_role("region", name="申请已退回补正")).to_contain_text("年度报告公示截图")
    shot(desktop, "03-returned-desktop")
    assert_accessible(desktop, "application detail on a desktop")


def test_the_inbox_tells_of_a_status_change_and_marks_it_read(
        http, db_engine, disclosure_db, phone, shot, assert_accessible):
    handler = officer_login(http, add_officer(db_engine, UNIT, ["handler"]))
    number_phone, subject, tokens = applicant_with_subject(http, disclosure_db)
    application = submit_application(http, disclosure_db, subject, tokens, number_phone)
    number = application["acceptance_number"]
    officer_acts(http, handler, number, ("accept", None))

    def told():
        page = http.get("/api/v1/applicant/inbox", headers=auth(tokens)).json()
        return page if page["unread"] == 2 else None

    wait_until(told, 20, interval=0.2, message="two messages in the applicant's inbox")

    sign_in(phone, tokens)
    phone.goto("/inbox")
    expect(phone.get_by_role("status")).to_have_text("您有 2 条未读消息")
    messages = phone.get_by_role("article")
    expect(messages).to_have_count(2)
    expect(messages.first).to_contain_text(f"信用修复申请已受理/核实中：{number}")  # newest first
    expect(messages.first).to_contain_text("未读")
    shot(phone, "01-inbox-unread")
    assert_accessible(phone, "inbox")

    messages.first.get_by_role("button").click()
    expect(messages.first).to_contain_text("当前状态：已受理/核实中")
    expect(messages.first).not_to_contain_text("未读")
    expect(phone.get_by_role("status")).to_have_text("您有 1 条未读消息")
    shot(phone, "02-inbox-opened")
    assert_accessible(phone, "inbox with a message open")
    wait_until(lambda: http.get("/api/v1/applicant/inbox", headers=auth(tokens)).json()[
        "unread"] == 1, 10, interval=0.2, message="the message marked read")

    messages.first.get_by_role("link", name="查看申请详情").click()
    expect(phone).to_have_url(re.compile(rf"/applications/{application['id']}$"))
    expect(phone.get_by_role("region", name="申请信息")).to_contain_text("已受理/核实中")
    shot(phone, "03-application-from-message")
