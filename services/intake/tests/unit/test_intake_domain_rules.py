"""Intake's business rules as plain Python, without a database: who reaches an application,
when a form is complete, which records an application may hold (and, at the counter, whose),
what signing still needs, and what a submission needs."""

from __future__ import annotations

import subprocess
import sys
import uuid
from datetime import date, datetime, timedelta, UTC

import pytest

from credit_common.contracts.registry import RegistryRecord
from credit_common.errors import Conflict, Forbidden, ValidationFailed
from credit_common.testing.payloads import registry_record
from intake.domain import (access, eligibility, forms, guides, materials, records, signing,
                           submission)
from intake.domain.model import Application

AT = datetime(2026, 5, 6, 9, 0, tzinfo=UTC)
RULES = eligibility.RuleVersion("2026.1", date(2026, 1, 1), {"record_types": {
    "penalty_publicity": {"repairable": True, "min_publicity_months": 3,
                          "materials": ["application_form", "commitment"],
                          "signing_required": True, "facts_and_reasons_required": True},
    "abnormal_operation_list": {"repairable": True, "materials": ["application_form"]},
}})
SUBJECT = {"code": "91440106MA59ABCD1X", "name": "测试公司", "kind": "enterprise",
           "district_code": "440106", "legal_rep_name": "张三"}


def penalty(**changes) -> RegistryRecord:
    return RegistryRecord.model_validate(registry_record(**{
        "penalty_kinds": ["confiscation"], "publicity_start_date": "2025-12-01",
        "deciding_unit_code": "44010601", **changes}))


def draft(applicant_id=None, counter_officer_id=None, record_type="penalty_publicity",
          subject=None, form=None) -> Application:
    return Application.draft(
        applicant_id=applicant_id, subject=subject or SUBJECT, record_type=record_type,
        records=[penalty()], form=form or {}, rule_version=RULES.version, at=AT,
        counter_officer_id=counter_officer_id,
        counter_unit_code="44010601" if counter_officer_id else None)


def code_of(raised) -> str:
    return raised.value.code


# -- access ---------------------------------------------------------------------------------

def test_an_applicant_reaches_their_own_application_without_their_phones_being_asked():
    owner = uuid.uuid4()
    asked = []
    assert access.may_access(str(owner), draft(owner), True, lambda: asked.append(1) or [])
    assert asked == []


def test_a_phone_the_applicant_proved_lets_them_read_but_never_change():
    application = draft(uuid.uuid4(), form={"contact_phone": "13800000001"})
    other = str(uuid.uuid4())
    assert access.may_access(other, application, False, lambda: ["13800000001"])
    assert not access.may_access(other, application, True, lambda: ["13800000001"])
    assert not access.may_access(other, application, False, lambda: ["13900000009"])


def test_an_officer_reaches_only_the_counter_applications_they_filed():
    officer = uuid.uuid4()
    counter = draft(counter_officer_id=officer)
    assert access.may_access(f"{access.OFFICER_ACTOR}{officer}", counter, True, list)
    assert not access.may_access(f"{access.OFFICER_ACTOR}{uuid.uuid4()}", counter, False, list)
    assert not access.may_access(f"{access.OFFICER_ACTOR}{officer}", draft(uuid.uuid4()),
                                 False, list)
    # an applicant whose id happens to be the officer's does not reach it as an applicant
    assert not access.may_access(str(officer), counter, False, list)


def test_refused_access_looks_the_same_as_no_application():
    refused = access.not_accessible()
    assert isinstance(refused, Forbidden) and refused.code == "APPLICATION_NOT_ACCESSIBLE"


# -- the form -------------------------------------------------------------------------------

def test_a_form_keeps_its_known_fields_trimmed_and_checks_the_phone():
    form = forms.checked_form({"contact_name": " 李四 ", "contact_phone": " 13800000001 ",
                               "facts_and_reasons": None, "admin": "x"},
                              RULES, "penalty_publicity", complete=False)
    assert form == {"contact_name": "李四", "contact_phone": "13800000001",
                    "facts_and_reasons": None}
    with pytest.raises(ValidationFailed) as raised:
        forms.checked_form({"contact_phone": "12345"}, RULES, "penalty_publicity", False)
    assert code_of(raised) == "INVALID_PHONE"
    assert raised.value.details == {"field": "contact_phone"}


def test_a_draft_may_be_incomplete_a_submission_may_not():
    assert forms.checked_form({}, RULES, "penalty_publicity", complete=False) == {}
    with pytest.raises(ValidationFailed) as raised:
        forms.checked_form({"contact_name": "李四"}, RULES, "penalty_publicity", True)
    assert code_of(raised) == "FORM_INCOMPLETE"
    assert raised.value.details == {"fields": ["contact_phone", "facts_and_reasons"]}
    assert raised.value.message == "请填写联系人、联系电话和事实与理由"


