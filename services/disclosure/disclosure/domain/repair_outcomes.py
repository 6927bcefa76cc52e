"""What a repair decision does to a record, and when one is applied already. Plain Python."""

from __future__ import annotations

from credit_common.contracts.vocabulary import BANKRUPTCY_REORGANISATION, CaseStatus, RecordType
from credit_common.errors import Conflict, ValidationFailed

from disclosure.domain.model import Outcome

#: what approving a repair does to each type of record (DOMAIN.md)
OUTCOME_FOR_TYPE = {
    RecordType.penalty_publicity: Outcome.stop_publicity,
    RecordType.other_department_penalty: Outcome.stop_publicity,
    RecordType.serious_illegal_list: Outcome.remove_from_list,
    RecordType.abnormal_operation_list: Outcome.remove_from_list,
    RecordType.cooperative_abnormal_list: Outcome.remove_from_list,
    RecordType.individual_abnormal_status: Outcome.restore_normal_status,
}


def checked_decision_id(decision_id: str) -> str:
    if not decision_id or len(decision_id) > 100:
        raise ValidationFailed("INVALID_DECISION_ID", "决定编号无效", {"field": "decision_id"})
    return decision_id


def require_same_as_applied(applied: dict, decision_id: str, record_id: str,
                            outcome: str) -> None:
    """A replay of a decision must ask for what it asked the first time."""
    if str(applied["record_id"]) != str(record_id) or applied["outcome"] != outcome:
        raise Conflict("DECISION_ALREADY_APPLIED", "该决定已按其他内容执行",
                       {"decision_id": decision_id})


def changes_records(status: str, decision_id: str | None, application_type: str | None = None
                    ) -> bool:
    """Only an approval (准予修复) and its revocation change public records; a bankruptcy
    reorganisation's come from intake, with the expiry (``temporary_repairs``)."""
    return status in (CaseStatus.approved, CaseStatus.revoked) and bool(decision_id) \
        and application_type != BANKRUPTCY_REORGANISATION


def outcome_of(status: str, record_type: str) -> str:
    """The outcome a case's decision has for one of its records."""
    return Outcome.revoke_repair if status == CaseStatus.revoked else \
        OUTCOME_FOR_TYPE[RecordType(record_type)]
