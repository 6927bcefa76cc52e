"""The public pages in a phone's browser: 信用信息查询 by a name term and a record type, the
subject's page with its personal data masked and a record's history of publicity changes,
a code typed in going straight to its subject (or to 未找到该主体), and 文书核验 of a real
decision by its QR code, by a mistyped code, by its original PDF and by an altered copy."""

from __future__ import annotations

import random
import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import text

from credit_common.clock import now
from credit_common.testing.platform import wait_until
from tests.e2e import registry
from tests.e2e.test_officer_journey import (act, add_officer, case_in_todo, officer_login,
                                            submitted_list_application)

TODAY = now().date()
#: rare characters, so that a two-character term names this test's subjects only
RARE = "鹂鸾鹄鹈鹬鹭麒麟貔貅饕餮魑魅魍魉犀兕璆琳琅玕瑾瑜璠玙"


def unique_term() -> str:
    # digits too: the run's other suites leave many subjects in the same registry
    return "".join(random.sample(RARE, 2)) + f"{random.randrange(10**4):04d}"


def masked_id(number: str) -> str:
    return number[:4] + "*" * (len(number) - 6) + number[-2:]


def masked_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:]


def add_history(disclosure_db, record_id: str, cause_kind: str, note: str = "") -> None:
    """What an import writes beside a record it creates (the registry helper writes none)."""
    with disclosure_db.begin() as conn:
        conn.execute(text(
            "INSERT INTO record_history (record_id, from_state, to_state, cause_kind, cause_ref, "
            "note, occurred_at) VALUES (:r, NULL, 'active', :k, 'e2e', :n, now())"),
            {"r": record_id, "k": cause_kind, "n": note})


def test_search_by_name_and_type_then_the_masked_subject_and_a_record_history(
        phone, new_page, db_engine, shot, assert_accessible):
    disclosure = db_engine["disclosure"]
    term = unique_term()
    rep_phone = registry.new_phone()
    listed = registry.add_subject(disclosure, phone=rep_phone, name=f"广州{term}信息科技有限公司")
    listing = registry.add_listing(disclosure, listed, listed_on=TODAY - timedelta(days=200))
    add_history(disclosure, listing, "import", "按年报未公示情形列入")
    registry.add_penalty(disclosure, listed, publicity_start=TODAY - timedelta(days=90))
    penalised = registry.add_subject(disclosure, phone=registry.new_phone(),
                                     name=f"广州{term}贸易有限公司")
    registry.add_penalty(disclosure, penalised, publicity_start=TODAY - timedelta(days=30))

    phone.goto("/public/search")
    expect(phone.get_by_role("heading", name="信用信息查询", level=1)).to_be_visible()
    assert_accessible(phone, "search, empty")
    shot(phone, "01-search")

    phone.get_by_label("主体名称或统一社会信用代码").fill(term)
    phone.get_by_role("button", name="筛选条件").click()
    phone.get_by_label("记录类型").select_option(label="经营异常名录")
    phone.get_by_role("button", name="查询", exact=True).click()
    results = phone.get_by_role("list").get_by_role("link")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text(listed["name"])
    expect(results.first).to_contain_text(listed["uscc"])
    expect(results.first).to_contain_text("经营异常名录")
    expect(results.first).to_contain_text("公示中")
    expect(results.first).to_contain_text(f"列入日期 {TODAY - timedelta(days=200)}")
    expect(phone.get_by_text(penalised["name"])).to_have_count(0)
    assert_accessible(phone, "search results")
    shot(phone, "02-results")

    results.first.click()
    expect(phone).to_have_url(re.compile(rf"/public/subjects/{listed['uscc']}$"))
    expect(phone.get_by_role("heading", name=listed["name"])).to_be_visible()
    expect(phone.get_by_role("heading", name=re.compile("公示记录"))).to_contain_text("共 2 条")
    page_text = phone.locator("main").inner_text()
    full_id = listed["legal_rep_document_number"]
    assert full_id not in page_text and rep_phone not in page_text
    assert masked_id(full_id) in page_text and masked_phone(rep_phone) in page_text
    shot(phone, "03-subject")

    card = phone.locator("article").filter(has_text="经营异常名录")
    toggle = card.get_by_role("button", name="公示状态变更记录")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(card.get_by_text("列入公示")).to_be_visible()
    expect(card.get_by_text("按年报未公示情形列入")).to_be_visible()
    assert_accessible(phone, "subject with history")
    shot(phone, "04-history")

    phone.go_back()  # the phone's back gesture: the same search again, from the address
    expect(phone.get_by_label("主体名称或统一社会信用代码")).to_have_value(term)
    expect(phone.get_by_label("记录类型")).to_have_value("abnormal_operation_list")
    expect(results).to_have_count(1)

    desktop = new_page(desktop=True)
    desktop.goto(f"/public/subjects/{listed['uscc']}")
    expect(desktop.get_by_role("heading", name=listed["name"])).to_be_visible()
    assert_accessible(desktop, "subject on a desktop")
    shot(desktop, "05-subject-desktop")


