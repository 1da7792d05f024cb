#!/usr/bin/env bash
# Install Surge into .venv (first run only) and start the demo app on http://127.0.0.1:8080/.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[all]"
exec .venv/bin/python examples/demo/run.py "$@"
