"""Before an approval: the records' conditions on the rest of the subject's record (a new
serious-list entry, a listing, a later penalty of the same kind) are checked again against
the registry as it is now, since they can change between submission and decision. Intake
judges (the rule version the application was judged by); disclosure has the records."""

from __future__ import annotations

from gateway.api.deps import Caller
from gateway.core.security import Principal


async def recheck_before_approval(call: Caller, officer: Principal,
                                  acceptance_number: str) -> None:
    page = await call("workflow", "case_page", officer_id=officer.id,
                      acceptance_number=acceptance_number)
    if not any(a["action"] == "approve" for a in page["allowed_actions"]):
        return  # workflow refuses the approval itself, with its own reason
    case = page["case"]
    found = await call("disclosure", "lookup_subject", code=case["subject_uscc"])
    await call("intake", "recheck_for_decision", application_id=case["application_id"],
               records=found["records"])
