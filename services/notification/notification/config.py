from typing import ClassVar

from pydantic import Field

from credit_common.settings import ServiceSettings


class NotificationSettings(ServiceSettings):
    service_name: ClassVar[str] = "notification"
    service_database_url: str | None = Field(None, validation_alias="NOTIFICATION_DATABASE_URL")
