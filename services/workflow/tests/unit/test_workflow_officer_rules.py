"""Who an officer's lists and an administrator's powers reach, in plain Python."""

from __future__ import annotations

import uuid

import pytest

from credit_common.errors import Forbidden, ValidationFailed
from workflow.domain import officers
from workflow.domain.model import OPEN_STATUSES, Officer
from workflow.domain.todo import running, todo_statuses, wanted_statuses


def officer(unit="44010601", *roles, active=True):
    return Officer(id=uuid.uuid4(), name="人员", unit_code=unit,
                   roles=tuple(roles) or ("handler",), phone="13800138000", active=active)


def test_an_officer_who_is_gone_or_disabled_is_refused():
    assert officers.require_usable(someone := officer()) is someone
    for gone in (None, officer(active=False)):
        assert not officers.usable(gone)
        with pytest.raises(Forbidden) as refused:
            officers.require_usable(gone)
        assert refused.value.code == "OFFICER_DISABLED"


def test_scope_is_the_office_the_district_or_everything():
    assert officers.scope(officer("44010601")) == (["44010601"], None)
    assert officers.scope(officer("440106")) == (None, ["440106"])
    assert officers.scope(officer("44010690")) == (None, ["440106"])
    assert officers.scope(officer("440100")) == (None, None)
    assert officers.scope(officer("99999999")) == ([], None)


def test_an_administrator_manages_within_the_scope_only():
    office, district, city = officer("44010601"), officer("440106"), officer("440100")
    assert officers.in_scope(office, "44010601") and not officers.in_scope(office, "44010602")
    assert officers.in_scope(district, "44010602") and officers.in_scope(district, "44010690")
    assert not officers.in_scope(district, "44010401") and not officers.in_scope(district, "")
    assert officers.in_scope(city, "44010401")
    with pytest.raises(Forbidden) as refused:
        officers.require_in_scope(district, "44010401")
    assert (refused.value.code, refused.value.details) == ("OFFICER_OUTSIDE_SCOPE",
                                                           {"unit_code": "44010401"})
    assert [u.code for u in officers.units_in_scope(office)] == ["44010601"]
    tianhe = {u.code for u in officers.units_in_scope(district)}
    assert {"440106", "44010601", "44010606", "44010690"} <= tianhe
    assert all(code.startswith("440106") for code in tianhe)
    assert "440100" in {u.code for u in officers.units_in_scope(city)}


def test_only_an_administrator_administers():
    officers.require_admin(officer("44010601", "administrator"))
    with pytest.raises(Forbidden) as refused:
        officers.require_admin(officer("44010601", "handler", "approver"))
    assert refused.value.code == "ROLE_REQUIRED"


@pytest.mark.parametrize("check, value, code", [
    (officers.checked_name, "  ", "INVALID_NAME"),
    (officers.checked_name, "名" * 51, "INVALID_NAME"),
    (officers.checked_unit, "12345678", "UNKNOWN_UNIT"),
    (officers.checked_unit, None, "UNKNOWN_UNIT"),
    (officers.checked_roles, [], "INVALID_ROLES"),
    (officers.checked_roles, ["clerk"], "INVALID_ROLES"),
])
def test_an_officers_name_unit_and_roles_are_checked(check, value, code):
    with pytest.raises(ValidationFailed) as refused:
        check(value)
    assert refused.value.code == code


def test_checked_values_are_cleaned():
    assert officers.checked_name(" 张三 ") == "张三"
    assert officers.checked_unit("44010601").code == "44010601"
    assert officers.checked_roles(["handler", "reviewer", "handler"]) == ("handler", "reviewer")


def test_the_section_head_role_belongs_in_a_district_credit_section_only():
    officers.require_role_fits_unit(officer("44010690", "section_head", "approver"))
    officers.require_role_fits_unit(officer("44010601", "reviewer"))
    for unit in ("44010601", "440106", "440100", "99999999"):
        with pytest.raises(ValidationFailed) as refused:
            officers.require_role_fits_unit(officer(unit, "section_head"))
        assert (refused.value.code, refused.value.details["role"]) == (
            "ROLE_NOT_FOR_UNIT", "section_head")
    admin = officer("440106", "administrator")
    with pytest.raises(ValidationFailed) as refused:
        officers.changed(admin, officer("44010601"), roles=["section_head"])
    assert refused.value.code == "ROLE_NOT_FOR_UNIT"
    assert officers.changed(admin, officer("44010690"), roles=["section_head"])[0].roles == (
        "section_head",)


def test_a_change_says_whether_the_officers_powers_changed():
    admin = officer("440106", "administrator")
    clerk = officer("44010601")
    renamed, powers = officers.changed(admin, clerk, name=" 李四 ")
    assert (renamed.name, renamed.id, renamed.phone, powers) == ("李四", clerk.id, clerk.phone,
                                                                False)
    for change in ({"roles": ["handler", "reviewer"]}, {"unit_code": "44010602"},
                   {"active": False}):
        assert officers.changed(admin, clerk, **change)[1] is True, change
    assert officers.changed(admin, clerk, roles=["handler"])[1] is False
    assert officers.changed(admin, officer(active=False), active=True)[1] is False


def test_a_change_outside_the_scope_or_of_ones_own_powers_is_refused():
    admin = officer("440106", "administrator")
    for found, change in ((None, {}), (officer("44010401"), {}),
                          (officer("44010601"), {"unit_code": "44010401"})):
        with pytest.raises(Forbidden) as refused:
            officers.changed(admin, found, **change)
        assert refused.value.code == "OFFICER_OUTSIDE_SCOPE"
    with pytest.raises(Forbidden) as refused:
        officers.changed(admin, admin, roles=["handler"])
    assert refused.value.code == "OWN_ACCOUNT_NOT_CHANGEABLE"
    assert officers.changed(admin, admin, name="新名字")[0].name == "新名字"


def test_the_todo_list_holds_the_steps_of_the_officers_roles():
    # 复审 is the credit section head's step, not a reviewer's
    assert todo_statuses(officer("44010601", "reviewer")) == {"under_review"}
    assert todo_statuses(officer("44010601", "section_head")) == {"second_review"}
    assert todo_statuses(officer("44010601", "approver")) == {"under_approval"}
    assert "pending_acceptance" in todo_statuses(officer("44010601", "handler"))
    # an administrator, and a district or city officer, sees every open step
    assert todo_statuses(officer("44010601", "administrator")) == OPEN_STATUSES
    assert todo_statuses(officer("440106", "approver")) == OPEN_STATUSES


def test_the_todo_filters_narrow_the_statuses():
    handler = officer("44010601", "handler")
    assert wanted_statuses(handler, "accepted, under_review,returned", False) == ["accepted"]
    assert wanted_statuses(handler, None, True) == ["accepted", "pending_acceptance"]
    assert wanted_statuses(handler, "approved", True) == []
    assert running(["approved", "under_approval", "accepted"]) == ["accepted", "under_approval"]
