"""Automatic repair: a filing another agency announces (a late annual report, published or
corrected information) cures the listings it answers, which become 可移出; workflow decides
their removal (the rule at once, or an officer of the listing unit by one click) and issues
the numbered decision, which comes back here to take the record off the list. What cures
what is rule data (``disclosure.domain.rules``, ``disclosure.domain.filings``)."""

from __future__ import annotations

from datetime import date, timedelta

from credit_common.clock import now
from credit_common.contracts.events import ListingCured, ListingRemovalDecided
from credit_common.contracts.interagency import (AnnualReportFiled, InstantInfoPublished,
                                                 RecordUpserted, RecordWithdrawn)
from credit_common.contracts.vocabulary import PublicityState
from credit_common.errors import NotFound
from credit_common.logging import get_logger
from credit_common.reference.partner_agencies import partner_agencies

from disclosure.adapters.unit_of_work import DisclosureUnitOfWork
from disclosure.domain.filings import (Filed, Filing, ListingCure, check_filing, cures_listing,
                                       filing_of, listings_cured, record_types_cured_by,
                                       unknown_subject)
from disclosure.domain.model import Record, Subject
from disclosure.domain.rules import DisclosureTerms, terms_on
from disclosure.handlers.agency_messages import INBOUND_CONSUMER, ingest_agency_message

log = get_logger(__name__)


def apply_inbound(message: RecordUpserted | RecordWithdrawn | Filed, uow: DisclosureUnitOfWork,
                  today: date | None = None) -> str:
    """The inbound consumer's one call: a filing here, a record or withdrawal as before."""
    if isinstance(message, (AnnualReportFiled, InstantInfoPublished)):
        return ingest_filing(message, uow, today)
    return ingest_agency_message(message, uow, today)


def ingest_filing(message: Filed, uow: DisclosureUnitOfWork, today: date | None = None,
                  terms_for=terms_on) -> str:
    """Record the filing once (by message id) and cure the subject's listings it answers
    under the rule version in force today. A subject the registry does not hold is refused
    (dead-lettered, nothing written); a filing that cures nothing is kept all the same, for
    a listing that may arrive after it."""
    if not uow.claim(INBOUND_CONSUMER, message.message_id):
        return "duplicate"
    today = today or now().date()
    code = check_filing(message, today)
    subject = uow.subjects.by_code(code)
    if subject is None:
        raise unknown_subject(code)
    filing = filing_of(message, subject.id, now())
    terms = terms_for(today)
    types = record_types_cured_by(filing.kind, terms.listing_cures)
    matches = listings_cured(
        filing, uow.filings.uncured_listings(subject.id, types) if types else [],
        terms.listing_cures)
    uow.filings.add(filing, listings_matched=len(matches))
    cured = sum(_cure(record, subject, filing, cure, terms, uow) for record, cure in matches)
    return f"cured {cured}" if cured else "cured nothing"


def cure_waiting_listings(today: date, window_days: int, uow: DisclosureUnitOfWork,
                          batch: int = 200, terms_for=terms_on) -> int:
    """Listings that arrived after the filing that cures them (an import or a message
    later than the filing): matched against the filings of the last ``window_days``. Safe
    with several instances (SKIP LOCKED, and a record is cured once)."""
    terms = terms_for(today)
    since = now() - timedelta(days=window_days)
    cured = 0
    while True:
        waiting = uow.filings.listings_waiting(since, terms.listing_cures, batch)
        for record, filing_id in waiting:
            filing = uow.filings.get(filing_id)
            cure = cures_listing(record, filing.kind, filing.filed_on, terms.listing_cures)
            if cure is not None:
                cured += _cure(record, uow.subjects.get(record.subject_id), filing, cure,
                               terms, uow)
        if len(waiting) < batch:
            return cured


def _cure(record: Record, subject: Subject, filing: Filing, cure: ListingCure,
          terms: DisclosureTerms, uow: DisclosureUnitOfWork) -> bool:
    at = now()
    if not uow.filings.add_cure(record.id, filing.message_id, terms.version, cure.removal, at):
        return False
    agency = next((p.name for p in partner_agencies() if p.agency == filing.source_agency),
                  filing.source_agency)
    uow.publish(ListingCured(
        record_id=record.id, record_type=record.record_type,
        listing_reason=record.listing_reason, listing_date=record.listing_date,
        listing_unit_code=record.listing_unit_code or record.district_code,
        listing_document_number=record.listing_document_number,
        district_code=record.district_code, subject_code=subject.code,
        subject_name=subject.name, filing_kind=filing.kind, filed_on=filing.filed_on,
        report_year=filing.report_year, filing_agency=filing.source_agency,
        filing_agency_name=agency, filing_message_id=filing.message_id,
        rule_version=terms.version, basis=terms.cure_basis, removal=cure.removal,
        cured_at=at))
    log.info("listing cured", record_id=str(record.id), filing=filing.kind,
             rule_version=terms.version, removal=cure.removal)
    return True


def apply_listing_removal(envelope, uow: DisclosureUnitOfWork) -> dict | None:
    """Workflow's decision to remove a cured listing, applied once under its document's
    number (announced at commit with the record's change). A record no longer listed (an
    approved application took it off meanwhile) stays as it is."""
    if not uow.claim("disclosure.listing_removal", envelope.message_id):
        return None
    decided = ListingRemovalDecided.model_validate(envelope.data)
    record = uow.records.get(decided.record_id, for_update=True)
    if record is None:
        raise NotFound("RECORD_NOT_FOUND", "未找到该失信记录")
    result = {"record_id": str(record.id), "document_number": decided.document_number,
              "changed": False, "publicity_state": record.publicity_state}
    if uow.outcome_applied(decided.document_number) is not None \
            or record.publicity_state != PublicityState.active:
        return result
    uow.record_outcome(decided.document_number, record.id, decided.outcome)
    version = record.version
    record.apply_outcome(decided.outcome, decided.document_number, now(), decided.note)
    uow.records.save(record, version)
    return {**result, "changed": True, "publicity_state": record.publicity_state}
