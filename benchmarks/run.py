#!/usr/bin/env python3
"""Surge benchmark runner: one command for every framework, server and mode.

Run it with the Surge venv's interpreter (stdlib only)::

    .venv/bin/python benchmarks/run.py                       # HTTP load, granian
    .venv/bin/python benchmarks/run.py --server both --duration 10
    .venv/bin/python benchmarks/run.py --inprocess           # framework overhead, no network
    .venv/bin/python benchmarks/run.py --memory              # RSS growth over 100k requests

Peers run from benchmarks/.venvs/<name> (made by benchmarks/setup.sh), Surge
from the repository's .venv. See benchmarks/README.md for the methodology.
"""

from __future__ import annotations

import argparse
import atexit
import datetime as _dt
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_common import (  # noqa: E402
    CHECKS,
    DISTRIBUTIONS,
    ENDPOINTS,
    FRAMEWORKS,
    REFERENCES,
    Endpoint,
    endpoints_for,
    verify,
)

REPO = HERE.parent
APPS = HERE / "apps"
VENVS = HERE / ".venvs"
RESULTS = HERE / "results"
RAW_RESULTS = RESULTS / "raw"
WRK_SCRIPTS = HERE / "wrk"
DRIVER = HERE / "inprocess_driver.py"
HOST = "127.0.0.1"


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- venvs


def python_for(fw: str) -> Path:
    if fw == "surge":
        env = os.environ.get("SURGE_PYTHON")
        if env:
            return Path(env)
        candidate = REPO / ".venv" / "bin" / "python"
        return candidate if candidate.exists() else Path(sys.executable)
    return VENVS / fw / "bin" / "python"


_probe_cache: dict[str, dict] = {}


def probe_venv(fw: str) -> dict:
    """Python/framework/server versions and optional accelerators of one venv."""
    if fw in _probe_cache:
        return _probe_cache[fw]
    py = python_for(fw)
    dist = DISTRIBUTIONS.get(fw)
    code = (
        "import json, sys, importlib.util as u, importlib.metadata as m\n"
        "def v(n):\n"
        "    try: return m.version(n)\n"
        "    except Exception: return None\n"
        f"dist = {dist!r}\n"
        "print(json.dumps({'python': sys.version.split()[0], 'framework': v(dist) if dist else None,"
        " 'granian': v('granian'), 'uvicorn': v('uvicorn'), 'sqlalchemy': v('sqlalchemy'),"
        " 'pydantic': v('pydantic'), 'uvloop': v('uvloop'), 'httptools': v('httptools'),"
        " 'asyncpg': v('asyncpg'), 'jinja2': v('jinja2')}))\n"
    )
    info: dict = {"python_path": str(py), "ok": False}
    if not py.exists():
        info["error"] = f"{py} not found (run benchmarks/setup.sh)"
    else:
        try:
            out = subprocess.run([str(py), "-c", code], capture_output=True, text=True, timeout=60)
            if out.returncode == 0:
                info.update(json.loads(out.stdout.strip().splitlines()[-1]))
                info["ok"] = True
            else:
                info["error"] = out.stderr.strip()[-300:]
        except (subprocess.TimeoutExpired, ValueError, IndexError) as exc:
            info["error"] = repr(exc)
    _probe_cache[fw] = info
    return info


# --------------------------------------------------------------------------- processes

_live: list[Server] = []


def _cleanup() -> None:
    for srv in list(_live):
        srv.stop()


def _on_signal(signum, frame):  # noqa: ARG001
    _cleanup()
    raise SystemExit(128 + signum)


atexit.register(_cleanup)
signal.signal(signal.SIGTERM, _on_signal)
signal.signal(signal.SIGHUP, _on_signal)


def port_in_use(port: int) -> bool:
    """True if something listens on HOST:port or the port cannot be bound."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.3)
        if s.connect_ex((HOST, port)) == 0:
            return True
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((HOST, port))
        except OSError:
            return True
    return False


def wait_port_free(port: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not port_in_use(port):
            return True
        time.sleep(0.2)
    return not port_in_use(port)


def pick_free_port(preferred: int, wait: float = 5.0, tries: int = 20) -> int:
    if wait_port_free(preferred, wait):
        return preferred
    for candidate in range(preferred + 1, preferred + 1 + tries):
        if not port_in_use(candidate):
            log(f"port {preferred} busy; using {candidate}")
            return candidate
    raise RuntimeError(f"no free port in {preferred}..{preferred + tries}")


def tree_pids(root: int) -> list[int]:
    """root and all its descendants (from /proc; bounded by the process count)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read().decode("utf-8", "replace")
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, stack, seen = [], [root], set()
    while stack and len(out) < 10_000:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        out.append(pid)
        stack.extend(children.get(pid, []))
    return out


