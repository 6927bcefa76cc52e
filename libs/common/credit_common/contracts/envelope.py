from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from credit_common.clock import now


class EventEnvelope(BaseModel):
    """What travels on a service's events exchange: one event, its identity and its cause."""

    message_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    event_type: str
    source: str
    occurred_at: datetime = Field(default_factory=now)
    request_id: str | None = None
    data: dict
