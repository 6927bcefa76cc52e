"""Pydantic message contracts between the services. Plain JSON on the wire:
always ``model_dump(mode="json")``, never datetimes, UUIDs or Decimals as objects."""

from credit_common.contracts.envelope import EventEnvelope
from credit_common.contracts.events import ApplicationSubmitted, CaseOpened
from credit_common.contracts.commands import SubmitApplication
from credit_common.contracts.health import HealthStatus
from credit_common.contracts.vocabulary import RecordType

__all__ = [
    "EventEnvelope", "ApplicationSubmitted", "CaseOpened", "HealthStatus", "RecordType",
    "SubmitApplication",
]
