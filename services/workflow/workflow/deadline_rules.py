"""Deadline rules as versioned data: the versions an administrator lists and adds (checked
against ``credit_common.contracts.deadlines`` before anything is stored), and what the
deadline check reads of the version in force. Use cases, ``(command, uow) -> result``; the
caller has checked the administrator."""

from __future__ import annotations

from datetime import date

from pydantic import ValidationError

from credit_common.clock import now
from credit_common.contracts.deadlines import DeadlineRuleVersionCreate
from credit_common.errors import ValidationFailed

from workflow.adapters.unit_of_work import WorkflowUnitOfWork
from workflow.domain.model import Officer


def reminder_lead(today: date, uow: WorkflowUnitOfWork) -> int:
    """How many working days before its due date a case's unit is reminded, by the version
    in force today."""
    return int(uow.calendar.deadline_rules(today)["remind_working_days_before"])


def versions(uow: WorkflowUnitOfWork) -> list[dict]:
    """Every version by effective date, the one in force today marked."""
    found = uow.calendar.deadline_rule_versions()
    today = now().date()
    in_force = max((v["effective_from"] for v in found if v["effective_from"] <= today),
                   default=None)
    return [{"version": v["version"], "effective_from": v["effective_from"].isoformat(),
             "source": v["source"], "rules": v["rules"],
             "created_at": v["created_at"].isoformat(),
             "created_by": str(v["created_by"]) if v["created_by"] else None,
             "in_force": v["effective_from"] == in_force} for v in found]


def _checked(asked: dict) -> DeadlineRuleVersionCreate:
    try:
        return DeadlineRuleVersionCreate.model_validate(asked)
    except ValidationError as invalid:
        fields = [{"field": ".".join(str(p) for p in e["loc"]), "type": e["type"]}
                  for e in invalid.errors()]
        raise ValidationFailed(
            "INVALID_DEADLINE_RULES",
            "期限规则不符合要求：受理时限 1 至 20 个工作日，六类记录各有办理时限 1 至 60 个工作日，"
            "到期前提醒 0 至 10 个工作日，版本号和依据必填", {"fields": fields}) from None


def add_version(admin: Officer, asked: dict, uow: WorkflowUnitOfWork) -> dict:
    """A new version, in force from a day after today: the rules in force are never
    rewritten, so every deadline already counted keeps the version it was counted by."""
    checked = _checked(asked)
    if checked.effective_from <= now().date():
        raise ValidationFailed("EFFECTIVE_DATE_NOT_IN_FUTURE",
                               "新规则版本的生效日期必须晚于今天（已生效的规则不可追溯修改）",
                               {"field": "effective_from"})
    rules = checked.rules.model_dump(mode="json")
    uow.calendar.add_deadline_rules(checked.version, checked.effective_from, checked.source,
                                    rules, admin.id)
    return {"version": checked.version, "effective_from": checked.effective_from.isoformat(),
            "source": checked.source, "rules": rules}
