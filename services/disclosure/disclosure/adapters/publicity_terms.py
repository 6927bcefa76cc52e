"""The versions of the publicity terms (``publicity_term_versions``)."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from credit_common.errors import Conflict
from credit_common.sql import text
from disclosure.domain.rules import PublicityTerms, TermsVersion


class PublicityTermsRepository:
    def __init__(self, session: Session):
        self.session = session

    def all(self) -> list[TermsVersion]:
        rows = self.session.execute(text(
            "SELECT version, effective_from, terms FROM publicity_term_versions "
            "ORDER BY effective_from"))
        return [TermsVersion(r.version, r.effective_from, PublicityTerms.model_validate(r.terms))
                for r in rows]

    def listing(self) -> list[dict]:
        rows = self.session.execute(text(
            "SELECT version, effective_from, source, terms, created_at, created_by "
            "FROM publicity_term_versions ORDER BY effective_from"))
        return [dict(r._mapping) for r in rows]

    def add(self, version: str, effective_from: date, source: str, terms: dict,
            created_by: str | None) -> None:
        try:
            with self.session.begin_nested():
                self.session.execute(text(
                    "INSERT INTO publicity_term_versions (version, effective_from, source, "
                    "terms, created_by) VALUES (:v, :e, :s, CAST(:t AS jsonb), :by)"),
                    {"v": version, "e": effective_from, "s": source,
                     "t": json.dumps(terms, ensure_ascii=False), "by": created_by})
        except IntegrityError:
            raise Conflict("RULE_VERSION_EXISTS", "该版本号或生效日期已存在",
                           {"version": version,
                            "effective_from": effective_from.isoformat()}) from None
