"""The temporary-repair rules of bankruptcy reorganisations, versioned by effective date."""

from __future__ import annotations

from datetime import date


from credit_common.sql import SqlRepository
from credit_common import rule_versions

from intake.domain.reorganisation import ReorganisationRules


class ReorganisationRuleRepository(SqlRepository):
    def all(self) -> list[ReorganisationRules]:
        return [ReorganisationRules(*row)
                for row in rule_versions.versions(self.session, "reorganisation_rules")]

    def listing(self) -> list[dict]:
        return rule_versions.listing(self.session, "reorganisation_rules")

    def add(self, version: str, effective_from: date, source: str, rules: dict,
            created_by: str | None) -> None:
        rule_versions.add(self.session, "reorganisation_rules", version, effective_from, source,
                          rules, created_by)
