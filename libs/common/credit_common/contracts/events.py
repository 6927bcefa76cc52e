"""Domain events between services. Each class names its ``event_type`` and source service;
the topology (``credit_common.topology``) says who consumes it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel


class Event(BaseModel):
    event_type: ClassVar[str]
    source: ClassVar[str]


class ApplicationSubmitted(Event):
    event_type: ClassVar[str] = "application_submitted"
    source: ClassVar[str] = "intake"

    application_id: uuid.UUID
    acceptance_number: str
    record_type: str
    subject_uscc: str
    subject_name: str
    district_code: str
    submitted_at: datetime
    version: int = 1
    #: the records the applicant asks to repair (disclosure's ids), where the officer side
    #: routes the case from
    record_ids: list[uuid.UUID] = []
    deciding_unit_code: str | None = None
    subject_district_code: str | None = None


class ApplicationWithdrawn(Event):
    event_type: ClassVar[str] = "application_withdrawn"
    source: ClassVar[str] = "intake"

    application_id: uuid.UUID
    acceptance_number: str
    withdrawn_at: datetime
    reason: str | None = None


class CaseOpened(Event):
    event_type: ClassVar[str] = "case_opened"
    source: ClassVar[str] = "workflow"

    case_id: uuid.UUID
    application_id: uuid.UUID
    acceptance_number: str
    opened_at: datetime