def test_facts_and_reasons_are_required_only_where_the_rules_ask_for_them():
    contact = {"contact_name": "李四", "contact_phone": "13800000001"}
    assert forms.checked_form(contact, RULES, "abnormal_operation_list", True) == contact
    with pytest.raises(ValidationFailed):
        forms.checked_form(contact, RULES, "penalty_publicity", True)


# -- records --------------------------------------------------------------------------------

def test_an_unknown_record_type_is_refused_naming_the_field():
    assert records.checked_record_type("penalty_publicity") == "penalty_publicity"
    with pytest.raises(ValidationFailed) as raised:
        records.checked_record_type("parking_ticket")
    assert code_of(raised) == "UNKNOWN_RECORD_TYPE"


def test_records_are_chosen_once_each_in_the_order_asked():
    first, second = penalty(), penalty()
    chosen = records.choose_records(SUBJECT, "penalty_publicity",
                                    [str(second.id), str(first.id), str(second.id)],
                                    [first, second], set(), RULES, AT.date())
    assert chosen == [second, first]


@pytest.mark.parametrize("case, code", [
    ("none", "NO_RECORD_SELECTED"),
    ("unknown", "RECORD_NOT_OF_SUBJECT"),
    ("other_type", "RECORD_NOT_OF_SUBJECT"),
    ("held", "RECORD_IN_OPEN_APPLICATION"),
    ("too_early", "RECORD_NOT_ELIGIBLE"),
])
def test_a_record_the_application_may_not_hold_is_refused(case, code):
    record = penalty()
    asked, held = [str(record.id)], set()
    if case == "none":
        asked = []
    elif case == "unknown":
        asked = [str(uuid.uuid4())]
    elif case == "other_type":
        record = record.model_copy(update={"record_type": "abnormal_operation_list"})
    elif case == "held":
        held = {str(record.id)}
    elif case == "too_early":
        record = record.model_copy(update={"publicity_start_date": date(2026, 4, 1)})
    with pytest.raises((ValidationFailed, Conflict)) as raised:
        records.choose_records(SUBJECT, "penalty_publicity", asked, [record], held, RULES,
                               AT.date())
    assert code_of(raised) == code
    if code == "RECORD_NOT_ELIGIBLE":
        assert raised.value.details["reason_code"] == "PUBLICITY_TOO_SHORT"
        assert raised.value.details["earliest_eligible_date"] == "2026-07-01"
        assert raised.value.details["rule_version"] == "2026.1"


def test_at_the_counter_a_record_belongs_to_the_unit_that_decides_on_it():
    def unit_may_file(record, record_type, unit):
        try:
            records.require_records_of_unit([record], SUBJECT, record_type, unit)
            return True
        except Forbidden:
            return False

    assert unit_may_file(penalty(), "penalty_publicity", "44010601")
    listed = penalty(record_type="abnormal_operation_list", deciding_unit_code=None,
                     listing_unit_code="44010602")
    assert unit_may_file(listed, "abnormal_operation_list", "44010602")
    # made by no office we know: the credit section of the record's district
    unknown = penalty(deciding_unit_code=None, district_code="440113")
    assert unit_may_file(unknown, "penalty_publicity", "44011390")
    assert not unit_may_file(unknown, "penalty_publicity", "44011301")
    # another department's penalty: the credit section where the subject is registered
    assert unit_may_file(penalty(district_code="440113"), "other_department_penalty",
                         "44010690")


def test_at_the_counter_an_officer_files_only_for_records_of_their_unit():
    mine, theirs = penalty(), penalty(deciding_unit_code="44011301")
    records.require_records_of_unit([mine], SUBJECT, "penalty_publicity", "44010601")
    with pytest.raises(Forbidden) as raised:
        records.require_records_of_unit([mine, theirs], SUBJECT, "penalty_publicity",
                                        "44010601")
    assert code_of(raised) == "RECORD_NOT_OF_MY_UNIT"
    assert raised.value.details == {"record_id": str(theirs.id)}


# -- signing --------------------------------------------------------------------------------

def signature(kind, content_hash="h1", signed=True) -> dict:
    return {"kind": kind, "content_hash": content_hash, "signed_at": AT if signed else None}


def test_signing_is_required_by_the_rules_except_at_the_counter():
    assert signing.signing_required(RULES, draft(uuid.uuid4()))
    assert not signing.signing_required(RULES, draft(counter_officer_id=uuid.uuid4()))
    assert not signing.signing_required(RULES, draft(uuid.uuid4(),
                                                     record_type="abnormal_operation_list"))


