"""Records, their publicity states and the search vocabulary, in plain Python."""

import uuid
from datetime import date, datetime, UTC

import pytest

from credit_common.errors import Conflict, ValidationFailed
from disclosure.domain.model import Outcome, Record, Subject
from disclosure.domain.months import add_years
from disclosure.domain.rules import terms_on
from disclosure.domain.search import RecordQuery, bigrams, like_pattern, name_terms, tsquery_for
from disclosure.views import record_view, sees_personal_data, subject_view

AT = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def record(record_type="penalty_publicity", state="active"):
    return Record(id=uuid.uuid4(), subject_id=uuid.uuid4(), record_type=record_type,
                  district_code="440106", source_record_id="r-1", publicity_state=state,
                  decision_date=date(2025, 1, 1))


def test_an_outcome_moves_the_record_once_and_leaves_history_and_an_event():
    r = record()
    assert r.apply_outcome(Outcome.stop_publicity, "D-1", AT) is True
    assert r.publicity_state == "stopped" and r.version == 2
    [entry] = r.history
    assert (entry.from_state, entry.to_state, entry.cause_kind, entry.cause_ref) == \
        ("active", "stopped", "decision", "D-1")
    assert [e.to_state for e in r.events] == ["stopped"]
    assert r.apply_outcome(Outcome.stop_publicity, "D-1", AT) is False  # already there


def test_revoking_a_repair_restores_the_record():
    r = record("abnormal_operation_list")
    r.apply_outcome(Outcome.remove_from_list, "D-2", AT)
    assert r.apply_outcome(Outcome.revoke_repair, "D-2-revoked", AT) is True
    assert r.publicity_state == "active"
    assert r.history[-1].cause_kind == "revocation"


@pytest.mark.parametrize("record_type, outcome", [
    ("penalty_publicity", Outcome.remove_from_list),
    ("abnormal_operation_list", Outcome.stop_publicity),
    ("abnormal_operation_list", Outcome.restore_normal_status),
])
def test_an_outcome_that_does_not_fit_the_record_type_is_refused(record_type, outcome):
    with pytest.raises(Conflict) as raised:
        record(record_type).apply_outcome(outcome, "D-3", AT)
    assert raised.value.code == "OUTCOME_NOT_APPLICABLE"


def test_an_expired_record_cannot_change_again():
    r = record(state="expired")
    with pytest.raises(Conflict) as raised:
        r.change_state("active", "decision", "D-4", AT)
    assert raised.value.code == "ILLEGAL_PUBLICITY_TRANSITION"


def test_terms_are_chosen_by_effective_date(shipped_terms):
    versions = shipped_terms
    assert terms_on(versions, date(2024, 5, 1)).version == "2021-baseline"
    assert terms_on(versions, date(2026, 1, 1)).version == "2025-12-25"
    assert terms_on(versions, date(2025, 12, 24)).version == "2021-baseline"
    assert terms_on(versions, date(2019, 1, 1)).version == "2021-baseline"  # older: the first
    assert [t.effective_from for t in versions] == sorted(t.effective_from for t in versions)
    assert add_years(date(2024, 2, 29), 3) == date(2027, 2, 28)


def test_name_terms_split_on_spaces_and_chinese_punctuation():
    assert name_terms(" 天河，科技 有限 ") == ["天河", "科技", "有限"]
    assert name_terms(None) == []
    with pytest.raises(ValidationFailed):
        name_terms("一 二 三 四 五 六")


def test_bigram_queries_quote_every_lexeme():
    assert set(bigrams("科技有限")) == {"科技", "技有", "有限"}
    assert bigrams("店") == []
    assert tsquery_for(["天河", "科技"]) == "'天河' & '科技'"
    assert tsquery_for(["店"]) is None
    assert tsquery_for(["a'"]) == "'a'''"  # the quote doubled inside quotes
    assert like_pattern("100%_") == "%100\\%\\_%"


def test_a_query_with_an_inverted_date_range_is_refused():
    with pytest.raises(ValidationFailed) as raised:
        RecordQuery(date_from=date(2026, 2, 1), date_to=date(2026, 1, 1)).validate()
    assert raised.value.code == "INVALID_DATE_RANGE"


def subject(**changes):
    values = dict(id=uuid.uuid4(), name="广州测试有限公司", kind="enterprise",
                  district_code="440106", registration_unit_code="44010601",
                  uscc="91440106MA59ABCD1M", legal_rep_name="陈某",
                  legal_rep_document_number="440106199001011235",
                  legal_rep_phone="13912345678", liaison_phone="02012345678")
    values.update(changes)
    return Subject(**values)


def test_public_views_mask_personal_data_and_owning_officers_see_it():
    s = subject()
    public = subject_view(s, full=False)
    assert public["legal_representative"]["document_number"] == "4401************35"
    assert public["legal_representative"]["phone"] == "139****5678"
    assert public["personal_data_masked"] is True
    assert subject_view(s, full=True)["legal_representative"]["phone"] == "13912345678"
    assert sees_personal_data("44010603", s)       # another office of the same district
    assert sees_personal_data("440106", s)         # the district bureau
    assert sees_personal_data("440100", s)         # the city bureau
    assert not sees_personal_data("44010301", s)   # an office of another district
    assert not sees_personal_data(None, s)


def test_record_views_are_plain_json_with_labels():
    view = record_view(record())
    assert view["decision_date"] == "2025-01-01"
    assert view["record_type_label"] == "行政处罚信息公示"
    assert view["publicity_state_label"] == "公示中"


@pytest.mark.parametrize("batch", ["abc", "0", "-5", "1.5"])
def test_bulk_import_refuses_a_batch_size_that_is_not_a_positive_integer_in_chinese(
        batch, tmp_path, capsys):
    from disclosure import bulk_import

    with pytest.raises(SystemExit) as stopped:
        bulk_import.main([str(tmp_path / "none.jsonl"), "--batch", batch])
    assert stopped.value.code == 2
    error = capsys.readouterr().err
    assert "每批行数须为正整数" in error and "invalid" not in error
