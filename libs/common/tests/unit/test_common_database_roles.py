"""Database settings: the two roles' URLs, the connection timeouts every connection is opened
with, and production refusing to connect as the superuser or the owner."""

from __future__ import annotations

import pytest

from credit_common import relay
from credit_common.nameko_ext import db
from credit_common.settings import LoginSettings, ServiceSettings
from credit_common.testing.settings import service_settings

# the shared settings, reading the variables intake's own class declares
IntakeSettings = service_settings("intake", LoginSettings)

STRONG = "k" * 40


def clear_database_variables(monkeypatch):
    for variable in ("DATABASE_URL_TEMPLATE", "MIGRATION_DATABASE_URL_TEMPLATE",
                     "INTAKE_DATABASE_URL", "INTAKE_MIGRATION_DATABASE_URL"):
        monkeypatch.delenv(variable, raising=False)


def test_a_service_connects_as_its_application_role_and_migrates_as_its_owner(monkeypatch):
    clear_database_variables(monkeypatch)
    settings = IntakeSettings(_env_file=None)
    assert settings.database_url == \
        "postgresql+psycopg2://credit_intake_app@127.0.0.1:5432/credit_intake"
    assert settings.migration_database_url == \
        "postgresql+psycopg2://credit_intake_owner@127.0.0.1:5432/credit_intake"
    monkeypatch.setenv("MIGRATION_DATABASE_URL_TEMPLATE", "postgresql+psycopg2://o@h/x_{service}")
    assert IntakeSettings(_env_file=None).migration_database_url == \
        "postgresql+psycopg2://o@h/x_intake"
    monkeypatch.setenv("INTAKE_MIGRATION_DATABASE_URL", "postgresql+psycopg2://o@h/explicit")
    assert IntakeSettings(_env_file=None).migration_database_url == \
        "postgresql+psycopg2://o@h/explicit"


def test_every_connection_has_a_connect_timeout_a_tcp_user_timeout_and_keepalives(monkeypatch):
    monkeypatch.setenv("DB_TCP_USER_TIMEOUT_MS", "7000")
    monkeypatch.setenv("DB_KEEPALIVES_COUNT", "4")
    assert ServiceSettings(_env_file=None).connect_args() == {
        "connect_timeout": 5, "tcp_user_timeout": 7000, "keepalives": 1,
        "keepalives_idle": 10, "keepalives_interval": 5, "keepalives_count": 4}


def test_the_services_engines_open_connections_with_the_timeouts(monkeypatch):
    seen = []
    monkeypatch.setattr(db, "create_engine", lambda url, **kwargs: seen.append((url, kwargs)))
    settings = IntakeSettings(_env_file=None)
    db.build_engine(settings)
    db.build_engine(settings, autocommit=True)
    for url, kwargs in seen:
        assert url == settings.database_url
        assert settings.connect_args().items() <= kwargs["connect_args"].items()
        # the statement timeout is the role's, in its database: never overridden per connection
        assert "statement_timeout" not in kwargs["connect_args"]["options"]


def test_the_relay_opens_its_connections_with_the_timeouts(monkeypatch):
    seen = []

    class Refused(Exception):
        pass

    def connect(dsn, **kwargs):
        seen.append(kwargs)
        if len(seen) == 2:
            raise Refused
        return type("Connection", (), {"closed": False})()

    monkeypatch.setattr(relay.psycopg2, "connect", connect)
    settings = IntakeSettings(_env_file=None)
    with pytest.raises(Refused):
        relay.Relay(settings)._connect_db()
    assert [k["application_name"] for k in seen] == ["relay", "relay-listen"]
    for kwargs in seen:
        assert settings.connect_args().items() <= kwargs.items()


def refusal(**values) -> str:
    settings = IntakeSettings(_env_file=None, **{
        "APP_ENV": "production", "DEV_MODE": False, "LOGIN_SECRET": STRONG,
        "AMQP_URI_TEMPLATE": f"amqp://credit-{{service}}:{STRONG}@mq/", **values})
    return "；".join(settings.unsafe_in_production())


def test_production_refuses_the_superuser_naming_the_variable(monkeypatch):
    clear_database_variables(monkeypatch)
    assert refusal() == ""
    assert "DATABASE_URL_TEMPLATE 使用超级用户 postgres" in refusal(
        DATABASE_URL_TEMPLATE="postgresql+psycopg2://postgres@db/credit_{service}")
    assert "INTAKE_DATABASE_URL 使用超级用户 postgres" in refusal(
        INTAKE_DATABASE_URL="postgresql+psycopg2://postgres:pw@db/credit_intake")


def test_production_refuses_the_owner_role_as_the_services_user(monkeypatch):
    clear_database_variables(monkeypatch)
    message = refusal(INTAKE_DATABASE_URL="postgresql+psycopg2://credit_intake_owner@db/x",
                      INTAKE_MIGRATION_DATABASE_URL="postgresql+psycopg2://credit_intake_owner@db/x")
    assert "INTAKE_DATABASE_URL 使用迁移所有者角色 credit_intake_owner" in message


def test_development_may_connect_as_anyone(monkeypatch):
    clear_database_variables(monkeypatch)
    settings = IntakeSettings(_env_file=None, APP_ENV="development",
                              DATABASE_URL_TEMPLATE="postgresql+psycopg2://postgres@h/x")
    assert settings.unsafe_in_production() == []
