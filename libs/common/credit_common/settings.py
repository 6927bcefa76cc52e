"""Settings every process reads from the environment (pydantic-settings).

Each service subclasses :class:`ServiceSettings`, names itself and declares its own
``<SERVICE>_DATABASE_URL`` (the application role, what the service connects as) and
``<SERVICE>_MIGRATION_DATABASE_URL`` (the owner role, what alembic connects as); when unset
they are derived from ``DATABASE_URL_TEMPLATE`` and ``MIGRATION_DATABASE_URL_TEMPLATE``, so a
test run can move all four databases at once. The broker likewise: each process family (a
service, the gateway) connects as its own RabbitMQ user, ``<NAME>_AMQP_URI`` or else
``AMQP_URI_TEMPLATE`` with ``{service}`` filled in.

``APP_ENV`` (default ``production``) decides how careful a process is: in production every
process refuses to start (``refuse_unsafe_production``, naming the variable) with a missing,
placeholder or short secret or ``DEV_MODE``; development (``make``, the tests, the bench)
allows both. Reading settings never refuses: a migration needs no secret.
"""

from __future__ import annotations

from typing import ClassVar, Literal
from urllib.parse import unquote, urlsplit

from pydantic import Field, create_model
from pydantic_settings import BaseSettings, SettingsConfigDict

#: development users and passwords (``make run`` and the tests create them); production
#: sets ``<NAME>_AMQP_URI`` for each process family
DEFAULT_AMQP_URI_TEMPLATE = "amqp://credit-{service}:development-only-amqp-{service}@127.0.0.1:5672/"
# each service's database has two roles: the owner (runs migrations) and the application
DEFAULT_DATABASE_URL_TEMPLATE = (
    "postgresql+psycopg2://credit_{service}_app@127.0.0.1:5432/credit_{service}")
DEFAULT_MIGRATION_DATABASE_URL_TEMPLATE = (
    "postgresql+psycopg2://credit_{service}_owner@127.0.0.1:5432/credit_{service}")
#: who creates the roles and databases (``python -m credit_common.db_admin create``)
DEFAULT_DATABASE_ADMIN_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
#: database users a service must never connect as in production
SUPERUSER_NAMES = ("postgres",)


#: a secret shorter than this (in UTF-8 bytes) is refused in production
MIN_SECRET_BYTES = 32
#: the defaults and .env.example's values: public, so never a production secret
PLACEHOLDER_MARKERS = ("development-only", "change-me", "changeme", "placeholder", "example")


def unsafe_secret(value: str | None) -> str | None:
    """Why ``value`` cannot be a production secret, or None when it can."""
    if not value:
        return "未设置"
    if any(marker in value.lower() for marker in PLACEHOLDER_MARKERS):
        return "仍是示例值"
    if len(value.encode()) < MIN_SECRET_BYTES:
        return f"长度不足 {MIN_SECRET_BYTES} 字节"
    return None


def amqp_credentials(uri: str) -> tuple[str, str]:
    """The user and password an AMQP URI logs in with."""
    parts = urlsplit(uri)
    return unquote(parts.username or ""), unquote(parts.password or "")


class CommonSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    #: field name -> its variable, for the secrets a subclass reads
    secret_fields: ClassVar[dict[str, str]] = {}
    #: the process family (a service's name, or ``gateway``): names its broker user
    service_name: ClassVar[str] = ""

    app_env: Literal["development", "production"] = Field("production",
                                                          validation_alias="APP_ENV")
    amqp_uri_template: str = Field(DEFAULT_AMQP_URI_TEMPLATE,
                                   validation_alias="AMQP_URI_TEMPLATE")
    #: subclasses re-declare it with ``validation_alias="<NAME>_AMQP_URI"``
    process_amqp_uri: str | None = Field(None, exclude=True)
    log_level: str = Field("INFO", validation_alias="LOG_LEVEL")
    log_format: str = Field("json", validation_alias="LOG_FORMAT")  # json | console
    dev_mode: bool = Field(False, validation_alias="DEV_MODE")
    # a message given back this many times (its consumer died holding it) goes to its .dlq;
    # every process declaring the queues must read the same value
    event_delivery_limit: int = Field(5, ge=1, le=1000, validation_alias="EVENT_DELIVERY_LIMIT")

    @property
    def development(self) -> bool:
        return self.app_env == "development"

    @property
    def amqp_uri(self) -> str:
        return self.process_amqp_uri or self.amqp_uri_template.format(service=self.service_name)

    @property
    def amqp_uri_variable(self) -> str:
        """The variable this process's broker URI came from."""
        if self.process_amqp_uri:
            return f"{self.service_name.upper()}_AMQP_URI"
        return "AMQP_URI_TEMPLATE"

    def _broker_problems(self) -> list[str]:
        user, password = amqp_credentials(self.amqp_uri)
        if not user or user == "guest":
            return [f"{self.amqp_uri_variable} 使用 RabbitMQ 的 guest 用户（每个进程须用自己的用户）"]
        if why := unsafe_secret(password):
            return [f"{self.amqp_uri_variable} 的密码{why}"]
        return []

    def unsafe_in_production(self) -> list[str]:
        """Every reason this configuration must not serve in production, naming its variable."""
        if self.development:
            return []
        problems = [f"{variable} {why}" for field, variable in self.secret_fields.items()
                    if (why := unsafe_secret(getattr(self, field)))]
        if self.dev_mode:
            problems.append("DEV_MODE=true 只允许在开发环境（APP_ENV=development）使用")
        return problems + self._broker_problems() + self.production_problems()

    def refuse_unsafe_production(self) -> None:
        """Called as a process starts: exits with the reasons rather than serve unsafely."""
        if problems := self.unsafe_in_production():
            raise SystemExit("生产环境（APP_ENV=production）配置不安全，拒绝启动：" + "；".join(problems))

    def production_problems(self) -> list[str]:
        """What else a subclass refuses in production (each naming its variable)."""
        return []


