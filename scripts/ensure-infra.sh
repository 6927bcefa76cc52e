#!/usr/bin/env bash
# Make sure PostgreSQL and RabbitMQ answer on 127.0.0.1 and the documents' Chinese font is
# there; start the servers if they are installed but down, install what is missing with apt-get
# on a Debian machine where we are root, otherwise say exactly what is missing.
set -euo pipefail

pg_up()     { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
rabbit_up() { timeout 2 bash -c '</dev/tcp/127.0.0.1/5672' 2>/dev/null; }
wait_for()  { for _ in $(seq 1 60); do "$1" && return 0; sleep 1; done; return 1; }
can_install() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }

if ! pg_up; then
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    if can_install; then
      echo "PostgreSQL is not installed: installing it with apt-get"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    else
      echo "PostgreSQL is missing: install PostgreSQL 15 (Debian: apt-get install postgresql) and allow trust auth for 127.0.0.1" >&2
      exit 1
    fi
  fi
  echo "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  wait_for pg_up || { echo "PostgreSQL did not come up on 127.0.0.1:5432" >&2; exit 1; }
fi

if ! rabbit_up; then
  if ! command -v rabbitmq-server >/dev/null; then
    if can_install; then
      echo "RabbitMQ is not installed: installing it with apt-get"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rabbitmq-server >/dev/null
    else
      echo "RabbitMQ is missing: install rabbitmq-server (Debian: apt-get install rabbitmq-server)" >&2
      exit 1
    fi
  fi
  echo "starting RabbitMQ"
  rabbitmq-server -detached || true
  wait_for rabbit_up || { echo "RabbitMQ did not come up on 127.0.0.1:5672" >&2; exit 1; }
fi

# The gateway's rate limits count in Redis.
redis_up() { timeout 2 bash -c '</dev/tcp/127.0.0.1/6379' 2>/dev/null; }
if ! redis_up; then
  if ! command -v redis-server >/dev/null; then
    if can_install; then
      echo "Redis is not installed: installing it with apt-get"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
    else
      echo "Redis is missing: install redis-server (Debian: apt-get install redis-server)" >&2
      exit 1
    fi
  fi
  echo "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 >/dev/null || true
  wait_for redis_up || { echo "Redis did not come up on 127.0.0.1:6379" >&2; exit 1; }
fi

# Official documents embed a Chinese Song typeface (services/workflow/.../documents_pdf.py).
DOCUMENT_FONT=/usr/share/fonts/truetype/arphic/uming.ttc
if [ ! -f "$DOCUMENT_FONT" ]; then
  if can_install; then
    echo "the documents' Chinese font is not installed: installing fonts-arphic-uming"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-arphic-uming >/dev/null
  else
    echo "the documents' Chinese font $DOCUMENT_FONT is missing: install it (Debian: apt-get install fonts-arphic-uming)" >&2
    exit 1
  fi
fi

# The services connect as guest/guest over TCP and the tests make vhosts with rabbitmqctl.
if ! psql -h 127.0.0.1 -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
  echo "PostgreSQL answers but user postgres cannot log in over 127.0.0.1 without a password: allow trust (or set DATABASE_URL_TEMPLATE with credentials)" >&2
  exit 1
fi
echo "PostgreSQL, RabbitMQ and Redis are up; the documents' font is installed"
