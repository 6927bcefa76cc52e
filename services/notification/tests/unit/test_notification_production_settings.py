"""Production sends texts through the provider: the development sink is refused at start."""

import pytest
from notification.config import NotificationSettings


def test_production_refuses_the_development_sms_sink_and_a_provider_without_address():
    assert NotificationSettings(APP_ENV="production", DEV_MODE=False, SMS_PROVIDER="dev",
                                NOTIFICATION_AMQP_URI=f"amqp://credit-notification:{'p' * 40}@mq/"
                                ).unsafe_in_production() == ["SMS_PROVIDER 须为 http（开发短信箱只用于开发环境）"]
    with pytest.raises(SystemExit, match="SMS_PROVIDER_URL 未设置；SMS_PROVIDER_KEY 未设置"):
        NotificationSettings(APP_ENV="production", DEV_MODE=False, SMS_PROVIDER="http").refuse_unsafe_production()
    ready = NotificationSettings(APP_ENV="production", DEV_MODE=False, SMS_PROVIDER="http",
                                 SMS_PROVIDER_URL="https://sms.example.gov.cn/send",
                                 SMS_PROVIDER_KEY="k" * 40,
                                 NOTIFICATION_AMQP_URI=f"amqp://credit-notification:{'p' * 40}@mq/")
    assert ready.unsafe_in_production() == []