class ServiceSettings(CommonSettings):
    service_name: ClassVar[str] = ""

    database_url_template: str = Field(
        DEFAULT_DATABASE_URL_TEMPLATE, validation_alias="DATABASE_URL_TEMPLATE"
    )
    migration_database_url_template: str = Field(
        DEFAULT_MIGRATION_DATABASE_URL_TEMPLATE,
        validation_alias="MIGRATION_DATABASE_URL_TEMPLATE")
    #: subclasses re-declare it with ``validation_alias="<SERVICE>_DATABASE_URL"``
    service_database_url: str | None = Field(None, exclude=True)
    #: subclasses re-declare it with ``validation_alias="<SERVICE>_MIGRATION_DATABASE_URL"``
    service_migration_database_url: str | None = Field(None, exclude=True)
    db_pool_size: int = Field(10, validation_alias="DB_POOL_SIZE")
    # set on the application role in its database (db_admin create), not per connection
    db_statement_timeout_ms: int = Field(15000, ge=0, validation_alias="DB_STATEMENT_TIMEOUT_MS")
    db_idle_in_transaction_timeout_ms: int = Field(
        60000, ge=0, validation_alias="DB_IDLE_IN_TRANSACTION_TIMEOUT_MS")
    # per connection: a PostgreSQL that vanished or stalls fails a call instead of hanging it
    db_connect_timeout_s: int = Field(5, ge=1, validation_alias="DB_CONNECT_TIMEOUT_S")
    db_tcp_user_timeout_ms: int = Field(15000, ge=0, validation_alias="DB_TCP_USER_TIMEOUT_MS")
    db_keepalives_idle_s: int = Field(10, ge=1, validation_alias="DB_KEEPALIVES_IDLE_S")
    db_keepalives_interval_s: int = Field(5, ge=1, validation_alias="DB_KEEPALIVES_INTERVAL_S")
    db_keepalives_count: int = Field(3, ge=1, validation_alias="DB_KEEPALIVES_COUNT")
    max_workers: int = Field(10, validation_alias="MAX_WORKERS")
    # AMQP heartbeat of the consumers' connections; a worker must never hold the hub this long
    amqp_heartbeat_s: int = Field(30, ge=0, validation_alias="AMQP_HEARTBEAT_S")
    # each dependency check of a health answer (RPC ``health``, the metrics port's /healthz)
    health_check_timeout_s: float = Field(1.0, gt=0, le=10,
                                          validation_alias="HEALTH_CHECK_TIMEOUT_S")
    # Backoff between attempts of a failing event handler; after the last one the message
    # is dead-lettered into "<queue>.dlq".
    event_retry_delays_ms: list[int] = Field(
        default_factory=lambda: [1000, 5000, 30000], validation_alias="EVENT_RETRY_DELAYS_MS"
    )
    # events of one queue that arrived together, handled in one transaction (1: one by one)
    event_batch_limit: int = Field(20, ge=1, le=500, validation_alias="EVENT_BATCH_LIMIT")
    metrics_port: int = Field(0, validation_alias="METRICS_PORT")  # 0: no metrics endpoint
    # loopback on one machine; in a cluster the kubelet's probes and Prometheus come from outside
    metrics_host: str = Field("127.0.0.1", validation_alias="METRICS_HOST")
    # touched as a relay, renderer or inbound loop goes round (their containers' liveness)
    liveness_file: str | None = Field(None, validation_alias="LIVENESS_FILE")
    relay_batch_size: int = Field(200, validation_alias="RELAY_BATCH_SIZE")
    relay_poll_interval_s: float = Field(1.0, validation_alias="RELAY_POLL_INTERVAL_S")
    relay_linger_s: float = Field(0.01, ge=0, le=1, validation_alias="RELAY_LINGER_S")
    # tests only: the relay publishes every message twice (refused outside development)
    relay_duplicate_for_tests: bool = Field(False, validation_alias="RELAY_DUPLICATE_FOR_TESTS")
    outbox_retention_days: float = Field(7.0, gt=0, validation_alias="OUTBOX_RETENTION_DAYS")
    # a redelivery comes within minutes (relay restart, retry queues); a dead-lettered
    # message was never claimed, so a replay long after is handled as new
    processed_messages_retention_days: float = Field(
        30.0, gt=0, validation_alias="PROCESSED_MESSAGES_RETENTION_DAYS")

    @property
    def database_url(self) -> str:
        """The application role's URL: what the service, its relay and its tools use."""
        return self.service_database_url or self.database_url_template.format(
            service=self.service_name)

    @property
    def migration_database_url(self) -> str:
        """The owner role's URL: what alembic connects as."""
        return self.service_migration_database_url or \
            self.migration_database_url_template.format(service=self.service_name)

    def database_url_variable(self) -> str:
        """The variable ``database_url`` came from, for messages."""
        if self.service_database_url:
            return f"{self.service_name.upper()}_DATABASE_URL"
        return "DATABASE_URL_TEMPLATE"

    def connect_args(self) -> dict[str, int]:
        """libpq's connection timeouts and TCP keepalives, for every connection a process
        opens (psycopg2.connect keywords, SQLAlchemy's ``connect_args``)."""
        return {
            "connect_timeout": self.db_connect_timeout_s,
            # unacknowledged data for this long closes the connection (a peer gone mid-call)
            "tcp_user_timeout": self.db_tcp_user_timeout_ms,
            "keepalives": 1,
            "keepalives_idle": self.db_keepalives_idle_s,
            "keepalives_interval": self.db_keepalives_interval_s,
            "keepalives_count": self.db_keepalives_count,
        }

    def production_problems(self) -> list[str]:
        problems = super().production_problems()
        user = _url_user(self.database_url)
        owner = _url_user(self.migration_database_url)
        variable = self.database_url_variable()
        if user in SUPERUSER_NAMES:
            problems.append(f"{variable} 使用超级用户 {user} 连接数据库，须使用应用角色")
        elif user and user == owner:
            problems.append(f"{variable} 使用迁移所有者角色 {user} 连接数据库，须使用应用角色")
        if self.relay_duplicate_for_tests:
            problems.append("RELAY_DUPLICATE_FOR_TESTS 只允许在开发环境（APP_ENV=development）使用")
        return problems


