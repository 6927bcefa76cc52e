"""Who may do what on the broker: one RabbitMQ user per service (its Nameko processes, its
relay and, for disclosure, the inbound consumer), one for the gateway, one per partner agency.

The vhost permissions (configure / write / read regexes) are generated from
``credit_common.topology`` and Nameko 2.14's names, so a subscription added there is granted
here; topic permissions narrow the routing keys on ``nameko-rpc`` and ``interagency``. What
each operation needs (RabbitMQ's access-control table): declaring or deleting a queue or
exchange *configure* on it; publishing *write* on the exchange (the default exchange is
``amq.default``); binding *write* on the queue and *read* on the exchange; consuming,
``basic.get`` and purging *read* on the queue; declaring a queue with a dead-letter exchange
*write* on that exchange and *read* on the queue.

No service may write on the default exchange (``amq.default``), through which anyone could
put a message into any queue by name: its retries, dead letters and replays go through its
own ``<service>.redelivery`` (``topology.redelivery_exchange``), bound to its queues only.

    python -m credit_common.broker_users show      # the rabbitmqctl lines for production
    python -m credit_common.broker_users apply     # development: create users and grants
    python -m credit_common.broker_users apply --management-url http://mq:15672
                                                   # the same through the management API

``apply`` (``make run``, and every test run for its own vhost) creates the users with the
passwords of the development URIs in one ``rabbitmqctl import_definitions``. Users are
cluster-wide and shared by every vhost of the machine; each vhost has its own permissions,
which disappear with it. With ``--management-url`` the same definitions go to RabbitMQ's
management API (``POST /api/definitions``) as the administrator of ``AMQP_ADMIN_URI``, from
any host that reaches the broker (deploy/compose.yaml's ``broker-users`` job). With
``APP_ENV=production`` it creates the platform's five users only, with the passwords of their
``<NAME>_AMQP_URI`` (refusing placeholder or short ones, as the processes do): each partner
agency's user gets its own password by hand, and its grants from ``show``.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from credit_common.contracts.interagency import RECORD_ROUTING_KEYS
from credit_common.reference.partner_agencies import (PartnerAgency, partner_agencies,
                                                      partner_of_agency)
from credit_common.settings import CommonSettings, amqp_credentials, amqp_uri_of, unsafe_secret
from credit_common.topology import (EXTERNAL_EXCHANGES, INTERAGENCY_CONSUMER,
                                    INTERAGENCY_EXCHANGE, INTERAGENCY_INBOUND_BINDINGS,
                                    INTERAGENCY_INBOUND_DEAD_LETTER_QUEUE,
                                    INTERAGENCY_INBOUND_QUEUE, INTERAGENCY_OUTBOUND_ROUTING_KEYS,
                                    RPC_CALLS, RPC_EXCHANGE, SERVICES, events_exchange,
                                    redelivery_exchange, rpc_queue, subscriptions_of)

GATEWAY = "gateway"
PROCESSES = (*SERVICES, GATEWAY)

#: reply-to routing keys are UUIDs (no ``{n}`` quantifier: topic permissions expand braces)
REPLY_KEY = "[0-9a-f-]+"
GATEWAY_REPLY_QUEUE = rf"rpc\.reply-{GATEWAY}-{REPLY_KEY}"
NOTHING = "^$"


@dataclass(frozen=True)
class Grant:
    """A user's permissions in one vhost: three regexes over resource names."""

    configure: str
    write: str
    read: str


@dataclass(frozen=True)
class TopicGrant:
    """Which routing keys a user may publish (write) and bind (read) on a topic exchange."""

    exchange: str
    write: str
    read: str


@dataclass(frozen=True)
class Account:
    user: str
    password: str
    grant: Grant
    topic_grants: tuple[TopicGrant, ...]


def _escape(name: str) -> str:
    return re.escape(name).replace("\\-", "-")  # a hyphen needs no escape outside a class


