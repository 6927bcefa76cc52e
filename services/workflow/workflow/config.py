from pydantic import Field

from credit_common.settings import LoginSettings, service_settings


# the name and WORKFLOW_DATABASE_URL, WORKFLOW_MIGRATION_DATABASE_URL, WORKFLOW_AMQP_URI
class WorkflowSettings(service_settings("workflow", LoginSettings)):
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
