"""The broker permissions, generated from the topology: each user's regexes match what it
declares, publishes and consumes, and nothing another service owns. (The broker itself
enforces them in libs/common/tests/integration/test_broker_permissions.py.)"""

from __future__ import annotations

import base64
import json
import re
import uuid

import pytest

from credit_common import broker_users
from credit_common.broker_users import (GATEWAY, SERVICES, gateway_grant, gateway_topic_grants,
                                        partner_grant, partner_topic_grants, service_grant,
                                        service_topic_grants)
from credit_common.reference.partner_agencies import partner_agencies, partner_of_agency
from credit_common.topology import (INTERAGENCY_EXCHANGE, INTERAGENCY_INBOUND_DEAD_LETTER_QUEUE,
                                    INTERAGENCY_INBOUND_QUEUE, SUBSCRIPTIONS, events_exchange,
                                    redelivery_exchange, rpc_queue, subscriptions_of)

DELAYS_MS = (100, 1000, 30000)


def matches(regex: str, name: str) -> bool:
    return re.fullmatch(regex, name) is not None


def owned_queues(service: str) -> set[str]:
    """Queues only ``service`` may read: its RPC queue, its handlers' queues, their retry and
    dead-letter queues, and (disclosure) the inbound queue."""
    queues = {rpc_queue(service)}
    for sub in subscriptions_of(service):
        queues |= {sub.queue, sub.dead_letter_queue, *(sub.retry_queue(d) for d in DELAYS_MS)}
    if service == "disclosure":
        queues |= {INTERAGENCY_INBOUND_QUEUE, INTERAGENCY_INBOUND_DEAD_LETTER_QUEUE}
    return queues


def every_queue() -> set[str]:
    return set().union(*(owned_queues(s) for s in SERVICES))


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_may_declare_and_read_its_own_queues(service):
    grant = service_grant(service)
    for queue in owned_queues(service):
        assert matches(grant.configure, queue), queue
        assert matches(grant.read, queue), queue


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_reads_no_queue_of_another(service):
    grant = service_grant(service)
    others = every_queue() - owned_queues(service)
    assert others and not [q for q in others if matches(grant.read, q)]


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_publishes_replies_its_events_and_its_retries(service):
    grant = service_grant(service)
    for exchange in ("nameko-rpc", events_exchange(service), redelivery_exchange(service)):
        assert matches(grant.write, exchange), exchange
    others = [e for s in SERVICES if s != service
              for e in (events_exchange(s), redelivery_exchange(s))]
    assert not [e for e in others if matches(grant.write, e)]
    assert matches(grant.write, INTERAGENCY_EXCHANGE) == (service == "disclosure")


@pytest.mark.parametrize("process", [*SERVICES, GATEWAY])
def test_no_process_may_publish_on_the_default_exchange(process):
    # through it, a message could be put into any queue by name
    grant = service_grant(process) if process != GATEWAY else gateway_grant()
    assert not matches(grant.write, "amq.default")


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_binds_each_of_its_queues_to_its_redelivery_exchange(service):
    grant = service_grant(service)
    exchange = redelivery_exchange(service)
    assert matches(grant.configure, exchange) and matches(grant.read, exchange)
    for queue in owned_queues(service) - {rpc_queue(service)}:
        assert matches(grant.write, queue), queue  # binding
    others = [redelivery_exchange(s) for s in SERVICES if s != service]
    assert not [e for e in others if matches(grant.configure, e) or matches(grant.read, e)]


@pytest.mark.parametrize("sub", SUBSCRIPTIONS, ids=lambda s: s.queue)
def test_only_the_consumer_declares_and_binds_a_subscription(sub):
    # make queues declares them as the administrator; a relay only checks they are there
    grant = service_grant(sub.consumer)
    for queue in (sub.queue, sub.dead_letter_queue):
        assert matches(grant.configure, queue), queue
    assert matches(grant.write, sub.queue)  # binding
    assert matches(grant.read, sub.exchange)
    publisher = service_grant(sub.source)
    for queue in (sub.queue, sub.dead_letter_queue):
        assert not matches(publisher.configure, queue) and not matches(publisher.write, queue)


