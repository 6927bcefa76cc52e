"""Plain-JSON views. Public answers mask personal data; an officer of the owning unit's
district bureau (or of the city bureau) sees it in full."""

from __future__ import annotations

from credit_common.contracts.registry import (IdentityCheck, LegalRepresentative,
                                              RecordDocument, RegistryRecord, RegistrySubject,
                                              SubjectRecords)
from credit_common.contracts.vocabulary import (DOCUMENT_TYPE_LABELS, LISTING_REASON_LABELS,
                                                PENALTY_DOMAIN_LABELS, PENALTY_KIND_LABELS,
                                                PUBLICITY_STATE_LABELS, RECORD_TYPE_LABELS,
                                                REGISTRATION_STATUS_LABELS,
                                                SUBJECT_KIND_LABELS,
                                                TEMPORARY_REPAIR_STATE_LABELS, PublicityState)
from credit_common.identity import mask_document, mask_phone
from credit_common.reference.organisation import CITY_BUREAU_CODE, same_district_bureau, unit
from disclosure.domain.filings import FILING_KIND_LABELS, REMOVAL_LABELS
from disclosure.domain.model import Record, Subject
from disclosure.domain.temporary_repairs import TemporaryRepair
from disclosure.domain.withdrawals import Withdrawal


def sees_personal_data(viewer_unit_code: str | None, subject: Subject) -> bool:
    if not viewer_unit_code:
        return False
    return (viewer_unit_code == CITY_BUREAU_CODE
            or viewer_unit_code == subject.district_code
            or same_district_bureau(viewer_unit_code, subject.registration_unit_code))


def _iso(value):
    return value.isoformat() if value is not None else None


def _unit_name(code):
    found = unit(code) if code else None
    return found.name if found else None


def subject_view(subject: Subject, full: bool) -> dict:
    return registry_subject(subject, full).model_dump(mode="json")


def registry_subject(subject: Subject, full: bool) -> RegistrySubject:
    document = subject.legal_rep_document_number
    return RegistrySubject(
        id=subject.id,
        uscc=subject.uscc,
        registration_number=subject.registration_number,
        name=subject.name,
        kind=subject.kind,
        kind_label=SUBJECT_KIND_LABELS.get(subject.kind, subject.kind),
        district_code=subject.district_code,
        registration_unit_code=subject.registration_unit_code,
        registration_unit_name=_unit_name(subject.registration_unit_code),
        address=subject.address,
        registration_status=subject.registration_status,
        registration_status_label=REGISTRATION_STATUS_LABELS.get(
            subject.registration_status, subject.registration_status),
        legal_representative=LegalRepresentative(
            name=subject.legal_rep_name,
            document_type=subject.legal_rep_document_type,
            document_type_label=DOCUMENT_TYPE_LABELS.get(subject.legal_rep_document_type),
            document_number=document if full else mask_document(document),
            phone=subject.legal_rep_phone if full else mask_phone(subject.legal_rep_phone),
        ),
        liaison_phone=subject.liaison_phone if full else mask_phone(subject.liaison_phone),
        proof_material_mode=subject.proof_material_mode,
        personal_data_masked=not full,
    )


def record_view(record: Record, documents: list[dict] = (),
                withdrawal: Withdrawal | None = None) -> dict:
    return registry_record(record, documents, withdrawal).model_dump(mode="json")


def withdrawal_documents(withdrawal: Withdrawal | None) -> list[RecordDocument]:
    """The ruling that withdrew a record, as its public record shows it; its verification
    code is the start of the stored file's SHA-256, so a copy can be checked against it."""
    if withdrawal is None:
        return []
    ruling = withdrawal.ruling
    return [RecordDocument(kind=ruling.kind, kind_label=ruling.kind_label, number=ruling.number,
                           issued_on=ruling.ruling_date,
                           verification_code=withdrawal.verification_code)]


