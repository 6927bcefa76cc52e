"""The deadline rules as versioned data: the versions an administrator lists and adds (each
checked by ``domain.deadlines.checked_rule_version`` before anything is stored)."""

from __future__ import annotations

from credit_common.clock import now

from workflow.adapters.unit_of_work import WorkflowUnitOfWork
from workflow.domain import deadlines
from workflow.domain.model import Officer
from workflow.domain.officers import require_admin


def versions(admin: Officer, uow: WorkflowUnitOfWork) -> list[dict]:
    """Every version by effective date, the one in force today marked."""
    require_admin(admin)
    found = uow.calendar.deadline_rule_versions()
    today = now().date()
    in_force = max((v["effective_from"] for v in found if v["effective_from"] <= today),
                   default=None)
    return [{"version": v["version"], "effective_from": v["effective_from"].isoformat(),
             "source": v["source"], "rules": v["rules"],
             "created_at": v["created_at"].isoformat(),
             "created_by": str(v["created_by"]) if v["created_by"] else None,
             "in_force": v["effective_from"] == in_force} for v in found]


def add_version(admin: Officer, asked: dict, uow: WorkflowUnitOfWork) -> dict:
    """A new version, in force from a day after today."""
    require_admin(admin)
    checked = deadlines.checked_rule_version(asked, now().date())
    rules = checked.rules.model_dump(mode="json")
    uow.calendar.add_deadline_rules(checked.version, checked.effective_from, checked.source,
                                    rules, admin.id)
    return {"version": checked.version, "effective_from": checked.effective_from.isoformat(),
            "source": checked.source, "rules": rules}
