#!/usr/bin/env bash
# Idempotent setup for the Surge benchmark harness.
#  - apt-installs wrk if it is missing
#  - creates one virtualenv per peer framework under benchmarks/.venvs/<name>
#    (never a Surge dependency; the directory is gitignored)
#
# Usage: bash benchmarks/setup.sh [framework ...]   (default: all peers)
# Env:   PY311 / PY312 override the interpreters used to create the venvs.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENVS="$HERE/.venvs"
PY311="${PY311:-/root/.pyenv/versions/3.11.7/bin/python}"
PY312="${PY312:-/root/.pyenv/versions/3.12.1/bin/python}"
command -v "$PY311" >/dev/null 2>&1 || PY311="$(command -v python3.11 || command -v python3)"
command -v "$PY312" >/dev/null 2>&1 || PY312="$(command -v python3.12 || true)"

# Shared server/DB stack, pinned to the versions the Surge venv resolves to, so
# every framework runs on the same server and the same driver versions
# (asyncpg and Jinja2 for the TechEmpower suite, --suite tfb).
# Plain uvicorn (no [standard]) on purpose: the Surge venv has no uvloop/httptools;
# run.py only enables them when *every* venv has them.
COMMON=(
  "granian==2.8.9"
  "uvicorn==0.54.0"
  "sqlalchemy[asyncio]==2.1.9"
  "aiosqlite==0.22.1"
  "pydantic==2.14.4"
  "asyncpg==0.32.0"
  "jinja2==3.1.6"
)

declare -A PKGS=(
  [raw]=""
  [starlette]="starlette==1.10.0"
  [fastapi]="fastapi==0.163.2"
  [litestar]="litestar==2.25.0"
  [blacksheep]="blacksheep==2.6.4"
  [pyjolt]="pyjolt==0.111.12"
)
declare -A PYS=(
  [raw]="$PY311" [starlette]="$PY311" [fastapi]="$PY311"
  [litestar]="$PY311" [blacksheep]="$PY311" [pyjolt]="$PY312"
)

if ! command -v wrk >/dev/null 2>&1; then
  echo "[setup] installing wrk"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk
  fi
fi
command -v taskset >/dev/null 2>&1 || echo "[setup] WARNING: taskset not found (util-linux); run.py will not pin cores"

mkdir -p "$VENVS"
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(raw starlette fastapi litestar blacksheep pyjolt)

for name in "${targets[@]}"; do
  if [ -z "${PYS[$name]+x}" ]; then echo "[setup] unknown framework: $name" >&2; exit 2; fi
  py="${PYS[$name]}"
  if [ -z "$py" ]; then echo "[setup] no interpreter for $name" >&2; exit 2; fi
  venv="$VENVS/$name"
  want="${PKGS[$name]} ${COMMON[*]}"
  stamp="$venv/.bench-installed"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && "$venv/bin/python" -c "import granian, uvicorn" 2>/dev/null; then
    echo "[setup] $name: up to date ($venv)"
    continue
  fi
  echo "[setup] $name: creating venv with $py"
  [ -x "$venv/bin/python" ] || "$py" -m venv "$venv"
  # shellcheck disable=SC2086
  "$venv/bin/python" -m pip install -q --disable-pip-version-check ${PKGS[$name]} "${COMMON[@]}"
  echo "$want" > "$stamp"
  echo "[setup] $name: done"
done
echo "[setup] all done"