def test_signing_is_complete_with_seal_and_signature_of_the_content_as_it_is():
    both = [signature(signing.E_SEAL), signature(signing.LEGAL_REP_SIGNATURE)]
    state = signing.signing_state(True, "h1", both, set(), SUBJECT)
    assert state == {"required": True, "content_hash": "h1", "e_seal": True,
                     "legal_rep_signature": True, "signature_alternative": None,
                     "complete": True}
    # the content changed since: neither counts
    changed = signing.signing_state(True, "h2", both, set(), SUBJECT)
    assert (changed["e_seal"], changed["legal_rep_signature"], changed["complete"]) == \
        (False, False, False)
    # a link not yet used is no signature
    unsigned = [signature(signing.E_SEAL), signature(signing.LEGAL_REP_SIGNATURE, signed=False)]
    assert not signing.signing_state(True, "h1", unsigned, set(), SUBJECT)["complete"]
    assert signing.signing_state(False, "h1", [], set(), SUBJECT)["complete"]


@pytest.mark.parametrize("subject_changes, alternative", [
    ({"proof_material_mode": True}, "special_circumstances_proof"),
    ({"legal_rep_document_type": "passport"}, "legal_rep_document"),
    ({"legal_rep_document_type": "resident_id"}, None),
])
def test_a_material_may_stand_in_for_the_signature(subject_changes, alternative):
    subject = {**SUBJECT, **subject_changes}
    sealed = [signature(signing.E_SEAL)]
    assert signing.signature_alternative(subject) == alternative
    without = signing.signing_state(True, "h1", sealed, set(), subject)
    assert without["signature_alternative"] == alternative and not without["complete"]
    if alternative:
        assert signing.signing_state(True, "h1", sealed, {alternative}, subject)["complete"]


def test_an_incomplete_signing_refuses_the_submission_saying_what_is_missing():
    state = signing.signing_state(True, "h1", [signature(signing.E_SEAL)], set(), SUBJECT)
    with pytest.raises(Conflict) as raised:
        signing.require_signed(state)
    assert code_of(raised) == "SIGNING_INCOMPLETE"
    assert "content_hash" not in raised.value.details["signing"]
    assert raised.value.details["signing"]["e_seal"] is True


def test_a_signature_link_is_single_use_expires_and_is_bound_to_the_content():
    link = {"signed_at": None, "expires_at": AT + timedelta(minutes=5), "content_hash": "h1"}
    signing.require_usable_link(link, AT)
    signing.require_unchanged_content(link, "h1")
    with pytest.raises(Conflict) as used:
        signing.require_usable_link({**link, "signed_at": AT}, AT)
    with pytest.raises(Conflict) as expired:
        signing.require_usable_link(link, AT + timedelta(minutes=5))
    with pytest.raises(Conflict) as changed:
        signing.require_unchanged_content(link, "h2")
    assert [code_of(r) for r in (used, expired, changed)] == [
        "SIGNATURE_LINK_USED", "SIGNATURE_LINK_EXPIRED", "CONTENT_CHANGED"]


def test_only_the_registered_legal_representative_signs():
    assert signing.checked_signer(" 张三 ", SUBJECT) == "张三"
    for wrong in ("李四", "", None):
        with pytest.raises(ValidationFailed) as raised:
            signing.checked_signer(wrong, SUBJECT)
        assert code_of(raised) == "SIGNER_MISMATCH"


def test_links_are_kept_by_the_hash_of_their_token():
    assert signing.token_hash("abc") == signing.token_hash("abc") != signing.token_hash("abd")
    assert len(signing.token_hash("abc")) == 64


# -- submission, materials, rule versions, guides -------------------------------------------

def test_a_submission_again_with_its_key_is_a_replay_once_numbered():
    application = draft(uuid.uuid4())
    application.idempotency_key = "k1"
    assert not submission.is_replay(application, "k1")  # not numbered yet
    application.acceptance_number = "XF-440106-20260506-000001"
    assert submission.is_replay(application, "k1")
    assert not submission.is_replay(application, "k2")
    assert not submission.is_replay(application, None)


def test_only_a_draft_or_a_returned_application_is_submitted():
    application = draft(uuid.uuid4())
    for status in ("draft", "returned"):
        application.status = status
        submission.require_submittable(application)
    application.status = "submitted"
    with pytest.raises(Conflict) as raised:
        submission.require_submittable(application)
    assert code_of(raised) == "ALREADY_SUBMITTED"
    assert raised.value.details == {"status": "submitted"}