def test_the_gateway_reaches_only_the_rpc_exchange_and_its_reply_queues():
    grant = gateway_grant()
    reply_queue = f"rpc.reply-gateway-{uuid.uuid4()}"
    for regex in (grant.configure, grant.write, grant.read):
        assert matches(regex, "nameko-rpc") and matches(regex, reply_queue)
        assert not [q for q in every_queue() if matches(regex, q)]
    assert not matches(grant.configure, "rpc.reply-standalone_rpc_proxy-x")
    [topic] = gateway_topic_grants()
    assert matches(topic.write, "workflow.get_case") and not matches(topic.write, str(uuid.uuid4()))
    assert matches(topic.read, str(uuid.uuid4())) and not matches(topic.read, "intake.*")


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_replies_but_calls_nobody_and_binds_only_its_own_calls(service):
    rpc = next(t for t in service_topic_grants(service) if t.exchange == "nameko-rpc")
    assert matches(rpc.write, str(uuid.uuid4()))
    assert not [s for s in SERVICES if matches(rpc.write, f"{s}.get_case")]
    assert matches(rpc.read, f"{service}.*")
    assert not [s for s in SERVICES if s != service and matches(rpc.read, f"{s}.*")]


def test_a_partner_only_publishes_records_and_withdrawals_on_interagency():
    grant = partner_grant()
    assert matches(grant.write, INTERAGENCY_EXCHANGE)
    assert not matches(grant.write, "amq.default") and not matches(grant.write, "nameko-rpc")
    for queue_or_exchange in [*every_queue(), INTERAGENCY_EXCHANGE, "nameko-rpc"]:
        assert not matches(grant.configure, queue_or_exchange)
        assert not matches(grant.read, queue_or_exchange)
    [topic] = partner_topic_grants()
    assert topic.exchange == INTERAGENCY_EXCHANGE
    assert matches(topic.write, "record.upserted.v1") and matches(topic.write, "record.withdrawn.v1")
    assert not matches(topic.write, "record.publicity_changed.v1")


def test_every_regex_is_anchored_and_never_everything():
    grants = [service_grant(s) for s in SERVICES] + [gateway_grant(), partner_grant()]
    for grant in grants:
        for regex in (grant.configure, grant.write, grant.read):
            assert regex.startswith("^") and regex.endswith("$") and ".*" not in regex, regex
            assert not matches(regex, "some-other-queue")


def test_development_accounts_have_their_uris_passwords_and_refuse_guest():
    accounts = broker_users.development_accounts(
        lambda p: f"amqp://credit-{p}:pw-{p}@127.0.0.1:5672/credit-test-x")
    by_user = {a.user: a for a in accounts}
    assert by_user["credit-intake"].password == "pw-intake"
    assert by_user["credit-gateway"].grant == gateway_grant()
    assert {p.broker_user for p in partner_agencies()} <= set(by_user)
    with pytest.raises(ValueError, match="guest"):
        broker_users.development_accounts(lambda p: "amqp://guest:guest@127.0.0.1:5672/")


def test_a_partner_logs_in_to_the_same_vhost_as_itself():
    uri = broker_users.partner_uri("amqp://guest:guest@127.0.0.1:5672/credit-test-x", "gz-env")
    user = partner_of_agency("gz-env").broker_user
    assert uri == f"amqp://{user}:development-only-amqp-{user}@127.0.0.1:5672/credit-test-x"
    assert broker_users.vhost_of(uri) == "credit-test-x"
    assert broker_users.vhost_of("amqp://u:p@h:5672/") == "/"
    with pytest.raises(LookupError):
        partner_of_agency("nobody")


def test_the_production_commands_grant_every_user():
    lines = broker_users.production_commands("/credit")
    users = [f"credit-{p}" for p in (*SERVICES, GATEWAY)] + [
        p.broker_user for p in partner_agencies()]
    for user in users:
        assert any(f"set_permissions -p /credit {user} " in line for line in lines), user


