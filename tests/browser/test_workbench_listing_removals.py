"""可移出 on a desk screen against the real platform: the publicity system announces a
correction on the inter-agency bus (as tests/e2e/test_automatic_repair.py does), the cured
listing waits under 可移出 (counted on the home page), and one click of the listing office,
after its confirmation, removes it with a numbered decision."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from playwright.sync_api import expect

from credit_common.testing.platform import wait_until
from tests.browser.test_workbench_admin import at_rest, menu, open_workbench
from tests.e2e import registry
from tests.e2e.test_automatic_repair import publish_filing, record_page, removal_for
from tests.e2e.test_officer_journey import TODAY, add_officer, officer_login

#: a district no other browser test lists in, so its office's list holds this test's rows only
DISTRICT = "440113"
UNIT = DISTRICT + "01"
REMOVAL_NUMBER = re.compile(r"移出决定书文号：(\S+〔\d{4}〕\d+号)")


def test_a_cured_listing_shows_under_removable_and_one_click_removes_it(
        new_page, http, amqp_uri, db_engine, shot, assert_accessible):
    disclosure_db = db_engine["disclosure"]
    tag = uuid.uuid4().hex[:6]
    subject = registry.add_subject(disclosure_db, phone=registry.new_phone(), district=DISTRICT,
                                   name=f"广州番禺移出{tag}贸易有限公司")
    record_id = registry.add_listing(disclosure_db, subject, listed_on=TODAY - timedelta(days=60),
                                     reason="false_information")
    handler_phone = add_officer(db_engine, UNIT, ["handler"], f"何承办{tag}")
    # a colleague over the API (the handler's own phone gets its code on the page)
    colleague = officer_login(http, add_officer(db_engine, UNIT, ["handler"]))
    publish_filing(amqp_uri, "instant_info.published.v1", {
        "subject_code": subject["uscc"], "published_on": TODAY.isoformat(),
        "items": ["行政许可取得信息"], "correction": True})
    removal = removal_for(http, colleague, record_id, "pending")

    page = new_page(desktop=True)
    open_workbench(page, http, handler_phone)
    card = page.get_by_role("link", name=re.compile(r"^待确认移出 \d+\+? 件"))
    expect(card).to_be_visible()
    assert int(re.search(r"待确认移出 (\d+)", card.get_attribute("aria-label")).group(1)) >= 1
    shot(page, "01-home-card")
    card.click()
    expect(page.get_by_role("heading", name="可移出")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=subject["name"])
    expect(row).to_have_count(1)
    expect(row).to_contain_text(subject["uscc"])
    expect(row).to_contain_text("经营异常名录")
    expect(row).to_contain_text("公示企业信息隐瞒真实情况、弄虚作假")
    expect(row).to_contain_text(f"{TODAY.isoformat()} 更正公示信息")
    shot(page, "02-removable")
    assert_accessible(at_rest(page), "removable listings")

    # 取消 in the confirmation changes nothing
    row.get_by_role("button", name=f"移出 {subject['name']}").click()
    confirm = page.get_by_role("dialog", name="确认移出")
    expect(confirm).to_contain_text(subject["name"])
    shot(page, "03-confirm")
    assert_accessible(at_rest(page), "removal confirmation")
    confirm.get_by_role("button", name="取消").click()
    expect(confirm).to_be_hidden()
    expect(row).to_have_count(1)
    assert record_page(http, record_id)["record"]["publicity_state"] == "active"

    row.get_by_role("button", name=f"移出 {subject['name']}").click()
    confirm.get_by_role("button", name="移出", exact=True).click()
    result = page.get_by_role("status").filter(has_text=f"已将{subject['name']}移出经营异常名录")
    expect(result).to_be_visible()
    number = REMOVAL_NUMBER.search(result.inner_text()).group(1)
    expect(row).to_have_count(0)
    shot(page, "04-removed")
    assert_accessible(at_rest(page), "after the removal")

    # the record comes off the public list under that number, confirmed by this officer
    public = wait_until(lambda: (p := record_page(http, record_id))["record"][
        "publicity_state"] == "removed" and p, 30, interval=0.2, message="the listing removed")
    assert public["history"][-1]["cause_ref"] == number
    assert f"何承办{tag}" in public["history"][-1]["note"]
    decided = http.get(f"/api/v1/officer/listing-removals/{removal['id']}",
                       headers=colleague).json()
    assert (decided["status"], decided["document_number"]) == ("removed", number)

    page.get_by_role("radio", name="已移出").check(force=True)
    removed = page.get_by_role("row").filter(has_text=subject["name"])
    expect(removed).to_contain_text(number)
    expect(removed).to_contain_text(f"何承办{tag}确认移出")
    shot(page, "05-removed-list")
    assert_accessible(at_rest(page), "removed listings")


def test_a_reviewer_of_the_listing_office_sees_the_row_without_removal(new_page, http, amqp_uri, db_engine, shot):
    """A reviewer of the listing office sees the row but no 移出 (only a handler or approver)."""
    disclosure_db = db_engine["disclosure"]
    tag = uuid.uuid4().hex[:6]
    subject = registry.add_subject(disclosure_db, phone=registry.new_phone(), district=DISTRICT,
                                   name=f"广州番禺审核{tag}贸易有限公司")
    record_id = registry.add_listing(disclosure_db, subject, listed_on=TODAY - timedelta(days=60),
                                     reason="false_information")
    reviewer_phone = add_officer(db_engine, UNIT, ["reviewer"])
    colleague = officer_login(http, add_officer(db_engine, UNIT, ["handler"]))
    publish_filing(amqp_uri, "instant_info.published.v1", {
        "subject_code": subject["uscc"], "published_on": TODAY.isoformat(),
        "items": ["行政许可取得信息"], "correction": True})
    removal_for(http, colleague, record_id, "pending")

    page = new_page(desktop=True)
    open_workbench(page, http, reviewer_phone)
    menu(page, "可移出")
    row = page.get_by_role("row").filter(has_text=subject["name"])
    expect(row).to_contain_text("仅列入机关承办人、审批人可移出")
    expect(row.get_by_role("button", name=f"移出 {subject['name']}")).to_have_count(0)
    shot(page, "01-no-button")
