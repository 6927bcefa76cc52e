"""The applicant's manual identity check against the registry."""

from __future__ import annotations

from datetime import timedelta

from credit_common.clock import now

from disclosure.adapters.unit_of_work import DisclosureUnitOfWork
from disclosure.domain.identity import (IdentityAttempts, checked_document_number,
                                        matches_registry)
from disclosure.domain.subjects import checked_subject_code


def verify_identity(applicant_id: str, code: str, name: str, legal_rep_name: str,
                    document_type: str, document_number: str, attempts: IdentityAttempts,
                    uow: DisclosureUnitOfWork) -> dict:
    """Manual identity: checksums first, then the registry. Every attempt is recorded; a
    mismatch says only that something differs, and after ``max_failures`` mismatches by the
    applicant or against the subject within ``lock_s`` further tries wait. The answer is
    returned, not raised, so the attempt is committed either way."""
    code = checked_subject_code(code, "subject_code")
    document_number = checked_document_number(document_type, document_number)
    at = now()
    by_applicant, on_subject, latest = uow.identity_failures_since(
        at - timedelta(seconds=attempts.lock_s), applicant_id, code)
    if attempts.locked(by_applicant, on_subject):
        uow.record_identity_check(applicant_id, code, "locked", at)
        return {"outcome": "locked", "retry_after_s": attempts.retry_after_s(at, latest)}
    subject = uow.subjects.by_code(code)
    matched = matches_registry(subject, name, legal_rep_name, document_type, document_number)
    uow.record_identity_check(applicant_id, code, "matched" if matched else "mismatch", at)
    if not matched:
        return {"outcome": "mismatch"}
    return {"outcome": "matched", "subject": subject}
