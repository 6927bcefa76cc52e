"""NotificationService starts against the run's broker and database and reports its health."""

from nameko.standalone.rpc import ClusterRpcProxy

from notification.service import NotificationService


def test_health_reports_database_and_broker(container_factory, nameko_config):
    container_factory(NotificationService, nameko_config).start()
    with ClusterRpcProxy(nameko_config) as proxy:
        status = proxy.notification.health()
    assert status["service"] == "notification"
    assert status["database"] is True and status["broker"] is True and status["ok"] is True