def test_a_code_goes_straight_to_its_subject_and_an_unknown_one_is_not_found(
        phone, db_engine, shot, assert_accessible):
    disclosure = db_engine["disclosure"]
    subject = registry.add_subject(disclosure, phone=registry.new_phone())
    registry.add_listing(disclosure, subject, listed_on=TODAY - timedelta(days=60))

    phone.goto("/public/search")
    phone.get_by_label("主体名称或统一社会信用代码").fill(subject["uscc"])
    phone.get_by_role("button", name="查询", exact=True).click()
    expect(phone).to_have_url(re.compile(rf"/public/subjects/{subject['uscc']}$"))
    expect(phone.get_by_role("heading", name=subject["name"])).to_be_visible()
    expect(phone.locator("article")).to_have_count(1)
    shot(phone, "01-subject-by-code")

    unknown = registry.new_uscc()
    phone.goto("/public/search")
    phone.get_by_label("主体名称或统一社会信用代码").fill(unknown)
    phone.get_by_role("button", name="查询", exact=True).click()
    expect(phone).to_have_url(re.compile(rf"/public/subjects/{unknown}$"))
    expect(phone.get_by_role("heading", name="未找到该主体")).to_be_visible()
    expect(phone.get_by_text(unknown)).to_be_visible()
    assert_accessible(phone, "subject not found")
    shot(phone, "02-not-found")


def decided_application(http, db_engine):
    """An abnormal-list application approved by its office: the decision and its PDF."""
    handler = officer_login(http, add_officer(db_engine, "44010601", ["handler"]))
    reviewer = officer_login(http, add_officer(db_engine, "44010601", ["reviewer"]))
    approver = officer_login(http, add_officer(db_engine, "44010601", ["approver"]))
    application, applicant, _subject, _record = submitted_list_application(
        http, db_engine["disclosure"])
    number = application["acceptance_number"]
    version = case_in_todo(http, handler, number)["version"]
    version = act(http, handler, number, "accept", version).json()["version"]
    version = act(http, handler, number, "verify", version, opinion="已补报年报").json()["version"]
    version = act(http, reviewer, number, "review", version, opinion="同意").json()["version"]
    approved = act(http, approver, number, "approve", version, opinion="准予移出经营异常名录")
    assert approved.status_code == 200, approved.text
    app_url = f"/api/v1/applicant/applications/{application['id']}"

    def rendered():
        items = http.get(f"{app_url}/documents", headers=applicant).json()["items"]
        return next((d for d in items if d["kind"] == "repair_decision"), None)

    decision = wait_until(rendered, 20, interval=0.2, message="the decision rendered")
    pdf = http.get(f"{app_url}/documents/{decision['id']}", headers=applicant)
    assert pdf.status_code == 200
    return decision, pdf.content


