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

APPLICATION_STATUS_LABELS = {
    "draft": "草稿",
    "submitted": "已提交",
    "pending_acceptance": "待受理",
    "accepted": "已受理",
    "not_accepted": "不予受理",
    "returned": "退回",
    "repaired": "予以修复",
    "rejected": "不予修复",
    "withdrawn": "已撤回",
}
