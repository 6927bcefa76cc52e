"""The withdrawal of a penalty of ours, without a database: who may, what the ruling must say,
which state it leaves the record in, and that nothing leads out of 已撤销."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from credit_common.contracts.officers import ActingOfficer
from credit_common.errors import Conflict, Forbidden, ValidationFailed
from disclosure.domain.model import CauseKind, Record
from disclosure.domain.withdrawals import (checked_ruling, note_of,
                                           require_may_read_ruling, require_may_withdraw,
                                           require_publicised)

TODAY = date(2026, 12, 7)


def acting(unit_code: str, roles: list[str], active: bool = True) -> ActingOfficer:
    return ActingOfficer(id=uuid.uuid4(), name="王审批", unit_code=unit_code, roles=roles,
                         active=active)


APPROVER = acting("44010602", ["approver"])


def penalty(**changes) -> Record:
    return Record(**{"id": uuid.uuid4(), "subject_id": uuid.uuid4(),
                     "record_type": "penalty_publicity", "district_code": "440106",
                     "source_record_id": "p-1", "deciding_unit_code": "44010601", **changes})


def code_of(raised) -> str:
    return raised.value.code


def test_an_approver_of_the_deciding_units_district_bureau_may_withdraw():
    require_may_withdraw(APPROVER, penalty())                       # another office, same bureau
    require_may_withdraw(APPROVER, penalty(deciding_unit_code="44010602"))


@pytest.mark.parametrize("officer, record, error, code", [
    (acting("44011101", ["approver"]), penalty(), Forbidden,
     "RECORD_NOT_OF_MY_DISTRICT"),
    (acting("44010601", ["handler", "reviewer"]), penalty(), Forbidden,
     "ROLE_REQUIRED"),
    (acting("44010601", ["approver"], active=False), penalty(),
     Forbidden, "OFFICER_DISABLED"),
    (APPROVER, penalty(record_type="other_department_penalty"), Conflict, "NOT_OWN_PENALTY"),
    (APPROVER, penalty(source_agency="gz-tax"), Conflict, "NOT_OWN_PENALTY"),
    (APPROVER, penalty(record_type="abnormal_operation_list", deciding_unit_code=None),
     Conflict, "NOT_OWN_PENALTY"),
])
def test_everyone_else_is_refused_with_a_code(officer, record, error, code):
    with pytest.raises(error) as raised:
        require_may_withdraw(officer, record)
    assert code_of(raised) == code


def test_the_ruling_must_be_complete_and_not_dated_after_today():
    ruling = checked_ruling("court_judgment", " （2026）粤0106行初55号 ", TODAY, " 判决撤销 ", TODAY)
    assert (ruling.number, ruling.reason, ruling.kind_label) == (
        "（2026）粤0106行初55号", "判决撤销", "法院判决")
    assert note_of(ruling) == "法院判决（（2026）粤0106行初55号，2026-12-07）：判决撤销"
    with pytest.raises(ValidationFailed) as raised:
        checked_ruling("appeal", "", TODAY + timedelta(days=1), "", TODAY)
    assert code_of(raised) == "INVALID_WITHDRAWAL"
    assert set(raised.value.details["fields"]) == {"ruling_kind", "ruling_number", "ruling_date",
                                                   "reason"}


def test_only_a_publicised_penalty_is_withdrawn_and_nothing_leads_out_of_withdrawn():
    record = penalty()
    require_publicised(record)
    at = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
    assert record.change_state("withdrawn", CauseKind.withdrawal, "w-1", at) is True
    assert [e.to_state for e in record.events] == ["withdrawn"]
    with pytest.raises(Conflict) as raised:
        require_publicised(record)
    assert code_of(raised) == "RECORD_ALREADY_WITHDRAWN"
    for later in ("active", "stopped", "removed"):
        with pytest.raises(Conflict):
            record.change_state(later, CauseKind.revocation, "d-1", at)
    with pytest.raises(Conflict) as raised:
        require_publicised(penalty(publicity_state="stopped"))
    assert code_of(raised) == "RECORD_NOT_PUBLICISED"


def test_the_ruling_file_is_for_the_deciding_units_district_bureau_and_the_city_bureau():
    for viewer in ("44010601", "44010690", "440106", "440100"):
        require_may_read_ruling(viewer, "44010601")
    with pytest.raises(Forbidden):
        require_may_read_ruling("44011101", "44010601")