def read_status_kib(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def tree_memory(root: int) -> dict:
    pids = tree_pids(root)
    per = {pid: (read_status_kib(pid, "VmRSS"), read_status_kib(pid, "VmHWM")) for pid in pids}
    return {
        "pids": pids,
        "rss_kib": sum(r for r, _ in per.values()),
        "hwm_kib": sum(h for _, h in per.values()),
        "per_process": {str(p): {"rss_kib": r, "hwm_kib": h} for p, (r, h) in per.items()},
    }


@dataclass
class ServerConfig:
    kind: str  # granian | uvicorn
    loop: str  # asyncio | uvloop
    http: str  # h11 | httptools (uvicorn only)
    pin: list[str]  # taskset prefix for the server, or []


class Server:
    """One app under one server, in its own process group."""

    def __init__(self, fw: str, cfg: ServerConfig, port: int, log_path: Path, target: str | None = None):
        self.fw = fw
        self.target = target or f"{fw}_app:app"  # module:attribute under benchmarks/apps
        self.cfg = cfg
        self.port = port
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None
        self._log_fh = None

    def command(self) -> list[str]:
        py = str(python_for(self.fw))
        target = self.target
        if self.cfg.kind == "granian":
            cmd = [
                py,
                "-m",
                "granian",
                "--interface",
                "asgi",
                "--host",
                HOST,
                "--port",
                str(self.port),
                "--workers",
                "1",
                "--runtime-threads",
                "1",
                "--http",
                "1",
                "--loop",
                self.cfg.loop,
                "--log-level",
                "warning",
                "--no-access-log",
                "--working-dir",
                str(APPS),
                target,
            ]
        elif self.cfg.kind == "uvicorn":
            cmd = [
                py,
                "-m",
                "uvicorn",
                target,
                "--app-dir",
                str(APPS),
                "--host",
                HOST,
                "--port",
                str(self.port),
                "--workers",
                "1",
                "--loop",
                self.cfg.loop,
                "--http",
                self.cfg.http,
                "--lifespan",
                "on",
                "--log-level",
                "warning",
                "--no-access-log",
            ]
        else:
            raise ValueError(self.cfg.kind)
        return self.cfg.pin + cmd

    def start(self, ready_timeout: float = 60.0) -> None:
        if port_in_use(self.port):
            raise RuntimeError(f"port {self.port} is busy before start")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log_fh = open(self.log_path, "wb")
        env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONDONTWRITEBYTECODE="1")
        env.pop("PYTHONPATH", None)
        self.proc = subprocess.Popen(
            self.command(),
            cwd=str(APPS),
            stdout=self._log_fh,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env=env,
        )
        _live.append(self)
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}: {self.log_tail()}")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=2)
                conn.request("GET", "/plaintext")
                conn.getresponse().read()
                conn.close()
                return
            except (OSError, http.client.HTTPException):
                time.sleep(0.2)
        raise RuntimeError(f"server not ready after {ready_timeout:.0f}s: {self.log_tail()}")

    def log_tail(self, n: int = 1500) -> str:
        try:
            data = self.log_path.read_bytes()[-n:]
            return data.decode("utf-8", "replace").strip()
        except OSError:
            return ""

    def stop(self, grace: float = 8.0) -> None:
        proc = self.proc
        if proc is None:
            return
        pgid = proc.pid  # start_new_session=True: the leader's pid is the group id
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(pgid, sig)
            except ProcessLookupError:
                break
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline:
                proc.poll()
                try:
                    os.killpg(pgid, 0)  # any member of the group left?
                except ProcessLookupError:
                    break
                time.sleep(0.1)
            else:
                continue
            break
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            log(f"{self.fw}: server pid {proc.pid} did not exit")
        if self._log_fh:
            self._log_fh.close()
            self._log_fh = None
        self.proc = None
        if self in _live:
            _live.remove(self)
        if not wait_port_free(self.port, 15):
            log(f"port {self.port} still busy after stopping {self.fw}")


# --------------------------------------------------------------------------- checks


def http_request(port: int, method: str, path: str, body: bytes, headers) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        hdrs = dict(headers)
        if body:
            hdrs["content-length"] = str(len(body))
        conn.request(method, path, body=body or None, headers=hdrs)
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
    finally:
        conn.close()


def check_app(port: int, endpoints: list[str]) -> dict[str, list[str]]:
    """Run every CHECK for the given endpoints; return endpoint -> list of failures."""
    failures: dict[str, list[str]] = {ep: [] for ep in endpoints}
    for check in CHECKS:
        if check.endpoint not in failures:
            continue
        try:
            status, headers, body = http_request(port, check.method, check.path, check.body, check.headers)
            reason = verify(check, status, headers, body)
        except (OSError, http.client.HTTPException) as exc:
            reason = f"request failed: {exc!r}"
        if reason:
            failures[check.endpoint].append(f"{check.name}: {reason}")
    return failures


# --------------------------------------------------------------------------- wrk

_LAT_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass
class WrkResult:
    ok: bool = False
    requests: int = 0
    seconds: float = 0.0
    rps: float = 0.0
    p50_ms: float | None = None
    p75_ms: float | None = None
    p90_ms: float | None = None
    p99_ms: float | None = None
    non2xx: int = 0
    connect_errors: int = 0
    read_errors: int = 0
    write_errors: int = 0
    timeouts: int = 0
    error: str | None = None

    @property
    def socket_errors(self) -> int:
        return self.connect_errors + self.read_errors + self.write_errors + self.timeouts

    @property
    def total_errors(self) -> int:
        return self.non2xx + self.socket_errors

    def error_text(self) -> str:
        if self.error:
            return self.error
        parts = [
            f"{name} {n}"
            for name, n in (
                ("non-2xx", self.non2xx),
                ("connect", self.connect_errors),
                ("read", self.read_errors),
                ("write", self.write_errors),
                ("timeout", self.timeouts),
            )
            if n
        ]
        return ", ".join(parts) if parts else "0"


