"""Which filing cures which listing under which rule version, and how long a penalty is
publicised, in plain Python (the real consumer, database and jobs:
tests/integration/test_disclosure_automatic_repair.py)."""

import random
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest

from disclosure.domain.filings import FilingKind, Removal, cures_listing, filing_kind
from disclosure.domain.model import Record
from disclosure.domain.rules import (TERMS, add_months, add_years, penalty_candidates,
                                     terms_on)

BASELINE, CURRENT = terms_on(date(2024, 1, 1)), terms_on(date(2026, 1, 1))


def listing(record_type="abnormal_operation_list", reason="annual_report_overdue",
            listed=date(2026, 7, 1), state="active"):
    return Record(id=uuid.uuid4(), subject_id=uuid.uuid4(), record_type=record_type,
                  district_code="440106", source_record_id="r", publicity_state=state,
                  listing_reason=reason, listing_date=listed)


@pytest.mark.parametrize("record_type, reason, kind, cured", [
    ("abnormal_operation_list", "annual_report_overdue", FilingKind.annual_report, True),
    ("individual_abnormal_status", "annual_report_overdue", FilingKind.annual_report, True),
    ("cooperative_abnormal_list", "annual_report_overdue", FilingKind.annual_report, True),
    ("abnormal_operation_list", "instant_info_not_published", FilingKind.instant_info, True),
    ("abnormal_operation_list", "false_information", FilingKind.instant_info_correction, True),
    ("abnormal_operation_list", "false_information", FilingKind.annual_report_correction, True),
    ("cooperative_abnormal_list", "false_information", FilingKind.annual_report_correction,
     True),
    # a filing answers its own reason only
    ("abnormal_operation_list", "unreachable_address", FilingKind.annual_report, False),
    ("abnormal_operation_list", "instant_info_not_published", FilingKind.annual_report, False),
    ("abnormal_operation_list", "false_information", FilingKind.instant_info, False),
    ("abnormal_operation_list", "annual_report_overdue", FilingKind.instant_info, False),
    # a cooperative has no instant-information reason; a serious listing is no abnormal one
    ("cooperative_abnormal_list", "false_information", FilingKind.instant_info_correction,
     False),
    ("serious_illegal_list", "annual_report_overdue", FilingKind.annual_report, False),
])
def test_a_filing_cures_only_the_reasons_it_answers(record_type, reason, kind, cured):
    for terms in TERMS:
        found = cures_listing(listing(record_type, reason), kind, date(2026, 7, 20),
                              terms.listing_cures)
        assert (found is not None) == cured, (terms.version, record_type, reason, kind)


def test_a_filing_before_the_listing_or_a_listing_no_longer_active_is_not_cured():
    cures = CURRENT.listing_cures
    assert cures_listing(listing(listed=date(2026, 7, 1)), FilingKind.annual_report,
                         date(2026, 7, 1), cures) is not None          # the same day
    assert cures_listing(listing(listed=date(2026, 7, 2)), FilingKind.annual_report,
                         date(2026, 7, 1), cures) is None              # listed after filing
    for state in ("removed", "restored", "expired"):
        assert cures_listing(listing(state=state), FilingKind.annual_report,
                             date(2026, 7, 20), cures) is None


def test_the_rule_version_in_force_says_whether_a_cured_listing_goes_at_once():
    def removal(terms, kind, reason):
        return cures_listing(listing(reason=reason), kind, date(2026, 7, 20),
                             terms.listing_cures).removal

    assert terms_on(date(2025, 12, 24)) is BASELINE and terms_on(date(2025, 12, 25)) is CURRENT
    assert removal(BASELINE, FilingKind.annual_report, "annual_report_overdue") == \
        Removal.officer_confirmation
    assert removal(CURRENT, FilingKind.annual_report, "annual_report_overdue") == \
        Removal.immediate
    assert removal(CURRENT, FilingKind.instant_info, "instant_info_not_published") == \
        Removal.immediate
    # a correction of false information is checked by the listing unit under every version
    for terms in TERMS:
        assert removal(terms, FilingKind.instant_info_correction, "false_information") == \
            Removal.officer_confirmation


def test_the_filing_kind_follows_the_message_and_its_correction_flag():
    assert filing_kind(True, False) == FilingKind.annual_report
    assert filing_kind(True, True) == FilingKind.annual_report_correction
    assert filing_kind(False, False) == FilingKind.instant_info
    assert filing_kind(False, True) == FilingKind.instant_info_correction


@pytest.mark.parametrize("kinds, fine, severe, short", [
    (["warning"], None, False, True),
    (["circulated_criticism"], None, False, True),
    (["warning", "fine"], "10000.00", False, True),        # at the threshold: low
    (["fine"], "10000.01", False, False),                   # above it
    (["fine"], None, False, False),                         # a fine of unknown amount
    (["warning", "confiscation"], None, False, False),
    (["warning"], None, True, False),                       # flagged severe
    ([], None, False, False),
])
def test_light_penalties_are_publicised_three_months_the_rest_three_years(
        kinds, fine, severe, short):
    start = date(2026, 1, 15)
    last_day = CURRENT.penalty_publicity_last_day(start, kinds,
                                                  Decimal(fine) if fine else None, severe)
    assert last_day == (date(2026, 4, 15) if short else date(2029, 1, 15))


def test_calendar_terms_end_on_the_same_numbered_day_or_the_months_last():
    assert add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)
    assert add_months(date(2026, 1, 31), -3) == date(2025, 10, 31)
    assert add_months(date(2026, 5, 31), -3) == date(2026, 2, 28)
    assert add_years(date(2024, 2, 29), 3) == date(2027, 2, 28)


def test_the_sql_prefilter_never_leaves_out_a_penalty_whose_term_is_over():
    """For every start and job day, a penalty past its last day is inside the pre-filter."""
    rng = random.Random(26)
    for _ in range(4000):
        start = date(2021, 1, 1) + timedelta(days=rng.randrange(2500))
        today = start + timedelta(days=rng.randrange(1, 1300))
        kinds = rng.choice([["warning"], ["fine"], ["circulated_criticism", "fine"],
                            ["confiscation"]])
        fine = rng.choice([None, Decimal("500.00"), Decimal("10000.00"), Decimal("20000.00")])
        terms = terms_on(start)
        if terms.penalty_publicity_last_day(start, kinds, fine, False) >= today:
            continue
        candidates = penalty_candidates(today)
        light = set(kinds) <= set(candidates.short_kinds) and (
            "fine" not in kinds or (fine is not None and fine <= candidates.fine_ceiling))
        assert start <= candidates.long_started_by or (
            light and start <= candidates.short_started_by), (start, today, kinds, fine)
