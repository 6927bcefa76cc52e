"""Publicity terms as versioned data (their schema, the short term of 通报批评 and low fines,
pre-filters never narrower than the terms) and the bureau's own listings and removals as a
partner or an import line brings them. Plain Python."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from credit_common.contracts.interagency import AgencyRecord, Withdrawal
from disclosure.bulk_import import REMOVE, UPSERT, check
from disclosure.domain import expiry
from disclosure.domain.agency_records import (RejectedMessage, check_agency_record,
                                              record_fields, state_after_withdrawal)
from disclosure.domain.model import PENALTY_TYPES, Record
from disclosure.domain.months import add_months, add_years
from disclosure.domain.rules import (PublicityTerms, earliest_listing_date_due,
                                     penalty_candidates, penalty_last_day, short_penalty,
                                     terms_on)

TODAY = date(2026, 11, 24)
USCC = "91440106MA59ABCD1M"
LISTS = frozenset({"serious_illegal_list", "abnormal_operation_list",
                   "individual_abnormal_status", "cooperative_abnormal_list"})


def listing(**changes) -> dict:
    return {"source_record_id": "YC-1", "version": 1, "record_type": "abnormal_operation_list",
            "subject_code": USCC, "subject_name": "广州测试科技有限公司",
            "district_code": "440106", "listing_reason": "annual_report_overdue",
            "listing_date": "2026-07-01", "listing_unit_code": "44010601", **changes}


def penalty(**changes) -> dict:
    return {"source_record_id": "CF-1", "version": 1, "record_type": "penalty_publicity",
            "subject_code": USCC, "subject_name": "广州测试科技有限公司",
            "district_code": "440106", "decision_number": "穗天市监处罚〔2026〕1号",
            "decision_date": "2026-03-02", "penalty_kinds": ["fine"],
            "fine_amount": "30000.00", "deciding_department_name": "广州市天河区市场监督管理局",
            **changes}


# -- the terms ---------------------------------------------------------------------------

def test_the_shipped_terms_keep_what_the_code_tuple_said_and_add_the_short_term(shipped_terms):
    for version in shipped_terms:
        types = version.terms.record_types
        assert types.serious_illegal_list.term_years == 3
        assert types.abnormal_operation_list.escalates_to_serious_after_years == 3
        for penalty_term in (types.penalty_publicity, types.other_department_penalty):
            assert penalty_term.term_years == 3
            assert penalty_term.short_term_months == 3
            assert penalty_term.low_fine_threshold == Decimal("10000.00")
        assert len(version.listing_cures) == 7 and version.terms.cure_basis


@pytest.mark.parametrize("kinds, fine, short", [
    (["circulated_criticism"], None, True),
    (["warning"], None, True),
    (["fine"], "10000.00", True),                       # the threshold itself is low
    (["fine", "circulated_criticism"], "800.00", True),
    (["fine"], "10000.01", False),
    (["fine"], None, False),                            # a fine of unknown amount: not low
    (["fine", "confiscation"], "500.00", False),
    ([], None, False),
])
def test_only_criticism_warnings_and_low_fines_have_the_short_term(shipped_terms, kinds, fine,
                                                                   short):
    term = shipped_terms[0].terms.record_types.penalty_publicity
    amount = Decimal(fine) if fine else None
    assert short_penalty(kinds, amount, False, term) is short
    assert short_penalty(kinds, amount, True, term) is False    # flagged severe: never short
    start = date(2026, 1, 31)
    assert penalty_last_day(start, kinds, amount, False, term) == (
        date(2026, 4, 30) if short else date(2029, 1, 31))


def test_a_low_fine_is_public_through_the_last_day_of_its_three_months(shipped_terms):
    record = Record(id=uuid.uuid4(), subject_id=uuid.uuid4(), record_type="penalty_publicity",
                    district_code="440106", source_record_id="r", decision_date=date(2026, 5, 31),
                    publicity_start_date=date(2026, 5, 31), penalty_kinds=["fine"],
                    fine_amount=Decimal("3000.00"))
    assert expiry.penalty_publicity_ended(record, date(2026, 8, 31), shipped_terms) is None
    assert expiry.penalty_publicity_ended(record, date(2026, 9, 1), shipped_terms) == \
        "公示期满（公示至2026-08-31，依据2025-12-25）"


def terms(**penalty_term) -> dict:
    return {"basis": "测试依据", "record_types": {
        "serious_illegal_list": {"term_years": 3},
        "abnormal_operation_list": {"escalates_to_serious_after_years": 3},
        "individual_abnormal_status": {}, "cooperative_abnormal_list": {},
        "penalty_publicity": {"term_years": 3, **penalty_term},
        "other_department_penalty": {"term_years": 3}}, "listing_cures": []}


@pytest.mark.parametrize("bad", [
    {"basis": "缺少记录类型"},
    {**terms(), "extra": 1},
    terms(term_years=0),
    terms(term_years="three"),
    terms(short_term_months=3),                            # short, but for what?
    terms(short_term_penalty_kinds=["jail"]),
    {**terms(), "record_types": {
        **terms()["record_types"],
        "cooperative_abnormal_list": {"escalates_to_serious_after_years": 2}}},
])
def test_a_terms_version_that_does_not_say_what_it_must_is_refused(bad):
    with pytest.raises(ValidationError):
        PublicityTerms.model_validate(bad)
    PublicityTerms.model_validate(terms(short_term_months=3, low_fine_threshold="5000"))


@given(st.dates(min_value=date(2022, 1, 1), max_value=date(2030, 12, 31)),
       st.integers(min_value=0, max_value=4 * 366))
def test_the_pre_filters_never_miss_a_record_whose_term_has_ended(shipped_terms, today, age):
    start = today - timedelta(days=age)
    candidates = penalty_candidates(today, shipped_terms)
    term = terms_on(shipped_terms, start).terms.record_types.penalty_publicity
    if add_years(start, term.term_years) < today:          # past its last day
        assert start <= candidates.long_started_by
    if add_months(start, term.short_term_months) < today:
        assert start <= candidates.short_started_by
        assert set(term.short_term_penalty_kinds) <= set(candidates.short_kinds)
        assert term.low_fine_threshold <= candidates.fine_ceiling
    due = earliest_listing_date_due(today, shipped_terms,
                                    lambda t: t.record_types.serious_illegal_list.term_years)
    if add_years(start, 3) <= today:
        assert start <= due


# -- listings from the bureau ------------------------------------------------------------

def test_a_listing_carries_the_listing_fields_and_a_penalty_the_decision_fields():
    AgencyRecord.model_validate(listing())
    AgencyRecord.model_validate(penalty(obligations_fulfilled_on="2026-04-10"))
    for bad in (listing(listing_date=None), listing(decision_number="穗罚〔2026〕1号"),
                listing(penalty_kinds=["fine"]), penalty(listing_reason="annual_report_overdue"),
                penalty(decision_date=None), listing(listing_date="2026-02-30"),
                listing(record_type="blacklist"), listing(listing_unit_code="4401")):
        with pytest.raises(ValidationError):
            AgencyRecord.model_validate(bad)


@pytest.mark.parametrize("changes, code", [
    ({"listing_reason": "serious_violation"}, "REASON_NOT_OF_LIST"),
    ({"record_type": "cooperative_abnormal_list", "subject_kind": "cooperative",
      "listing_reason": "instant_info_not_published"}, "REASON_NOT_OF_LIST"),
    ({"record_type": "individual_abnormal_status"}, "SUBJECT_KIND_MISMATCH"),
    ({"listing_unit_code": "44010401"}, "UNKNOWN_UNIT"),
    ({"listing_date": "2026-11-25"}, "DATE_IN_FUTURE"),
    ({"obligations_fulfilled_on": "2026-11-25"}, "DATE_IN_FUTURE"),
])
def test_a_listing_that_does_not_fit_its_list_is_rejected(changes, code):
    with pytest.raises(RejectedMessage) as rejected:
        check_agency_record(AgencyRecord.model_validate(listing(**changes)), TODAY, LISTS)
    assert rejected.value.code == code and rejected.value.reason


def test_only_a_sender_allowed_the_lists_may_list_a_subject():
    incoming = AgencyRecord.model_validate(listing())
    with pytest.raises(RejectedMessage) as rejected:
        check_agency_record(incoming, TODAY, PENALTY_TYPES)
    assert rejected.value.code == "UNSUPPORTED_RECORD_TYPE"
    assert check_agency_record(incoming, TODAY, LISTS) == USCC
    city = AgencyRecord.model_validate(listing(record_type="serious_illegal_list",
                                               listing_reason="serious_violation",
                                               listing_unit_code="440100"))
    assert check_agency_record(city, TODAY, LISTS) == USCC   # the city bureau lists anywhere


def test_a_listing_becomes_a_record_without_penalty_fields():
    fields = record_fields(AgencyRecord.model_validate(listing(
        obligations_fulfilled_on="2026-08-01", listing_document_number="穗天市监异〔2026〕9号")))
    assert (fields["listing_reason"], fields["listing_date"], fields["listing_unit_code"]) == (
        "annual_report_overdue", date(2026, 7, 1), "44010601")
    assert fields["obligations_fulfilled_on"] == date(2026, 8, 1)
    assert "decision_date" not in fields and "penalty_domain" not in fields
    own = record_fields(AgencyRecord.model_validate(penalty(deciding_unit_code="44010601")))
    assert own["deciding_unit_code"] == "44010601" and own["obligations_fulfilled_on"] is None


def test_a_removal_restores_an_individual_business_and_removes_every_other_record():
    assert state_after_withdrawal("individual_abnormal_status") == "restored"
    for record_type in ("abnormal_operation_list", "serious_illegal_list",
                        "cooperative_abnormal_list", "penalty_publicity"):
        assert state_after_withdrawal(record_type) == "removed"


# -- import lines ------------------------------------------------------------------------

def test_an_import_line_is_a_record_or_a_removal_and_a_bad_one_says_why_in_chinese():
    action, line, code = check(listing(), TODAY)
    assert (action, code, line.record_type) == (UPSERT, USCC, "abnormal_operation_list")
    action, line, code = check({"action": "remove", "source_record_id": "YC-1", "version": 2,
                                "reason": "已补报年报"}, TODAY)
    assert (action, code) == (REMOVE, None) and isinstance(line, Withdrawal)
    for bad, expected in ((listing(listing_date="2026-02-30"), "listing_date：不是有效的日期"),
                          (listing(record_type="blacklist"), "record_type：取值无效"),
                          ({"action": "delete"}, "action：取值无效"),
                          ({"action": "remove", "version": 2}, "source_record_id：缺少必填字段"),
                          ([1, 2], "每行应为一个 JSON 对象")):
        with pytest.raises(RejectedMessage) as rejected:
            check(bad, TODAY)
        assert rejected.value.code == "INVALID_RECORD"
        assert expected in rejected.value.reason, rejected.value.reason