def _names(literals: Iterable[str] = (), patterns: Iterable[str] = ()) -> str:
    """An anchored regex matching exactly these names (and these sub-patterns)."""
    alternatives = sorted({_escape(name) for name in literals}) + sorted(set(patterns))
    return "^(" + "|".join(alternatives) + ")$" if alternatives else NOTHING


def service_grant(service: str) -> Grant:
    consumed = subscriptions_of(service)  # its event handlers' queues
    own_queues = [rpc_queue(service), *(s.queue for s in consumed)]
    dead_letter_queues = [s.dead_letter_queue for s in consumed]
    retry_queues = [_escape(s.queue) + r"\.retry\.[0-9]+ms" for s in consumed]
    # Nameko's RpcProxy, for the calls it makes, declares and binds a reply queue of its own
    reply_queues = [rf"rpc\.reply-{_escape(service)}-{REPLY_KEY}"] if RPC_CALLS.get(service) else []
    published = [RPC_EXCHANGE, events_exchange(service), *EXTERNAL_EXCHANGES.get(service, ())]
    bound_from = [RPC_EXCHANGE, *(s.exchange for s in consumed)]
    if service == INTERAGENCY_CONSUMER:
        own_queues.append(INTERAGENCY_INBOUND_QUEUE)
        dead_letter_queues.append(INTERAGENCY_INBOUND_DEAD_LETTER_QUEUE)
        bound_from.append(INTERAGENCY_EXCHANGE)
    # retries, dead letters (its own and the broker's) and replays: its own exchange only
    redelivery = [redelivery_exchange(service)] if consumed or service == INTERAGENCY_CONSUMER else []
    return Grant(
        configure=_names([*published, *bound_from, *redelivery, *own_queues,
                          *dead_letter_queues], [*retry_queues, *reply_queues]),
        # publishing: replies, its events, its redelivery; binding: the queues it binds
        write=_names([*published, *redelivery, *own_queues, *dead_letter_queues],
                     [*retry_queues, *reply_queues]),
        read=_names([*bound_from, *redelivery, *own_queues, *dead_letter_queues],
                    [*retry_queues, *reply_queues]),
    )


def service_topic_grants(service: str) -> tuple[TopicGrant, ...]:
    calls = [_escape(call) for call in RPC_CALLS.get(service, ())]
    # replies, and the calls it makes (topology.RPC_CALLS); bound: its own calls, its replies
    write = "^(" + "|".join([REPLY_KEY, *calls]) + ")$"
    read = (f"^({_escape(service)}\\.\\*|{REPLY_KEY})$" if calls
            else f"^{_escape(service)}\\.\\*$")
    grants = [TopicGrant(RPC_EXCHANGE, write, read)]
    if service == INTERAGENCY_CONSUMER:
        grants.append(TopicGrant(INTERAGENCY_EXCHANGE, _names(INTERAGENCY_OUTBOUND_ROUTING_KEYS),
                                 _names(INTERAGENCY_INBOUND_BINDINGS)))
    return tuple(grants)


def gateway_grant() -> Grant:
    return Grant(configure=_names([RPC_EXCHANGE], [GATEWAY_REPLY_QUEUE]),
                 write=_names([RPC_EXCHANGE], [GATEWAY_REPLY_QUEUE]),
                 read=_names([RPC_EXCHANGE], [GATEWAY_REPLY_QUEUE]))


def gateway_topic_grants() -> tuple[TopicGrant, ...]:
    # calls to the four services only; its reply queue bound to reply keys only
    return (TopicGrant(RPC_EXCHANGE, "^(" + "|".join(SERVICES) + r")\.[a-z_][a-z0-9_]*$",
                       f"^{REPLY_KEY}$"),)


def partner_grant() -> Grant:
    """A partner agency publishes on ``interagency`` and nothing else: it declares nothing
    and reads nothing of ours."""
    return Grant(configure=NOTHING, write=_names([INTERAGENCY_EXCHANGE]), read=NOTHING)


