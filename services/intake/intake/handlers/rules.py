"""The eligibility rule versions: the one in force on a day, all of them, and adding a later
one."""

from __future__ import annotations

from datetime import date

from credit_common.clock import now
from credit_common.errors import NotFound

from intake.adapters.unit_of_work import IntakeUnitOfWork
from intake.domain import eligibility


def rules_on(day: date, uow: IntakeUnitOfWork) -> eligibility.RuleVersion:
    try:
        return eligibility.rule_in_force(uow.rules.all(), day)
    except LookupError:
        raise NotFound("NO_RULES_IN_FORCE", "当日没有生效的信用修复规则") from None


def rule_versions(uow: IntakeUnitOfWork) -> list[dict]:
    return uow.rules.listing()


def add_rule_version(version: str, effective_from: date, source: str, rules: dict,
                     created_by: str | None, uow: IntakeUnitOfWork) -> dict:
    eligibility.check_new_version(effective_from, rules, now().date())
    uow.rules.add(version, effective_from, source, rules, created_by)
    return {"version": version, "effective_from": effective_from.isoformat(), "source": source}
