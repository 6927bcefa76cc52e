"""撤销公示 on the workbench, against the real platform: an approver of the deciding unit's
district bureau finds a penalty of ours in 行政处罚信息公示, is stopped by the page while the
form is incomplete, withdraws it with the ruling's document, and the row (and the public
record) shows 已撤销 and leaves the list of publicised records; a handler is not offered the
button."""

from __future__ import annotations

import uuid
from datetime import timedelta

from playwright.sync_api import expect

from tests.browser.test_workbench_admin import at_rest, menu, open_workbench, pick_date
from tests.e2e import registry
from tests.e2e.test_applicant_journey import PDF
from tests.e2e.test_officer_journey import TODAY, add_officer

UNIT = "44010601"


def test_an_approver_withdraws_a_penalty_of_ours_from_the_per_type_menu(
        new_page, http, db_engine, shot, assert_accessible):
    disclosure_db = db_engine["disclosure"]
    tag = uuid.uuid4().hex[:6]
    approver_phone = add_officer(db_engine, UNIT, ["approver"], "王审批")
    subject = registry.add_subject(disclosure_db, phone=registry.new_phone(),
                                   name=f"广州撤销{tag}科技有限公司")
    record = registry.add_penalty(disclosure_db, subject,
                                  publicity_start=TODAY - timedelta(days=60))

    # a handler of the same office is not offered the button (the API refuses it too)
    handler_page = new_page(desktop=True)
    open_workbench(handler_page, http, add_officer(db_engine, UNIT, ["handler"]))
    menu(handler_page, "信用修复办理", "行政处罚信息公示")
    handler_page.get_by_label("主体名称").fill(tag)
    handler_page.get_by_label("主体名称").press("Enter")
    handler_row = handler_page.get_by_role("row").filter(has_text=subject["name"])
    expect(handler_row).to_have_count(1)
    expect(handler_row.get_by_role("button", name=f"办理 {subject['name']}")).to_be_visible()
    expect(handler_row.get_by_role("button", name=f"撤销公示 {subject['name']}")).to_have_count(0)

    page = new_page(desktop=True)
    open_workbench(page, http, approver_phone)
    menu(page, "信用修复办理", "行政处罚信息公示")
    expect(page.get_by_role("heading", name="行政处罚信息公示信用修复办理")).to_be_visible()
    page.get_by_label("主体名称").fill(tag)
    page.get_by_label("主体名称").press("Enter")
    row = page.get_by_role("row").filter(has_text=subject["name"])
    expect(row).to_have_count(1)
    expect(row).to_contain_text("公示中")
    row.get_by_role("button", name=f"撤销公示 {subject['name']}").click()

    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("撤销行政处罚公示")
    dialog.get_by_role("button", name="保存").click()  # nothing filled in: the page says what
    expect(dialog.get_by_role("alert")).to_contain_text("请选择撤销依据")
    expect(dialog.get_by_role("alert")).to_contain_text("请上传依据文书")
    dialog.get_by_role("combobox", name="撤销依据").press("Enter")
    page.get_by_role("option", name="行政复议决定", exact=True).click()
    dialog.get_by_label("决定书或判决书文号").fill("穗府复决〔2026〕15号")
    pick_date(page, "决定或判决日期", (TODAY - timedelta(days=2)).isoformat())
    dialog.get_by_label("撤销理由").fill("复议机关认定事实不清，决定撤销该行政处罚决定")
    dialog.get_by_label("上传依据文书").set_input_files(
        {"name": "复议决定书.pdf", "mimeType": "application/pdf", "buffer": PDF})
    expect(dialog.get_by_role("alert")).to_have_count(0)  # everything filled: nothing missing
    shot(page, "01-withdrawal-dialog")
    assert_accessible(at_rest(page), "penalty withdrawal dialog")
    dialog.get_by_role("button", name="保存").click()

    expect(dialog).to_be_hidden()
    expect(row).to_contain_text("已撤销")
    expect(row.get_by_role("button", name=f"撤销公示 {subject['name']}")).to_have_count(0)
    shot(page, "02-withdrawn")
    shown = http.get(f"/api/v1/public/records/{record}").json()["record"]
    assert (shown["publicity_state_label"], shown["documents"][0]["number"]) == (
        "已撤销", "穗府复决〔2026〕15号")
