"""Manual identity checks: the applicant's word against the registry, and the pause after
too many mismatches. Plain Python."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from credit_common.errors import ValidationFailed
from credit_common.identity import is_valid_document

from disclosure.domain.model import Subject


@dataclass(frozen=True)
class IdentityAttempts:
    """How many failed manual checks pause further tries, and for how long."""
    max_failures: int
    lock_s: int

    def locked(self, by_applicant: int, on_subject: int) -> bool:
        """Mismatches by the applicant or against the subject, within ``lock_s``, count."""
        return max(by_applicant, on_subject) >= self.max_failures

    def retry_after_s(self, at: datetime, latest_failure: datetime) -> int:
        return max(1, self.lock_s - int((at - latest_failure).total_seconds()))


def checked_document_number(document_type: str, document_number: str) -> str:
    document_number = (document_number or "").strip().upper()
    if not is_valid_document(document_type, document_number):
        raise ValidationFailed("INVALID_DOCUMENT_NUMBER", "证件号码格式或校验位错误",
                               {"field": "document_number"})
    return document_number


def matches_registry(subject: Subject | None, name: str, legal_rep_name: str,
                     document_type: str, document_number: str) -> bool:
    """All four as registered, or no match; which one differs is never said (naming the
    field would let a masked ID be completed by trying)."""
    return subject is not None and all(
        (given or "").strip() == (held or "").strip() for given, held in (
            (name, subject.name), (legal_rep_name, subject.legal_rep_name),
            (document_type, subject.legal_rep_document_type),
            (document_number, (subject.legal_rep_document_number or "").upper())))