def partner_topic_grants(partner: PartnerAgency | None = None) -> tuple[TopicGrant, ...]:
    """The routing keys the partner may publish (by default records and withdrawals), never
    disclosure's own announcements."""
    keys = partner.routing_keys if partner is not None else RECORD_ROUTING_KEYS
    return (TopicGrant(INTERAGENCY_EXCHANGE,
                       _names(k for k in keys if k in INTERAGENCY_INBOUND_BINDINGS), NOTHING),)


def process_grant(process: str) -> tuple[Grant, tuple[TopicGrant, ...]]:
    if process == GATEWAY:
        return gateway_grant(), gateway_topic_grants()
    if process not in SERVICES:
        raise LookupError(f"{process} is neither a service nor the gateway")
    return service_grant(process), service_topic_grants(process)


# -- development accounts ---------------------------------------------------------------

def development_partner_password(broker_user: str) -> str:
    return f"development-only-amqp-{broker_user}"


def vhost_of(uri: str) -> str:
    path = urlsplit(uri).path
    return unquote(path[1:]) if len(path) > 1 else "/"


def with_credentials(uri: str, user: str, password: str) -> str:
    """``uri`` (same host and vhost) logging in as ``user``."""
    parts = urlsplit(uri)
    host = parts.netloc.rpartition("@")[2]
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def partner_uri(uri: str, agency: str) -> str:
    """Where partner ``agency`` logs in, in development (same host and vhost as ``uri``)."""
    user = partner_of_agency(agency).broker_user
    return with_credentials(uri, user, development_partner_password(user))


def platform_accounts(uri_of: Callable[[str], str] = amqp_uri_of) -> list[Account]:
    """Every process family's user with the password of its URI."""
    accounts = []
    for process in PROCESSES:
        user, password = amqp_credentials(uri_of(process))
        if not user or user == "guest":
            raise ValueError(f"{process} connects as {user or 'nobody'}: set its own user")
        accounts.append(Account(user, password, *process_grant(process)))
    users = [a.user for a in accounts]
    if len(set(users)) != len(users):
        raise ValueError(f"two process families share a broker user: {users}")
    return accounts


def development_accounts(uri_of: Callable[[str], str] = amqp_uri_of) -> list[Account]:
    """Every process family's user with the password of its URI, and each partner's."""
    accounts = platform_accounts(uri_of)
    for partner in partner_agencies():
        accounts.append(Account(partner.broker_user,
                                development_partner_password(partner.broker_user),
                                partner_grant(), partner_topic_grants(partner)))
    users = [a.user for a in accounts]
    if len(set(users)) != len(users):
        raise ValueError(f"two process families share a broker user: {users}")
    return accounts


def unsafe_passwords(accounts: list[Account]) -> list[str]:
    """Why each account's password must not serve in production (placeholder or short)."""
    return [f"RabbitMQ 用户 {a.user} 的密码{why}" for a in accounts
            if (why := unsafe_secret(a.password))]


def _password_hash(password: str) -> str:
    # rabbit_password_hashing_sha256: salt ++ sha256(salt ++ password), base64
    salt = secrets.token_bytes(4)
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode()).digest()).decode()


def definitions(vhost: str, accounts: list[Account]) -> dict:
    return {
        "users": [{"name": a.user, "password_hash": _password_hash(a.password),
                   "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": ""}
                  for a in accounts],
        "permissions": [{"user": a.user, "vhost": vhost, "configure": a.grant.configure,
                         "write": a.grant.write, "read": a.grant.read} for a in accounts],
        "topic_permissions": [{"user": a.user, "vhost": vhost, "exchange": t.exchange,
                               "write": t.write, "read": t.read}
                              for a in accounts for t in a.topic_grants],
    }


def rabbitmqctl(*args: str) -> subprocess.CompletedProcess:
    ctl = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"
    return subprocess.run([ctl, "-q", *args], check=True, capture_output=True, text=True,
                          timeout=120)


