"""Who may act on a case now, beyond what the case itself checks (``Case.refusal``): the
case must be the officer's own unit's (复审: in the section head's district), unchanged since
the officer saw it, and a revocation needs an approval in its approval form. Plain Python."""

from __future__ import annotations

from credit_common.contracts.vocabulary import CaseAction
from credit_common.errors import Conflict, Forbidden

from workflow.domain.model import ACTIONS, Case, Officer, can_act


def require_own_unit(someone: Officer, case: Case, action: str | None = None) -> None:
    if not can_act(someone, case.unit_code, action):
        raise Forbidden("CASE_NOT_OF_MY_UNIT", "只能办理本单位的案件",
                        {"unit_code": case.unit_code})


def require_version(case: Case, expected_version: int) -> None:
    """Optimistic locking: the officer acts on the version they saw, or not at all."""
    if case.version != expected_version:
        raise Conflict("STALE_VERSION", "案件已被其他人员处理，请刷新后重试",
                       {"current_version": case.version, "current_status": case.status})


def approved(steps: list[dict]) -> bool:
    return any(s["action"] == CaseAction.approve for s in steps)


def require_approval_to_revoke(steps: list[dict]) -> None:
    if not approved(steps):
        raise Conflict("NOTHING_TO_REVOKE", "该案件没有可撤销的准予修复决定")


def allowed_actions(someone: Officer, case: Case, steps: list[dict],
                    approver_may_handle: bool) -> list[str]:
    """The actions the officer may take on the case now, by the rules acting enforces."""
    has_approval = approved(steps)
    return [name for name in ACTIONS if can_act(someone, case.unit_code, name)
            and case.refusal(name, someone, approver_may_handle) is None
            and (name != CaseAction.revoke or has_approval)]
