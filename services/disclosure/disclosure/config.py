from typing import ClassVar

from pydantic import Field

from credit_common.settings import ServiceSettings


class DisclosureSettings(ServiceSettings):
    service_name: ClassVar[str] = "disclosure"
    service_database_url: str | None = Field(None, validation_alias="DISCLOSURE_DATABASE_URL")
    #: how often the daily jobs are tried; each runs once per day whatever the interval
    jobs_interval_s: float = Field(600.0, gt=0, validation_alias="DISCLOSURE_JOBS_INTERVAL_S")
    #: inbound inter-agency consumer (python -m disclosure inbound)
    inbound_prefetch: int = Field(50, ge=1, validation_alias="DISCLOSURE_INBOUND_PREFETCH")
