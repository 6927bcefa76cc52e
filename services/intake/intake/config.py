from typing import ClassVar

from pydantic import Field

from credit_common.settings import ServiceSettings


class IntakeSettings(ServiceSettings):
    service_name: ClassVar[str] = "intake"
    service_database_url: str | None = Field(None, validation_alias="INTAKE_DATABASE_URL")