def test_verify_a_decision_by_code_and_by_file(phone, http, db_engine, tmp_path, shot,
                                               assert_accessible):
    decision, content = decided_application(http, db_engine)

    phone.goto(f"/verify?code={decision['verification_code']}")  # what the QR code opens
    expect(phone.get_by_role("heading", name="真实有效")).to_be_visible()
    expect(phone.get_by_text(decision["number"])).to_be_visible()
    expect(phone.get_by_text("准予信用修复决定书")).to_be_visible()
    assert_accessible(phone, "verified by code")
    shot(phone, "01-code-authentic")

    phone.get_by_role("button", name="核验其他文书").click()
    typed = phone.get_by_label("验证码", exact=True)
    typed.fill("0123 4567 89ab")
    expect(typed).to_have_value("0123456789AB")  # the field shows what will be checked
    phone.get_by_role("button", name="核验", exact=True).click()
    expect(phone).to_have_url(re.compile(r"/verify\?code=0123456789AB$"))
    expect(phone.get_by_role("heading", name="未查询到该文书")).to_be_visible()
    expect(phone.get_by_text("无法确认为真实有效的文书")).to_be_visible()
    assert_accessible(phone, "unknown code")
    shot(phone, "02-code-unknown")

    original = tmp_path / "决定书.pdf"
    original.write_bytes(content)
    middle = len(content) // 2
    altered = tmp_path / "决定书-改.pdf"
    altered.write_bytes(content[:middle] + bytes([content[middle] ^ 0x01]) + content[middle + 1:])

    phone.get_by_role("button", name="核验其他文书").click()
    by_file = phone.get_by_role("region", name="核验文书文件")
    phone.get_by_label("选择 PDF 文件").set_input_files(str(original))
    expect(by_file.get_by_role("heading", name="真实有效")).to_be_visible()
    expect(by_file.get_by_text(decision["number"])).to_be_visible()
    assert_accessible(phone, "original file")
    shot(phone, "03-file-authentic")

    phone.get_by_label("选择 PDF 文件").set_input_files(str(altered))
    expect(by_file.get_by_role("heading", name="未查询到该文书")).to_be_visible()
    expect(by_file.get_by_text(decision["number"])).to_have_count(0)
    assert_accessible(phone, "altered file")
    shot(phone, "04-file-altered")


def test_an_own_penalty_s_repair_notice_on_the_subject_page_opens_and_verifies(
        phone, http, db_engine, amqp_uri, shot, assert_accessible):
    """两书同达: the bureau publishes a penalty of its office; its 信用修复告知书 is listed on the
    record, opens as a PDF and verifies as 真实有效 from the record."""
    from tests.e2e.test_repair_notices import penalty, record_with, send_as

    rep_phone = registry.new_phone()
    subject = registry.add_subject(db_engine["disclosure"], phone=rep_phone)
    sent = penalty(subject)
    send_as(amqp_uri, "gz-amr", "record.upserted.v1", sent)
    [notice] = record_with(http, subject, sent["decision_number"])["documents"]
    wait_until(lambda: http.get("/api/v1/public/documents/verify", params={
        "code": notice["verification_code"]}).status_code == 200, 30, interval=0.2,
        message="the rendered notice")

    phone.goto(f"/public/subjects/{subject['uscc']}")
    documents = phone.get_by_role("list", name="随附文书")
    expect(documents).to_contain_text("信用修复告知书")
    expect(documents).to_contain_text(notice["number"])
    link = documents.get_by_role("link", name="查看信用修复告知书")
    expect(link).to_have_attribute("href", re.compile(
        rf"/api/v1/public/documents/pdf\?code={notice['verification_code']}$"))
    assert http.get(link.get_attribute("href")).content.startswith(b"%PDF")
    assert_accessible(phone, "subject with its repair notice")
    shot(phone, "01-repair-notice")

    documents.get_by_role("link", name="核验").click()
    expect(phone).to_have_url(re.compile(rf"/verify\?code={notice['verification_code']}$"))
    expect(phone.get_by_role("heading", name="真实有效")).to_be_visible()
    expect(phone.get_by_text(notice["number"])).to_be_visible()
    assert_accessible(phone, "repair notice verified")
    shot(phone, "02-repair-notice-verified")