def test_platform_accounts_are_the_five_process_families_without_partners():
    accounts = broker_users.platform_accounts(
        lambda p: f"amqp://credit-{p}:pw-{p}@mq:5672/credit")
    assert [a.user for a in accounts] == [f"credit-{p}" for p in (*SERVICES, GATEWAY)]
    assert not {p.broker_user for p in partner_agencies()} & {a.user for a in accounts}


def test_production_refuses_placeholder_and_short_broker_passwords():
    accounts = broker_users.platform_accounts(lambda p: {
        "intake": "amqp://credit-intake:development-only-amqp-intake@mq/credit",
        "workflow": "amqp://credit-workflow:short@mq/credit",
    }.get(p, f"amqp://credit-{p}:{'x' * 40}@mq/credit"))
    problems = broker_users.unsafe_passwords(accounts)
    assert len(problems) == 2
    assert "credit-intake" in problems[0] and "仍是示例值" in problems[0]
    assert "credit-workflow" in problems[1] and "长度不足" in problems[1]


@pytest.fixture
def management_api():
    """A stand-in for RabbitMQ's management API that records what it is sent."""
    import http.server
    import threading

    received = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, self.headers["Authorization"], json.loads(body)))
            refused = "wrong" in base64.b64decode(
                self.headers["Authorization"].split()[1]).decode()
            self.send_response(401 if refused else 204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", received
    server.shutdown()
    server.server_close()


def test_the_definitions_go_to_the_management_api_as_the_administrator(management_api):
    url, received = management_api
    accounts = broker_users.platform_accounts(
        lambda p: f"amqp://credit-{p}:pw-{p}@mq:5672/credit")
    broker_users.apply_over_http(url + "/", "amqp://credit-admin:s3cret@mq:5672/credit",
                                 "credit", accounts)
    [(path, authorization, body)] = received
    assert path == "/api/definitions"
    assert base64.b64decode(authorization.split()[1]).decode() == "credit-admin:s3cret"
    assert [u["name"] for u in body["users"]] == [a.user for a in accounts]
    assert {p["vhost"] for p in body["permissions"]} == {"credit"}
    assert body["permissions"][0]["configure"] == accounts[0].grant.configure
    with pytest.raises(OSError, match="401"):
        broker_users.apply_over_http(url, "amqp://credit-admin:wrong@mq/credit", "credit",
                                     accounts)


def test_apply_in_production_creates_no_partner_and_refuses_placeholders(
        management_api, monkeypatch):
    url, received = management_api
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("AMQP_ADMIN_URI", "amqp://credit-admin:s3cret@mq:5672/credit")
    monkeypatch.setenv("AMQP_URI_TEMPLATE", "amqp://credit-{service}:" + "p" * 40 +
                       "@mq:5672/credit")
    assert broker_users.main(["apply", "--management-url", url]) == 0
    [(_, _, body)] = received
    assert [u["name"] for u in body["users"]] == [f"credit-{p}" for p in (*SERVICES, GATEWAY)]
    monkeypatch.setenv("AMQP_URI_TEMPLATE",
                       "amqp://credit-{service}:development-only-amqp-{service}@mq:5672/credit")
    assert broker_users.main(["apply", "--management-url", url]) == 1
    assert len(received) == 1


def test_only_the_publicity_system_publishes_filings_and_no_partner_an_unknown_key(tmp_path):
    from credit_common.reference.partner_agencies import partner_agencies as load

    filings = ("annual_report.filed.v1", "instant_info.published.v1")
    records = ("record.upserted.v1", "record.withdrawn.v1")
    for partner in partner_agencies():
        [topic] = partner_topic_grants(partner)
        may = filings if partner.agency == "gd-gsxt" else records
        assert all(matches(topic.write, key) for key in may), partner
        assert not any(matches(topic.write, key) for key in set(filings + records) - set(may))
        assert not matches(topic.write, "record.publicity_changed.v1")
    wrong = tmp_path / "partners.json"
    wrong.write_text('{"agencies": [{"agency": "gz-x", "broker_user": "partner-gz-x", '
                     '"name": "x", "publishes": ["record.publicity_changed.v1"]}]}')
    with pytest.raises(ValueError, match="publishes"):
        load(str(wrong))
