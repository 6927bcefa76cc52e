"""Other agencies' records as this registry keeps them: what is refused for good, and what a
record or a new subject takes from a message (or an import line). Penalties come from any
partner; listings on the four lists only from the market supervision bureau's own systems
(``PartnerAgency.record_types``) or an operator's import. Plain Python."""

from __future__ import annotations

import uuid
from datetime import date

from credit_common.contracts.interagency import AgencyRecord
from credit_common.contracts.vocabulary import (RECORD_TYPE_LABELS, SUBJECT_KIND_LABELS,
                                                ListingReason, PublicityState, RecordType,
                                                SubjectKind)
from credit_common.identity import normalise_subject_code, subject_code_kind
from credit_common.reference.organisation import CITY_BUREAU_CODE, DISTRICTS, unit

from disclosure.domain.model import LIST_TYPES, PENALTY_TYPES, Subject

#: the reasons each list is kept for (DOMAIN.md; SAMR order 44 for the serious list)
LIST_REASONS = {
    RecordType.abnormal_operation_list: frozenset({
        ListingReason.annual_report_overdue, ListingReason.instant_info_not_published,
        ListingReason.false_information, ListingReason.unreachable_address}),
    RecordType.individual_abnormal_status: frozenset({
        ListingReason.annual_report_overdue, ListingReason.unreachable_address}),
    RecordType.cooperative_abnormal_list: frozenset({
        ListingReason.annual_report_overdue, ListingReason.false_information,
        ListingReason.unreachable_address}),
    RecordType.serious_illegal_list: frozenset({
        ListingReason.serious_violation, ListingReason.abnormal_three_years}),
}
#: the kind of subject each list is for
LIST_SUBJECT_KINDS = {
    RecordType.abnormal_operation_list: SubjectKind.enterprise,
    RecordType.serious_illegal_list: SubjectKind.enterprise,
    RecordType.individual_abnormal_status: SubjectKind.individual_business,
    RecordType.cooperative_abnormal_list: SubjectKind.cooperative,
}


class RejectedMessage(Exception):
    """A message that can never be applied: dead-letter it with this reason."""

    def __init__(self, code: str, reason: str):
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason


def check_agency_record(incoming: AgencyRecord, today: date,
                        allowed_types=PENALTY_TYPES) -> str:
    """The record's subject code, normalised, if the record may be kept at all.
    ``allowed_types``: what its sender may send (an import: every type)."""
    code = normalise_subject_code(incoming.subject_code)
    if subject_code_kind(code) is None:
        raise RejectedMessage("INVALID_SUBJECT_CODE", "统一社会信用代码或注册号校验位错误")
    if incoming.district_code not in DISTRICTS:
        raise RejectedMessage("UNKNOWN_DISTRICT", f"未知的区划代码 {incoming.district_code}")
    for name in ("decision_date", "publicity_start_date", "listing_date",
                 "obligations_fulfilled_on"):
        value = getattr(incoming, name)
        if value is not None and value > today:
            raise RejectedMessage("DATE_IN_FUTURE", f"{name} 晚于今天")
    if incoming.record_type not in allowed_types:
        raise RejectedMessage("UNSUPPORTED_RECORD_TYPE",
                              "该机构不能推送此类记录（其他部门只能推送行政处罚记录）")
    if incoming.record_type in LIST_TYPES:
        _check_listing(incoming)
    elif incoming.deciding_unit_code is not None:
        _check_unit(incoming.deciding_unit_code, incoming.district_code, "deciding_unit_code")
    return code


def _check_listing(incoming: AgencyRecord) -> None:
    record_type = RecordType(incoming.record_type)
    label = RECORD_TYPE_LABELS[record_type]
    if incoming.listing_reason not in LIST_REASONS[record_type]:
        raise RejectedMessage("REASON_NOT_OF_LIST",
                              f"列入原因 {incoming.listing_reason} 不适用于{label}")
    kind = LIST_SUBJECT_KINDS[record_type]
    if incoming.subject_kind != kind:
        raise RejectedMessage("SUBJECT_KIND_MISMATCH",
                              f"{label}只适用于{SUBJECT_KIND_LABELS[kind]}")
    _check_unit(incoming.listing_unit_code, incoming.district_code, "listing_unit_code")


def _check_unit(code: str, district_code: str, field: str) -> None:
    """Our unit that made the record: the city bureau, or a unit of the record's district."""
    found = unit(code)
    if found is None or (code != CITY_BUREAU_CODE and found.district_code != district_code):
        raise RejectedMessage("UNKNOWN_UNIT", f"{field} {code} 不是该区的市场监管单位")


def is_stale(incoming_version: int, held_version: int) -> bool:
    """A message no newer than the version held changes nothing (they may overtake)."""
    return incoming_version <= held_version


def new_subject(incoming: AgencyRecord, code: str) -> Subject:
    """A subject first known through another agency: registered, as far as we know, in the
    record's district."""
    return Subject(
        id=uuid.uuid4(), name=incoming.subject_name, kind=incoming.subject_kind,
        district_code=incoming.district_code, registration_unit_code=incoming.district_code,
        uscc=code if len(code) == 18 else None,
        registration_number=code if len(code) == 15 else None)


def record_fields(incoming: AgencyRecord) -> dict:
    """What a record takes from the agency's; a penalty's publicity starts with the decision
    unless the agency says otherwise."""
    common = dict(record_type=incoming.record_type, district_code=incoming.district_code,
                  obligations_fulfilled_on=incoming.obligations_fulfilled_on,
                  source_version=incoming.version)
    if incoming.record_type in LIST_TYPES:
        return dict(common, listing_reason=incoming.listing_reason,
                    listing_date=incoming.listing_date,
                    listing_unit_code=incoming.listing_unit_code,
                    listing_document_number=incoming.listing_document_number)
    return dict(
        common, decision_number=incoming.decision_number, decision_date=incoming.decision_date,
        publicity_start_date=incoming.publicity_start_date or incoming.decision_date,
        publicity_end_date=incoming.publicity_end_date,
        penalty_domain=incoming.penalty_domain,
        penalty_kinds=[k.value for k in incoming.penalty_kinds],
        fine_amount=incoming.fine_amount, severe=incoming.severe,
        deciding_department_name=incoming.deciding_department_name,
        deciding_unit_code=incoming.deciding_unit_code)


def state_after_withdrawal(record_type: str) -> str:
    """A withdrawn penalty, or a listing the bureau removed, leaves the public record; an
    individual business's abnormal status is restored to normal instead."""
    if record_type == RecordType.individual_abnormal_status:
        return PublicityState.restored
    return PublicityState.removed
