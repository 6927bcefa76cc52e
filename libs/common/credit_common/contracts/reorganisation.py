"""Temporary repair during a bankruptcy reorganisation: the court's rulings as an application
keeps them, and the two events between intake (which holds the application and its rulings)
and disclosure (which holds the records and the expiry).

intake → disclosure ``reorganisation_changed``: the case was approved (``granted``, with the
expiry), the court confirmed the plan or terminated the reorganisation, or the approval was
revoked. disclosure → intake ``temporary_repair_changed``: what that did to the records, or
that the expiry reinstated them. Each event carries the record ids and the subject, so either
may arrive first and disclosure still converges (``disclosure.domain.temporary_repairs``).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import Field

from credit_common.contracts.base import Contract
from credit_common.contracts.events import ApplicationEvent
from credit_common.contracts.vocabulary import CourtRulingKind, TemporaryRepairState


class CourtRuling(Contract):
    """One ruling of the court as the administrator (or an officer) entered it; the PDF it
    came with is a material of the application."""

    kind: CourtRulingKind
    court: str = Field(min_length=2, max_length=100, description="作出裁定的人民法院")
    case_number: str = Field(min_length=4, max_length=60, description="案号，如（2026）粤01破12号")
    ruling_date: date
    #: the subject the ruling names (the debtor): a ruling accepting the reorganisation only
    debtor_name: str | None = Field(None, max_length=200)
    debtor_code: str | None = Field(None, max_length=18)


#: what intake tells disclosure
ReorganisationChange = Literal["granted", "plan_confirmed", "terminated", "revoked"]
#: why the records changed, as disclosure tells intake
TemporaryRepairCause = Literal["granted", "plan_confirmed", "terminated", "expired", "revoked"]


class ReorganisationChanged(ApplicationEvent, event_type="reorganisation_changed",
                            source="intake"):
    subject_code: str
    record_ids: list[uuid.UUID]
    change: ReorganisationChange
    #: granted: the day the records are publicised again unless the plan is confirmed first
    expires_on: date | None = None
    #: granted: the ruling that accepted the reorganisation; plan_confirmed / terminated: the
    #: ruling that did it
    ruling: CourtRuling | None = None
    #: granted and revoked: the case's decision id
    decision_id: str | None = None
    occurred_at: datetime


class TemporaryRepairChanged(ApplicationEvent, event_type="temporary_repair_changed",
                             source="disclosure"):
    state: TemporaryRepairState
    cause: TemporaryRepairCause
    expires_on: date | None = None
    #: the records the change moved (a record changed meanwhile by something else is left out)
    record_ids: list[uuid.UUID] = []
    occurred_at: datetime
