"""`.env.example` must list every variable a process reads, so nobody has to read code to
configure the platform."""

import importlib
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SETTINGS = [
    "intake.config:IntakeSettings",
    "workflow.config:WorkflowSettings",
    "notification.config:NotificationSettings",
    "disclosure.config:DisclosureSettings",
    "gateway.core.config:GatewaySettings",
]


def documented() -> set[str]:
    names = set()
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            names.add(line.split("=", 1)[0].strip())
    return names


@pytest.mark.parametrize("path", SETTINGS)
def test_every_setting_is_in_env_example(path):
    module, _, name = path.partition(":")
    settings_cls = getattr(importlib.import_module(module), name)
    missing = []
    for field_name, field in settings_cls.model_fields.items():
        if field.exclude:
            continue
        alias = field.validation_alias if isinstance(field.validation_alias, str) else None
        if (alias or field_name.upper()) not in documented():
            missing.append(alias or field_name.upper())
    assert not missing, f"{name} reads {missing}, which .env.example does not list"
