# The two commands: `make run` and `make test`. Everything else is a step they call.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_BIN ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PACKAGES := -e libs/common -e services/intake -e services/workflow -e services/notification \
            -e services/disclosure -e gateway

INTAKE_INSTANCES ?= 1
WORKFLOW_INSTANCES ?= 1
NOTIFICATION_INSTANCES ?= 1
DISCLOSURE_INSTANCES ?= 1
RELAY_INSTANCES ?= 1
GATEWAY_PORT ?= 8000
METRICS_BASE_PORT ?= 9100
export GATEWAY_PORT
# what make starts is a development platform; production sets APP_ENV=production (README)
APP_ENV ?= development
export APP_ENV

.PHONY: help run test lint venv infra pages browser kubectl k8s-topology openapi databases migrate queues demo-data demo-data-large import dlq dlq-replay bench chaos lock clean broker-users

help:
	@echo "make run    start the whole platform (gateway on 127.0.0.1:$(GATEWAY_PORT))"
	@echo "make test   lint, then unit, integration and end-to-end tests against real RabbitMQ and PostgreSQL"
	@echo "make lint   ruff, and the import directions of ARCHITECTURE.md (import-linter)"
	@echo "make bench  measure the platform against its anchors (bench/results/latest.json)"
	@echo "make chaos  broker and PostgreSQL restarts, pauses and kill -9 under load: nothing lost (restarts the shared servers)"
	@echo "make dlq    list dead-lettered events;  make dlq-replay [QUEUE=...] replays them"

