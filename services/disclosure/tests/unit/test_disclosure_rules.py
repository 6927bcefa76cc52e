"""The rules disclosure's use cases apply: subject codes and scope, manual identity checks,
repair decisions, other agencies' records and the terms that end listings. Plain Python."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, UTC
from decimal import Decimal

import pytest

from credit_common.contracts.interagency import AgencyRecord
from credit_common.errors import Conflict, Forbidden, ValidationFailed
from disclosure.domain import expiry
from disclosure.domain.agency_records import (RejectedMessage, check_agency_record, is_stale,
                                              new_subject, record_fields)
from disclosure.domain.identity import (IdentityAttempts, checked_document_number,
                                        matches_registry)
from disclosure.domain.model import Outcome, Record, Subject
from disclosure.domain.repair_outcomes import (changes_records, checked_decision_id,
                                               outcome_of, require_same_as_applied)
from disclosure.domain.search import RecordQuery
from disclosure.domain.subjects import checked_subject_code, require_in_scope

USCC = "91440106MA59ABCD1M"
REGISTRATION_NUMBER = "440106000000010"
RESIDENT_ID = "11010519491231002X"
TODAY = date(2026, 11, 24)


def subject(**changes):
    return Subject(**{"id": uuid.uuid4(), "name": "广州测试科技有限公司", "kind": "enterprise",
                      "district_code": "440106", "registration_unit_code": "44010601",
                      "uscc": USCC, "legal_rep_name": "陈某",
                      "legal_rep_document_type": "resident_id",
                      "legal_rep_document_number": RESIDENT_ID.lower(), **changes})


def test_a_subject_code_is_normalised_or_refused_naming_the_field():
    assert checked_subject_code(f" {USCC.lower()} ") == USCC
    assert checked_subject_code(REGISTRATION_NUMBER) == REGISTRATION_NUMBER
    for bad in ("91440106MA59ABCD1X", "440106000000011", "", None):
        with pytest.raises(ValidationFailed) as refused:
            checked_subject_code(bad, "code")
        assert (refused.value.code, refused.value.details) == ("INVALID_SUBJECT_CODE",
                                                               {"field": "code"})


def test_an_administrator_sets_only_subjects_registered_within_the_scope():
    registered = subject()
    for units, districts in ((None, None), (["44010601"], None), (None, ["440106"])):
        require_in_scope(registered, units, districts, USCC)
    for units, districts in ((["44010602"], None), (None, ["440104"])):
        with pytest.raises(Forbidden) as refused:
            require_in_scope(registered, units, districts, USCC)
        assert (refused.value.code, refused.value.details) == ("SUBJECT_OUTSIDE_SCOPE",
                                                               {"code": USCC})


def test_identity_matches_only_when_all_four_are_as_registered():
    held = subject()
    assert matches_registry(held, " 广州测试科技有限公司", "陈某 ", "resident_id", RESIDENT_ID)
    assert not matches_registry(None, "广州测试科技有限公司", "陈某", "resident_id", RESIDENT_ID)
    for wrong in (("广州测试", "陈某", "resident_id", RESIDENT_ID),
                  ("广州测试科技有限公司", "王某", "resident_id", RESIDENT_ID),
                  ("广州测试科技有限公司", "陈某", "passport", RESIDENT_ID),
                  ("广州测试科技有限公司", "陈某", "resident_id", "110105194912310030")):
        assert not matches_registry(held, *wrong)


def test_a_document_number_is_checked_by_its_type():
    assert checked_document_number("resident_id", f" {RESIDENT_ID.lower()} ") == RESIDENT_ID
    assert checked_document_number("passport", "e12345678") == "E12345678"
    for document_type, number in (("resident_id", "110105194912310023"), ("passport", "")):
        with pytest.raises(ValidationFailed) as refused:
            checked_document_number(document_type, number)
        assert refused.value.code == "INVALID_DOCUMENT_NUMBER"


def test_too_many_mismatches_pause_the_checks_and_say_how_long():
    attempts = IdentityAttempts(max_failures=5, lock_s=900)
    assert not attempts.locked(4, 4)
    assert attempts.locked(5, 0) and attempts.locked(0, 7)
    at = datetime(2026, 11, 24, 10, tzinfo=UTC)
    assert attempts.retry_after_s(at, at - timedelta(seconds=300)) == 600
    assert attempts.retry_after_s(at, at - timedelta(seconds=900)) == 1


def test_a_decision_id_must_be_given_and_short():
    assert checked_decision_id("case-1:5/record-1") == "case-1:5/record-1"
    for bad in ("", None, "x" * 101):
        with pytest.raises(ValidationFailed) as refused:
            checked_decision_id(bad)
        assert refused.value.code == "INVALID_DECISION_ID"


def test_a_replayed_decision_must_ask_for_what_it_asked_first():
    record_id = uuid.uuid4()
    applied = {"record_id": record_id, "outcome": Outcome.stop_publicity}
    require_same_as_applied(applied, "D-1", str(record_id), "stop_publicity")
    for other in ((str(uuid.uuid4()), "stop_publicity"), (str(record_id), "remove_from_list")):
        with pytest.raises(Conflict) as refused:
            require_same_as_applied(applied, "D-1", *other)
        assert (refused.value.code, refused.value.details) == ("DECISION_ALREADY_APPLIED",
                                                               {"decision_id": "D-1"})


def test_only_approvals_and_revocations_change_records_and_each_type_its_own_way():
    assert changes_records("approved", "c:5") and changes_records("revoked", "c:7")
    assert not changes_records("approved", None) and not changes_records("rejected", "c:5")
    assert outcome_of("approved", "penalty_publicity") == "stop_publicity"
    assert outcome_of("approved", "other_department_penalty") == "stop_publicity"
    assert outcome_of("approved", "serious_illegal_list") == "remove_from_list"
    assert outcome_of("approved", "cooperative_abnormal_list") == "remove_from_list"
    assert outcome_of("approved", "individual_abnormal_status") == "restore_normal_status"
    assert outcome_of("revoked", "abnormal_operation_list") == "revoke_repair"


def agency_record(**changes) -> AgencyRecord:
    return AgencyRecord.model_validate({
        "source_record_id": "TAX-1", "version": 3, "subject_code": USCC.lower(),
        "subject_name": "广州测试科技有限公司", "district_code": "440106",
        "decision_number": "穗税罚〔2026〕1号", "decision_date": "2026-03-02",
        "penalty_kinds": ["fine"], "fine_amount": "5000.00",
        "deciding_department_name": "国家税务总局广州市天河区税务局", **changes})


@pytest.mark.parametrize("changes, code", [
    ({"subject_code": "91440106MA59ABCD1X"}, "INVALID_SUBJECT_CODE"),
    ({"district_code": "449999"}, "UNKNOWN_DISTRICT"),
    ({"decision_date": "2026-11-25"}, "DATE_IN_FUTURE"),
    ({"publicity_start_date": "2026-11-25"}, "DATE_IN_FUTURE"),
    ({"record_type": "serious_illegal_list"}, "UNSUPPORTED_RECORD_TYPE"),
])
def test_an_agency_record_that_can_never_be_kept_is_rejected(changes, code):
    with pytest.raises(RejectedMessage) as rejected:
        check_agency_record(agency_record(**changes), TODAY)
    assert rejected.value.code == code and rejected.value.reason


def test_an_agency_record_becomes_a_record_and_if_need_be_a_subject():
    incoming = agency_record()
    assert check_agency_record(incoming, TODAY) == USCC
    fields = record_fields(incoming)
    assert fields["publicity_start_date"] == date(2026, 3, 2)       # from the decision
    assert (fields["source_version"], fields["penalty_kinds"], fields["fine_amount"]) == (
        3, ["fine"], Decimal("5000.00"))
    assert record_fields(agency_record(publicity_start_date="2026-03-09"))[
        "publicity_start_date"] == date(2026, 3, 9)
    new = new_subject(incoming, USCC)
    assert (new.uscc, new.registration_number, new.registration_unit_code) == (
        USCC, None, "440106")
    assert (new_subject(incoming, REGISTRATION_NUMBER).registration_number,
            new_subject(incoming, REGISTRATION_NUMBER).uscc) == (REGISTRATION_NUMBER, None)
    assert is_stale(3, 3) and is_stale(2, 3) and not is_stale(4, 3)


def listed(record_type, listing_date, **changes):
    return Record(id=uuid.uuid4(), subject_id=uuid.uuid4(), record_type=record_type,
                  district_code="440106", source_record_id="r-1", listing_date=listing_date,
                  listing_unit_code="44010601", **changes)


def test_a_serious_listing_ends_after_its_term():
    entry = listed("serious_illegal_list", date(2023, 11, 24))
    assert expiry.serious_listing_ended(entry, date(2026, 11, 23)) is None
    note = expiry.serious_listing_ended(entry, TODAY)
    assert note == "列入严重违法失信名单满3年，依据2021-baseline移出"


def test_an_unresolved_abnormal_listing_escalates_to_the_serious_list():
    entry = listed("abnormal_operation_list", date(2023, 11, 25))
    assert expiry.abnormal_listing_escalates(entry, TODAY) is None
    assert "满3年" in expiry.abnormal_listing_escalates(entry, date(2026, 11, 25))
    serious = expiry.escalated_to_serious(entry, TODAY)
    assert (serious.record_type, serious.listing_reason, serious.listing_date) == (
        "serious_illegal_list", "abnormal_three_years", TODAY)
    assert (serious.subject_id, serious.listing_unit_code, serious.source_record_id) == (
        entry.subject_id, "44010601", f"escalated-from-{entry.id}")
    assert serious.id != entry.id and serious.publicity_state == "active"


def test_a_penalty_is_public_through_its_end_date_or_the_last_day_of_its_term():
    penalty = listed("penalty_publicity", None, decision_date=date(2023, 6, 1))
    assert expiry.penalty_publicity_ended(penalty, date(2026, 5, 31)) is None
    assert expiry.penalty_publicity_ended(penalty, date(2026, 6, 1)) is None  # the last day
    assert expiry.penalty_publicity_ended(penalty, date(2026, 6, 2)) == \
        "公示期满（公示至2026-06-01，依据2021-baseline）"
    penalty.publicity_start_date = date(2023, 7, 1)
    assert expiry.penalty_publicity_ended(penalty, date(2026, 6, 2)) is None
    penalty.publicity_end_date = date(2025, 1, 1)
    assert expiry.penalty_publicity_ended(penalty, date(2025, 1, 1)) is None
    assert expiry.penalty_publicity_ended(penalty, TODAY) == \
        "公示期满（公示至2025-01-01，依据2021-baseline）"


def test_a_search_refuses_an_unknown_district_a_bad_code_or_cursor():
    query = RecordQuery(subject_code=f" {USCC.lower()}", district_code="440106",
                        after=str(uuid.uuid4())).validate()
    assert query.subject_code == USCC
    for bad, code in (({"district_code": "449999"}, "UNKNOWN_DISTRICT"),
                      ({"subject_code": "123"}, "INVALID_SUBJECT_CODE"),
                      ({"after": "not-a-uuid"}, "INVALID_CURSOR")):
        with pytest.raises(ValidationFailed) as refused:
            RecordQuery(**bad).validate()
        assert refused.value.code == code
