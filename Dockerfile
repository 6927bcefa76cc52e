# One image for every process kind of deploy/Procfile: the command picks the process
# (`python -m intake`, `python -m intake relay`, `python -m workflow documents`,
# `python -m disclosure inbound`, `python -m gateway`, ...; deploy/compose.yaml runs each).
#
#   docker build -t credit-repair .
#
# Base images are pinned by version tag and by the digest of their multi-architecture index;
# another base (a mirror, a local copy) is a build argument away.
ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm@sha256:65a93d69fa75478d554f4ad27c85c1e69fa184956261b4301ebaf6dbb0a3543d
ARG NODE_IMAGE=node:20.19.5-bookworm-slim@sha256:9e70124bd00f47dd023e349cd587132ae61892acc0e47ed641416c3e18f401c3

# --- the pages (what `make pages` builds): web/applicant/dist and web/officer/dist --------
FROM ${NODE_IMAGE} AS pages
WORKDIR /src/web
# the lockfile and the workspaces' manifests first: npm ci is redone only when they change
COPY web/package.json web/package-lock.json ./
COPY web/shared/package.json shared/
COPY web/applicant/package.json applicant/
COPY web/officer/package.json officer/
RUN npm ci --no-audit --no-fund --loglevel=error
COPY web/ ./
RUN npm run build

# --- the Python packages, pinned by requirements.lock, in one virtual environment ---------
FROM ${PYTHON_IMAGE} AS python-build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python3 -m venv /opt/venv
COPY requirements.lock /src/requirements.lock
RUN /opt/venv/bin/pip install -r /src/requirements.lock
COPY libs/common /src/libs/common
COPY services /src/services
COPY gateway /src/gateway
# the project's own packages, then each service's migrations for the migrate job
# (alembic -c services/<service>/alembic.ini upgrade head, run in /app)
RUN /opt/venv/bin/pip install --no-deps /src/libs/common /src/services/intake \
        /src/services/workflow /src/services/notification /src/services/disclosure /src/gateway \
 && for s in intake workflow notification disclosure; do \
        mkdir -p /stage/services/$s \
     && cp -r /src/services/$s/alembic.ini /src/services/$s/migrations /stage/services/$s/ \
     || exit 1; done \
 && find /stage -name __pycache__ -prune -exec rm -rf {} +

# --- what runs: no compiler, no npm, a user without a shell ------------------------------
FROM ${PYTHON_IMAGE}
# the Chinese typeface official documents embed (workflow's documents_pdf.py); tini reaps
# children and passes signals on, so each process stops cleanly on SIGTERM; the only place a
# process writes besides /tmp is intake's uploaded files (mount a volume there)
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        fonts-arphic-uming tini \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 credit \
 && useradd --system --uid 10001 --gid credit --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin credit \
 && install -d -o credit -g credit -m 0750 /var/lib/credit/intake-files
COPY --from=python-build /opt/venv /opt/venv
COPY --from=python-build /stage/ /app/
COPY --from=pages /src/web/applicant/dist /app/web/applicant/dist
COPY --from=pages /src/web/officer/dist /app/web/officer/dist
WORKDIR /app
# nothing is written beside the code: the root filesystem may be mounted read-only
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    APP_ENV=production \
    GATEWAY_HOST=0.0.0.0 \
    WEB_ROOT=/app/web \
    INTAKE_FILES_DIR=/var/lib/credit/intake-files
USER 10001:10001
EXPOSE 8000
# a service probes /healthz on its METRICS_PORT, the gateway on its GATEWAY_PORT; a process
# without a port is checked with `python -m credit_common.healthcheck --service <name>`
# (readiness) or `--alive` (its LIVENESS_FILE)
HEALTHCHECK --interval=15s --timeout=6s --start-period=30s --retries=3 \
    CMD ["python", "-m", "credit_common.healthcheck"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["python", "-m", "gateway"]
