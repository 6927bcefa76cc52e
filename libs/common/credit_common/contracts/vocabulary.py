"""Codes every service and client shares (DOMAIN.md's English names) with their Chinese labels."""

from enum import StrEnum


class RecordType(StrEnum):
    serious_illegal_list = "serious_illegal_list"
    abnormal_operation_list = "abnormal_operation_list"
    individual_abnormal_status = "individual_abnormal_status"
    cooperative_abnormal_list = "cooperative_abnormal_list"
    penalty_publicity = "penalty_publicity"
    other_department_penalty = "other_department_penalty"


RECORD_TYPE_LABELS = {
    RecordType.serious_illegal_list: "严重违法失信名单",
    RecordType.abnormal_operation_list: "经营异常名录",
    RecordType.individual_abnormal_status: "个体工商户经营异常状态",
    RecordType.cooperative_abnormal_list: "农民专业合作社经营异常名录",
    RecordType.penalty_publicity: "行政处罚信息公示",
    RecordType.other_department_penalty: "其他部门行政处罚",
}

#: an application type beside the six record types: during a bankruptcy reorganisation, the
#: temporary repair of every eligible record of one subject (an application's and a case's
#: ``record_type`` field carries it; no record is of this type)
BANKRUPTCY_REORGANISATION = "bankruptcy_reorganisation"

APPLICATION_TYPE_LABELS = {**RECORD_TYPE_LABELS,
                           BANKRUPTCY_REORGANISATION: "破产重整期间临时信用修复"}


class ApplicationStatus(StrEnum):
    """What the applicant sees of an application (DOMAIN.md's applicant-facing states)."""

    draft = "draft"
    submitted = "submitted"
    pending_acceptance = "pending_acceptance"
    accepted = "accepted"
    not_accepted = "not_accepted"
    returned = "returned"
    repaired = "repaired"
    rejected = "rejected"
    withdrawn = "withdrawn"
    repair_revoked = "repair_revoked"
    #: bankruptcy reorganisation: records hidden until the court rules on the plan
    temporarily_repaired = "temporarily_repaired"
    #: the reorganisation ended without a confirmed plan (or its term ran out): records back
    temporary_repair_ended = "temporary_repair_ended"
    #: the penalty itself was withdrawn (review, court, correction): nothing left to repair
    no_repair_needed = "no_repair_needed"


APPLICATION_STATUS_LABELS = {
    ApplicationStatus.draft: "草稿",
    ApplicationStatus.submitted: "已提交",
    ApplicationStatus.pending_acceptance: "待受理",
    ApplicationStatus.accepted: "已受理/核实中",
    ApplicationStatus.not_accepted: "不予受理",
    ApplicationStatus.returned: "退回",
    ApplicationStatus.repaired: "予以修复",
    ApplicationStatus.rejected: "不予修复",
    ApplicationStatus.withdrawn: "已撤回",
    ApplicationStatus.repair_revoked: "修复已撤销",
    ApplicationStatus.temporarily_repaired: "临时修复",
    ApplicationStatus.temporary_repair_ended: "临时修复已终止",
    ApplicationStatus.no_repair_needed: "无需修复",
}

#: the statuses in which the applicant may still change (and submit) the application
EDITABLE_STATUSES = frozenset({ApplicationStatus.draft, ApplicationStatus.returned})


class CaseStatus(StrEnum):
    """Where a case stands on the officer side."""

    pending_acceptance = "pending_acceptance"
    accepted = "accepted"
    returned = "returned"
    not_accepted = "not_accepted"
    under_review = "under_review"
    second_review = "second_review"
    under_approval = "under_approval"
    approved = "approved"
    rejected = "rejected"
    closed = "closed"
    withdrawn = "withdrawn"
    revoked = "revoked"
    #: the penalty was withdrawn before a decision: the case ends without one
    no_repair_needed = "no_repair_needed"


