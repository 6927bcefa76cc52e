"""Codes every service and client shares (DOMAIN.md's English names) with their Chinese labels.

A member is written once: its name is the code on the wire, what it is assigned its label.
"""

from enum import StrEnum, auto


class Vocabulary(StrEnum):
    """A code whose value is its name and whose ``label`` is what a person reads."""

    label: str

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


def labels(vocabulary: type[Vocabulary]) -> dict[Vocabulary, str]:
    """code → Chinese label, for the callers that look labels up by a plain string."""
    return {member: member.label for member in vocabulary}


def every_label() -> dict[str, dict[str, str]]:
    """Every vocabulary by its class name, code → label in the members' order: what the pages
    read their labels from (web/shared/src/api/vocabulary.json)."""
    return {vocabulary.__name__: {str(member): member.label for member in vocabulary}
            for vocabulary in Vocabulary.__subclasses__()}


class RecordType(Vocabulary):
    serious_illegal_list = auto(), "严重违法失信名单"
    abnormal_operation_list = auto(), "经营异常名录"
    individual_abnormal_status = auto(), "个体工商户经营异常状态"
    cooperative_abnormal_list = auto(), "农民专业合作社经营异常名录"
    penalty_publicity = auto(), "行政处罚信息公示"
    other_department_penalty = auto(), "其他部门行政处罚"


RECORD_TYPE_LABELS = labels(RecordType)

#: an application type beside the six record types: during a bankruptcy reorganisation, the
#: temporary repair of every eligible record of one subject (an application's and a case's
#: ``record_type`` field carries it; no record is of this type)
BANKRUPTCY_REORGANISATION = "bankruptcy_reorganisation"

APPLICATION_TYPE_LABELS = {**RECORD_TYPE_LABELS,
                           BANKRUPTCY_REORGANISATION: "破产重整期间临时信用修复"}


class ApplicationStatus(Vocabulary):
    """What the applicant sees of an application (DOMAIN.md's applicant-facing states)."""

    draft = auto(), "草稿"
    submitted = auto(), "已提交"
    pending_acceptance = auto(), "待受理"
    accepted = auto(), "已受理/核实中"
    not_accepted = auto(), "不予受理"
    returned = auto(), "退回"
    repaired = auto(), "予以修复"
    rejected = auto(), "不予修复"
    withdrawn = auto(), "已撤回"
    repair_revoked = auto(), "修复已撤销"
    #: bankruptcy reorganisation: records hidden until the court rules on the plan
    temporarily_repaired = auto(), "临时修复"
    #: the reorganisation ended without a confirmed plan (or its term ran out): records back
    temporary_repair_ended = auto(), "临时修复已终止"
    #: the penalty itself was withdrawn (review, court, correction): nothing left to repair
    no_repair_needed = auto(), "无需修复"


APPLICATION_STATUS_LABELS = labels(ApplicationStatus)

#: the statuses in which the applicant may still change (and submit) the application
EDITABLE_STATUSES = frozenset({ApplicationStatus.draft, ApplicationStatus.returned})


class CaseStatus(Vocabulary):
    """Where a case stands on the officer side."""

    pending_acceptance = auto(), "待受理"
    accepted = auto(), "已受理（核实中）"
    returned = auto(), "已退回补正"
    not_accepted = auto(), "不予受理"
    under_review = auto(), "审核中"
    second_review = auto(), "待复审"
    under_approval = auto(), "审批中"
    approved = auto(), "准予修复"
    rejected = auto(), "不予修复"
    closed = auto(), "已办结"
    withdrawn = auto(), "申请人已撤回"
    revoked = auto(), "修复决定已撤销"
    #: the penalty was withdrawn before a decision: the case ends without one
    no_repair_needed = auto(), "无需修复（处罚已撤销）"


CASE_STATUS_LABELS = labels(CaseStatus)


class OfficerRole(Vocabulary):
    handler = auto(), "承办人"
    reviewer = auto(), "审核人"
    section_head = auto(), "信用监管科科长"  # 复审
    approver = auto(), "审批人"
    administrator = auto(), "管理员"


OFFICER_ROLE_LABELS = labels(OfficerRole)


class CaseAction(StrEnum):
    """What an officer may do to a case (DOMAIN.md's officer flow)."""

    accept = "accept"
    not_accept = "not_accept"
    return_ = "return"
    transfer = "transfer"
    verify = "verify"
    review = "review"
    first_review = "first_review"
    second_review = "second_review"
    approve = "approve"
    reject = "reject"
    close = "close"
    revoke = "revoke"


