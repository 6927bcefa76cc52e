"""The applicant's journey on a phone, as the manuals order it: home → login → 办事指南 →
subject and 办理须知 → records → check, fill, upload (and, for penalties, 电子签章 and the
legal representative's signature by QR code) → submit → 受理编号. Every page is checked with
axe-core and photographed."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import httpx
import pytest
from playwright.sync_api import Page, expect

from credit_common.clock import now
from credit_common.testing.files import minimal_pdf, minimal_png
from credit_common.testing.platform import latest_login_code, wait_until
from tests.e2e import registry

#: real files: intake parses every upload (a few magic bytes no longer pass)
PDF = minimal_pdf()
PNG = minimal_png()
EXE = b"MZ\x90\x00" + b"\x00" * 200
#: the platform's business day (Asia/Shanghai)
TODAY = now().date()
SESSION_KEY = "credit-repair.applicant.session"
NUMBER = re.compile(r"XF-\d{6}-\d{8}-\d{6}")

LIST_MATERIALS = ("信用修复申请书", "信用承诺书", "已补报年报、更正信息或住所可联系的证明材料")
PENALTY_MATERIALS = ("信用修复申请书", "信用承诺书", "履行法定义务、纠正违法行为的证明材料")


@pytest.fixture
def disclosure_db(db_engine):
    return db_engine["disclosure"]


def api_login(http: httpx.Client, phone_number: str) -> dict:
    assert http.post("/api/v1/applicant/auth/code", json={"phone": phone_number}).status_code == 202
    answer = http.post("/api/v1/applicant/auth/login", json={
        "phone": phone_number, "code": latest_login_code(http, phone_number)})
    assert answer.status_code == 200, answer.text
    return answer.json()


def confirmed_applicant(http, disclosure_db, record_type: str, **subject_options):
    """A new phone that owns a subject, has read the guide and confirmed the subject."""
    number = registry.new_phone()
    subject = registry.add_subject(disclosure_db, phone=number, **subject_options)
    tokens = api_login(http, number)
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    guide = http.get(f"/api/v1/applicant/guides/{record_type}", headers=headers).json()
    assert http.post(f"/api/v1/applicant/guides/{record_type}/acknowledgement", headers=headers,
                     json={"version": guide["version"]}).status_code == 201
    notice = http.get("/api/v1/applicant/legal-notice", headers=headers).json()
    assert http.post("/api/v1/applicant/subjects", headers=headers, json={
        "subject_code": subject["uscc"], "legal_notice_version": notice["version"]}).status_code == 201
    return number, subject, tokens, headers


def open_logged_in(page: Page, tokens: dict, path: str) -> None:
    """The session a login would leave, then the page (the login page has its own test)."""
    page.goto("/")
    page.evaluate("([key, value]) => localStorage.setItem(key, value)",
                  [SESSION_KEY, json.dumps(tokens)])
    page.goto(path)


def session_headers(page: Page) -> dict:
    tokens = json.loads(page.evaluate(f"localStorage.getItem('{SESSION_KEY}')"))
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def upload(page: Page, label: str, name: str, content: bytes, mime: str = "application/pdf"):
    page.get_by_label(f"选择文件：{label}").set_input_files(
        {"name": name, "mimeType": mime, "buffer": content})


def pass_guide_and_subject(page: Page, shot, assert_accessible, subject_name: str, step: int):
    """办事指南 (已阅读 → 立即申请), then 我的市场主体 with the 办理须知 acknowledged."""
    apply = page.get_by_role("button", name="立即申请")
    expect(apply).to_be_disabled()
    assert_accessible(page, "guide")
    shot(page, f"{step:02d}-guide")
    page.get_by_role("checkbox", name="我已阅读并知晓").click()
    expect(apply).to_be_enabled()
    apply.click()

    expect(page).to_have_url(re.compile(r"/apply/\w+/subject$"))
    expect(page.get_by_role("radio", name=subject_name)).to_be_checked()
    expect(page.get_by_text("陈大文")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^4401\*+\w\w$"))).to_be_visible()  # the ID, masked
    assert_accessible(page, "subject")
    shot(page, f"{step + 1:02d}-subject")
    page.get_by_role("checkbox", name="我已阅读并同意办理须知").click()
    page.get_by_role("button", name="确认身份，下一步").click()
    expect(page).to_have_url(re.compile(r"/records\?code="))


def test_a_list_application_from_home_to_acceptance_number(
        phone, http, disclosure_db, shot, assert_accessible):
    number = registry.new_phone()
    subject = registry.add_subject(disclosure_db, phone=number)
    registry.add_listing(disclosure_db, subject, listed_on=TODAY - timedelta(days=90))

    phone.goto("/")
    expect(phone.get_by_role("heading", name="信用修复", level=1)).to_be_visible()
    expect(phone.get_by_text("信用修复不收取任何费用")).to_be_visible()
    for label in ("严重违法失信名单", "个体工商户经营异常状态", "农民专业合作社经营异常名录",
                  "行政处罚信息公示（本部门）", "其他部门行政处罚", "进度查询", "消息",
                  "信用信息查询"):
        expect(phone.get_by_role("link", name=re.compile(re.escape(label)))).to_be_visible()
    assert_accessible(phone, "home")
    shot(phone, "01-home")

    phone.get_by_role("link", name=re.compile(r"^经营异常名录")).click()
    expect(phone).to_have_url(re.compile(r"/login\?redirect="))
    phone.get_by_label("手机号").fill(number)
    phone.get_by_role("button", name="获取验证码").click()
    expect(phone.get_by_role("button", name=re.compile(r"^\d+ 秒后重发$"))).to_be_disabled()
    code = latest_login_code(http, number)
    phone.get_by_label("验证码").fill(f"{(int(code) + 1) % 10**6:06d}")
    phone.get_by_role("button", name="登录", exact=True).click()
    # the API's words and the request id to quote
    expect(phone.get_by_role("main").get_by_role("alert")).to_contain_text(
        re.compile(r"验证码错误，还可尝试 4 次（请求编号 \w+）"))
    assert_accessible(phone, "login")
    shot(phone, "02-login-refused")
    phone.get_by_label("验证码").fill(code)
    phone.get_by_role("button", name="登录", exact=True).click()

    expect(phone).to_have_url(re.compile(r"/guide/abnormal_operation_list$"))
    expect(phone.get_by_role("heading", name="经营异常名录移出办事指南")).to_be_visible()
    pass_guide_and_subject(phone, shot, assert_accessible, subject["name"], 3)

    record = phone.get_by_role("checkbox", name=re.compile("选择此记录"))
    expect(record).to_have_count(1)
    expect(phone.get_by_text("未按照规定的期限公示年度报告")).to_be_visible()
    assert_accessible(phone, "records")
    shot(phone, "05-records")
    record.click()
    phone.get_by_role("button", name=re.compile(r"申请修复（已选 1 条）")).click()

    expect(phone).to_have_url(re.compile(r"/applications/[\w-]+/edit$"))
    expect(phone.get_by_label("联系人")).to_have_value("陈大文")
    expect(phone.get_by_label("联系电话")).to_have_value(number)
    expect(phone.get_by_label("事实和理由")).to_have_count(0)  # a list type does not ask
    for i, label in enumerate(LIST_MATERIALS):
        upload(phone, label, f"材料{i}.pdf", PDF)
        expect(phone.get_by_text(f"材料{i}.pdf")).to_be_visible()
    expect(phone.get_by_text("未上传")).to_have_count(0)
    expect(phone.get_by_role("heading", name=re.compile("电子签章"))).to_have_count(0)
    assert_accessible(phone, "application form")
    shot(phone, "06-application")

    phone.get_by_role("button", name="提交申请").click()
    expect(phone).to_have_url(re.compile(r"/applications/[\w-]+/submitted$"))
    shown = phone.locator(".done__number").inner_text()
    assert NUMBER.fullmatch(shown), shown
    expect(phone.get_by_role("link", name="进度查询")).to_be_visible()
    expect(phone.get_by_role("link", name="返回首页")).to_be_visible()

    headers = session_headers(phone)
    mine = http.get("/api/v1/applicant/applications", headers=headers).json()
    assert [a["acceptance_number"] for a in mine["items"]] == [shown]
    # the acceptance deadline the case was opened with (working days), as a date
    detail_url = f"/api/v1/applicant/applications/{mine['items'][0]['id']}"
    due = wait_until(lambda: (http.get(detail_url, headers=headers).json()["deadlines"]
                              or {}).get("accept_due"), 20, message="the case's deadlines")
    year, month, day = (int(part) for part in due.split("-"))
    expect(phone.get_by_text(f"受理机关将于 {year}年{month}月{day}日 前")).to_be_visible()
    assert_accessible(phone, "submitted")
    shot(phone, "07-submitted")

    # home again: the case opened, a message waits (badge), and the applicant logs out
    wait_until(lambda: http.get("/api/v1/applicant/inbox", params={"unread_only": True},
                                headers=headers).json()["unread"] > 0,
               20, interval=0.3, message="a message about the application")
    phone.get_by_role("link", name="返回首页").click()
    expect(phone.get_by_role("link", name=re.compile(r"消息\s*（\d+ 条未读）"))).to_be_visible()
    expect(phone.get_by_text(f"已登录：{number[:3]}****{number[-4:]}")).to_be_visible()
    assert_accessible(phone, "home, logged in")
    shot(phone, "08-home-logged-in")
    phone.get_by_role("button", name="退出登录").click()
    expect(phone.get_by_role("link", name="登录", exact=True)).to_be_visible()


def test_a_penalty_application_is_sealed_and_signed_by_qr_code(
        phone, new_page, http, disclosure_db, shot, assert_accessible):
    number = registry.new_phone()
    subject = registry.add_subject(disclosure_db, phone=number)
    registry.add_penalty(disclosure_db, subject, publicity_start=TODAY - timedelta(days=400))
    tokens = api_login(http, number)
    open_logged_in(phone, tokens, "/guide/penalty_publicity")
    pass_guide_and_subject(phone, shot, assert_accessible, subject["name"], 1)

    phone.get_by_role("checkbox", name=re.compile("选择此记录")).click()
    phone.get_by_role("button", name=re.compile(r"申请修复")).click()
    expect(phone).to_have_url(re.compile(r"/applications/[\w-]+/edit$"))

    phone.get_by_label("事实和理由").fill("罚款已于 2025 年全额缴纳，违法行为已整改完毕。")
    phone.get_by_role("button", name="保存申请信息").click()
    expect(phone.get_by_role("button", name="申请信息已保存")).to_be_disabled()
    for i, label in enumerate(PENALTY_MATERIALS):
        upload(phone, label, f"证明{i}.pdf", PDF)
        expect(phone.get_by_text(f"证明{i}.pdf")).to_be_visible()

    phone.get_by_role("button", name="预览申请书").click()
    expect(phone.get_by_title("申请书预览")).to_be_visible()
    expect(phone.get_by_role("link", name=re.compile("在新窗口打开申请书"))).to_have_attribute(
        "href", re.compile(r"^blob:"))
    phone.get_by_role("button", name="关闭预览").click()

    qr_button = phone.get_by_role("button", name="生成法定代表人签名二维码")
    expect(qr_button).to_be_disabled()  # the seal comes first
    phone.get_by_role("button", name="电子签章", exact=True).click()
    expect(phone.get_by_text("已签章")).to_be_visible()
    qr_button.click()
    qr = phone.get_by_role("img", name=re.compile("法定代表人签名二维码"))
    expect(qr).to_be_visible()
    assert qr.get_attribute("src").startswith("data:image/svg+xml;utf8,")
    expect(phone.get_by_text(re.compile(r"有效期至 \d{4}-\d{2}-\d{2} \d{2}:\d{2}"))).to_be_visible()
    assert_accessible(phone, "signing")
    shot(phone, "03-signing-qr")
    link = phone.get_by_role("link", name=re.compile(r"\/sign\/")).get_attribute("href")
    assert httpx.URL(link).path.startswith("/sign/")

    # the legal representative opens the QR code's page on their own device
    desk = new_page(desktop=True)
    desk.goto(link)
    expect(desk.get_by_text(subject["name"])).to_be_visible()
    assert_accessible(desk, "sign page")
    shot(desk, "04-sign-page")
    name = desk.get_by_label("签名人姓名")
    name.fill("陈大")
    name.press("Tab")  # judged once the signer leaves the field, as intake judges it on signing
    expect(desk.get_by_text("与登记的法定代表人姓名不一致，请核对")).to_be_visible()
    shot(desk, "04-sign-name-mismatch")
    name.fill("陈大文")
    expect(desk.get_by_text("与登记的法定代表人姓名不一致，请核对")).to_have_count(0)
    desk.get_by_role("checkbox", name=re.compile("同意签名")).click()
    desk.get_by_role("button", name="确认签名").click()
    expect(desk.get_by_text("签名成功")).to_be_visible()
    shot(desk, "05-signed")
    desk.reload()  # the link works once
    expect(desk.get_by_role("main").get_by_role("alert")).to_contain_text("该签名链接已使用")

    phone.get_by_role("button", name="刷新签名状态").click()
    expect(phone.get_by_text("已签名", exact=True)).to_be_visible()
    shot(phone, "06-signed-on-phone")
    phone.get_by_role("button", name="提交申请").click()
    expect(phone).to_have_url(re.compile(r"/submitted$"))
    shown = phone.locator(".done__number").inner_text()
    assert NUMBER.fullmatch(shown), shown
    mine = http.get("/api/v1/applicant/applications", headers=session_headers(phone)).json()
    assert [a["acceptance_number"] for a in mine["items"]] == [shown]
    shot(phone, "07-submitted")


def test_a_file_that_is_not_really_a_pdf_is_refused_with_the_api_message(
        phone, http, disclosure_db, shot, assert_accessible):
    number, subject, tokens, headers = confirmed_applicant(http, disclosure_db,
                                                            "abnormal_operation_list")
    record = registry.add_listing(disclosure_db, subject, listed_on=TODAY - timedelta(days=90))
    draft = http.post("/api/v1/applicant/applications", headers=headers, json={
        "subject_code": subject["uscc"], "record_type": "abnormal_operation_list",
        "record_ids": [record]}).json()
    open_logged_in(phone, tokens, f"/applications/{draft['id']}/edit")

    upload(phone, "信用修复申请书", "申请书.pdf", EXE)
    refusal = phone.get_by_role("main").get_by_role("alert")
    expect(refusal).to_contain_text("仅支持 PDF、JPEG、PNG 格式的文件（按文件内容判断）")
    expect(refusal).to_contain_text("UNSUPPORTED_FILE_TYPE")
    expect(refusal).to_contain_text("请求编号")
    assert_accessible(phone, "refused upload")
    shot(phone, "01-refused")

    # a real PNG goes in, and can be deleted again
    upload(phone, "信用修复申请书", "照片.png", PNG, "image/png")
    expect(phone.get_by_text("照片.png")).to_be_visible()
    phone.get_by_role("button", name="删除 照片.png").click()
    phone.get_by_role("button", name="确认").click()
    expect(phone.get_by_role("button", name="删除 照片.png")).to_have_count(0)


def test_an_ineligible_record_says_why_and_cannot_be_chosen(
        phone, http, disclosure_db, shot, assert_accessible):
    number, subject, tokens, headers = confirmed_applicant(http, disclosure_db,
                                                            "penalty_publicity")
    registry.add_penalty(disclosure_db, subject, publicity_start=TODAY - timedelta(days=30))
    answer = http.get(f"/api/v1/applicant/subjects/{subject['uscc']}/records",
                      params={"type": "penalty_publicity"}, headers=headers).json()["items"][0]
    eligibility = answer["eligibility"]
    assert eligibility["eligible"] is False

    open_logged_in(phone, tokens, f"/apply/penalty_publicity/records?code={subject['uscc']}")
    blocked = phone.get_by_role("checkbox", name=re.compile("不可选择"))
    expect(blocked).to_be_disabled()
    expect(phone.get_by_role("checkbox", name=re.compile("选择此记录"))).to_have_count(0)
    expect(phone.get_by_text(eligibility["reason"])).to_be_visible()
    expect(phone.get_by_text(f"规则版本 {eligibility['rule_version']}")).to_be_visible()
    day = eligibility["earliest_eligible_date"]
    y, m, d = (int(p) for p in day.split("-"))
    expect(phone.get_by_text(f"最早可申请日期：{y}年{m}月{d}日")).to_be_visible()
    expect(phone.get_by_role("button", name=re.compile("申请修复"))).to_have_count(0)
    assert_accessible(phone, "ineligible records")
    shot(phone, "01-ineligible")


def test_manual_subject_entry_checks_the_code_before_sending(
        phone, http, disclosure_db, shot, assert_accessible):
    other = registry.add_subject(disclosure_db, phone=registry.new_phone())
    tokens = api_login(http, registry.new_phone())
    posted = []
    phone.on("request", lambda r: posted.append(r.url)
             if r.method == "POST" and r.url.endswith("/api/v1/applicant/subjects") else None)
    open_logged_in(phone, tokens, "/apply/abnormal_operation_list/subject")

    # no subject under this phone: 其他 is chosen, with the fields to fill
    expect(phone.get_by_role("radio", name=re.compile("其他（"))).to_be_checked()
    uscc = other["uscc"]
    typo = uscc[:-1] + ("0" if uscc[-1] != "0" else "1")
    phone.get_by_label("主体名称").fill(other["name"])
    phone.get_by_label("统一社会信用代码/注册号").fill(typo)
    expect(phone.get_by_text("统一社会信用代码或注册号校验位错误，请核对")).to_be_visible()
    phone.get_by_label("法定代表人姓名").fill("李四")
    phone.get_by_label("证件类型").select_option(label="居民身份证")
    phone.get_by_label("证件号码").fill(other["legal_rep_document_number"])
    phone.get_by_role("checkbox", name="我已阅读并同意办理须知").click()
    phone.get_by_role("button", name="确认身份，下一步").click()
    assert_accessible(phone, "manual subject")
    shot(phone, "01-typo")
    assert posted == []  # refused on the page, nothing sent

    # the right code goes to the registry, which names the field that differs
    phone.get_by_label("统一社会信用代码/注册号").fill(uscc)
    expect(phone.get_by_text("统一社会信用代码或注册号校验位错误，请核对")).to_have_count(0)
    phone.get_by_role("button", name="确认身份，下一步").click()
    expect(phone.get_by_role("main").get_by_role("alert")).to_contain_text("填写的信息与登记信息不一致")
    assert len(posted) == 1
    shot(phone, "02-mismatch")
    phone.get_by_label("法定代表人姓名").fill("陈大文")
    phone.get_by_role("button", name="确认身份，下一步").click()
    expect(phone).to_have_url(re.compile(rf"/records\?code={uscc}$"))


@pytest.mark.parametrize("case", ["non_mainland_document", "proof_material_mode"])
def test_an_upload_stands_in_for_the_signature_where_the_rules_allow(
        phone, http, disclosure_db, shot, assert_accessible, case):
    number, subject, tokens, headers = confirmed_applicant(
        http, disclosure_db, "penalty_publicity",
        document_type="hk_macao_permit" if case == "non_mainland_document" else "resident_id",
        proof_material_mode=case == "proof_material_mode")
    record = registry.add_penalty(disclosure_db, subject,
                                  publicity_start=TODAY - timedelta(days=400))
    draft = http.post("/api/v1/applicant/applications", headers=headers, json={
        "subject_code": subject["uscc"], "record_type": "penalty_publicity",
        "record_ids": [record], "contact_name": "陈大文", "contact_phone": number,
        "facts_and_reasons": "罚款已缴清。"}).json()
    for kind in ("application_form", "commitment", "fulfilment_proof"):
        assert http.post(f"/api/v1/applicant/applications/{draft['id']}/materials",
                         headers=headers, data={"kind": kind},
                         files={"file": ("材料.pdf", PDF, "application/pdf")}).status_code == 201
    open_logged_in(phone, tokens, f"/applications/{draft['id']}/edit")

    label = ("法定代表人（负责人）身份证件" if case == "non_mainland_document"
             else "法定代表人无法签名的特殊情况证明材料")
    expect(phone.get_by_text("用于代替法定代表人扫码签名。")).to_be_visible()
    expect(phone.get_by_role("button", name="生成法定代表人签名二维码")).to_have_count(0)
    upload(phone, label, "替代材料.pdf", PDF)
    expect(phone.get_by_text("替代材料.pdf")).to_be_visible()
    phone.get_by_role("button", name="电子签章", exact=True).click()
    expect(phone.get_by_text("已签章")).to_be_visible()
    expect(phone.get_by_text("提交前还需要")).to_have_count(0)
    assert_accessible(phone, f"signing by upload ({case})")
    shot(phone, f"01-{case}")
    phone.get_by_role("button", name="提交申请").click()
    expect(phone).to_have_url(re.compile(r"/submitted$"))
    assert NUMBER.fullmatch(phone.locator(".done__number").inner_text())
