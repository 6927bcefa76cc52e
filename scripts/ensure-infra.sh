#!/usr/bin/env bash
# Make sure PostgreSQL, RabbitMQ and Redis answer on 127.0.0.1 and the documents' Chinese font is
# there; start the servers if they are installed but down, install what is missing with apt-get
# on a Debian machine where we are root, otherwise say exactly what is missing.
set -euo pipefail

pg_up()     { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
rabbit_up() { timeout 2 bash -c '</dev/tcp/127.0.0.1/5672' 2>/dev/null; }
redis_up()  { timeout 2 bash -c '</dev/tcp/127.0.0.1/6379' 2>/dev/null; }
wait_for()  { for _ in $(seq 1 60); do "$1" && return 0; sleep 1; done; return 1; }
can_install() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }

# install_or_explain WHAT PACKAGE ADVICE: apt-get the package where we may, else name it and stop
install_or_explain() {
  if can_install; then
    echo "$1 is not installed: installing $2 with apt-get"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
  else
    echo "$1 is missing: $3" >&2
    exit 1
  fi
}

# start_server WHAT UP_CHECK START...: start it when it does not answer, and wait for it
start_server() {
  local what=$1 up=$2; shift 2
  "$up" && return 0
  echo "starting $what"
  "$@" || true
  wait_for "$up" || { echo "$what did not come up on 127.0.0.1" >&2; exit 1; }
}

if ! pg_up; then
  ls /etc/postgresql/*/main >/dev/null 2>&1 || install_or_explain PostgreSQL postgresql \
    "install PostgreSQL 15 (Debian: apt-get install postgresql) and allow trust auth for 127.0.0.1"
  start_server PostgreSQL pg_up \
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
fi

if ! rabbit_up; then
  command -v rabbitmq-server >/dev/null || install_or_explain RabbitMQ rabbitmq-server \
    "install rabbitmq-server (Debian: apt-get install rabbitmq-server)"
  start_server RabbitMQ rabbit_up rabbitmq-server -detached
fi

# The gateway's rate limits count in Redis.
if ! redis_up; then
  command -v redis-server >/dev/null || install_or_explain Redis redis-server \
    "install redis-server (Debian: apt-get install redis-server)"
  start_server Redis redis_up redis-server --daemonize yes --bind 127.0.0.1 --port 6379 \
    --save '' --dir "${TMPDIR:-/tmp}"
fi

# Official documents embed a Chinese Song typeface (services/workflow/.../documents_pdf.py).
DOCUMENT_FONT=/usr/share/fonts/truetype/arphic/uming.ttc
[ -f "$DOCUMENT_FONT" ] || install_or_explain "the documents' Chinese font" fonts-arphic-uming \
  "install $DOCUMENT_FONT (Debian: apt-get install fonts-arphic-uming)"

# Each process logs in to RabbitMQ as its own user, made with rabbitmqctl (make broker-users).
if ! psql -h 127.0.0.1 -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
  echo "PostgreSQL answers but user postgres cannot log in over 127.0.0.1 without a password: allow trust (or set DATABASE_ADMIN_URL and the database URLs with credentials)" >&2
  exit 1
fi
echo "PostgreSQL, RabbitMQ and Redis are up; the documents' font is installed"
