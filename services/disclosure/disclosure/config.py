from typing import ClassVar

from pydantic import Field

from credit_common.settings import ServiceSettings


class DisclosureSettings(ServiceSettings):
    service_name: ClassVar[str] = "disclosure"
    service_database_url: str | None = Field(None, validation_alias="DISCLOSURE_DATABASE_URL")
