"""两书同达: the 信用修复告知书's wording and issuer."""

from __future__ import annotations

import uuid
from datetime import date, datetime, UTC

from credit_common.contracts.events import RepairNoticeRequested
from workflow.domain import documents, repair_notices


def requested(**changes) -> RepairNoticeRequested:
    return RepairNoticeRequested(**{
        "record_id": uuid.uuid4(), "decision_number": "穗越市监处罚〔2026〕7号",
        "decision_date": date(2026, 11, 30), "deciding_unit_code": "44010402",
        "district_code": "440104", "subject_code": "91440104MA59ABCD1M",
        "subject_name": "广州告知有限公司", "legal_rep_name": "陈大文",
        "legal_rep_phone": "13912345678", "repairable": True,
        "earliest_date": date(2027, 5, 30), "reason": "公示满 6 个月后可申请信用修复",
        "rule_version": "2021.1", "article": "《市场监督管理行政处罚信息公示规定》第十三条",
        "conditions": ["行政处罚信息公示满 6 个月", "已消除违法行为造成的危害后果和不良社会影响"],
        "materials": ["信用修复申请书", "信用承诺书"], "requested_at": datetime.now(UTC),
        **changes})


def test_the_notice_says_when_how_where_and_that_it_is_free():
    event = requested()
    issuer = repair_notices.issuer(event)
    assert (issuer.code, documents.document_number(issuer.short_name, "repair_notice", 2026, 3)
            ) == ("440104", "穗越市监信告〔2026〕3号")
    lines = repair_notices.paragraphs(event, issuer.name, "https://xyxf.example.cn")
    assert "2026年11月30日" in lines[0] and "穗越市监处罚〔2026〕7号" in lines[0]
    assert "规则版本：2021.1" in lines[0]
    assert lines[1] == "一、你（单位）最早可于2027年5月30日起申请信用修复（公示满 6 个月后可申请信用修复）。"
    assert lines[2].startswith("二、申请条件：1. 行政处罚信息公示满 6 个月；2. ")
    assert lines[3] == "三、申请材料：1. 信用修复申请书；2. 信用承诺书。"
    assert lines[4].startswith("四、申请方式：登录信用修复平台（https://xyxf.example.cn）在线申请")
    assert "不收取任何费用" in lines[5] and lines[5].startswith("五、")
    assert repair_notices.KIND_LABEL == "信用修复告知书"


def test_a_notice_of_a_penalty_no_application_repairs_says_why():
    lines = repair_notices.paragraphs(requested(repairable=False, earliest_date=None,
                                                reason="仅受警告的处罚，公示期满自动停止公示",
                                                conditions=[], materials=[]),
                                      "广州市越秀区市场监督管理局", "https://xyxf.example.cn")
    assert lines[1] == "一、仅受警告的处罚，公示期满自动停止公示。"
    assert lines[2].startswith("二、信用修复不收取任何费用")
    assert not any("最早可于" in line for line in lines)
