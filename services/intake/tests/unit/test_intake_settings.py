"""Intake's settings read its own variables: its database as the application role and as the
owner, each from ``INTAKE_…`` or else the shared templates, and its broker user."""

from intake.config import IntakeSettings


def clear_variables(monkeypatch):
    for variable in ("DATABASE_URL_TEMPLATE", "MIGRATION_DATABASE_URL_TEMPLATE",
                     "INTAKE_DATABASE_URL", "INTAKE_MIGRATION_DATABASE_URL", "INTAKE_AMQP_URI",
                     "AMQP_URI_TEMPLATE"):
        monkeypatch.delenv(variable, raising=False)


def test_intake_connects_as_its_application_role_and_migrates_as_its_owner(monkeypatch):
    clear_variables(monkeypatch)
    settings = IntakeSettings(_env_file=None)
    assert settings.database_url == \
        "postgresql+psycopg2://credit_intake_app@127.0.0.1:5432/credit_intake"
    assert settings.migration_database_url == \
        "postgresql+psycopg2://credit_intake_owner@127.0.0.1:5432/credit_intake"
    monkeypatch.setenv("DATABASE_URL_TEMPLATE", "postgresql+psycopg2://u@h/x_{service}")
    monkeypatch.setenv("MIGRATION_DATABASE_URL_TEMPLATE", "postgresql+psycopg2://o@h/x_{service}")
    settings = IntakeSettings(_env_file=None)
    assert settings.database_url == "postgresql+psycopg2://u@h/x_intake"
    assert settings.migration_database_url == "postgresql+psycopg2://o@h/x_intake"
    monkeypatch.setenv("INTAKE_DATABASE_URL", "postgresql+psycopg2://u@h/explicit")
    monkeypatch.setenv("INTAKE_MIGRATION_DATABASE_URL", "postgresql+psycopg2://o@h/explicit")
    settings = IntakeSettings(_env_file=None)
    assert settings.database_url == "postgresql+psycopg2://u@h/explicit"
    assert settings.database_url_variable() == "INTAKE_DATABASE_URL"
    assert settings.migration_database_url == "postgresql+psycopg2://o@h/explicit"


def test_intake_connects_to_the_broker_as_its_own_user(monkeypatch):
    clear_variables(monkeypatch)
    assert IntakeSettings(_env_file=None).amqp_uri.startswith("amqp://credit-intake:")
    monkeypatch.setenv("INTAKE_AMQP_URI", "amqp://intake-user:secret@mq/")
    settings = IntakeSettings(_env_file=None)
    assert settings.amqp_uri == "amqp://intake-user:secret@mq/"
    assert settings.amqp_uri_variable == "INTAKE_AMQP_URI"
