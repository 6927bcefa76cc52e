"""Domain events between services. Each class names its ``event_type`` and source service;
the topology (``credit_common.topology``) says who consumes it."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import ClassVar

from pydantic import BaseModel


class Event(BaseModel):
    """An event names its type and the service it comes from in its class line:
    ``class CaseOpened(Event, event_type="case_opened", source="workflow")``."""

    event_type: ClassVar[str]
    source: ClassVar[str]

    def __init_subclass__(cls, event_type: str | None = None, source: str | None = None,
                          **kwargs):
        super().__init_subclass__(**kwargs)
        if event_type is not None:
            cls.event_type = event_type
        if source is not None:
            cls.source = source


class ApplicationEvent(Event):
    """An event about one application, which people know by its acceptance number."""

    application_id: uuid.UUID
    acceptance_number: str


class CaseEvent(ApplicationEvent):
    """An event about the officers' case of one application."""

    case_id: uuid.UUID


class ApplicationSubmitted(ApplicationEvent, event_type="application_submitted",
                           source="intake"):
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


class ApplicationWithdrawn(ApplicationEvent, event_type="application_withdrawn",
                           source="intake"):
    withdrawn_at: datetime
    reason: str | None = None


class CaseOpened(CaseEvent, event_type="case_opened", source="workflow"):
    opened_at: datetime


class CaseStatusChanged(CaseEvent, event_type="case_status_changed", source="workflow"):
    """Every step of a case the applicant should see; ``case_version`` grows with each, so a
    late or repeated event never moves an application backwards."""

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


class CaseDeadline(Event, event_type="case_deadline", source="workflow"):
    """A case's deadline is near (``reminder``: one working day left, to the unit and its
    handler) or passed (``escalation``: to the district's credit section)."""

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


class ApplicationStatusChanged(ApplicationEvent, event_type="application_status_changed",
                               source="intake"):
    """What the applicant now sees, for the notification service to tell them."""

    applicant_id: uuid.UUID | None = None
    contact_phone: str | None = None
    status: str
    status_label: str
    note: str | None = None
    occurred_at: datetime


class ListingCured(Event, event_type="listing_cured", source="disclosure"):
    """A filing another agency announced cures the reason a record was listed for: the
    record is 可移出. ``removal`` is what the rule version in force says: ``immediate`` (a
    system decision) or ``officer_confirmation`` (one click of an officer of the listing
    unit)."""

    record_id: uuid.UUID
    record_type: str
    listing_reason: str
    listing_date: date | None = None
    listing_unit_code: str
    listing_document_number: str | None = None
    district_code: str
    subject_code: str
    subject_name: str
    #: annual_report | annual_report_correction | instant_info | instant_info_correction
    filing_kind: str
    filed_on: date
    report_year: int | None = None
    filing_agency: str
    filing_agency_name: str
    filing_message_id: uuid.UUID
    rule_version: str
    basis: str
    removal: str
    cured_at: datetime


class ListingRemovalDecided(Event, event_type="listing_removal_decided", source="workflow"):
    """Workflow decided (by the rule, or by an officer's click) to remove a cured listing and
    issued its numbered decision; disclosure applies it under the document's number."""

    removal_id: uuid.UUID
    record_id: uuid.UUID
    record_type: str
    #: remove_from_list | restore_normal_status
    outcome: str
    document_number: str
    decided_at: datetime
    #: None for a decision the rule made by itself
    officer_name: str | None = None
    note: str


class _OwnPenaltyEvent(Event):
    """The penalty of ours a 信用修复告知书 is about, and whom it tells."""

    record_id: uuid.UUID
    decision_number: str
    decision_date: date
    deciding_unit_code: str
    district_code: str
    subject_code: str
    subject_name: str
    legal_rep_name: str
    #: the legal representative's phone in full, for the notice's SMS (never shown publicly)
    legal_rep_phone: str


class PenaltyRecorded(_OwnPenaltyEvent, event_type="penalty_recorded", source="disclosure"):
    """A penalty decided by one of our own units entered the public record (created, never
    on an update): the start of 两书同达. Intake, which owns the eligibility rules, works out
    when and how the subject may apply for repair."""

    subject_kind: str
    #: the record as the registry shows it (``credit_common.contracts.registry.RegistryRecord``)
    record: dict
    recorded_at: datetime


class RepairNoticeRequested(_OwnPenaltyEvent, event_type="repair_notice_requested",
                            source="intake"):
    """Intake's answer to a ``penalty_recorded``: what the 信用修复告知书 tells the subject, by
    the eligibility rule version in force; workflow numbers and issues it."""

    #: False for a penalty whose publicity is never ended early, or that simply ends
    repairable: bool
    #: the first day the subject may apply (repairable only)
    earliest_date: date | None = None
    #: why not repairable, or the rule's own words on waiting
    reason: str
    rule_version: str
    article: str
    conditions: list[str] = []
    materials: list[str] = []
    requested_at: datetime


class RepairNoticeIssued(Event, event_type="repair_notice_issued", source="workflow"):
    """Workflow issued the numbered 信用修复告知书 of a penalty record: notification texts the
    legal representative the link, disclosure shows it on the public record."""

    record_id: uuid.UUID
    document_id: uuid.UUID
    kind: str
    kind_label: str
    number: str
    issued_on: date
    verification_code: str
    #: where the subject opens the document (the public PDF by its verification code)
    document_url: str
    subject_code: str
    subject_name: str
    legal_rep_phone: str
    earliest_date: date | None = None
    issued_at: datetime


class PenaltyWithdrawn(Event, event_type="penalty_withdrawn", source="disclosure"):
    """Our own penalty decision was withdrawn (revoked on administrative review, by a court's
    judgment, or corrected by the deciding unit itself): its publicity stopped at once.
    Notification tells the subject; workflow ends the open repair cases about the record."""

    withdrawal_id: uuid.UUID
    record_id: uuid.UUID
    record_type: str
    decision_number: str | None = None
    deciding_unit_code: str | None = None
    district_code: str
    subject_code: str
    subject_name: str
    #: the subject's phones that are told by SMS (legal representative's, liaison's)
    notify_phones: list[str] = []
    #: administrative_review | court_judgment | self_correction
    ruling_kind: str
    ruling_kind_label: str
    ruling_number: str
    ruling_date: date
    reason: str
    officer_name: str
    withdrawn_at: datetime
