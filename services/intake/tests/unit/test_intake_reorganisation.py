"""Temporary repair during a bankruptcy reorganisation on the applicant side, in plain Python:
the ruling that accepted it, the records it hides, the expiry, and what the application goes
through from the approval to the court's ruling on the plan."""

import uuid
from datetime import UTC, date, datetime

import pytest

from credit_common.contracts.events import ApplicationStatusChanged
from credit_common.contracts.registry import RegistryRecord
from credit_common.contracts.reorganisation import CourtRuling, ReorganisationChanged
from credit_common.errors import Conflict, ValidationFailed
from credit_common.testing import payloads
from intake.domain import reorganisation
from intake.domain.model import Application

TODAY = date(2026, 11, 24)
AT = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
SUBJECT = payloads.subject_snapshot()
RULES = reorganisation.ReorganisationRules("2021.1-reorganisation", date(2021, 7, 30), {
    "record_types": ["abnormal_operation_list", "individual_abnormal_status",
                     "cooperative_abnormal_list", "serious_illegal_list", "penalty_publicity"],
    "listing_reasons": {"serious_illegal_list": ["abnormal_three_years"]},
    "excluded_penalty_kinds": ["suspension", "licence_revocation"],
    "term_months": 9, "materials": ["reorganisation_ruling"], "article": "《企业破产法》第七十九条"})


def accepting(**changes) -> CourtRuling:
    return CourtRuling.model_validate({
        "kind": "reorganisation_accepted", "court": "广州市中级人民法院",
        "case_number": "（2026）粤01破12号", "ruling_date": "2026-05-31",
        "debtor_name": SUBJECT["name"], "debtor_code": SUBJECT["code"], **changes})


def code_of(raised) -> str:
    return raised.value.code


def test_the_expiry_is_the_term_after_the_ruling_calendar_exact():
    assert reorganisation.check_accepting_ruling(accepting(), SUBJECT, TODAY, RULES) == \
        date(2027, 2, 28)


@pytest.mark.parametrize("changes, code", [
    ({"ruling_date": "2026-11-25"}, "RULING_DATE_IN_FUTURE"),
    ({"debtor_code": "91440106MA59ABCE2X"}, "RULING_SUBJECT_MISMATCH"),
    ({"debtor_code": None}, "RULING_SUBJECT_MISMATCH"),
    ({"ruling_date": "2026-02-23"}, "REORGANISATION_PERIOD_ENDED"),
    ({"kind": "plan_confirmed"}, "RULING_KIND_INVALID"),
])
def test_a_bad_accepting_ruling_is_refused(changes, code):
    with pytest.raises(ValidationFailed) as raised:
        reorganisation.check_accepting_ruling(accepting(**changes), SUBJECT, TODAY, RULES)
    assert code_of(raised) == code


def test_the_last_day_of_the_term_may_still_apply():
    assert reorganisation.check_accepting_ruling(accepting(ruling_date="2026-02-24"), SUBJECT,
                                                 TODAY, RULES) == TODAY


def record(**fields) -> RegistryRecord:
    return RegistryRecord.model_validate(payloads.registry_record(**fields))


@pytest.mark.parametrize("fields, held, code", [
    ({"record_type": "abnormal_operation_list", "listing_reason": "unreachable_address"}, False,
     None),
    ({"record_type": "serious_illegal_list", "listing_reason": "abnormal_three_years"}, False,
     None),
    ({"penalty_kinds": ["fine"], "fine_amount": "50000.00"}, False, None),
    ({"record_type": "serious_illegal_list", "listing_reason": "serious_violation"}, False,
     "REASON_NOT_ELIGIBLE"),
    ({"penalty_kinds": ["fine", "suspension"]}, False, "SEVERE_PENALTY"),
    ({"penalty_kinds": ["fine"], "severe": True}, False, "SEVERE_PENALTY"),
    ({"record_type": "other_department_penalty"}, False, "TYPE_NOT_ELIGIBLE"),
    ({"publicity_state": "stopped"}, False, "NOT_PUBLICISED"),
    ({"penalty_kinds": ["fine"]}, True, "IN_OPEN_APPLICATION"),
])
def test_which_records_a_reorganisation_hides(fields, held, code):
    answer = reorganisation.assess(record(**fields), RULES, held)
    assert (answer["eligible"], answer["reason_code"]) == (code is None, code)
    assert answer["rule_version"] == "2021.1-reorganisation" and answer["article"]


def test_no_eligible_record_is_refused_with_every_answer():
    with pytest.raises(ValidationFailed) as raised:
        reorganisation.eligible_records([record(record_type="other_department_penalty")],
                                        RULES, set())
    assert code_of(raised) == "NO_ELIGIBLE_RECORDS"
    assert raised.value.details["records"][0]["reason_code"] == "TYPE_NOT_ELIGIBLE"


def approved_reorganisation() -> Application:
    records = [record(record_type="abnormal_operation_list",
                      listing_reason="annual_report_overdue")]
    application = Application.draft(applicant_id=uuid.uuid4(), subject=SUBJECT,
                                    record_type="bankruptcy_reorganisation", records=records,
                                    form={"contact_phone": "13800000001"},
                                    rule_version=RULES.version, at=AT)
    application.reorganisation = reorganisation.started(accepting(), "广东示例律师事务所",
                                                         date(2027, 2, 28), RULES)
    application.submit_draft("XF-440106-20261124-000001", RULES.version, records, AT)
    submitted = application.events[-1]
    assert submitted.deciding_unit_code is None  # the district's credit section decides
    application.events.clear()
    assert application.case_status_changed("approved", 5, AT, "同意", "case:5") is True
    return application


