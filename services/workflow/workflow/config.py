from typing import ClassVar

from pydantic import Field

from credit_common.settings import ServiceSettings


class WorkflowSettings(ServiceSettings):
    service_name: ClassVar[str] = "workflow"
    service_database_url: str | None = Field(None, validation_alias="WORKFLOW_DATABASE_URL")
