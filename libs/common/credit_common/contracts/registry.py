"""The public registry's shapes, owned by disclosure: a market subject, its records, a lookup
of both, a manual identity check; and the snapshot of a subject an application keeps.

Disclosure builds these and answers ``model_dump(mode="json")``; whoever reads them (intake's
eligibility and drafts, the gateway composing the two) parses them with ``model_validate``, so
a field renamed here fails every reader's tests instead of silently reading ``None``.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Literal

from credit_common.contracts.base import Contract
from credit_common.contracts.vocabulary import (DocumentType, ListingReason, PenaltyDomain,
                                                PenaltyKind, PublicityState, RecordType,
                                                RegistrationStatus, SubjectKind)


class LegalRepresentative(Contract):
    """法定代表人 / 经营者 / 负责人; document number and phone masked unless the reader may see
    them (``RegistrySubject.personal_data_masked``)."""

    name: str
    document_type: DocumentType
    document_type_label: str | None
    document_number: str
    phone: str


class RegistrySubject(Contract):
    id: uuid.UUID
    uscc: str | None
    registration_number: str | None
    name: str
    kind: SubjectKind
    kind_label: str
    district_code: str
    registration_unit_code: str
    registration_unit_name: str | None
    address: str
    registration_status: RegistrationStatus
    registration_status_label: str
    legal_representative: LegalRepresentative
    liaison_phone: str
    proof_material_mode: bool
    personal_data_masked: bool

    @property
    def code(self) -> str:
        """统一社会信用代码, else the legacy registration number."""
        return self.uscc or self.registration_number or ""


class RecordDocument(Contract):
    """A numbered document shown on a public record: an official document issued with it (a
    信用修复告知书: ``repair_notice``, verifiable by its code) or the ruling that withdrew it."""

    kind: str
    kind_label: str
    number: str
    issued_on: date
    verification_code: str


class RegistryRecord(Contract):
    """One record against a subject (a listing or a penalty publicity entry) as disclosure
    shows it. Fields that only one kind of record has are ``None`` on the other; an
    application keeps its records in this shape, so they default to ``None`` when read back."""

    id: uuid.UUID
    subject_id: uuid.UUID
    record_type: RecordType
    record_type_label: str
    publicity_state: PublicityState
    publicity_state_label: str | None = None
    district_code: str
    listing_reason: ListingReason | None = None
    listing_reason_label: str | None = None
    listing_date: date | None = None
    listing_unit_code: str | None = None
    listing_unit_name: str | None = None
    listing_document_number: str | None = None
    decision_number: str | None = None
    decision_date: date | None = None
    publicity_start_date: date | None = None
    publicity_end_date: date | None = None
    penalty_domain: PenaltyDomain | None = None
    penalty_domain_label: str | None = None
    penalty_kinds: list[PenaltyKind] = []
    penalty_kind_labels: list[str] = []
    #: yuan, a decimal string on the wire (``"5000.00"``)
    fine_amount: Decimal | None = None
    severe: bool = False
    deciding_unit_code: str | None = None
    deciding_unit_name: str | None = None
    obligations_fulfilled_on: date | None = None
    source_agency: str | None = None
    version: int = 1
    documents: list[RecordDocument] = []

    @property
    def made_by(self) -> str | None:
        """The unit that listed the subject or made the penalty, where one of ours did."""
        return self.listing_unit_code or self.deciding_unit_code


class SubjectRecords(Contract):
    """``lookup_subject``: a subject and every record against it."""

    subject: RegistrySubject
    records: list[RegistryRecord]


class IdentityCheck(Contract):
    """``verify_identity``: the registry's answer to manually entered identity details."""

    outcome: Literal["matched", "mismatch", "locked"]
    #: the subject, in full, when the details matched
    subject: RegistrySubject | None = None
    #: when ``locked``: seconds until another attempt is allowed
    retry_after_s: int | None = None


class SubjectSnapshot(Contract):
    """What an application keeps of the subject it is for (and the officer later sees): taken
    from the registry when the applicant confirms the subject."""

    code: str
    id: uuid.UUID
    uscc: str | None
    registration_number: str | None
    name: str
    kind: SubjectKind
    district_code: str
    registration_unit_code: str
    address: str
    legal_rep_name: str
    legal_rep_document_type: DocumentType
    legal_rep_document_number: str
    proof_material_mode: bool

    @classmethod
    def of(cls, subject: RegistrySubject) -> SubjectSnapshot:
        person = subject.legal_representative
        return cls(code=subject.code, id=subject.id, uscc=subject.uscc,
                   registration_number=subject.registration_number, name=subject.name,
                   kind=subject.kind, district_code=subject.district_code,
                   registration_unit_code=subject.registration_unit_code,
                   address=subject.address, legal_rep_name=person.name,
                   legal_rep_document_type=person.document_type,
                   legal_rep_document_number=person.document_number,
                   proof_material_mode=subject.proof_material_mode)
