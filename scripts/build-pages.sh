#!/usr/bin/env bash
# Build the web pages (web/applicant → /, web/officer → /workbench/) when their sources,
# the lockfile or the OpenAPI document changed since the last build. Installs Debian's nodejs
# and npm when node is absent (as root on Debian), and the workspace from the lockfile.
set -euo pipefail
cd "$(dirname "$0")/../web"

can_install() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  if can_install; then
    echo "Node.js is not installed: installing nodejs and npm with apt-get"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  else
    echo "Node.js 20 and npm are missing: install them (Debian: apt-get install nodejs npm)" >&2
    exit 1
  fi
fi

# npm ci again only when the lockfile changed since the last install
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.installed ]; then
  echo "installing the web workspace from package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error
  touch node_modules/.installed
fi

stamp=node_modules/.built
# schema.d.ts is generated from openapi.json by the build itself
sources=$(find package-lock.json tsconfig.base.json shared/src applicant officer \
  -path '*/node_modules' -prune -o -path '*/dist' -prune -o -name schema.d.ts -prune \
  -o -type f -newer "$stamp" -print \
  2>/dev/null | head -n1 || true)
if [ -f "$stamp" ] && [ -f applicant/dist/index.html ] && [ -f officer/dist/index.html ] \
    && [ -z "$sources" ]; then
  echo "web pages are up to date"
  exit 0
fi
echo "building the web pages"
npm run --silent build >/dev/null
touch "$stamp"
echo "web pages built: applicant/dist, officer/dist"