def apply(vhost: str, accounts: list[Account]) -> None:
    """Create (or update) the users and set their permissions in ``vhost``, in one call."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump(definitions(vhost, accounts), file)
    try:
        os.chmod(file.name, 0o644)  # read by the broker's own user
        rabbitmqctl("import_definitions", file.name)
    finally:
        os.unlink(file.name)


def apply_over_http(management_url: str, admin_uri: str, vhost: str,
                    accounts: list[Account], timeout_s: float = 30.0) -> None:
    """The same definitions as ``apply``, posted to the management API as the administrator
    whose credentials ``admin_uri`` carries (``OSError`` when it is refused)."""
    user, password = amqp_credentials(admin_uri)
    if not user:
        raise OSError("AMQP_ADMIN_URI 未设置管理员用户")
    body = json.dumps(definitions(vhost, accounts)).encode()
    request = urllib.request.Request(
        management_url.rstrip("/") + "/api/definitions", data=body, method="POST",
        headers={"Content-Type": "application/json",
                 "Authorization": "Basic " + base64.b64encode(
                     f"{user}:{password}".encode()).decode()})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s):
            pass
    except urllib.error.HTTPError as exc:
        detail = exc.read(500).decode("utf-8", "replace")
        raise OSError(f"RabbitMQ 管理接口答复 {exc.code}：{detail}") from exc


def production_commands(vhost: str = "/") -> list[str]:
    """The ``rabbitmqctl`` lines that grant each user in a production vhost (users are made
    with ``rabbitmqctl add_user <user>``, which asks for the password)."""
    lines = []
    named = [(f"credit-{p}", *process_grant(p)) for p in PROCESSES]
    named += [(p.broker_user, partner_grant(), partner_topic_grants(p))
              for p in partner_agencies()]
    for user, grant, topic_grants in named:
        lines.append(shlex.join(["rabbitmqctl", "set_permissions", "-p", vhost, user,
                                 grant.configure, grant.write, grant.read]))
        for topic in topic_grants:
            lines.append(shlex.join(["rabbitmqctl", "set_topic_permissions", "-p", vhost, user,
                                     topic.exchange, topic.write, topic.read]))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="broker_users",
                                     description="每个服务、网关和合作机构的 RabbitMQ 用户与权限")
    parser.add_argument("command", choices=["show", "apply"])
    parser.add_argument("--vhost", help="show: the production vhost (default /)")
    parser.add_argument("--management-url",
                        help="apply: RabbitMQ's management API (http://mq:15672), as the "
                             "administrator of AMQP_ADMIN_URI, instead of rabbitmqctl here")
    args = parser.parse_args(argv)
    if args.command == "show":
        print("\n".join(production_commands(args.vhost or "/")))
        return 0
    if CommonSettings().development:
        accounts = development_accounts()
    else:
        accounts = platform_accounts()
        if problems := unsafe_passwords(accounts):
            print("生产环境（APP_ENV=production）拒绝创建：" + "；".join(problems), file=sys.stderr)
            return 1
    vhosts = {vhost_of(amqp_uri_of(p)) for p in PROCESSES}
    if len(vhosts) != 1:
        print(f"the processes use several vhosts: {sorted(vhosts)}", file=sys.stderr)
        return 2
    [vhost] = vhosts
    if args.management_url:
        try:
            apply_over_http(args.management_url, os.environ.get("AMQP_ADMIN_URI", ""), vhost,
                            accounts)
        except OSError as exc:
            print(f"RabbitMQ 用户未能通过管理接口创建：{exc}", file=sys.stderr)
            return 1
        print(f"broker users of vhost {vhost}: " + ", ".join(a.user for a in accounts))
        return 0
    try:
        apply(vhost, accounts)
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        print(f"could not create the broker users with rabbitmqctl (run as root, or create "
              f"them as `python -m credit_common.broker_users show` lists): {detail}",
              file=sys.stderr)
        return 1
    print(f"broker users of vhost {vhost}: " + ", ".join(a.user for a in accounts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
