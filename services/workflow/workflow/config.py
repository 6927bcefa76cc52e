from typing import ClassVar

from pydantic import Field

from credit_common.login import LoginPolicy
from credit_common.settings import ServiceSettings


class WorkflowSettings(ServiceSettings):
    service_name: ClassVar[str] = "workflow"
    service_database_url: str | None = Field(None, validation_alias="WORKFLOW_DATABASE_URL")

    #: HMAC key for officers' login codes and refresh tokens
    login_secret: str = Field("development-only-login-secret", validation_alias="LOGIN_SECRET")
    login_code_ttl_s: int = Field(300, validation_alias="LOGIN_CODE_TTL_S")
    login_resend_interval_s: int = Field(60, validation_alias="LOGIN_RESEND_INTERVAL_S")
    login_daily_limit: int = Field(10, validation_alias="LOGIN_DAILY_LIMIT")
    login_ip_hourly_limit: int = Field(30, validation_alias="LOGIN_IP_HOURLY_LIMIT")
    login_max_failures: int = Field(5, validation_alias="LOGIN_MAX_FAILURES")
    login_lock_s: int = Field(900, validation_alias="LOGIN_LOCK_S")
    refresh_ttl_s: int = Field(7 * 24 * 3600, validation_alias="REFRESH_TTL_S")
    #: DOMAIN.md: the approver may not be the handler of the same case, unless this is set
    approver_may_handle: bool = Field(False, validation_alias="APPROVER_MAY_HANDLE")
    #: the public address documents' QR codes point to (the gateway's)
    public_base_url: str = Field("http://127.0.0.1:8000", validation_alias="PUBLIC_BASE_URL")
    #: how often issued documents are rendered to PDF (outside the decision's transaction)
    document_render_interval_s: float = Field(0.2, gt=0,
                                              validation_alias="DOCUMENT_RENDER_INTERVAL_S")
    #: how often the deadline reminders and escalations are checked
    deadline_check_interval_s: float = Field(300, gt=0,
                                             validation_alias="DEADLINE_CHECK_INTERVAL_S")

    def login_policy(self) -> LoginPolicy:
        return LoginPolicy(
            secret=self.login_secret, code_ttl_s=self.login_code_ttl_s,
            resend_interval_s=self.login_resend_interval_s, daily_limit=self.login_daily_limit,
            ip_hourly_limit=self.login_ip_hourly_limit, max_failures=self.login_max_failures,
            lock_s=self.login_lock_s, refresh_ttl_s=self.refresh_ttl_s)
