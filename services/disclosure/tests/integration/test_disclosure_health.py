"""DisclosureService starts against the run's broker and database and reports its health."""

from nameko.standalone.rpc import ClusterRpcProxy

from disclosure.service import DisclosureService


def test_health_reports_database_and_broker(container_factory, nameko_config):
    container_factory(DisclosureService, nameko_config).start()
    with ClusterRpcProxy(nameko_config) as proxy:
        status = proxy.disclosure.health()
    assert status["service"] == "disclosure"
    assert status["database"] is True and status["broker"] is True and status["ok"] is True
