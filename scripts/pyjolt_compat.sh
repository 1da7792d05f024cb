#!/usr/bin/env bash
# Runs the compat shop app (tests/compat/app) on PyJolt 0.111.12 and on Surge, diffs the
# transcripts and refreshes the golden PyJolt transcript (tests/compat/pyjolt_transcript.json).
# `--venv-only` just makes sure the PyJolt venv exists (.ci/run then runs the pytest comparison).
# Env: SURGE_PYJOLT_PYTHON (default /tmp/pjvenv/bin/python; the venv is created if missing),
#      PYJOLT_BASE_PYTHON (default ~/.pyenv/versions/3.12.1/bin/python), SURGE_PYTHON.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PJ_PY="${SURGE_PYJOLT_PYTHON:-/tmp/pjvenv/bin/python}"
BASE_PY="${PYJOLT_BASE_PYTHON:-$HOME/.pyenv/versions/3.12.1/bin/python}"
SURGE_PY="${SURGE_PYTHON:-$ROOT/.venv/bin/python}"
OUT="$(mktemp -d /tmp/pyjolt-compat.XXXXXX)"

if [ ! -x "$PJ_PY" ]; then
  VENV="$(dirname "$(dirname "$PJ_PY")")"
  echo "creating PyJolt venv in $VENV" >&2
  "$BASE_PY" -m venv "$VENV"
  "$VENV/bin/pip" install -q "pyjolt==0.111.12" aiosqlite alembic apscheduler aiosmtplib \
    aiosmtpd bcrypt pyjwt cryptography asgi-lifespan httpx
fi
[ "${1:-}" = "--venv-only" ] && exit 0

start=$(date +%s%N)
"$PJ_PY" "$ROOT/tests/compat/drive.py" pyjolt --out "$OUT/pyjolt.json"
echo "PyJolt run: $(( ($(date +%s%N) - start) / 1000000 )) ms" >&2
"$SURGE_PY" "$ROOT/tests/compat/drive.py" surge --out "$OUT/surge.json"

cp "$OUT/pyjolt.json" "$ROOT/tests/compat/pyjolt_transcript.json"
echo "golden transcript refreshed: tests/compat/pyjolt_transcript.json" >&2
if diff -u "$OUT/pyjolt.json" "$OUT/surge.json"; then
  echo "transcripts identical" >&2
else
  echo "transcripts differ (see above; deliberate differences are listed in docs/pyjolt.md)" >&2
  exit 1
fi
