"""Domain events between services. Each class names its ``event_type`` and source service;
the topology (``credit_common.topology``) says who consumes it."""

from __future__ import annotations

import uuid
from datetime import date, datetime
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


class CaseStatusChanged(Event):
    """Every step of a case the applicant should see; ``case_version`` grows with each, so a
    late or repeated event never moves an application backwards."""

    event_type: ClassVar[str] = "case_status_changed"
    source: ClassVar[str] = "workflow"

    case_id: uuid.UUID
    application_id: uuid.UUID
    acceptance_number: str
    case_version: int
    #: accepted | not_accepted | returned | transferred | under_review | second_review |
    #: under_approval | approved | rejected | closed | revoked
    status: str
    occurred_at: datetime
    #: the reason (not accepted, rejected) or what to correct (returned), for the applicant
    note: str | None = None
    #: set when the status is ``approved``: what disclosure applies the outcome under
    decision_id: str | None = None
    record_type: str | None = None
    record_ids: list[uuid.UUID] = []
    #: the unit that holds the case after this step
    unit_code: str | None = None


class CaseDeadline(Event):
    """A case's deadline is near (``reminder``: one working day left, to the unit and its
    handler) or passed (``escalation``: to the district's credit section)."""

    event_type: ClassVar[str] = "case_deadline"
    source: ClassVar[str] = "workflow"

    case_id: uuid.UUID
    acceptance_number: str
    subject_name: str
    kind: str                      # reminder | escalation
    due: date
    status: str
    unit_code: str
    handler_id: uuid.UUID | None = None
    #: who is told: the case's unit (reminder) or the district's credit section (escalation)
    recipient_unit_code: str


class ApplicationStatusChanged(Event):
    """What the applicant now sees, for the notification service to tell them."""

    event_type: ClassVar[str] = "application_status_changed"
    source: ClassVar[str] = "intake"

    application_id: uuid.UUID
    acceptance_number: str
    applicant_id: uuid.UUID | None = None
    contact_phone: str | None = None
    status: str
    status_label: str
    note: str | None = None
    occurred_at: datetime
