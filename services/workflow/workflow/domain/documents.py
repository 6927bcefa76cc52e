"""Which document each decision issues, its number, and what it says. Plain Python."""

from __future__ import annotations

from datetime import date

from credit_common.contracts.vocabulary import (APPLICATION_TYPE_LABELS,
                                                BANKRUPTCY_REORGANISATION, CaseAction)
from credit_common.reference.organisation import Unit, unit

TITLES = {
    "acceptance_notice": "信用修复申请受理通知书",
    "non_acceptance_notice": "信用修复申请不予受理通知书",
    "repair_decision": "准予信用修复决定书",
    "rejection_decision": "不予信用修复决定书",
    "approval_form": "信用修复审批表",
    # a cured abnormal listing's removal (workflow.domain.listing_removals)
    "listing_removal_decision": "移出经营异常名录决定书",
    "status_restoration_decision": "恢复正常记载状态决定书",
    # issued with an own penalty (两书同达, workflow.domain.repair_notices)
    "repair_notice": "信用修复告知书",
    # fraud found after approval (撤销修复): the repair decision is revoked
    "revocation_decision": "撤销信用修复决定书",
}

#: the action -> the document it issues
DOCUMENT_FOR_ACTION = {
    CaseAction.accept: "acceptance_notice",
    CaseAction.not_accept: "non_acceptance_notice",
    CaseAction.approve: "repair_decision",
    CaseAction.reject: "rejection_decision",
    CaseAction.close: "approval_form",
    CaseAction.revoke: "revocation_decision",
}
#: the word in the number: 穗天市监信修〔2026〕12号
NUMBER_CODES = {"acceptance_notice": "信受", "non_acceptance_notice": "信不受",
                "repair_decision": "信修", "rejection_decision": "信不修",
                "approval_form": "信审", "listing_removal_decision": "信移",
                "status_restoration_decision": "信复", "repair_notice": "信告",
                "revocation_decision": "信撤"}
OUTCOME_TEXT = {
    "penalty_publicity": "停止公示该行政处罚信息",
    "other_department_penalty": "停止公示该行政处罚信息",
    "serious_illegal_list": "将其移出严重违法失信名单",
    "abnormal_operation_list": "将其移出经营异常名录",
    "cooperative_abnormal_list": "将其移出农民专业合作社经营异常名录",
    "individual_abnormal_status": "恢复其正常记载状态",
    BANKRUPTCY_REORGANISATION: "在重整期间对其相关失信记录予以临时修复、暂停公示；人民法院裁定批准重整计划后"
                               "转为信用修复，裁定终止重整程序或有效期届满的，恢复公示",
}
REVIEW_NOTICE = "如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法提起行政诉讼。"


def issuer(case_unit_code: str | None) -> Unit | None:
    """The authority a case's documents go out in the name of: the district bureau of the
    deciding unit (an office's or a credit section's), or a unit outside any district itself."""
    office = unit(case_unit_code or "")
    return unit(office.district_code) if office and office.district_code else office


def document_number(short_name: str, kind: str, year: int, sequence: int) -> str:
    return f"{short_name}市监{NUMBER_CODES[kind]}〔{year}〕{sequence}号"


def paragraphs(kind: str, case: dict, opinion: str | None, decide_days: int | None) -> list[str]:
    submitted = case["submitted_at"][:10]
    label = APPLICATION_TYPE_LABELS.get(case["record_type"], case["record_type"])
    # the reorganisation's label already names the repair
    asked = f"{label}申请" if case["record_type"] == BANKRUPTCY_REORGANISATION \
        else f"{label}信用修复申请"
    head = f"你（单位）于{submitted}提出的{asked}（受理编号：{case['acceptance_number']}）"
    if kind == "acceptance_notice":
        return [f"{head}，经审查，符合受理条件，本机关决定予以受理。",
                f"本机关将自受理之日起{decide_days}个工作日内作出决定。" if decide_days
                else "本机关将在规定期限内作出决定。"]
    if kind == "non_acceptance_notice":
        return [f"{head}，经审查，不符合受理条件，本机关决定不予受理。", f"理由：{opinion}。",
                REVIEW_NOTICE]
    if kind == "repair_decision":
        return [f"{head}，经核实，符合信用修复条件。",
                f"根据《市场监督管理信用修复管理办法》等规定，本机关决定准予信用修复，"
                f"{OUTCOME_TEXT.get(case['record_type'], '对相关记录予以修复')}。",
                "信用修复决定作出后，如发现申请人提供虚假材料或者作出不实承诺的，本机关将撤销该决定，"
                "恢复相关记录，并依法处理。"]
    if kind == "revocation_decision":
        return [f"{head}，本机关已作出准予信用修复决定。",
                f"经查，{opinion}。根据《市场监督管理信用修复管理办法》等规定，本机关决定撤销该准予信用修复决定，"
                "恢复相关失信记录的公示，并依法处理。",
                REVIEW_NOTICE]
    if kind == "rejection_decision":
        return [f"{head}，经核实，不符合信用修复条件，本机关决定不予信用修复。",
                f"理由：{opinion}。", REVIEW_NOTICE]
    return [f"{head}的办理经过如下。"]


def issue_year(day: date) -> int:
    return day.year