def _latency_ms(value: str, unit: str) -> float:
    return float(value) * _LAT_UNITS[unit]


def parse_wrk(out: str) -> WrkResult:
    r = WrkResult()
    m = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", out)
    if m:
        r.requests = int(m.group(1))
        r.seconds = _latency_ms(m.group(2), m.group(3)) / 1000.0
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if m:
        r.rps = float(m.group(1))
    for pct, attr in (("50", "p50_ms"), ("75", "p75_ms"), ("90", "p90_ms"), ("99", "p99_ms")):
        m = re.search(rf"^\s*{pct}(?:\.0+)?%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)
        if m:
            setattr(r, attr, _latency_ms(m.group(1), m.group(2)))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        r.connect_errors, r.read_errors, r.write_errors, r.timeouts = map(int, m.groups())
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if m:
        r.non2xx = int(m.group(1))
    r.ok = bool(r.requests) and r.rps > 0
    if not r.ok and re.search(r"\b0 requests in", out):
        r.error = "no request completed during the run (latency above the duration?)"
    elif not r.ok:
        r.error = "could not parse wrk output: " + out.strip()[-300:]
    return r


def median_run(runs: list[WrkResult]) -> WrkResult:
    """The run with the median req/s, with the errors of *all* runs added up."""
    good = sorted((r for r in runs if r.ok), key=lambda r: r.rps)
    if not good:
        return runs[-1]
    pick = WrkResult(**asdict(good[(len(good) - 1) // 2]))
    if len(runs) > 1:
        pick.non2xx = sum(r.non2xx for r in runs)
        pick.connect_errors = sum(r.connect_errors for r in runs)
        pick.read_errors = sum(r.read_errors for r in runs)
        pick.write_errors = sum(r.write_errors for r in runs)
        pick.timeouts = sum(r.timeouts for r in runs)
        failed = [r.error for r in runs if not r.ok and r.error]
        if failed:
            pick.error = f"{len(failed)} of {len(runs)} wrk runs failed: {failed[0]}"
    return pick


def run_wrk(port: int, ep_key: str | Endpoint, duration: float, args, pin: list[str]) -> WrkResult:
    ep = ep_key if isinstance(ep_key, Endpoint) else ENDPOINTS[ep_key]
    cmd = pin + [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{max(1, int(round(duration)))}s",
        "--latency",
        "--timeout",
        f"{args.wrk_timeout}s",
    ]
    if ep.wrk_script:
        cmd += ["-s", str(WRK_SCRIPTS / ep.wrk_script)]
    cmd.append(f"http://{HOST}:{port}{ep.path}")
    try:
        out = subprocess.run(
            cmd, capture_output=True, text=True, timeout=duration + 30, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired:
        return WrkResult(error="wrk timed out")
    if out.returncode != 0:
        return WrkResult(error=f"wrk exit {out.returncode}: {out.stderr.strip()[-300:]}")
    return parse_wrk(out.stdout)


# --------------------------------------------------------------------------- formatting


def ratio(value, ref) -> str:
    if value is None or ref in (None, 0):
        return "–"
    return f"{value / ref:.2f}"


def fmt_num(v, digits=0) -> str:
    if v is None:
        return "–"
    return f"{v:,.{digits}f}"


def md_table(header: list[str], rows: list[list[str]], align: list[str] | None = None) -> str:
    align = align or ["---"] + ["---:"] * (len(header) - 1)
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def load_average() -> str:
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg()) + " (1/5/15 min)"
    except OSError:
        return "unknown"


def machine_info() -> str:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{platform.system()} {platform.release()}, {os.cpu_count()} CPUs ({cpu})"


def versions_table(fws: list[str]) -> str:
    rows = []
    for fw in fws:
        info = probe_venv(fw)
        rows.append(
            [
                fw,
                info.get("framework") or ("–" if fw == "raw" else "?"),
                info.get("python", "?"),
                info.get("granian") or "–",
                info.get("uvicorn") or "–",
                info.get("pydantic") or "–",
                info.get("sqlalchemy") or "–",
            ]
        )
    return md_table(
        ["framework", "version", "python", "granian", "uvicorn", "pydantic", "sqlalchemy"], rows, ["---"] * 7
    )


def write_report(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    log(f"wrote {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")


def dump_raw(mode: str, data: dict) -> Path:
    RAW_RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = RAW_RESULTS / f"{mode}-{stamp}.json"
    path.write_text(json.dumps(data, indent=2, default=str))
    return path


# --------------------------------------------------------------------------- settings


def pin_prefixes(args) -> tuple[list[str], list[str], str]:
    if args.no_pin:
        return [], [], "off (--no-pin)"
    if not shutil.which("taskset"):
        return [], [], "off (taskset not found)"
    ncpu = os.cpu_count() or 1
    if ncpu < 2:
        return [], [], f"off (only {ncpu} CPU)"
    return (
        ["taskset", "-c", str(args.server_cpu)],
        ["taskset", "-c", str(args.client_cpu)],
        f"server on CPU {args.server_cpu}, wrk on CPU {args.client_cpu} (taskset)",
    )


def accelerators(fws: list[str]) -> tuple[str, str, str]:
    """uvloop/httptools only if *every* selected venv has them; else asyncio/h11 everywhere."""
    infos = [probe_venv(fw) for fw in fws]
    loop = "uvloop" if all(i.get("uvloop") for i in infos) else "asyncio"
    http_impl = "httptools" if all(i.get("httptools") for i in infos) else "h11"
    note = f"event loop {loop}, uvicorn HTTP parser {http_impl} (same in every venv)"
    return loop, http_impl, note


def select(args) -> tuple[list[str], list[str]]:
    fws = [f.strip() for f in args.frameworks.split(",") if f.strip()]
    eps = [e.strip() for e in args.endpoints.split(",") if e.strip()]
    for fw in fws:
        if fw not in FRAMEWORKS:
            sys.exit(f"unknown framework {fw!r}; choose from {', '.join(FRAMEWORKS)}")
    for ep in eps:
        if ep not in ENDPOINTS:
            sys.exit(f"unknown endpoint {ep!r}; choose from {', '.join(ENDPOINTS)}")
    usable = []
    for fw in fws:
        info = probe_venv(fw)
        if info.get("ok"):
            usable.append(fw)
        else:
            log(f"skipping {fw}: {info.get('error')}")
    return usable, eps


# --------------------------------------------------------------------------- HTTP mode


def run_http(args) -> int:
    if not shutil.which("wrk"):
        sys.exit("wrk not found: run benchmarks/setup.sh (apt-get install wrk)")
    fws, eps = select(args)
    servers = ["granian", "uvicorn"] if args.server == "both" else [args.server]
    server_pin, client_pin, pin_note = pin_prefixes(args)
    loop, http_impl, accel_note = accelerators(fws)
    started = time.monotonic()
    load_at_start = load_average()
    results: dict = {}  # server -> fw -> ep -> dict
    failures: dict = {}  # server -> fw -> ep -> [reasons]
    for kind in servers:
        cfg = ServerConfig(kind, loop, http_impl, server_pin)
        results[kind], failures[kind] = {}, {}
        for fw in fws:
            results[kind][fw], failures[kind][fw] = {}, {}
            port = pick_free_port(args.port)
            srv = Server(fw, cfg, port, RAW_RESULTS / "logs" / f"{kind}-{fw}.log")
            log(f"[{kind}] {fw}: starting on port {port}")
            fw_eps = endpoints_for(fw, eps)
            try:
                srv.start()
                fails = check_app(port, fw_eps)
                for ep in fw_eps:
                    if fails[ep]:
                        failures[kind][fw][ep] = fails[ep]
                        log(f"[{kind}] {fw} {ep}: CHECK FAILED: {'; '.join(fails[ep])}")
                        continue
                    if args.warmup > 0:
                        run_wrk(port, ep, args.warmup, args, client_pin)
                    runs = [run_wrk(port, ep, args.duration, args, client_pin) for _ in range(args.repeat)]
                    res = median_run(runs)
                    results[kind][fw][ep] = asdict(res) | {
                        "errors_text": res.error_text(),
                        "runs_rps": [round(r.rps, 1) for r in runs],
                    }
                    log(
                        f"[{kind}] {fw} {ep}: {res.rps:,.0f} req/s p50 {fmt_num(res.p50_ms, 2)} ms "
                        f"p99 {fmt_num(res.p99_ms, 2)} ms errors {res.error_text()}"
                    )
            except Exception as exc:  # noqa: BLE001 - record and go on with the next framework
                log(f"[{kind}] {fw}: FAILED: {exc}")
                for ep in fw_eps:
                    if ep not in results[kind][fw] and ep not in failures[kind][fw]:
                        failures[kind][fw][ep] = [f"server: {str(exc)[:300]}"]
            finally:
                srv.stop()
            time.sleep(args.cooldown)
    settings = {
        "duration_s": args.duration,
        "repeat": args.repeat,
        "load_at_start": load_at_start,
        "warmup_s": args.warmup,
        "connections": args.connections,
        "threads": args.threads,
        "pinning": pin_note,
        "accelerators": accel_note,
        "elapsed_s": round(time.monotonic() - started, 1),
    }
    raw_path = dump_raw(
        "http",
        {
            "settings": settings,
            "results": results,
            "failures": failures,
            "versions": {fw: probe_venv(fw) for fw in fws},
        },
    )
    md = render_http(fws, eps, servers, results, failures, settings)
    write_report(Path(args.output) if args.output else RESULTS / "latest.md", md)
    log(f"raw results: {raw_path.relative_to(REPO)}")
    print(md)
    return 0


def render_http(fws, eps, servers, results, failures, settings) -> str:
    out = [
        "# Surge benchmarks: HTTP load",
        "",
        f"Generated {_dt.datetime.now().isoformat(timespec='seconds')} by `benchmarks/run.py` on {machine_info()}.",
        "",
        f"wrk `-t{settings['threads']} -c{settings['connections']} -d{settings['duration_s']:g}s --latency` per endpoint "
        f"after a {settings['warmup_s']:g} s warm-up; one server worker; {settings['pinning']}; "
        f"{settings['accelerators']}. "
        + (
            f"Each figure is the median-req/s run of {settings['repeat']} (errors summed over all runs). "
            if settings["repeat"] > 1
            else ""
        )
        + f"Load average before the run: {settings['load_at_start']}. Whole run: {settings['elapsed_s']} s.",
        "",
        "Ratios are *framework ÷ reference* (`/raw` = raw ASGI, `/fastapi` = FastAPI): for req/s higher is "
        "better and 1.00 means equal; for latency lower is better. `errors` = wrk's non-2xx "
        "count plus socket errors (connect, read, write, timeout).",
        "",
    ]
    for kind in servers:
        res, fail = results.get(kind, {}), failures.get(kind, {})
        out += [f"## {kind}", "", "### Requests/s summary", ""]
        header = ["framework"] + [f"{ep} req/s (/raw, /fastapi)" for ep in eps]
        rows = []
        for fw in fws:
            row = [f"**{fw}**" if fw == "surge" else fw]
            for ep in eps:
                r = res.get(fw, {}).get(ep)
                if not r:
                    row.append(
                        "FAIL" if fail.get(fw, {}).get(ep) else ("–" if endpoints_for(fw, [ep]) else "n/a")
                    )
                    continue
                refs = [res.get(ref, {}).get(ep, {}).get("rps") for ref in REFERENCES]
                row.append(f"{fmt_num(r['rps'])} ({ratio(r['rps'], refs[0])}, {ratio(r['rps'], refs[1])})")
            rows.append(row)
        out += [md_table(header, rows), ""]
        for ep in eps:
            e = ENDPOINTS[ep]
            out += [f"### {ep}: `{e.method} {e.path}`", ""]
            header = [
                "framework",
                "req/s",
                "/raw",
                "/fastapi",
                "p50 ms",
                "/raw",
                "/fastapi",
                "p99 ms",
                "/raw",
                "/fastapi",
                "requests",
                "errors",
            ]
            rows = []
            refs = {ref: res.get(ref, {}).get(ep) or {} for ref in REFERENCES}
            for fw in fws:
                if not endpoints_for(fw, [ep]):
                    continue
                r = res.get(fw, {}).get(ep)
                if not r:
                    reasons = fail.get(fw, {}).get(ep)
                    rows.append(
                        [fw, "FAIL" if reasons else "–"]
                        + [""] * 9
                        + [("; ".join(reasons)[:160].replace("|", "/")) if reasons else "not run"]
                    )
                    continue
                row = [f"**{fw}**" if fw == "surge" else fw]
                for key, digits in (("rps", 0), ("p50_ms", 2), ("p99_ms", 2)):
                    row += [
                        fmt_num(r[key], digits),
                        ratio(r[key], refs["raw"].get(key)),
                        ratio(r[key], refs["fastapi"].get(key)),
                    ]
                row += [fmt_num(r["requests"]), r["errors_text"]]
                rows.append(row)
            out += [md_table(header, rows), ""]
    all_fail = [
        (k, fw, ep, reasons)
        for k, d in failures.items()
        for fw, eps_ in d.items()
        for ep, reasons in eps_.items()
    ]
    if all_fail:
        out += ["## Failed checks (not benchmarked)", ""]
        for k, fw, ep, reasons in all_fail:
            out.append(f"- {k} / {fw} / {ep}: " + "; ".join(reasons)[:500])
        out.append("")
    out += ["## Versions", "", versions_table(fws), ""]
    return "\n".join(out)


# --------------------------------------------------------------------------- memory mode


class RssSampler(threading.Thread):
    def __init__(self, pid: int, interval: float = 0.1):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_kib = 0
        self._stop_evt = threading.Event()

    def run(self) -> None:
        while not self._stop_evt.is_set():
            self.peak_kib = max(self.peak_kib, tree_memory(self.pid)["rss_kib"])
            self._stop_evt.wait(self.interval)

    def stop(self) -> None:
        self._stop_evt.set()
        self.join(timeout=5)


def run_memory(args) -> int:
    if not shutil.which("wrk"):
        sys.exit("wrk not found: run benchmarks/setup.sh (apt-get install wrk)")
    fws, eps = select(args)
    kind = "granian" if args.server == "both" else args.server
    server_pin, client_pin, pin_note = pin_prefixes(args)
    loop, http_impl, accel_note = accelerators(fws)
    cfg = ServerConfig(kind, loop, http_impl, server_pin)
    results: dict = {}
    started = time.monotonic()
    for fw in fws:
        port = pick_free_port(args.port)
        srv = Server(fw, cfg, port, RAW_RESULTS / "logs" / f"memory-{kind}-{fw}.log")
        log(f"[memory/{kind}] {fw}: starting on port {port}")
        entry: dict = {}
        try:
            srv.start()
            fw_eps = endpoints_for(fw, eps)
            fails = check_app(port, fw_eps)
            good = [ep for ep in fw_eps if not fails[ep]]
            bad = {ep: fails[ep] for ep in fw_eps if fails[ep]}
            if bad:
                entry["failed_checks"] = bad
                log(f"[memory] {fw}: checks failed for {', '.join(bad)}; they are left out of the mix")
            if not good:
                raise RuntimeError("no endpoint passed its checks")
            for ep in good:
                run_wrk(port, ep, max(1.0, args.warmup), args, client_pin)
            time.sleep(0.5)
            pid = srv.proc.pid
            after_warm = tree_memory(pid)
            sampler = RssSampler(pid)
            sampler.start()
            total, errors, rounds = 0, 0, 0
            load_started = time.monotonic()
            deadline = load_started + args.memory_timeout
            while total < args.memory_requests and time.monotonic() < deadline:
                ep = good[rounds % len(good)]
                chunk = args.memory_chunk
                if total:  # size the last chunks so the total lands near the target
                    rate = total / max(1e-3, time.monotonic() - load_started)
                    chunk = min(args.memory_chunk, max(1.0, (args.memory_requests - total) / max(rate, 1.0)))
                res = run_wrk(port, ep, chunk, args, client_pin)
                rounds += 1
                total += res.requests
                errors += res.total_errors
                if res.error and not res.requests:
                    raise RuntimeError(res.error)
            sampler.stop()
            time.sleep(0.5)
            after_load = tree_memory(pid)
            entry.update(
                {
                    "endpoints": good,
                    "requests": total,
                    "errors": errors,
                    "chunks": rounds,
                    "reached_target": total >= args.memory_requests,
                    "rss_warm_kib": after_warm["rss_kib"],
                    "rss_after_kib": after_load["rss_kib"],
                    "peak_sampled_kib": max(sampler.peak_kib, after_load["rss_kib"], after_warm["rss_kib"]),
                    "hwm_kib": after_load["hwm_kib"],
                    "processes": len(after_load["pids"]),
                    "per_process": after_load["per_process"],
                }
            )
            log(
                f"[memory] {fw}: {total:,} requests, RSS {after_warm['rss_kib'] / 1024:.1f} -> "
                f"{after_load['rss_kib'] / 1024:.1f} MiB, HWM {after_load['hwm_kib'] / 1024:.1f} MiB"
            )
        except Exception as exc:  # noqa: BLE001
            log(f"[memory] {fw}: FAILED: {exc}")
            entry["error"] = str(exc)[:300]
        finally:
            srv.stop()
        results[fw] = entry
        time.sleep(args.cooldown)
    settings = {
        "server": kind,
        "pinning": pin_note,
        "accelerators": accel_note,
        "target_requests": args.memory_requests,
        "chunk_s": args.memory_chunk,
        "connections": args.connections,
        "elapsed_s": round(time.monotonic() - started, 1),
    }
    dump_raw("memory", {"settings": settings, "results": results})
    md = render_memory(fws, results, settings)
    write_report(RESULTS / "memory.md", md)
    print(md)
    return 0


def render_memory(fws, results, settings) -> str:
    mib = lambda k: None if k is None else k / 1024  # noqa: E731
    out = [
        "# Surge benchmarks: server memory",
        "",
        f"Generated {_dt.datetime.now().isoformat(timespec='seconds')} on {machine_info()}.",
        "",
        f"Server: {settings['server']}, one worker; {settings['pinning']}; {settings['accelerators']}. "
        f"After checks and a warm-up of every endpoint, the server's RSS (VmRSS summed over the server "
        f"process and all its children) is read, then about {settings['target_requests']:,} requests are sent "
        f"with wrk (-c{settings['connections']}) in {settings['chunk_s']} s chunks rotating over the endpoints, "
        f"and RSS is read again. *Peak (sampled)* is the largest summed VmRSS seen every 100 ms during the "
        f"load; *VmHWM sum* adds each process's own high-water mark (normally at or above the sampled peak). "
        f"Ratios are framework ÷ reference (lower is leaner). Whole run: {settings['elapsed_s']} s.",
        "",
    ]
    header = [
        "framework",
        "RSS warm MiB",
        "RSS after MiB",
        "growth MiB",
        "growth %",
        "after /raw",
        "after /fastapi",
        "peak (sampled) MiB",
        "VmHWM sum MiB",
        "peak /raw",
        "peak /fastapi",
        "requests",
        "errors",
    ]
    refs = {ref: results.get(ref, {}) for ref in REFERENCES}
    rows = []
    for fw in fws:
        r = results.get(fw, {})
        if "rss_after_kib" not in r:
            rows.append([fw, "FAIL"] + [""] * 10 + [r.get("error", "not run")[:120].replace("|", "/")])
            continue
        warm, after, peak = mib(r["rss_warm_kib"]), mib(r["rss_after_kib"]), mib(r["peak_sampled_kib"])
        growth = after - warm
        rows.append(
            [
                f"**{fw}**" if fw == "surge" else fw,
                fmt_num(warm, 1),
                fmt_num(after, 1),
                f"{growth:+.1f}",
                f"{(growth / warm * 100) if warm else 0:+.1f}%",
                ratio(after, mib(refs["raw"].get("rss_after_kib"))),
                ratio(after, mib(refs["fastapi"].get("rss_after_kib"))),
                fmt_num(peak, 1),
                fmt_num(mib(r["hwm_kib"]), 1),
                ratio(peak, mib(refs["raw"].get("peak_sampled_kib"))),
                ratio(peak, mib(refs["fastapi"].get("peak_sampled_kib"))),
                fmt_num(r["requests"]) + ("" if r["reached_target"] else " (time cap)"),
                fmt_num(r["errors"]),
            ]
        )
    out += [md_table(header, rows), ""]
    notes = [
        f"- {fw}: endpoints left out after failed checks: "
        + "; ".join(f"{ep}: {'; '.join(v)}" for ep, v in r["failed_checks"].items())[:400]
        for fw, r in results.items()
        if r.get("failed_checks")
    ]
    if notes:
        out += ["## Notes", ""] + notes + [""]
    out += ["## Versions", "", versions_table(fws), ""]
    return "\n".join(out)


# --------------------------------------------------------------------------- in-process mode


def run_inprocess(args) -> int:
    fws, eps = select(args)
    server_pin, _, pin_note = pin_prefixes(args)
    results: dict = {}
    started = time.monotonic()
    for fw in fws:
        py = str(python_for(fw))
        cmd = server_pin + [
            py,
            str(DRIVER),
            "--app",
            f"{fw}_app:app",
            "--endpoints",
            ",".join(endpoints_for(fw, eps)),
            "--iterations",
            str(args.iterations),
            "--rounds",
            str(args.rounds),
            "--max-seconds",
            str(args.inprocess_seconds),
        ]
        log(f"[inprocess] {fw}: {' '.join(cmd[len(server_pin) :][1:])}")
        budget = len(eps) * (args.inprocess_seconds + 10) + 60
        try:
            out = subprocess.run(
                cmd,
                cwd=str(APPS),
                capture_output=True,
                text=True,
                timeout=budget,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        except subprocess.TimeoutExpired:
            results[fw] = {"error": f"driver timed out after {budget}s"}
            log(f"[inprocess] {fw}: timed out")
            continue
        payload = None
        for line in out.stdout.splitlines():
            if line.startswith("INPROCESS_JSON "):
                payload = json.loads(line[len("INPROCESS_JSON ") :])
        if payload is None:
            tail = (out.stderr or out.stdout).strip()[-400:]
            results[fw] = {"error": f"driver exit {out.returncode}: {tail}"}
            log(f"[inprocess] {fw}: FAILED: {tail}")
            continue
        results[fw] = payload
        for ep, r in payload.get("endpoints", {}).items():
            if r.get("us_median") is not None:
                log(
                    f"[inprocess] {fw} {ep}: {r['us_median']:.1f} µs/req (min {r['us_min']:.1f}, "
                    f"{r['iterations']} x {len(r['rounds_us'])} rounds, errors {r['errors']})"
                )
            else:
                log(f"[inprocess] {fw} {ep}: FAILED: {r.get('check_error')}")
    driver_pin = (
        f"driver pinned to CPU {args.server_cpu} (taskset)" if server_pin else f"driver pinning {pin_note}"
    )
    settings = {
        "pinning": pin_note,
        "driver_pinning": driver_pin,
        "iterations": args.iterations,
        "rounds": args.rounds,
        "max_seconds": args.inprocess_seconds,
        "elapsed_s": round(time.monotonic() - started, 1),
    }
    dump_raw("inprocess", {"settings": settings, "results": results})
    md = render_inprocess(fws, eps, results, settings)
    write_report(RESULTS / "inprocess.md", md)
    print(md)
    return 0


def render_inprocess(fws, eps, results, settings) -> str:
    out = [
        "# Surge benchmarks: in-process framework overhead",
        "",
        f"Generated {_dt.datetime.now().isoformat(timespec='seconds')} on {machine_info()}.",
        "",
        "No server and no socket: `benchmarks/inprocess_driver.py`, run with each framework's own venv "
        "python, runs the app's lifespan startup, checks every endpoint's response, then calls the ASGI "
        "callable directly with a prepared scope, a `receive` that returns the body once and a `send` "
        "that only records the status. Figures are the median over "
        f"{settings['rounds']} rounds of up to {settings['iterations']:,} sequential requests "
        f"(each round capped at {settings['max_seconds'] / max(1, settings['rounds']):.1f} s) of the wall time per "
        f"request, in microseconds (lower is better); {settings['driver_pinning']}. Ratios are "
        "framework ÷ reference (`/raw` = raw ASGI, `/fastapi` = FastAPI). "
        f"Whole run: {settings['elapsed_s']} s.",
        "",
        "## µs per request (median)",
        "",
    ]

    def cell(fw, ep):
        return (results.get(fw, {}).get("endpoints", {}).get(ep) or {}).get("us_median")

    header = ["framework"] + [f"{ep} µs (/raw, /fastapi)" for ep in eps]
    rows = []
    for fw in fws:
        row = [f"**{fw}**" if fw == "surge" else fw]
        for ep in eps:
            v = cell(fw, ep)
            if v is None:
                row.append("FAIL" if endpoints_for(fw, [ep]) else "n/a")
                continue
            row.append(f"{v:,.1f} ({ratio(v, cell('raw', ep))}, {ratio(v, cell('fastapi', ep))})")
        rows.append(row)
    out += [md_table(header, rows), ""]
    out += ["## Detail", ""]
    header = [
        "framework",
        "endpoint",
        "median µs",
        "min µs",
        "/raw",
        "/fastapi",
        "req/s (1 core)",
        "iterations × rounds",
        "errors",
    ]
    rows = []
    for fw in fws:
        for ep in endpoints_for(fw, eps):
            r = (results.get(fw, {}).get("endpoints", {}).get(ep)) or {}
            if r.get("us_median") is None:
                err = r.get("check_error") or results.get(fw, {}).get("error") or "not run"
                rows.append(
                    [fw, ep, "FAIL", "", "", "", "", "", err[:160].replace("|", "/").replace("\n", " ")]
                )
                continue
            v = r["us_median"]
            rows.append(
                [
                    fw,
                    ep,
                    f"{v:,.1f}",
                    f"{r['us_min']:,.1f}",
                    ratio(v, cell("raw", ep)),
                    ratio(v, cell("fastapi", ep)),
                    fmt_num(1e6 / v if v else None),
                    f"{r['iterations']:,} × {len(r['rounds_us'])}",
                    str(r["errors"]),
                ]
            )
    out += [md_table(header, rows, ["---", "---"] + ["---:"] * 7), ""]
    py = {fw: results.get(fw, {}).get("python") for fw in fws}
    out += [
        "## Versions",
        "",
        versions_table(fws),
        "",
        "Driver event loop: "
        + ", ".join(f"{fw}: {results.get(fw, {}).get('loop', '?')}" for fw in fws)
        + "; python: "
        + ", ".join(f"{fw} {v}" for fw, v in py.items() if v),
        "",
    ]
    return "\n".join(out)


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--inprocess", action="store_true", help="framework overhead without the network")
    mode.add_argument("--memory", action="store_true", help="server RSS after warm-up vs after N requests")
    p.add_argument(
        "--suite",
        choices=["default", "tfb"],
        default="default",
        help="tfb: the TechEmpower test types on PostgreSQL (benchmarks/tfb_suite.py)",
    )
    p.add_argument("--frameworks", help="comma list (default: all of the suite's)")
    p.add_argument("--endpoints", help="comma list (default: all; the test types for --suite tfb)")
    p.add_argument(
        "--quick", action="store_true", help="smoke run: --duration 3 --warmup 1, 10k memory requests"
    )
    p.add_argument("--server", choices=["granian", "uvicorn", "both"], default="granian")
    p.add_argument("--duration", type=float, default=10.0, help="seconds of measured load per endpoint")
    p.add_argument("--warmup", type=float, default=2.0, help="seconds of unmeasured load before each run")
    p.add_argument(
        "--repeat", type=int, default=1, help="measured wrk runs per endpoint; the median is reported"
    )
    p.add_argument("--connections", type=int, default=64)
    p.add_argument("--threads", type=int, default=1, help="wrk threads")
    p.add_argument("--wrk-timeout", type=int, default=5, help="wrk per-request timeout (s)")
    p.add_argument("--port", type=int, default=8781)
    p.add_argument("--cooldown", type=float, default=1.0, help="pause between frameworks (s)")
    p.add_argument("--server-cpu", type=int, default=0)
    p.add_argument("--client-cpu", type=int, default=1)
    p.add_argument("--no-pin", action="store_true", help="do not pin server and wrk with taskset")
    p.add_argument("--output", help="markdown output for HTTP mode (default results/latest.md)")
    p.add_argument("--memory-requests", type=int, default=100_000)
    p.add_argument("--memory-chunk", type=float, default=2.0, help="seconds per wrk chunk in --memory")
    p.add_argument("--memory-timeout", type=float, default=300.0, help="cap on the --memory load phase (s)")
    p.add_argument("--iterations", type=int, default=20_000, help="--inprocess requests per round")
    p.add_argument("--rounds", type=int, default=5, help="--inprocess rounds per endpoint")
    p.add_argument(
        "--inprocess-seconds",
        type=float,
        default=5.0,
        help="--inprocess time cap per endpoint (split over rounds)",
    )
    args = p.parse_args(argv)
    if args.quick:
        args.duration, args.warmup, args.memory_requests = 3.0, 1.0, 10_000
    if args.suite == "tfb" and args.inprocess:
        p.error("--suite tfb has no --inprocess mode")
    if args.suite == "default":
        args.frameworks = args.frameworks or ",".join(FRAMEWORKS)
        args.endpoints = args.endpoints or ",".join(ENDPOINTS)
    if args.duration <= 0 or args.connections <= 0 or args.threads <= 0 or args.repeat <= 0:
        p.error("--duration, --connections, --threads and --repeat must be positive")
    if args.connections < args.threads:
        p.error("--connections must be >= --threads")
    try:
        if args.suite == "tfb":
            import tfb_suite

            return tfb_suite.main(args, sys.modules[__name__])
        if args.inprocess:
            return run_inprocess(args)
        if args.memory:
            return run_memory(args)
        return run_http(args)
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    finally:
        _cleanup()


if __name__ == "__main__":
    sys.exit(main())