CASE_STATUS_LABELS = {
    CaseStatus.pending_acceptance: "待受理",
    CaseStatus.accepted: "已受理（核实中）",
    CaseStatus.returned: "已退回补正",
    CaseStatus.not_accepted: "不予受理",
    CaseStatus.under_review: "审核中",
    CaseStatus.second_review: "待复审",
    CaseStatus.under_approval: "审批中",
    CaseStatus.approved: "准予修复",
    CaseStatus.rejected: "不予修复",
    CaseStatus.closed: "已办结",
    CaseStatus.withdrawn: "申请人已撤回",
    CaseStatus.revoked: "修复决定已撤销",
    CaseStatus.no_repair_needed: "无需修复（处罚已撤销）",
}


class OfficerRole(StrEnum):
    handler = "handler"              # 承办人
    reviewer = "reviewer"            # 审核人
    section_head = "section_head"    # 信用监管科科长 (复审)
    approver = "approver"            # 审批人
    administrator = "administrator"  # 管理员


OFFICER_ROLE_LABELS = {
    OfficerRole.handler: "承办人",
    OfficerRole.reviewer: "审核人",
    OfficerRole.section_head: "信用监管科科长",
    OfficerRole.approver: "审批人",
    OfficerRole.administrator: "管理员",
}


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


class SubjectKind(StrEnum):
    enterprise = "enterprise"
    individual_business = "individual_business"
    cooperative = "cooperative"


SUBJECT_KIND_LABELS = {
    SubjectKind.enterprise: "企业",
    SubjectKind.individual_business: "个体工商户",
    SubjectKind.cooperative: "农民专业合作社",
}


class RegistrationStatus(StrEnum):
    active = "active"            # 存续（在营、开业、在册）
    revoked = "revoked"          # 吊销
    cancelled = "cancelled"      # 注销
    moved_out = "moved_out"      # 迁出


REGISTRATION_STATUS_LABELS = {
    RegistrationStatus.active: "存续（在营、开业、在册）",
    RegistrationStatus.revoked: "吊销",
    RegistrationStatus.cancelled: "注销",
    RegistrationStatus.moved_out: "迁出",
}


class ListingReason(StrEnum):
    annual_report_overdue = "annual_report_overdue"
    instant_info_not_published = "instant_info_not_published"
    false_information = "false_information"
    unreachable_address = "unreachable_address"
    # serious illegal list (SAMR order 44)
    serious_violation = "serious_violation"
    abnormal_three_years = "abnormal_three_years"


LISTING_REASON_LABELS = {
    ListingReason.annual_report_overdue: "未按照规定的期限公示年度报告",
    ListingReason.instant_info_not_published: "未在责令的期限内公示有关企业信息",
    ListingReason.false_information: "公示企业信息隐瞒真实情况、弄虚作假",
    ListingReason.unreachable_address: "通过登记的住所或者经营场所无法联系",
    ListingReason.serious_violation: "实施严重违法失信行为",
    ListingReason.abnormal_three_years: "被列入经营异常名录届满3年仍未履行相关义务",
}


class PenaltyDomain(StrEnum):
    food = "food"
    drugs = "drugs"
    special_equipment = "special_equipment"
    other = "other"


PENALTY_DOMAIN_LABELS = {
    PenaltyDomain.food: "食品",
    PenaltyDomain.drugs: "药品",
    PenaltyDomain.special_equipment: "特种设备",
    PenaltyDomain.other: "其他",
}


class PenaltyKind(StrEnum):
    warning = "warning"
    circulated_criticism = "circulated_criticism"
    fine = "fine"
    confiscation = "confiscation"
    suspension = "suspension"
    licence_demotion = "licence_demotion"
    licence_revocation = "licence_revocation"
    business_licence_revocation = "business_licence_revocation"
    production_restriction = "production_restriction"
    employment_restriction = "employment_restriction"
    detention = "detention"


