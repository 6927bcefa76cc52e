from typing import Literal

from pydantic import Field

from credit_common.settings import ServiceSettings, service_settings


# the name and NOTIFICATION_DATABASE_URL, ..._MIGRATION_DATABASE_URL, ..._AMQP_URI
class NotificationSettings(service_settings("notification", ServiceSettings)):
    #: "dev": the development sink (messages are kept and readable through
    #: ``/api/v1/dev/sms``, nothing leaves the machine); "http": the SMS provider's HTTP API
    sms_provider: Literal["dev", "http"] = Field("dev", validation_alias="SMS_PROVIDER")
    sms_provider_url: str | None = Field(None, validation_alias="SMS_PROVIDER_URL")
    sms_provider_key: str | None = Field(None, validation_alias="SMS_PROVIDER_KEY")
    sms_provider_timeout_s: float = Field(5.0, gt=0, validation_alias="SMS_PROVIDER_TIMEOUT_S")
    #: how often pending messages are tried; the longest wait between two tries
    sms_send_interval_s: float = Field(1.0, gt=0, validation_alias="SMS_SEND_INTERVAL_S")
    sms_retry_cap_s: float = Field(300.0, gt=0, validation_alias="SMS_RETRY_CAP_S")
    #: sent messages that carried a login code are deleted once this old; checked this often
    sms_login_retention_s: float = Field(86400.0, ge=0,
                                         validation_alias="SMS_LOGIN_RETENTION_S")
    sms_purge_interval_s: float = Field(600.0, gt=0, validation_alias="SMS_PURGE_INTERVAL_S")

    def production_problems(self) -> list[str]:
        problems = super().production_problems()
        if self.sms_provider != "http":
            return problems + ["SMS_PROVIDER 须为 http（开发短信箱只用于开发环境）"]
        return problems + [f"{variable} 未设置" for variable, value in (
            ("SMS_PROVIDER_URL", self.sms_provider_url),
            ("SMS_PROVIDER_KEY", self.sms_provider_key)) if not value]
