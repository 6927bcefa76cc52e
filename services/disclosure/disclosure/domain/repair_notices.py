"""两书同达: which records come with a 信用修复告知书. Plain Python.

A penalty decided by one of the market supervision bureau's own units (``penalty_publicity``
whose ``deciding_unit_code`` is a unit of the organisation reference data: the city bureau,
a district bureau, an office or a credit section) gets one when it enters the public record;
another department's penalty (``other_department_penalty``, named by department only) and
every listing get none: their repair is not ours to announce.
"""

from __future__ import annotations

from credit_common.contracts.vocabulary import RecordType
from credit_common.reference.organisation import unit

from disclosure.domain.model import Record

#: the document kind disclosure shows on the record once workflow issued it
REPAIR_NOTICE = "repair_notice"


def issues_repair_notice(record: Record) -> bool:
    return (record.record_type == RecordType.penalty_publicity
            and record.decision_number is not None and record.decision_date is not None
            and bool(record.deciding_unit_code) and unit(record.deciding_unit_code) is not None)
