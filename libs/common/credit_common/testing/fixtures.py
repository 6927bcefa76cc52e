"""Pytest fixtures for tests that need the real broker and databases of this test run
(``pytest -p credit_common.testing.fixtures``).

``make test`` creates the run's vhost and databases once and passes ``TEST_RUN_ID``; a pytest
started by hand creates its own and removes them at the end.
"""

from __future__ import annotations

import os
import pathlib

import pika
import pytest

from credit_common.testing import isolation
from credit_common.topology import SERVICES, SUBSCRIPTIONS

REPO_ROOT = str(pathlib.Path(__file__).resolve().parents[4])


@pytest.fixture(scope="session")
def test_run_id():
    return isolation.run_id()


@pytest.fixture(scope="session")
def amqp_uri(test_run_id):
    owned = "TEST_RUN_ID" not in os.environ
    uri = isolation.create_vhost(test_run_id)
    yield uri
    if owned:
        isolation.delete_vhost(test_run_id)


@pytest.fixture(scope="session")
def database_urls(test_run_id):
    """service -> its database as the application role, as the services connect."""
    owned = "TEST_RUN_ID" not in os.environ
    urls = isolation.create_databases(test_run_id)
    for service, url in urls.items():
        isolation.migrate(service, url, REPO_ROOT)
    yield urls
    if owned:
        isolation.drop_databases(test_run_id)


@pytest.fixture(scope="session")
def run_environment(test_run_id, amqp_uri, database_urls, monkeypatch_session):
    """Point every settings class of this process at the run's broker and databases."""
    for key, value in isolation.environment(test_run_id).items():
        monkeypatch_session.setenv(key, value)
    return isolation.environment(test_run_id)


@pytest.fixture(scope="session")
def monkeypatch_session():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


@pytest.fixture
def nameko_config(run_environment, amqp_uri):
    return {"AMQP_URI": amqp_uri, "max_workers": 10, "serializer": "json",
            "EVENT_RETRY_DELAYS_MS": isolation.RETRY_DELAYS_MS, "EVENT_BATCH_LIMIT": 20}


def _purge(amqp_uri: str, queues: list[str]) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    try:
        for queue in queues:
            channel = connection.channel()
            try:
                channel.queue_purge(queue)
                channel.close()
            except pika.exceptions.ChannelClosedByBroker:
                pass  # not declared yet
    finally:
        connection.close()


@pytest.fixture
def clean_queues(amqp_uri):
    """Tests share the run's vhost: start each with empty event queues."""
    queues = [q for s in SUBSCRIPTIONS for q in (s.queue, s.dead_letter_queue)]
    _purge(amqp_uri, queues)
    yield
    _purge(amqp_uri, queues)


@pytest.fixture
def container_factory():
    """Nameko's fixture of the same name, without its plugin: that plugin's ``amqp_uri``
    needs the management API and would replace this run's vhost."""
    from nameko.containers import ServiceContainer

    containers = []

    def make_container(service_cls, config):
        container = ServiceContainer(service_cls, config)
        containers.append(container)
        return container

    yield make_container
    for container in containers:
        try:
            container.stop()
        except Exception:  # noqa: BLE001 - a test may have killed it already
            container.kill()


@pytest.fixture
def runner_factory():
    from nameko.runners import ServiceRunner

    runners = []

    def make_runner(config, *service_classes):
        runner = ServiceRunner(config)
        for service_cls in service_classes:
            runner.add_service(service_cls)
        runners.append(runner)
        return runner

    yield make_runner
    for runner in runners:
        try:
            runner.stop()
        except Exception:  # noqa: BLE001
            runner.kill()


@pytest.fixture
def db_engine(database_urls):
    """An engine per service database, for arranging and checking rows, as the owner role:
    a table a test creates with it is the application role's to use (default privileges)."""
    from sqlalchemy import create_engine

    engines = {service: create_engine(isolation.as_role(service, url, "owner"))
               for service, url in database_urls.items()}
    yield engines
    for engine in engines.values():
        engine.dispose()


__all__ = ["SERVICES"]
