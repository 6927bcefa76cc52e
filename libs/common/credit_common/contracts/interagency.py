"""The inter-agency bus: what other agencies publish to us and what we publish to them.

An external contract (documented in ``services/disclosure/asyncapi.yaml``), so it is plain
JSON with a schema version, a message id and the source agency, not a Nameko event.
Inbound routing keys: ``record.published.<agency>`` and ``record.withdrawn.<agency>``;
outbound: ``record.publicity_changed``.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from credit_common.contracts.vocabulary import (PenaltyDomain, PenaltyKind, RecordType,
                                                SubjectKind)

SCHEMA_VERSION = "1.0"
AGENCY_CODE = r"^[a-z][a-z0-9-]{1,39}$"
OUR_AGENCY = "samr-guangzhou"

PUBLISHED = "record.published"
WITHDRAWN = "record.withdrawn"
PUBLICITY_CHANGED = "record.publicity_changed"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AgencyRecord(_Strict):
    """A record another agency holds against a subject: above all, another department's
    administrative penalty that we disclose for it."""

    source_record_id: str = Field(min_length=1, max_length=64)
    version: int = Field(ge=0, description="grows with every change the agency makes")
    record_type: RecordType = RecordType.other_department_penalty
    subject_code: str = Field(min_length=15, max_length=18, description="USCC or registration number")
    subject_name: str = Field(min_length=1, max_length=200)
    subject_kind: SubjectKind = SubjectKind.enterprise
    district_code: str = Field(pattern=r"^\d{6}$")
    decision_number: str = Field(min_length=1, max_length=100)
    decision_date: date
    publicity_start_date: date | None = None
    publicity_end_date: date | None = None
    penalty_domain: PenaltyDomain = PenaltyDomain.other
    penalty_kinds: list[PenaltyKind] = Field(min_length=1)
    fine_amount: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    severe: bool = False
    deciding_department_name: str = Field(min_length=1, max_length=200)


class Withdrawal(_Strict):
    source_record_id: str = Field(min_length=1, max_length=64)
    version: int = Field(ge=0)
    reason: str = Field(min_length=1, max_length=500)


class AgencyMessage(_Strict):
    schema_version: Literal["1.0"]
    message_id: uuid.UUID
    source_agency: str = Field(pattern=AGENCY_CODE)
    sent_at: datetime
    kind: Literal["record.published", "record.withdrawn"]
    record: AgencyRecord | None = None
    withdrawal: Withdrawal | None = None

    @model_validator(mode="after")
    def _body_matches_kind(self):
        if self.kind == PUBLISHED and self.record is None:
            raise ValueError("record.published needs 'record'")
        if self.kind == WITHDRAWN and self.withdrawal is None:
            raise ValueError("record.withdrawn needs 'withdrawal'")
        return self


class PublicityChangedMessage(_Strict):
    """What we tell other agencies (e.g. a national credit platform) after every change."""

    schema_version: Literal["1.0"] = SCHEMA_VERSION
    message_id: uuid.UUID
    source_agency: str = OUR_AGENCY
    sent_at: datetime
    record_id: uuid.UUID
    record_type: RecordType
    subject_code: str
    subject_name: str
    from_state: str | None
    to_state: str
    cause_kind: str
    cause_ref: str
    occurred_at: datetime
    source_record: dict | None = Field(
        None, description="the agency's own reference when the record came from another agency")
