"""What the case page offers an officer: exactly the actions acting would allow now, and the
units a transfer may go to; what acting checks beyond the case itself."""

from __future__ import annotations

import uuid
from datetime import datetime, UTC

import pytest

from credit_common.contracts.events import ApplicationSubmitted
from credit_common.errors import Conflict, Forbidden
from workflow.domain.actions import (allowed_actions, approved, require_approval_to_revoke,
                                     require_own_unit, require_version)
from workflow.domain.model import Case, Officer, transfer_targets

NOW = datetime(2026, 11, 26, 10, tzinfo=UTC)


def case_of(record_type="abnormal_operation_list", unit="44010601"):
    return Case.open_for(ApplicationSubmitted(
        application_id=uuid.uuid4(), acceptance_number="XF-440106-20261126-000002",
        record_type=record_type, subject_uscc="91440106MA59ABCD1M", subject_name="广州测试",
        district_code="440106", submitted_at=NOW, record_ids=[uuid.uuid4()],
        deciding_unit_code=unit, subject_district_code="440106"), NOW)


def officer(unit="44010601", *roles):
    return Officer(id=uuid.uuid4(), name="人员", unit_code=unit, roles=tuple(roles) or ("handler",))


def offered(someone, case, steps=(), approver_may_handle=False):
    return allowed_actions(someone, case, list(steps), approver_may_handle)


def test_each_step_offers_its_role_exactly_what_acting_allows():
    case = case_of()
    handler, reviewer = officer(), officer("44010601", "reviewer")
    approver = officer("44010601", "approver")
    assert offered(handler, case) == ["accept", "not_accept", "return", "transfer"]
    assert offered(reviewer, case) == [] and offered(approver, case) == []
    case.act("accept", handler, None, NOW)
    assert offered(handler, case) == ["return", "transfer", "verify"]
    case.act("verify", handler, "已补报年报", NOW)
    assert offered(handler, case) == [] and offered(reviewer, case) == ["review"]
    case.act("review", reviewer, "同意", NOW)
    assert offered(approver, case) == ["approve", "reject"]
    case.act("approve", approver, "准予修复", NOW)
    steps = [{"action": "approve"}]
    assert offered(handler, case, steps) == ["close"]
    assert offered(approver, case, steps) == ["revoke"]
    assert offered(approver, case) == []     # revoking needs an approval in the form


def test_another_unit_the_city_and_the_four_eyes_rule_get_nothing_to_do():
    case = case_of()
    assert offered(officer("44010602"), case) == []
    assert offered(officer("440100", "handler", "administrator"), case) == []
    both = officer("44010601", "handler", "reviewer", "approver")
    case.act("accept", both, None, NOW)
    case.act("verify", both, "核实", NOW)
    case.act("review", both, "同意", NOW)
    assert offered(both, case) == []                              # the handler may not approve
    assert offered(both, case, approver_may_handle=True) == ["approve", "reject"]


def test_other_department_penalties_offer_first_and_second_review_by_different_people():
    case = case_of("other_department_penalty", unit=None)
    section = officer("44010690", "handler", "reviewer")
    head = officer("44010690", "section_head")
    case.act("accept", section, None, NOW)
    case.act("verify", section, "已核对", NOW)
    assert offered(section, case) == ["first_review"]
    case.act("first_review", section, "初审同意", NOW)
    assert offered(section, case) == [] and offered(head, case) == ["second_review"]
    # a reviewer of the section is not its head; the head takes nothing else of the case
    assert offered(officer("44010690", "handler", "reviewer", "approver"), case) == []


def test_the_district_credit_section_head_takes_the_second_review_of_an_offices_case():
    case = case_of("other_department_penalty", unit=None)
    section = officer("44010690", "handler")
    case.act("accept", section, None, NOW)
    case.act("transfer", section, "属天河南所辖区", NOW, target_unit_code="44010602")
    office = officer("44010602", "handler", "reviewer")
    case.act("verify", office, "已核对", NOW)
    case.act("first_review", office, "初审同意", NOW)
    head = officer("44010690", "section_head", "handler", "approver")
    assert offered(head, case) == ["second_review"]
    assert offered(officer("44010602", "reviewer", "section_head"), case) == []
    assert offered(officer("44010490", "section_head"), case) == []   # another district
    case.act("second_review", head, "复审同意", NOW)
    assert offered(head, case) == []                  # approval stays with the office


def test_every_offered_action_is_one_that_acting_accepts():
    case = case_of()
    handler = officer()
    for name in offered(handler, case):
        assert case.refusal(name, handler) is None
    assert case.refusal("verify", handler).code == "ILLEGAL_TRANSITION"
    assert case.refusal("accept", officer("44010601", "reviewer")).code == "ROLE_REQUIRED"
    assert case.refusal("fly", handler).code == "UNKNOWN_ACTION"


def test_transfer_targets_are_the_other_offices_of_the_same_district_only():
    codes = [u.code for u in transfer_targets("44010601")]
    assert codes == ["44010602", "44010603", "44010604", "44010605", "44010606"]
    assert all(u.name.endswith("市场监督管理所") for u in transfer_targets("44010601"))
    assert "44010690" not in [u.code for u in transfer_targets("44010602")]
    assert transfer_targets("99999999") == [] and transfer_targets(None) == []
    # every target passes the transfer's own checks
    for target in codes:
        case = case_of()
        case.act("transfer", officer(), "辖区调整", NOW, target_unit_code=target)
        assert case.unit_code == target


def test_acting_needs_the_own_units_case_as_the_officer_saw_it():
    case = case_of()
    require_own_unit(officer(), case)
    for outsider in (officer("44010602"), officer("440106"), officer("440100")):
        with pytest.raises(Forbidden) as refused:
            require_own_unit(outsider, case)
        assert (refused.value.code, refused.value.details) == ("CASE_NOT_OF_MY_UNIT",
                                                               {"unit_code": "44010601"})
    require_version(case, 1)
    case.act("accept", officer(), None, NOW)
    with pytest.raises(Conflict) as stale:
        require_version(case, 1)
    assert (stale.value.code, stale.value.details) == (
        "STALE_VERSION", {"current_version": 2, "current_status": "accepted"})


def test_a_revocation_needs_an_approval_in_the_approval_form():
    assert not approved([]) and not approved([{"action": "accept"}, {"action": "reject"}])
    assert approved([{"action": "accept"}, {"action": "approve"}, {"action": "close"}])
    require_approval_to_revoke([{"action": "approve"}])
    with pytest.raises(Conflict) as refused:
        require_approval_to_revoke([{"action": "accept"}, {"action": "reject"}])
    assert refused.value.code == "NOTHING_TO_REVOKE"