PENALTY_KIND_LABELS = {
    PenaltyKind.warning: "警告",
    PenaltyKind.circulated_criticism: "通报批评",
    PenaltyKind.fine: "罚款",
    PenaltyKind.confiscation: "没收违法所得、没收非法财物",
    PenaltyKind.suspension: "责令停产停业",
    PenaltyKind.licence_demotion: "降低资质等级",
    PenaltyKind.licence_revocation: "吊销许可证件",
    PenaltyKind.business_licence_revocation: "吊销营业执照",
    PenaltyKind.production_restriction: "限制开展生产经营活动",
    PenaltyKind.employment_restriction: "限制从业",
    PenaltyKind.detention: "行政拘留",
}


class PublicityState(StrEnum):
    active = "active"        # 公示中 / 在列
    stopped = "stopped"      # 已停止公示 (penalty repaired)
    removed = "removed"      # 已移出名录 (list repaired)
    restored = "restored"    # 已恢复正常状态 (individual business)
    expired = "expired"      # 公示期满 / 届满移出
    temporarily_repaired = "temporarily_repaired"  # 临时修复 (bankruptcy reorganisation)
    withdrawn = "withdrawn"  # 已撤销: our own penalty revoked on review, by a court or by us


PUBLICITY_STATE_LABELS = {
    PublicityState.active: "公示中",
    PublicityState.stopped: "已停止公示",
    PublicityState.removed: "已移出",
    PublicityState.restored: "已恢复正常记载状态",
    PublicityState.expired: "公示期满",
    PublicityState.temporarily_repaired: "临时修复（破产重整期间暂停公示）",
    PublicityState.withdrawn: "已撤销",
}


class WithdrawalRulingKind(StrEnum):
    """Why our own penalty decision no longer stands (DOMAIN.md: withdrawn, not repaired)."""

    administrative_review = "administrative_review"  # 行政复议决定
    court_judgment = "court_judgment"                # 法院判决
    self_correction = "self_correction"              # 自行纠错


WITHDRAWAL_RULING_KIND_LABELS = {
    WithdrawalRulingKind.administrative_review: "行政复议决定",
    WithdrawalRulingKind.court_judgment: "法院判决",
    WithdrawalRulingKind.self_correction: "自行纠错",
}


class CourtRulingKind(StrEnum):
    """The court's rulings in a bankruptcy reorganisation (《企业破产法》第七十一、八十六至八十八条)."""

    reorganisation_accepted = "reorganisation_accepted"      # 裁定受理重整申请
    plan_confirmed = "plan_confirmed"                        # 裁定批准重整计划
    reorganisation_terminated = "reorganisation_terminated"  # 裁定终止重整程序（宣告破产）


COURT_RULING_KIND_LABELS = {
    CourtRulingKind.reorganisation_accepted: "受理重整申请的民事裁定书",
    CourtRulingKind.plan_confirmed: "批准重整计划的民事裁定书",
    CourtRulingKind.reorganisation_terminated: "终止重整程序（宣告破产）的民事裁定书",
}


class TemporaryRepairState(StrEnum):
    temporary = "temporary"    # records hidden as 临时修复 until the expiry
    final = "final"            # the plan was confirmed: repaired as a normal repair
    reinstated = "reinstated"  # terminated, expired or revoked: records publicised again


TEMPORARY_REPAIR_STATE_LABELS = {
    TemporaryRepairState.temporary: "临时修复中",
    TemporaryRepairState.final: "已转为正式修复",
    TemporaryRepairState.reinstated: "已恢复公示",
}


class DocumentType(StrEnum):
    resident_id = "resident_id"
    passport = "passport"
    hk_macao_permit = "hk_macao_permit"
    taiwan_permit = "taiwan_permit"
    hk_macao_taiwan_residence_permit = "hk_macao_taiwan_residence_permit"
    foreign_permanent_residence = "foreign_permanent_residence"


DOCUMENT_TYPE_LABELS = {
    DocumentType.resident_id: "居民身份证",
    DocumentType.passport: "护照",
    DocumentType.hk_macao_permit: "港澳居民来往内地通行证",
    DocumentType.taiwan_permit: "台湾居民来往大陆通行证",
    DocumentType.hk_macao_taiwan_residence_permit: "港澳台居民居住证",
    DocumentType.foreign_permanent_residence: "外国人永久居留身份证",
}
