"""A cured listing's removal in plain Python: who may see and confirm it, that it is decided
once, and what its decision says (the real bus and database:
tests/integration/test_workflow_listing_removals.py)."""

import uuid
from datetime import date, datetime, UTC

import pytest

from credit_common.contracts.events import ListingCured
from credit_common.errors import Conflict
from workflow.domain import documents
from workflow.domain.listing_removals import ListingRemoval, paragraphs
from workflow.domain.model import Officer

AT = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def cured(record_type="abnormal_operation_list", removal="officer_confirmation",
          **changes) -> ListingCured:
    values = dict(
        record_id=uuid.uuid4(), record_type=record_type, listing_reason="annual_report_overdue",
        listing_date=date(2026, 7, 1), listing_unit_code="44010601",
        listing_document_number="穗天市监异〔2026〕12号", district_code="440106",
        subject_code="91440106MA59ABCD1M", subject_name="广州移出测试有限公司",
        filing_kind="annual_report", filed_on=date(2026, 11, 20), report_year=2025,
        filing_agency="gd-gsxt", filing_agency_name="国家企业信用信息公示系统（广东）",
        filing_message_id=uuid.uuid4(), rule_version="2025-12-25",
        basis="《市场监督管理信用修复管理办法》", removal=removal, cured_at=AT)
    values.update(changes)
    return ListingCured(**values)


def officer(unit_code="44010601", roles=("handler",), name="黄承办"):
    return Officer(id=uuid.uuid4(), name=name, unit_code=unit_code, roles=tuple(roles))


@pytest.mark.parametrize("unit_code, sees", [
    ("44010601", True),   # the listing office
    ("440106", True),     # its district bureau
    ("44010690", True),   # its district's credit section
    ("440100", True),     # the city bureau
    ("44010602", False),  # another office of the district
    ("44010401", False),  # an office of another district
])
def test_the_listing_unit_its_district_and_the_city_see_a_removal(unit_code, sees):
    assert ListingRemoval.from_cure(cured()).visible_to(officer(unit_code)) is sees


@pytest.mark.parametrize("unit_code, roles, refused", [
    ("44010601", ["handler"], None),
    ("44010601", ["approver"], None),
    ("44010601", ["reviewer"], "ROLE_REQUIRED"),
    ("44010601", ["administrator"], "ROLE_REQUIRED"),
    ("440106", ["handler", "approver"], "REMOVAL_NOT_OF_MY_UNIT"),
    ("440100", ["approver"], "REMOVAL_NOT_OF_MY_UNIT"),
])
def test_only_a_handler_or_approver_of_the_listing_unit_confirms_it(unit_code, roles, refused):
    refusal = ListingRemoval.from_cure(cured()).refusal(officer(unit_code, roles))
    assert (refusal.code if refusal else None) == refused


def test_a_removal_is_decided_once():
    removal = ListingRemoval.from_cure(cured())
    someone = officer()
    removal.decide(someone, AT, "穗天市监信移〔2026〕1号")
    assert (removal.status, removal.decided_by, removal.version) == ("removed", someone.id, 2)
    with pytest.raises(Conflict) as raised:
        removal.decide(someone, AT, "穗天市监信移〔2026〕2号")
    assert raised.value.code == "REMOVAL_ALREADY_DECIDED"
    assert removal.document_number == "穗天市监信移〔2026〕1号"
    [decided] = removal.events  # staged at commit by the unit of work, once
    assert (decided.record_id, decided.outcome, decided.document_number,
            decided.officer_name) == (removal.cured.record_id, "remove_from_list",
                                      "穗天市监信移〔2026〕1号", "黄承办")
    assert "列入机关确认移出" in decided.note and "黄承办确认" in decided.note


def test_the_decision_names_the_filing_the_rule_and_who_decided():
    removal = ListingRemoval.from_cure(cured(removal="immediate"))
    removal.decide(None, AT, "穗天市监信移〔2026〕3号")
    text = "".join(paragraphs(removal))
    assert "于2026-07-01被列入经营异常名录（穗天市监异〔2026〕12号）" in text
    assert "国家企业信用信息公示系统（广东）" in text and "已补报2025年度报告并公示" in text
    assert "规则版本：2025-12-25" in text and "移出经营异常名录" in text
    assert "本决定由信用修复平台依据上述规则自动作出" in text
    confirmed = ListingRemoval.from_cure(cured())
    confirmed.decide(officer(name="林承办"), AT, "穗天市监信移〔2026〕4号")
    text = "".join(paragraphs(confirmed))
    assert "经本机关林承办确认" in text and "自动作出" not in text


def test_an_individual_business_gets_its_normal_status_restored():
    removal = ListingRemoval.from_cure(cured("individual_abnormal_status"))
    assert removal.outcome == "restore_normal_status"
    assert removal.document_kind == "status_restoration_decision"
    assert documents.TITLES[removal.document_kind] == "恢复正常记载状态决定书"
    assert documents.document_number("穗天", removal.document_kind, 2026, 7) == \
        "穗天市监信复〔2026〕7号"
    assert "恢复你（单位）的正常记载状态" in "".join(paragraphs(removal))
    assert ListingRemoval.from_cure(cured("cooperative_abnormal_list")).outcome == \
        "remove_from_list"
