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


class CaseOpened(Event):
    event_type: ClassVar[str] = "case_opened"
    source: ClassVar[str] = "workflow"

    case_id: uuid.UUID
    application_id: uuid.UUID
    acceptance_number: str
    opened_at: datetime
