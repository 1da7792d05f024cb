#!/usr/bin/env bash
# Schemathesis over the demo app's whole OpenAPI document, against a live granian server.
#
# Starts the demo (examples/demo) on a free port with a throw-away SQLite database and upload
# folder, and a local SMTP server for its contact form, so every backing service is up; then
# generates requests for every operation and checks that no answer is a server error and that
# every status, content type and body is the one the document declares.
# Extra arguments go to `schemathesis run` (e.g. `--seed 42`, `-n 100`).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
work="$(mktemp -d)"
free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port="$(free_port)"
smtp_port="$(free_port)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

"$PY" -m aiosmtpd -n -l "127.0.0.1:$smtp_port" >"$work/smtp.log" 2>&1 &
pids+=($!)
SQL_DATABASE="{\"DATABASE_URI\": \"sqlite+aiosqlite:///$work/demo.db\", \"CREATE_ALL\": true}" \
UPLOAD_DIR="$work/uploads" \
SECRET_KEY="schemathesis-$(date +%s%N)-secret-key-0123456789" \
EMAIL_CLIENT="{\"SENDER_NAME_OR_ADDRESS\": \"demo@localhost\", \"SMTP_SERVER\": \"127.0.0.1\", \"SMTP_PORT\": $smtp_port, \"USE_TLS\": false, \"TIMEOUT\": 5}" \
  "$PY" examples/demo/run.py --port "$port" >"$work/server.log" 2>&1 &
pids+=($!)

base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
  "$PY" -c "import httpx; httpx.get('$base/', timeout=0.5)" 2>/dev/null && break
  sleep 0.2
done
# A bearer token for the API (Ann, an admin), so the protected operations are reached too.
token="$("$PY" -c "import httpx; print(httpx.post('$base/api/auth/token', json={'username': 'ann', 'password': 'ann-demo-password'}).json()['access_token'])")"

set +e
root="$(pwd)"
cd "$work"  # schemathesis keeps a cache in the working directory: the throw-away one
"$root/.venv/bin/schemathesis" run "$base/openapi/specs.json" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-25}" --seed "${SCHEMATHESIS_SEED:-20261130}" \
  --header "Authorization: Bearer $token" --request-timeout 10 --max-response-time 5 \
  --generation-database none \
  --no-color "$@"
status=$?
set -e
if [ "$status" -ne 0 ]; then
  echo "--- demo server log (tail) ---"
  tail -n 80 "$work/server.log"
fi
exit "$status"
