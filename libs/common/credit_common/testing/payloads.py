"""Cross-service payloads built from their contracts (``credit_common.contracts``), as their
owners send them: what a reading service's tests feed it. Every field the owner always sends
has a plausible value; pass the ones a test is about."""

from __future__ import annotations

import uuid

from credit_common.contracts.registry import (LegalRepresentative, RegistryRecord,
                                              RegistrySubject, SubjectSnapshot)
from credit_common.contracts.vocabulary import (PUBLICITY_STATE_LABELS, RECORD_TYPE_LABELS,
                                                SUBJECT_KIND_LABELS, PublicityState,
                                                RecordType, SubjectKind)


def registry_record(**fields) -> dict:
    """A record as disclosure's ``record_view`` answers it (a penalty by default)."""
    record_type = RecordType(fields.get("record_type", RecordType.penalty_publicity))
    state = PublicityState(fields.get("publicity_state", PublicityState.active))
    return RegistryRecord.model_validate({
        "id": uuid.uuid4(), "subject_id": uuid.uuid4(), "record_type": record_type,
        "record_type_label": RECORD_TYPE_LABELS[record_type], "publicity_state": state,
        "publicity_state_label": PUBLICITY_STATE_LABELS[state], "district_code": "440106",
        "source_agency": "samr-guangzhou", **fields}).model_dump(mode="json")


def registry_subject(**fields) -> dict:
    """An enterprise as disclosure's ``subject_view`` answers it, in full."""
    kind = SubjectKind(fields.get("kind", SubjectKind.enterprise))
    return RegistrySubject.model_validate({
        "id": uuid.uuid4(), "uscc": "91440106MA59ABCD1M", "registration_number": None,
        "name": "广州测试科技有限公司", "kind": kind, "kind_label": SUBJECT_KIND_LABELS[kind],
        "district_code": "440106", "registration_unit_code": "44010601",
        "registration_unit_name": None, "address": "广州市天河区", "registration_status": "active",
        "registration_status_label": "存续（在营、开业、在册）",
        "legal_representative": LegalRepresentative(
            name="陈某", document_type="resident_id", document_type_label="居民身份证",
            document_number="440106199001011235", phone="13800000000"),
        "liaison_phone": "", "proof_material_mode": False, "personal_data_masked": False,
        **fields}).model_dump(mode="json")


def subject_snapshot(**fields) -> dict:
    """What the gateway hands intake when an applicant confirms a subject."""
    subject = RegistrySubject.model_validate(registry_subject())
    return SubjectSnapshot.model_validate({
        **SubjectSnapshot.of(subject).model_dump(), **fields}).model_dump(mode="json")
