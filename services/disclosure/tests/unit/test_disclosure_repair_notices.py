"""两书同达: which records come with a 信用修复告知书."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from disclosure.domain.model import Record
from disclosure.domain.repair_notices import issues_repair_notice


def record(**changes) -> Record:
    return Record(**{"id": uuid.uuid4(), "subject_id": uuid.uuid4(),
                     "record_type": "penalty_publicity", "district_code": "440106",
                     "source_record_id": "x", "decision_number": "穗天市监处罚〔2026〕1号",
                     "decision_date": date(2026, 11, 30), "deciding_unit_code": "44010601",
                     **changes})


@pytest.mark.parametrize("unit_code", ["44010601", "440106", "44010690", "440100"])
def test_a_penalty_of_any_of_our_units_comes_with_a_notice(unit_code):
    assert issues_repair_notice(record(deciding_unit_code=unit_code))


@pytest.mark.parametrize("changes", [
    {"deciding_unit_code": None, "deciding_department_name": "广州市生态环境局"},
    {"record_type": "other_department_penalty", "deciding_department_name": "广州市生态环境局"},
    {"deciding_unit_code": "44010699"},          # no such office
    {"deciding_unit_code": "32010601"},          # not the city's
    {"record_type": "abnormal_operation_list", "deciding_unit_code": None,
     "listing_unit_code": "44010601"},
    {"decision_number": None},
])
def test_other_records_come_with_none(changes):
    assert not issues_repair_notice(record(**changes))
