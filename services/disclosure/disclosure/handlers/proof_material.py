"""An administrator's switch of a subject to the proof-material mode."""

from __future__ import annotations

from credit_common.contracts.officers import AdministratorScope
from credit_common.errors import NotFound

from disclosure.adapters.unit_of_work import DisclosureUnitOfWork
from disclosure.domain.model import Subject
from disclosure.domain.subjects import checked_subject_code, require_in_scope


def set_proof_material_mode(code: str, enabled: bool, admin: AdministratorScope,
                            uow: DisclosureUnitOfWork) -> Subject:
    """An administrator lets a subject's legal representative upload a proof of special
    circumstances instead of signing in person (Zhejiang flow)."""
    subject = uow.subjects.by_code(checked_subject_code(code, "code"))
    if subject is None:
        raise NotFound("SUBJECT_NOT_FOUND", "未找到该市场主体")
    require_in_scope(subject, admin.units, admin.districts, code)
    subject.proof_material_mode = bool(enabled)
    uow.subjects.save(subject)
    return subject