def test_the_materials_the_rules_ask_for_are_listed_and_required():
    provided = [{"kind": "application_form", "sha256": "a"}]
    assert submission.materials_checklist(RULES, "penalty_publicity", provided) == [
        {"kind": "application_form", "label": "信用修复申请书", "provided": True},
        {"kind": "commitment", "label": "信用承诺书", "provided": False}]
    with pytest.raises(ValidationFailed) as raised:
        submission.require_materials(RULES, "penalty_publicity", provided)
    assert code_of(raised) == "MATERIALS_MISSING"
    assert raised.value.details == {"missing": ["commitment"]}
    assert raised.value.message == "缺少必需的申请材料：信用承诺书"
    submission.require_materials(RULES, "abnormal_operation_list", provided)


def test_each_submission_is_kept_with_its_materials_hashes_and_rule_version():
    application = draft(uuid.uuid4(), form={"contact_name": "李四"})
    snapshot = submission.version_snapshot(
        application, [{"kind": "commitment", "sha256": "s", "file_name": "x.pdf"}], "2026.1")
    assert snapshot == {"form": {"contact_name": "李四"}, "records": application.records,
                        "materials": [{"kind": "commitment", "sha256": "s"}],
                        "rule_version": "2026.1"}


@pytest.mark.parametrize("in_application, of_owner, code", [
    (19, 199, None), (20, 0, "TOO_MANY_MATERIALS"), (0, 200, "MATERIAL_QUOTA_EXCEEDED"),
    (19, None, None),
])
def test_material_quotas(in_application, of_owner, code):
    if code is None:
        materials.check_quota(in_application, of_owner, 20, 200)
        return
    with pytest.raises(Conflict) as raised:
        materials.check_quota(in_application, of_owner, 20, 200)
    assert code_of(raised) == code


def test_an_unknown_material_kind_is_refused():
    materials.check_kind("commitment")
    with pytest.raises(ValidationFailed) as raised:
        materials.check_kind("selfie")
    assert code_of(raised) == "UNKNOWN_MATERIAL_KIND"


def test_a_new_rule_version_starts_after_today_and_names_known_record_types():
    today = date(2026, 5, 6)
    valid = {"record_types": {t: {**rule, "article": "第十条"}
                              for t, rule in RULES.rules["record_types"].items()}}
    eligibility.check_new_version(date(2026, 5, 7), valid, today)
    with pytest.raises(ValidationFailed) as raised:
        eligibility.check_new_version(today, valid, today)
    assert code_of(raised) == "EFFECTIVE_DATE_NOT_IN_FUTURE"
    for rules, field in (({}, "rules.record_types"),
                         ({"record_types": {"parking": {}}}, "rules.record_types.parking"),
                         (RULES.rules, "rules.record_types.penalty_publicity.article")):
        with pytest.raises(ValidationFailed) as raised:
            eligibility.check_new_version(date(2026, 5, 7), rules, today)
        assert code_of(raised) == "INVALID_RULES"
        assert field in {e["field"] for e in raised.value.details["errors"]}


def test_only_the_guide_and_notice_in_force_are_acknowledged():
    guides.require_current_guide(2, {"version": 2})
    guides.require_current_notice("3", {"version": 3})
    with pytest.raises(Conflict) as guide:
        guides.require_current_guide(1, {"version": 2})
    with pytest.raises(Conflict) as notice:
        guides.require_current_notice(2, {"version": 3})
    assert (code_of(guide), code_of(notice)) == ("GUIDE_VERSION_OUTDATED",
                                                  "LEGAL_NOTICE_OUTDATED")
    assert guide.value.details == {"current_version": 2}


def test_a_draft_needs_its_guide_acknowledged():
    guides.require_acknowledged(True, {"version": 4})
    with pytest.raises(Forbidden) as raised:
        guides.require_acknowledged(False, {"version": 4})
    assert code_of(raised) == "GUIDE_NOT_ACKNOWLEDGED"
    assert raised.value.details == {"guide_version": 4}


def test_a_form_saved_over_another_change_is_refused_with_the_current_version():
    application = draft(uuid.uuid4())
    application.require_version("1")
    application.update_form({}, AT)
    with pytest.raises(Conflict) as raised:
        application.require_version(1)
    assert code_of(raised) == "STALE_VERSION"
    assert raised.value.details == {"current_version": 2}


def test_the_domain_imports_no_framework_database_or_broker_library():
    modules = ["access", "eligibility", "forms", "guides", "identity", "materials", "model",
               "records", "signing", "submission"]
    probe = ("import sys\n" + "".join(f"import intake.domain.{m}\n" for m in modules) +
             "print(sorted(n for n in ('nameko', 'sqlalchemy', 'pika', 'kombu', 'eventlet',"
             " 'psycopg2', 'fastapi') if n in sys.modules))")
    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                           check=True).stdout.strip()
    assert found == "[]"
