"""In production (APP_ENV's default) a process refuses to start, naming the variable, with
what would let anyone in: a missing, placeholder or short secret, and DEV_MODE. Development
allows both."""

from __future__ import annotations

from typing import ClassVar

import pytest
from pydantic import Field

from credit_common.settings import DEFAULT_AMQP_URI_TEMPLATE, LoginSettings

STRONG = "k" * 40
STRONG_BROKER = f"amqp://credit-{{service}}:{'p' * 40}@rabbit.internal:5672/credit"


class ExampleLoginSettings(LoginSettings):
    service_name: ClassVar[str] = "example"


class ExampleBrokerSettings(ExampleLoginSettings):
    process_amqp_uri: str | None = Field(None, validation_alias="EXAMPLE_AMQP_URI")


def refusal(**values) -> str:
    with pytest.raises(SystemExit) as raised:
        ExampleLoginSettings(**{"APP_ENV": "production", "DEV_MODE": False,
                                "AMQP_URI_TEMPLATE": STRONG_BROKER, **values}
                             ).refuse_unsafe_production()
    return str(raised.value)


@pytest.mark.parametrize("secret, why", [
    ("", "未设置"),
    ("development-only-login-secret", "仍是示例值"),
    ("please-change-me-" + "x" * 40, "仍是示例值"),
    ("short-but-random-7f3a", "长度不足 32 字节"),
])
def test_an_unsafe_secret_is_refused_naming_its_variable(secret, why):
    message = refusal(LOGIN_SECRET=secret)
    assert f"LOGIN_SECRET {why}" in message and "APP_ENV=production" in message


def test_production_is_the_default_and_refuses_the_shipped_placeholder(monkeypatch):
    monkeypatch.delenv("APP_ENV", raising=False)
    monkeypatch.delenv("LOGIN_SECRET", raising=False)
    monkeypatch.delenv("DEV_MODE", raising=False)
    with pytest.raises(SystemExit, match="LOGIN_SECRET 仍是示例值"):
        ExampleLoginSettings(_env_file=None).refuse_unsafe_production()


def test_dev_mode_is_refused_in_production_with_every_problem_named_at_once():
    message = refusal(LOGIN_SECRET="short", DEV_MODE=True)
    assert "DEV_MODE=true" in message and "LOGIN_SECRET 长度不足" in message


def test_a_strong_secret_starts_in_production_and_development_takes_the_placeholder():
    ExampleLoginSettings(APP_ENV="production", DEV_MODE=False, LOGIN_SECRET=STRONG,
                         AMQP_URI_TEMPLATE=STRONG_BROKER).refuse_unsafe_production()
    relaxed = ExampleLoginSettings(APP_ENV="development", DEV_MODE=True)
    assert relaxed.development and relaxed.dev_mode and not relaxed.unsafe_in_production()


@pytest.mark.parametrize("values, named", [
    ({"AMQP_URI_TEMPLATE": "amqp://guest:guest@127.0.0.1:5672/"},
     "AMQP_URI_TEMPLATE 使用 RabbitMQ 的 guest 用户"),
    ({"AMQP_URI_TEMPLATE": "amqp://127.0.0.1:5672/"}, "AMQP_URI_TEMPLATE 使用 RabbitMQ 的 guest 用户"),
    ({"AMQP_URI_TEMPLATE": DEFAULT_AMQP_URI_TEMPLATE}, "AMQP_URI_TEMPLATE 的密码仍是示例值"),
    ({"AMQP_URI_TEMPLATE": "amqp://credit-{service}:short@rabbit:5672/"},
     "AMQP_URI_TEMPLATE 的密码长度不足 32 字节"),
    ({"AMQP_URI_TEMPLATE": STRONG_BROKER, "EXAMPLE_AMQP_URI": "amqp://guest:guest@rabbit:5672/"},
     "EXAMPLE_AMQP_URI 使用 RabbitMQ 的 guest 用户"),
], ids=["guest", "no user", "shipped template", "short password", "per-process URI"])
def test_a_guest_or_placeholder_broker_login_is_refused_naming_its_variable(values, named):
    settings = ExampleBrokerSettings(APP_ENV="production", DEV_MODE=False, LOGIN_SECRET=STRONG,
                                     **values)
    with pytest.raises(SystemExit, match=named):
        settings.refuse_unsafe_production()


def test_each_process_logs_in_as_its_own_user(monkeypatch):
    monkeypatch.delenv("AMQP_URI_TEMPLATE", raising=False)
    settings = ExampleBrokerSettings(_env_file=None, APP_ENV="development")
    assert settings.amqp_uri == (
        "amqp://credit-example:development-only-amqp-example@127.0.0.1:5672/")
    own = ExampleBrokerSettings(EXAMPLE_AMQP_URI="amqp://u:p@rabbit:5672/v")
    assert own.amqp_uri == "amqp://u:p@rabbit:5672/v"
    assert own.amqp_uri_variable == "EXAMPLE_AMQP_URI"


def test_the_relay_duplicating_messages_is_refused_in_production_and_ignored_elsewhere():
    message = refusal(LOGIN_SECRET=STRONG, RELAY_DUPLICATE_FOR_TESTS=True)
    assert "RELAY_DUPLICATE_FOR_TESTS" in message
    from credit_common.relay import Relay

    assert Relay(ExampleLoginSettings(APP_ENV="development", RELAY_DUPLICATE_FOR_TESTS=True)
                 )._copies == 2
    assert Relay(ExampleLoginSettings(APP_ENV="production", LOGIN_SECRET=STRONG,
                                      RELAY_DUPLICATE_FOR_TESTS=True))._copies == 1
