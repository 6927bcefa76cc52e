"""When a listing or a penalty's publicity ends, judged by the term version in force on the
day it was listed or decided (``rules.terms_on``). Each answer is the note the record's
history keeps, or None while the term runs. Plain Python."""

from __future__ import annotations

import uuid
from datetime import date

from credit_common.contracts.vocabulary import ListingReason, RecordType

from disclosure.domain.model import Record
from disclosure.domain.months import add_years
from disclosure.domain.rules import PublicityTerms, TermsVersion, terms_on


def serious_term_years(terms: PublicityTerms) -> int | None:
    return terms.record_types.serious_illegal_list.term_years


def abnormal_escalation_years(terms: PublicityTerms) -> int | None:
    return terms.record_types.abnormal_operation_list.escalates_to_serious_after_years


def _years_listed(record: Record, today: date, versions: list[TermsVersion],
                  years_of) -> tuple[int, TermsVersion] | None:
    """The term ``years_of`` reads from the version in force on the listing day, with that
    version, once a listing has lasted that many years; None while it runs (or none is set)."""
    version = terms_on(versions, record.listing_date)
    years = years_of(version.terms)
    if not years or add_years(record.listing_date, years) > today:
        return None
    return years, version


def serious_listing_ended(record: Record, today: date,
                          versions: list[TermsVersion]) -> str | None:
    """Serious-list entries leave the list when their term ends (SAMR order 44 art. 21)."""
    if ended := _years_listed(record, today, versions, serious_term_years):
        years, version = ended
        return f"列入严重违法失信名单满{years}年，依据{version.version}移出"
    return None


def abnormal_listing_escalates(record: Record, today: date,
                               versions: list[TermsVersion]) -> str | None:
    """Abnormal-list entries unresolved for the term move to the serious list."""
    if ended := _years_listed(record, today, versions, abnormal_escalation_years):
        return f"列入经营异常名录满{ended[0]}年仍未履行相关义务，转入严重违法失信名单"
    return None


def escalated_to_serious(record: Record, today: date) -> Record:
    """The serious-list entry an unresolved abnormal-list entry becomes, listed today."""
    return Record(
        id=uuid.uuid4(), subject_id=record.subject_id,
        record_type=RecordType.serious_illegal_list, district_code=record.district_code,
        source_record_id=f"escalated-from-{record.id}",
        listing_reason=ListingReason.abnormal_three_years, listing_date=today,
        listing_unit_code=record.listing_unit_code)


def penalty_publicity_ended(record: Record, today: date,
                            versions: list[TermsVersion]) -> str | None:
    """A penalty is publicised through the last day of its term (the end date given, or the
    term of the version in force on the decision day: a short one for 通报批评 or a low fine)
    and ends the day after, whatever weekday or holiday that is: the term counts calendar
    days."""
    version = terms_on(versions, record.decision_date)
    last_day = record.publicity_end_date or version.penalty_publicity_last_day(
        record.record_type, record.publicity_start_date or record.decision_date,
        record.penalty_kinds, record.fine_amount, record.severe)
    if last_day >= today:
        return None
    return f"公示期满（公示至{last_day}，依据{version.version}）"