def _url_user(url: str) -> str | None:
    # imported here: the gateway reads these settings classes without needing SQLAlchemy
    from sqlalchemy.engine import make_url

    return make_url(url).username


class LoginSettings(ServiceSettings):
    """What a service that logs people in by SMS code reads (intake, workflow)."""

    secret_fields: ClassVar[dict[str, str]] = {"login_secret": "LOGIN_SECRET"}

    #: HMAC key for login codes and refresh tokens: set a long random value in production
    login_secret: str = Field("development-only-login-secret", validation_alias="LOGIN_SECRET")
    login_code_ttl_s: int = Field(300, validation_alias="LOGIN_CODE_TTL_S")
    login_resend_interval_s: int = Field(60, validation_alias="LOGIN_RESEND_INTERVAL_S")
    login_daily_limit: int = Field(10, validation_alias="LOGIN_DAILY_LIMIT")
    login_ip_hourly_limit: int = Field(30, validation_alias="LOGIN_IP_HOURLY_LIMIT")
    login_max_failures: int = Field(5, validation_alias="LOGIN_MAX_FAILURES")
    login_lock_s: int = Field(900, validation_alias="LOGIN_LOCK_S")
    refresh_ttl_s: int = Field(7 * 24 * 3600, validation_alias="REFRESH_TTL_S")

    def login_policy(self):
        # imported here: the gateway reads these settings classes without needing SQLAlchemy
        from credit_common.login import LoginPolicy

        return LoginPolicy(
            secret=self.login_secret, code_ttl_s=self.login_code_ttl_s,
            resend_interval_s=self.login_resend_interval_s, daily_limit=self.login_daily_limit,
            ip_hourly_limit=self.login_ip_hourly_limit, max_failures=self.login_max_failures,
            lock_s=self.login_lock_s, refresh_ttl_s=self.refresh_ttl_s)


def amqp_uri_of(name: str) -> str:
    """The broker URI of process family ``name`` (``<NAME>_AMQP_URI`` or the template), for
    tools that act for several of them (``make dlq``, creating the broker users)."""
    settings_cls = create_model(
        f"{name.title()}BrokerSettings", __base__=CommonSettings,
        process_amqp_uri=(str | None, Field(None, validation_alias=f"{name.upper()}_AMQP_URI")))
    settings = settings_cls()
    return settings.process_amqp_uri or settings.amqp_uri_template.format(service=name)