class SubjectKind(Vocabulary):
    enterprise = auto(), "企业"
    individual_business = auto(), "个体工商户"
    cooperative = auto(), "农民专业合作社"


SUBJECT_KIND_LABELS = labels(SubjectKind)


class RegistrationStatus(Vocabulary):
    active = auto(), "存续（在营、开业、在册）"
    revoked = auto(), "吊销"
    cancelled = auto(), "注销"
    moved_out = auto(), "迁出"


REGISTRATION_STATUS_LABELS = labels(RegistrationStatus)


class ListingReason(Vocabulary):
    annual_report_overdue = auto(), "未按照规定的期限公示年度报告"
    instant_info_not_published = auto(), "未在责令的期限内公示有关企业信息"
    false_information = auto(), "公示企业信息隐瞒真实情况、弄虚作假"
    unreachable_address = auto(), "通过登记的住所或者经营场所无法联系"
    # serious illegal list (SAMR order 44)
    serious_violation = auto(), "实施严重违法失信行为"
    abnormal_three_years = auto(), "被列入经营异常名录届满3年仍未履行相关义务"


LISTING_REASON_LABELS = labels(ListingReason)


class PenaltyDomain(Vocabulary):
    food = auto(), "食品"
    drugs = auto(), "药品"
    special_equipment = auto(), "特种设备"
    other = auto(), "其他"


PENALTY_DOMAIN_LABELS = labels(PenaltyDomain)


class PenaltyKind(Vocabulary):
    warning = auto(), "警告"
    circulated_criticism = auto(), "通报批评"
    fine = auto(), "罚款"
    confiscation = auto(), "没收违法所得、没收非法财物"
    suspension = auto(), "责令停产停业"
    licence_demotion = auto(), "降低资质等级"
    licence_revocation = auto(), "吊销许可证件"
    business_licence_revocation = auto(), "吊销营业执照"
    production_restriction = auto(), "限制开展生产经营活动"
    employment_restriction = auto(), "限制从业"
    detention = auto(), "行政拘留"


PENALTY_KIND_LABELS = labels(PenaltyKind)


class PublicityState(Vocabulary):
    active = auto(), "公示中"
    stopped = auto(), "已停止公示"  # a penalty repaired
    removed = auto(), "已移出"  # a listing repaired
    restored = auto(), "已恢复正常记载状态"  # an individual business
    expired = auto(), "公示期满"  # or 届满移出
    temporarily_repaired = auto(), "临时修复（破产重整期间暂停公示）"
    withdrawn = auto(), "已撤销"  # our own penalty revoked on review, by a court or by us


PUBLICITY_STATE_LABELS = labels(PublicityState)


class WithdrawalRulingKind(Vocabulary):
    """Why our own penalty decision no longer stands (DOMAIN.md: withdrawn, not repaired)."""

    administrative_review = auto(), "行政复议决定"
    court_judgment = auto(), "法院判决"
    self_correction = auto(), "自行纠错"


WITHDRAWAL_RULING_KIND_LABELS = labels(WithdrawalRulingKind)


class CourtRulingKind(Vocabulary):
    """The court's rulings in a bankruptcy reorganisation (《企业破产法》第七十一、八十六至八十八条)."""

    reorganisation_accepted = auto(), "受理重整申请的民事裁定书"
    plan_confirmed = auto(), "批准重整计划的民事裁定书"
    reorganisation_terminated = auto(), "终止重整程序（宣告破产）的民事裁定书"


COURT_RULING_KIND_LABELS = labels(CourtRulingKind)


class TemporaryRepairState(Vocabulary):
    temporary = auto(), "临时修复中"  # records hidden until the expiry
    final = auto(), "已转为正式修复"  # the plan was confirmed: repaired as a normal repair
    reinstated = auto(), "已恢复公示"  # terminated, expired or revoked: publicised again


TEMPORARY_REPAIR_STATE_LABELS = labels(TemporaryRepairState)


class DocumentType(Vocabulary):
    resident_id = auto(), "居民身份证"
    passport = auto(), "护照"
    hk_macao_permit = auto(), "港澳居民来往内地通行证"
    taiwan_permit = auto(), "台湾居民来往大陆通行证"
    hk_macao_taiwan_residence_permit = auto(), "港澳台居民居住证"
    foreign_permanent_residence = auto(), "外国人永久居留身份证"


DOCUMENT_TYPE_LABELS = labels(DocumentType)
