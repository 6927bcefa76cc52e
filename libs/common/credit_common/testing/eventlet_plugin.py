"""``pytest -p credit_common.testing.eventlet_plugin``: monkey-patch for eventlet before any
test module imports socket, threading or psycopg2 (Nameko 2.14 no longer does it for pytest).
Only the service suites load it; the gateway's suite is plain asyncio."""

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    import eventlet

    eventlet.monkey_patch()
