"""Before an approval: the records' conditions on the rest of the subject's record (a new
serious-list entry, a listing, a later penalty of the same kind) are checked again against
the registry as it is now, since they can change between submission and decision. Intake
judges (the rule version the application was judged by); disclosure has the records."""

from __future__ import annotations

from credit_common.contracts.vocabulary import CaseAction

from gateway.api.deps import Caller
from gateway.core.security import Principal


async def recheck_before(action: str, call: Caller, officer: Principal,
                         acceptance_number: str) -> None:
    """Only an approval is checked again; intake's Conflict (409 RECORD_NO_LONGER_ELIGIBLE)
    stops it before workflow is asked to act."""
    if action != CaseAction.approve:
        return
    page = await call("workflow", "case_page", officer_id=officer.id,
                      acceptance_number=acceptance_number)
    if not any(a["action"] == CaseAction.approve for a in page["allowed_actions"]):
        return  # workflow refuses the approval itself, with its own reason
    case = page["case"]
    found = await call("disclosure", "lookup_subject", code=case["subject_uscc"])
    await call("intake", "recheck_for_decision", application_id=case["application_id"],
               records=found["records"])
