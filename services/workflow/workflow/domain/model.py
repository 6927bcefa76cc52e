"""Cases as officers work them. Plain Python: no Nameko, no SQLAlchemy."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from credit_common.contracts.events import ApplicationSubmitted, CaseOpened, Event


@dataclass
class Case:
    id: uuid.UUID
    application_id: uuid.UUID
    acceptance_number: str
    record_type: str
    subject_uscc: str
    subject_name: str
    district_code: str
    status: str
    submitted_at: datetime
    opened_at: datetime
    version: int = 1
    events: list[Event] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def open_for(cls, submitted: ApplicationSubmitted, at: datetime) -> "Case":
        case = cls(
            id=uuid.uuid4(), application_id=submitted.application_id,
            acceptance_number=submitted.acceptance_number, record_type=submitted.record_type,
            subject_uscc=submitted.subject_uscc, subject_name=submitted.subject_name,
            district_code=submitted.district_code, status="pending_acceptance",
            submitted_at=submitted.submitted_at, opened_at=at,
        )
        case.events.append(CaseOpened(case_id=case.id, application_id=case.application_id,
                                      acceptance_number=case.acceptance_number, opened_at=at))
        return case
