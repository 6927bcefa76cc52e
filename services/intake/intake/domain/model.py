"""Applications as the applicant side sees them. Plain Python: no Nameko, no SQLAlchemy."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from credit_common.contracts.events import ApplicationSubmitted, Event

DISTRICT_CODE = re.compile(r"^\d{6}$")


def acceptance_number(district_code: str, day: date, sequence: int) -> str:
    """``XF-<district>-<yyyymmdd>-<6-digit daily sequence per district>`` (DOMAIN.md)."""
    if not DISTRICT_CODE.match(district_code):
        raise ValueError(f"district code must be 6 digits: {district_code!r}")
    if not 1 <= sequence <= 999_999:
        raise ValueError(f"daily sequence out of range: {sequence}")
    return f"XF-{district_code}-{day:%Y%m%d}-{sequence:06d}"


@dataclass
class Application:
    id: uuid.UUID
    acceptance_number: str
    record_type: str
    subject_uscc: str
    subject_name: str
    district_code: str
    status: str
    submitted_at: datetime
    updated_at: datetime
    idempotency_key: str | None = None
    case_id: uuid.UUID | None = None
    version: int = 1
    events: list[Event] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def submit(cls, *, acceptance_number: str, record_type: str, subject_uscc: str,
               subject_name: str, district_code: str, submitted_at: datetime,
               idempotency_key: str | None) -> "Application":
        application = cls(
            id=uuid.uuid4(), acceptance_number=acceptance_number, record_type=record_type,
            subject_uscc=subject_uscc, subject_name=subject_name, district_code=district_code,
            status="submitted", submitted_at=submitted_at, updated_at=submitted_at,
            idempotency_key=idempotency_key,
        )
        application.events.append(ApplicationSubmitted(
            application_id=application.id, acceptance_number=acceptance_number,
            record_type=record_type, subject_uscc=subject_uscc, subject_name=subject_name,
            district_code=district_code, submitted_at=submitted_at,
        ))
        return application

    def case_opened(self, case_id: uuid.UUID, at: datetime) -> bool:
        """The officer side has the case; the applicant now waits for acceptance."""
        if self.case_id is not None:
            return False
        self.case_id = case_id
        if self.status == "submitted":
            self.status = "pending_acceptance"
        self.updated_at = at
        self.version += 1
        return True