$(STAMP): requirements.lock $(wildcard */pyproject.toml) $(wildcard */*/pyproject.toml)
	@test -n "$(PYTHON_BIN)" || { echo "Python 3.11 is missing: install python3.11 (Debian: apt-get install python3.11 python3.11-venv)"; exit 1; }
	@test -x $(PY) || $(PYTHON_BIN) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.lock
	$(PY) -m pip install -q --no-deps --config-settings editable_mode=compat $(PACKAGES)
	@touch $@

venv: $(STAMP)

infra:
	@scripts/ensure-infra.sh

# The applicant H5 and the officer workbench, built when their sources changed.
pages:
	@scripts/build-pages.sh

# Debian's chromium for the browser tests.
browser:
	@scripts/ensure-browser.sh

# kubectl with kustomize v5 for the manifest tests (tests/unit/test_k8s_manifests.py).
kubectl: venv
	@scripts/ensure-kubectl.sh $(VENV)

# After changing credit_common.topology or broker_users: the broker objects of deploy/k8s.
k8s-topology: venv
	@$(PY) deploy/k8s/generate_topology.py

# After changing a gateway route or the vocabulary: the OpenAPI document (the pages' API types
# follow it at build) and the vocabulary's labels the pages show.
openapi: venv
	@$(PY) -m gateway.openapi_document
	@cd web && npm run --silent gen:api

# One RabbitMQ user per service, the gateway and each partner agency, with its permissions
# (credit_common/broker_users.py), in the development vhost.
broker-users: venv infra
	@$(PY) -m credit_common.broker_users apply

databases: venv infra
	@$(PY) -m credit_common.db_admin create

migrate: databases
	@for s in $$($(PY) -c 'from credit_common.topology import SERVICES; print(*SERVICES)'); do \
	  $(VENV)/bin/alembic -c services/$$s/alembic.ini upgrade head || exit 1; done

demo-data: migrate
	@$(PY) -m disclosure demo-data --subjects $${DEMO_SUBJECTS:-3000}
	@$(PY) -m workflow demo-officers

# Queues declared before with other arguments (classic, another EVENT_DELIVERY_LIMIT) become
# the quorum queues topology.py declares, their messages moved; the platform must be stopped.
queues: venv infra
	@$(PY) -m credit_common.queues migrate

# A city-scale registry for `make bench` and by hand: make demo-data-large N=1000000
demo-data-large: migrate
	@$(PY) -m disclosure demo-data --subjects $(or $(N),1000000)

# Other agencies' records from a JSONL or CSV file: make import FILE=records.jsonl [AGENCY=gz-env]
import: migrate
	@test -n "$(FILE)" || { echo "usage: make import FILE=records.jsonl [AGENCY=agency-code]"; exit 2; }
	@$(PY) -m disclosure import "$(FILE)" $(if $(AGENCY),--agency $(AGENCY))

run: migrate demo-data pages broker-users queues
	@echo ""
	@echo "  信用修复平台  申请人服务 http://127.0.0.1:$(GATEWAY_PORT)/          (手机浏览器或窄窗口)"
	@echo "               办理工作台 http://127.0.0.1:$(GATEWAY_PORT)/workbench/"
	@echo "               信用查询   http://127.0.0.1:$(GATEWAY_PORT)/public/search"
	@echo "               API docs http://127.0.0.1:$(GATEWAY_PORT)/docs"
	@echo "               health   http://127.0.0.1:$(GATEWAY_PORT)/healthz"
	@echo "               metrics  intake :$$(($(METRICS_BASE_PORT)+0))  workflow :$$(($(METRICS_BASE_PORT)+200))  notification :$$(($(METRICS_BASE_PORT)+500))  disclosure :$$(($(METRICS_BASE_PORT)+700))  (gateway: /metrics)"
	@echo "  demo subjects (their legal representatives' phones are the demo applicant logins;"
	@echo "  the SMS code is in the development SMS box: http://127.0.0.1:$(GATEWAY_PORT)/api/v1/dev/sms?phone=13800000001):"
	@echo "    13800000001 广州天河示范科技有限公司 (行政处罚)   13800000002 广州越秀示范贸易有限公司 (经营异常名录)"
	@echo "    13800000003 白云区示范便利店 (个体户异常状态)      13800000004 从化区示范荔枝专业合作社 (合作社异常名录)"
	@echo "    13800000005 广州番禺示范食品有限公司 (严重违法失信名单)"
	@echo "  demo officers (phone login; the code is at /api/v1/dev/sms?phone=...):"
	@echo "    天河区 石牌所 44010601: 13900000001 黄承办 (承办)  13900000003 周审核 (审核)  13900000004 吴审批 (审批)"
	@echo "    天河区 天河南所 44010602: 13900000002 林承办 (承办)   天河区信用监管科 44010690: 13900000005 郑信用 (承办/初审)  13900000006 冯科长 (复审/审批)"
	@echo "    越秀区 北京街所 44010401: 13900000007 陈承办 (承办/审核)  13900000008 何审批 (审批)   市局 440100: 13900000009 马管理 (管理员)"
	@echo "  try: curl -sG 'http://127.0.0.1:$(GATEWAY_PORT)/api/v1/public/subjects' --data-urlencode 'q=示范'"
	@echo "  supervisord starts a process that exits again (given up after 5 failed starts in a row);"
	@echo "  Ctrl-C stops every process started here."
	@echo ""
	DEV_MODE=$${DEV_MODE:-true} PUBLIC_BASE_URL=$${PUBLIC_BASE_URL:-http://127.0.0.1:$(GATEWAY_PORT)} PATH=$(CURDIR)/$(VENV)/bin:$$PATH $(PY) -m credit_common.supervision run \
	  --base-port $(METRICS_BASE_PORT) --count intake=$(INTAKE_INSTANCES),workflow=$(WORKFLOW_INSTANCES),notification=$(NOTIFICATION_INSTANCES),disclosure=$(DISCLOSURE_INSTANCES),intake_relay=$(RELAY_INSTANCES),workflow_relay=$(RELAY_INSTANCES),notification_relay=$(RELAY_INSTANCES),disclosure_relay=$(RELAY_INSTANCES),disclosure_inbound=1,gateway=1

# ruff (pyproject.toml [tool.ruff]) and the import contracts ([tool.importlinter])
lint: venv
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/lint-imports --no-logo

# lint first: a finding fails make test before any suite runs
test: venv lint infra pages browser kubectl
	@$(PY) -m tests.run

dlq: venv broker-users
	@$(PY) -m credit_common.dlq list $(if $(QUEUE),--queue $(QUEUE))

dlq-replay: venv broker-users
	@$(PY) -m credit_common.dlq replay $(if $(QUEUE),--queue $(QUEUE)) $(if $(MESSAGE_ID),--message-id $(MESSAGE_ID))

bench: venv infra
	@$(PY) -m bench.run $(if $(QUICK),--quick)

# Faults under load on the machine's shared RabbitMQ and PostgreSQL (restarts them): not in make test.
chaos: venv infra
	@$(PY) -m bench.chaos $(if $(ROUNDS),--rounds $(ROUNDS))

# Regenerate the pinned dependency tree from requirements.in.
lock:
	@tmp=$$(mktemp -d) && $(PYTHON_BIN) -m venv $$tmp && $$tmp/bin/pip install -q -r requirements.in && \
	  $$tmp/bin/pip freeze --exclude-editable > requirements.lock && rm -rf $$tmp && echo "requirements.lock updated"

clean:
	rm -rf $(VENV)
