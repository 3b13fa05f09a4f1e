#!/usr/bin/env bash
# Installs Debian's chromium for the dashboard's browser tests (playwright-core drives
# /usr/bin/chromium; it downloads no browser of its own). Does nothing when it is there.
# Called by .ci/run before the tests; needs root (CI runs as root) or sudo.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  echo "== chromium: $(/usr/bin/chromium --version 2>/dev/null || echo present)"
  exit 0
fi

echo "== installing chromium (apt-get)"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update
"${sudo_cmd[@]}" apt-get install -y --no-install-recommends chromium fonts-liberation

if [ ! -x /usr/bin/chromium ]; then
  echo "chromium was installed but /usr/bin/chromium is missing" >&2
  exit 1
fi
echo "== chromium: $(/usr/bin/chromium --version 2>/dev/null || echo installed)"