def test_an_approval_is_a_temporary_repair_announced_to_disclosure_with_its_expiry():
    application = approved_reorganisation()
    assert application.status == "temporarily_repaired"
    told, granted = application.events
    assert isinstance(told, ApplicationStatusChanged) and "2027-02-28" in told.note
    assert isinstance(granted, ReorganisationChanged)
    assert (granted.change, granted.expires_on, granted.decision_id, granted.ruling.case_number
            ) == ("granted", date(2027, 2, 28), "case:5", "（2026）粤01破12号")
    with pytest.raises(Conflict):
        application.withdraw(AT, None)


def follow_up(kind="plan_confirmed", **changes) -> CourtRuling:
    return CourtRuling.model_validate({"kind": kind, "court": "广州市中级人民法院",
                                       "case_number": "（2026）粤01破12号之三",
                                       "ruling_date": "2026-11-20", **changes})


def test_the_plan_confirmed_is_filed_once_and_made_final_by_disclosures_answer():
    application = approved_reorganisation()
    application.events.clear()
    assert reorganisation.check_follow_up(application, follow_up(), TODAY) is False
    application.file_ruling(follow_up(), "m-1", "applicant", "applicant:1", AT)
    [change] = application.events
    assert (change.change, change.ruling.kind) == ("plan_confirmed", "plan_confirmed")
    assert application.status == "temporarily_repaired"  # until disclosure has done it
    # the same ruling again is a replay; another one is refused
    assert reorganisation.check_follow_up(application, follow_up(), TODAY) is True
    with pytest.raises(Conflict) as raised:
        reorganisation.check_follow_up(application, follow_up("reorganisation_terminated"),
                                       TODAY)
    assert code_of(raised) == "RULING_ALREADY_FILED"
    application.events.clear()
    assert application.temporary_repair_changed("final", "plan_confirmed", AT) is True
    assert application.status == "repaired"
    [told] = application.events
    assert told.status_label == "予以修复" and "批准重整计划" in told.note
    assert application.temporary_repair_changed("final", "plan_confirmed", AT) is False


@pytest.mark.parametrize("ruling, code", [
    (follow_up(ruling_date="2026-11-25"), "RULING_DATE_IN_FUTURE"),
    (follow_up(ruling_date="2026-05-30"), "RULING_DATE_BEFORE_ACCEPTANCE"),
    (follow_up("reorganisation_accepted"), "RULING_KIND_INVALID"),
])
def test_a_bad_ruling_on_the_plan_is_refused(ruling, code):
    with pytest.raises(ValidationFailed) as raised:
        reorganisation.check_follow_up(approved_reorganisation(), ruling, TODAY)
    assert code_of(raised) == code


def test_a_ruling_on_the_plan_without_an_approved_temporary_repair_is_refused():
    application = approved_reorganisation()
    application.status = "submitted"
    with pytest.raises(Conflict) as raised:
        reorganisation.check_follow_up(application, follow_up(), TODAY)
    assert code_of(raised) == "NO_TEMPORARY_REPAIR"
    plain = Application.draft(applicant_id=uuid.uuid4(), subject=SUBJECT,
                              record_type="penalty_publicity", records=[record()], form={},
                              rule_version="2021.1", at=AT)
    with pytest.raises(Conflict) as raised:
        reorganisation.check_follow_up(plain, follow_up(), TODAY)
    assert code_of(raised) == "NO_TEMPORARY_REPAIR"


@pytest.mark.parametrize("cause", ["terminated", "expired"])
def test_a_termination_or_the_expiry_ends_the_temporary_repair(cause):
    application = approved_reorganisation()
    application.events.clear()
    assert application.temporary_repair_changed("reinstated", cause, AT) is True
    assert application.status == "temporary_repair_ended"
    [told] = application.events
    assert told.status_label == "临时修复已终止" and "恢复公示" in told.note


def test_revoking_the_approval_tells_disclosure_to_publicise_the_records_again():
    application = approved_reorganisation()
    application.events.clear()
    assert application.case_status_changed("revoked", 7, AT, "材料虚假", "case:7") is True
    assert application.status == "repair_revoked"
    assert [e.change for e in application.events if isinstance(e, ReorganisationChanged)] == [
        "revoked"]


VALID_RULES = {"record_types": ["abnormal_operation_list"], "term_months": 12,
               "materials": ["reorganisation_ruling"], "article": "《企业破产法》第七十九条",
               "listing_reasons": {"serious_illegal_list": ["abnormal_three_years"]}}


@pytest.mark.parametrize("effective_from, rules, code", [
    (date(2026, 11, 24), VALID_RULES, "EFFECTIVE_DATE_NOT_IN_FUTURE"),
    (date(2027, 1, 1), {**VALID_RULES, "record_types": ["bankruptcy"]}, "INVALID_RULES"),
    (date(2027, 1, 1), {**VALID_RULES, "term_months": 0}, "INVALID_RULES"),
    (date(2027, 1, 1), {k: v for k, v in VALID_RULES.items() if k != "term_months"},
     "INVALID_RULES"),
    (date(2027, 1, 1), {**VALID_RULES, "materials": ["photo"]}, "INVALID_RULES"),
    (date(2027, 1, 1), {**VALID_RULES, "surprise": 1}, "INVALID_RULES"),
    (date(2027, 1, 1), VALID_RULES, None),
])
def test_a_new_rule_version_is_checked_before_it_is_stored(effective_from, rules, code):
    from intake.domain.materials import MATERIAL_KINDS

    if code is None:
        reorganisation.check_new_version(effective_from, rules, TODAY, MATERIAL_KINDS)
        return
    with pytest.raises(ValidationFailed) as raised:
        reorganisation.check_new_version(effective_from, rules, TODAY, MATERIAL_KINDS)
    assert code_of(raised) == code
