from typing import ClassVar

from pydantic import Field

from credit_common.settings import LoginSettings


class WorkflowSettings(LoginSettings):
    service_name: ClassVar[str] = "workflow"
    service_database_url: str | None = Field(None, validation_alias="WORKFLOW_DATABASE_URL")
    service_migration_database_url: str | None = Field(
        None, validation_alias="WORKFLOW_MIGRATION_DATABASE_URL")
    process_amqp_uri: str | None = Field(None, validation_alias="WORKFLOW_AMQP_URI")

    #: DOMAIN.md: the approver may not be the handler of the same case, unless this is set
    approver_may_handle: bool = Field(False, validation_alias="APPROVER_MAY_HANDLE")
    #: the public address documents' QR codes point to (the gateway's)
    public_base_url: str = Field("http://127.0.0.1:8000", validation_alias="PUBLIC_BASE_URL")
    #: how often the document renderer (``python -m workflow documents``) looks for work
    document_render_interval_s: float = Field(0.2, gt=0,
                                              validation_alias="DOCUMENT_RENDER_INTERVAL_S")
    #: how often the deadline reminders and escalations are checked
    deadline_check_interval_s: float = Field(300, gt=0,
                                             validation_alias="DEADLINE_CHECK_INTERVAL_S")