def registry_record(record: Record, documents: list[dict] = (),
                    withdrawal: Withdrawal | None = None) -> RegistryRecord:
    """``documents``: the official documents issued with the record (its 信用修复告知书);
    ``withdrawal``: the ruling that withdrew it, if one did."""
    return RegistryRecord(
        id=record.id,
        subject_id=record.subject_id,
        record_type=record.record_type,
        record_type_label=RECORD_TYPE_LABELS.get(record.record_type, record.record_type),
        publicity_state=record.publicity_state,
        publicity_state_label=PUBLICITY_STATE_LABELS.get(record.publicity_state),
        district_code=record.district_code,
        listing_reason=record.listing_reason,
        listing_reason_label=LISTING_REASON_LABELS.get(record.listing_reason),
        listing_date=record.listing_date,
        listing_unit_code=record.listing_unit_code,
        listing_unit_name=_unit_name(record.listing_unit_code),
        listing_document_number=record.listing_document_number,
        decision_number=record.decision_number,
        decision_date=record.decision_date,
        publicity_start_date=record.publicity_start_date,
        publicity_end_date=record.publicity_end_date,
        penalty_domain=record.penalty_domain,
        penalty_domain_label=PENALTY_DOMAIN_LABELS.get(record.penalty_domain),
        penalty_kinds=record.penalty_kinds,
        penalty_kind_labels=[PENALTY_KIND_LABELS.get(k, k) for k in record.penalty_kinds],
        fine_amount=record.fine_amount,
        severe=record.severe,
        deciding_unit_code=record.deciding_unit_code,
        deciding_unit_name=(_unit_name(record.deciding_unit_code)
                            or record.deciding_department_name),
        obligations_fulfilled_on=record.obligations_fulfilled_on,
        source_agency=record.source_agency,
        version=record.version,
        documents=[*(RecordDocument(**d) for d in documents),
                   *withdrawal_documents(withdrawal)],
    )


def subject_records(subject: Subject, records: list[Record], full: bool,
                    documents: dict | None = None, withdrawals: dict | None = None) -> dict:
    """``lookup_subject``'s answer; ``documents``: each record's, by record id;
    ``withdrawals``: by record id, for the withdrawn ones."""
    documents, withdrawals = documents or {}, withdrawals or {}
    return SubjectRecords(subject=registry_subject(subject, full),
                          records=[registry_record(r, documents.get(r.id, []),
                                                   withdrawals.get(r.id))
                                   for r in records]).model_dump(mode="json")


def withdrawal_view(withdrawal: Withdrawal) -> dict:
    ruling = withdrawal.ruling
    return {"id": str(withdrawal.id), "record_id": str(withdrawal.record_id),
            "ruling_kind": ruling.kind, "ruling_kind_label": ruling.kind_label,
            "ruling_number": ruling.number, "ruling_date": ruling.ruling_date.isoformat(),
            "reason": ruling.reason, "officer_name": withdrawal.officer_name,
            "unit_code": withdrawal.unit_code, "unit_name": _unit_name(withdrawal.unit_code),
            "file_name": withdrawal.file_name, "content_type": withdrawal.content_type,
            "sha256": withdrawal.sha256, "verification_code": withdrawal.verification_code,
            "withdrawn_at": withdrawal.withdrawn_at.isoformat()}


def identity_check(answer: dict) -> dict:
    """``verify_identity``'s answer: a matched subject in full (it is the applicant's)."""
    subject = answer.get("subject")
    return IdentityCheck(outcome=answer["outcome"], retry_after_s=answer.get("retry_after_s"),
                         subject=registry_subject(subject, full=True) if subject else None,
                         ).model_dump(mode="json")


def history_view(entries: list[dict]) -> list[dict]:
    return [{**e, "occurred_at": e["occurred_at"].isoformat()} for e in entries]


def cure_view(record: Record, cure: dict | None) -> dict | None:
    """What the record page shows of a filing's cure: 可移出 while the record is still
    listed, its state once it is not."""
    if cure is None:
        return None
    listed = record.publicity_state == PublicityState.active
    return {"removable": listed,
            "removable_label": "可移出" if listed
            else PUBLICITY_STATE_LABELS.get(record.publicity_state, record.publicity_state),
            "filing_kind": cure["kind"],
            "filing_kind_label": FILING_KIND_LABELS.get(cure["kind"], cure["kind"]),
            "filed_on": cure["filed_on"].isoformat(), "report_year": cure["report_year"],
            "filing_agency": cure["source_agency"], "rule_version": cure["rule_version"],
            "removal": cure["removal"],
            "removal_label": REMOVAL_LABELS.get(cure["removal"], cure["removal"]),
            "cured_at": cure["cured_at"].isoformat()}


def temporary_repair_view(repair: TemporaryRepair) -> dict:
    return {"application_id": str(repair.application_id),
            "acceptance_number": repair.acceptance_number,
            "subject_code": repair.subject_code,
            "record_ids": [str(i) for i in repair.record_ids],
            "state": repair.state,
            "state_label": TEMPORARY_REPAIR_STATE_LABELS.get(repair.state, repair.state),
            "expires_on": _iso(repair.expires_on), "accepting_ruling": repair.accepting_ruling,
            "ending_ruling": repair.ending_ruling, "end_cause": repair.end_cause,
            "granted_at": _iso(repair.granted_at), "ended_at": _iso(repair.ended_at)}
