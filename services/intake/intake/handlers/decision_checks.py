"""Before an approval: the application's records judged again against the subject's records
as the registry shows them now (workflow has checked the officer's scope)."""

from __future__ import annotations

from credit_common.clock import now
from credit_common.contracts.registry import RegistryRecord
from credit_common.contracts.vocabulary import BANKRUPTCY_REORGANISATION
from credit_common.errors import Conflict

from intake.adapters.unit_of_work import IntakeUnitOfWork
from intake.domain import eligibility
from intake.handlers.access import get_application
from intake.handlers.rules import rules_on


def recheck_for_decision(application_id: str, records: list[RegistryRecord],
                         uow: IntakeUnitOfWork) -> list[dict]:
    """A new listing or a later penalty of the same kind since submission, under the rule
    version the application was judged by: Conflict naming the first record no longer
    eligible."""
    application = get_application(application_id, uow)
    if application.record_type == BANKRUPTCY_REORGANISATION:
        # a reorganisation's temporary repair is for a listed subject: its own rules decide
        return [{"record_id": str(r["id"]), "eligible": True} for r in application.records]
    judged_by = rules_on((application.submitted_at or now()).date(), uow)
    current = {str(r.id): r for r in records}
    for held in application.records:
        record = current.get(str(held["id"])) or RegistryRecord.model_validate(held)
        answer = eligibility.recheck(record, judged_by, records)
        if answer is not None:
            raise Conflict("RECORD_NO_LONGER_ELIGIBLE",
                           f"提交申请后情况发生变化，不能准予修复：{answer.reason}",
                           {"record_id": answer.record_id, "reason_code": answer.reason_code,
                            "reason": answer.reason, "rule_version": answer.rule_version,
                            "article": answer.article})
    return [{"record_id": str(r["id"]), "eligible": True} for r in application.records]
