"""When a listing or a penalty's publicity ends, judged by the terms in force on the day it
was listed or decided (``rules.terms_on``). Each answer is the note the record's history
keeps, or None while the term runs. Plain Python."""

from __future__ import annotations

import uuid
from datetime import date

from credit_common.contracts.vocabulary import ListingReason, RecordType

from disclosure.domain.model import Record
from disclosure.domain.rules import add_years, terms_on


def serious_listing_ended(record: Record, today: date) -> str | None:
    """Serious-list entries leave the list when their term ends (SAMR order 44 art. 21)."""
    terms = terms_on(record.listing_date)
    if add_years(record.listing_date, terms.serious_list_term_years) > today:
        return None
    return f"列入严重违法失信名单满{terms.serious_list_term_years}年，依据{terms.version}移出"


def abnormal_listing_escalates(record: Record, today: date) -> str | None:
    """Abnormal-list entries unresolved for the term move to the serious list."""
    terms = terms_on(record.listing_date)
    if add_years(record.listing_date, terms.abnormal_to_serious_years) > today:
        return None
    return (f"列入经营异常名录满{terms.abnormal_to_serious_years}年"
            "仍未履行相关义务，转入严重违法失信名单")


def escalated_to_serious(record: Record, today: date) -> Record:
    """The serious-list entry an unresolved abnormal-list entry becomes, listed today."""
    return Record(
        id=uuid.uuid4(), subject_id=record.subject_id,
        record_type=RecordType.serious_illegal_list, district_code=record.district_code,
        source_record_id=f"escalated-from-{record.id}",
        listing_reason=ListingReason.abnormal_three_years, listing_date=today,
        listing_unit_code=record.listing_unit_code)


def penalty_publicity_ended(record: Record, today: date) -> str | None:
    """A penalty is publicised through the last day of its term (the end date given, or the
    term of the version in force on the decision day) and ends the day after, whatever
    weekday or holiday that is: the term counts calendar days."""
    terms = terms_on(record.decision_date)
    last_day = record.publicity_end_date or terms.penalty_publicity_last_day(
        record.publicity_start_date or record.decision_date, record.penalty_kinds,
        record.fine_amount, record.severe)
    if last_day >= today:
        return None
    return f"公示期满（公示至{last_day}，依据{terms.version}）"
