"""A production-configured process refuses to start with each unsafe setting, naming it,
before it listens or consumes anything (real processes, as deploy/Procfile starts them)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from credit_common.testing import isolation

STRONG = "s" * 48


def start(command: list[str], test_run_id: str, **settings: str) -> subprocess.CompletedProcess:
    env = {**os.environ, **isolation.environment(test_run_id), "APP_ENV": "production",
           "DEV_MODE": "false", "JWT_SECRET": STRONG, "LOGIN_SECRET": STRONG,
           "SMS_PROVIDER": "http", "SMS_PROVIDER_URL": "http://127.0.0.1:9/sms",
           "SMS_PROVIDER_KEY": STRONG, "GATEWAY_PORT": "0", **settings}
    return subprocess.run([sys.executable, "-m", *command], env=env, capture_output=True,
                          text=True, timeout=60)


@pytest.mark.parametrize("command, settings, named", [
    (["gateway"], {"JWT_SECRET": "development-only-jwt-secret-change-me-in-production"},
     "JWT_SECRET 仍是示例值"),
    (["gateway"], {"JWT_SECRET": "too-short"}, "JWT_SECRET 长度不足 32 字节"),
    (["gateway"], {"JWT_SECRET": ""}, "JWT_SECRET 未设置"),
    (["gateway"], {"DEV_MODE": "true"}, "DEV_MODE=true"),
    (["intake"], {"LOGIN_SECRET": "development-only-login-secret"}, "LOGIN_SECRET 仍是示例值"),
    (["workflow", "relay"], {"LOGIN_SECRET": "short"}, "LOGIN_SECRET 长度不足"),
    (["workflow", "demo-officers"], {"DEV_MODE": "true"}, "DEV_MODE=true"),
    (["notification"], {"SMS_PROVIDER": "dev"}, "SMS_PROVIDER 须为 http"),
    (["notification"], {"SMS_PROVIDER_KEY": ""}, "SMS_PROVIDER_KEY 未设置"),
    (["disclosure", "inbound"], {"DEV_MODE": "true"}, "DEV_MODE=true"),
    (["intake"], {"DATABASE_URL_TEMPLATE": "postgresql+psycopg2://postgres@127.0.0.1:5432/"
                                           "credit_{service}"},
     "DATABASE_URL_TEMPLATE 使用超级用户 postgres"),
    (["disclosure", "relay"], {"DISCLOSURE_DATABASE_URL": "postgresql+psycopg2://"
                               "credit_disclosure_owner@127.0.0.1:5432/credit_disclosure"},
     "DISCLOSURE_DATABASE_URL 使用迁移所有者角色 credit_disclosure_owner"),
    (["disclosure", "inbound"], {"AMQP_URI_TEMPLATE": "amqp://guest:guest@127.0.0.1:5672/"},
     "AMQP_URI_TEMPLATE 使用 RabbitMQ 的 guest 用户"),
    (["intake", "relay"], {}, "AMQP_URI_TEMPLATE 的密码仍是示例值"),
    (["gateway"], {"GATEWAY_AMQP_URI": "amqp://credit-gateway:short@127.0.0.1:5672/"},
     "GATEWAY_AMQP_URI 的密码长度不足 32 字节"),
], ids=lambda v: v if isinstance(v, str) else None)
def test_a_production_process_refuses_an_unsafe_setting_and_names_it(test_run_id, command,
                                                                      settings, named):
    refused = start(command, test_run_id, **settings)
    assert refused.returncode != 0, refused.stdout + refused.stderr
    assert named in refused.stderr and "APP_ENV=production" in refused.stderr, refused.stderr
