"""The versions of the publicity terms (``publicity_term_versions``)."""

from __future__ import annotations

from datetime import date


from credit_common.sql import SqlRepository
from credit_common import rule_versions
from disclosure.domain.rules import PublicityTerms, TermsVersion

TABLE = "publicity_term_versions"


class PublicityTermsRepository(SqlRepository):
    def all(self) -> list[TermsVersion]:
        return [TermsVersion(version, effective_from, PublicityTerms.model_validate(terms))
                for version, effective_from, terms
                in rule_versions.versions(self.session, TABLE, column="terms")]

    def listing(self) -> list[dict]:
        return rule_versions.listing(self.session, TABLE, column="terms")

    def add(self, version: str, effective_from: date, source: str, terms: dict,
            created_by: str | None) -> None:
        rule_versions.add(self.session, TABLE, version, effective_from, source, terms,
                          created_by, column="terms")
