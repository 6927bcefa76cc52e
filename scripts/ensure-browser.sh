#!/usr/bin/env bash
# The browser tests drive Debian's chromium (no browser is downloaded): install it when absent.
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
[ -x "$CHROMIUM" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "chromium is not installed: installing it with apt-get (for the browser tests)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
else
  echo "chromium is missing: install it (Debian: apt-get install chromium fonts-noto-cjk) or set CHROMIUM_PATH" >&2
  exit 1
fi
