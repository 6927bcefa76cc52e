"""The temporary-repair rules of bankruptcy reorganisations, versioned by effective date."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from credit_common.errors import Conflict
from credit_common.sql import text

from intake.domain.reorganisation import ReorganisationRules


class ReorganisationRuleRepository:
    def __init__(self, session: Session):
        self.session = session

    def all(self) -> list[ReorganisationRules]:
        rows = self.session.execute(text(
            "SELECT version, effective_from, rules FROM reorganisation_rules "
            "ORDER BY effective_from"))
        return [ReorganisationRules(r.version, r.effective_from, r.rules) for r in rows]

    def listing(self) -> list[dict]:
        rows = self.session.execute(text(
            "SELECT version, effective_from, source, rules, created_at, created_by "
            "FROM reorganisation_rules ORDER BY effective_from"))
        return [dict(r._mapping) for r in rows]

    def add(self, version: str, effective_from: date, source: str, rules: dict,
            created_by: str | None) -> None:
        try:
            with self.session.begin_nested():
                self.session.execute(text(
                    "INSERT INTO reorganisation_rules (version, effective_from, source, rules, "
                    "created_by) VALUES (:v, :d, :s, CAST(:r AS jsonb), :by)"),
                    {"v": version, "d": effective_from, "s": source,
                     "r": json.dumps(rules, ensure_ascii=False), "by": created_by})
        except IntegrityError:
            raise Conflict("RULE_VERSION_EXISTS", "该规则版本号或生效日期已存在") from None
