#!/usr/bin/env bash
# Install everything the tests need into .venv, then run the whole test suite.
# Extra arguments go to pytest (e.g. `bash scripts/test.sh tests/routing -q`).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[dev]"
# Headless Chromium for the API docs page test (Debian package; skipped when not root).
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || echo "warning: could not install chromium; the docs UI browser test will skip"
fi
exec .venv/bin/python -m pytest "$@"
