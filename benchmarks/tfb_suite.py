"""`run.py --suite tfb`: the TechEmpower test types on PostgreSQL, every framework, one command.

For each framework: prepare the database (``tfb_setup.py``), start ``apps/tfb/<fw>_app.py``
under the same server and flags as the default suite (granian, one worker, pinned), run
``tfb_verify.verify_app`` over the socket (a type that fails is not loaded), then wrk per type.
Writes ``results/tfb.md`` (``--output`` to change) and a JSON dump under ``results/raw/``.
``--memory`` instead runs ``tfb_memory.py``.

Runs inside run.py's process (``main(args, runner)`` gets run.py's module), stdlib + asyncpg.
"""

from __future__ import annotations

import asyncio
import datetime as _dt
import os
import shutil
import sys
import time
from pathlib import Path
from types import ModuleType

import tfb_setup
import tfb_verify
from bench_common import Endpoint

TFB_FRAMEWORKS = ["raw", "starlette", "fastapi", "litestar", "blacksheep", "surge"]


def endpoint(test_type: str) -> Endpoint:
    return Endpoint(test_type, "GET", tfb_verify.LOAD_PATHS[test_type])


def select(args: object, rt: ModuleType) -> tuple[list[str], list[str]]:
    fws = [
        f.strip()
        for f in (getattr(args, "frameworks", None) or ",".join(TFB_FRAMEWORKS)).split(",")
        if f.strip()
    ]
    types = [
        t.strip()
        for t in (getattr(args, "endpoints", None) or ",".join(tfb_verify.TEST_TYPES)).split(",")
        if t.strip()
    ]
    for fw in fws:
        if fw not in TFB_FRAMEWORKS:
            sys.exit(f"unknown framework {fw!r} for --suite tfb; choose from {', '.join(TFB_FRAMEWORKS)}")
    for t in types:
        if t not in tfb_verify.TEST_TYPES:
            sys.exit(f"unknown test type {t!r}; choose from {', '.join(tfb_verify.TEST_TYPES)}")
    usable = []
    for fw in fws:
        info = rt.probe_venv(fw)
        if info.get("ok") and info.get("asyncpg") and info.get("jinja2"):
            usable.append(fw)
        else:
            rt.log(
                f"skipping {fw}: {info.get('error') or 'asyncpg/jinja2 missing (re-run benchmarks/setup.sh)'}"
            )
    return usable, types


def prepare_database(rt: ModuleType) -> tuple[str, str]:
    """Create/seed the TFB database; returns (dsn, PostgreSQL version)."""
    dsn = tfb_setup.dsn_from_env()

    async def go() -> str:
        import asyncpg

        await tfb_setup.prepare(dsn)
        conn = await asyncpg.connect(dsn)
        try:
            return str(await conn.fetchval("SHOW server_version"))
        finally:
            await conn.close()

    try:
        version = asyncio.run(go())
    except OSError as exc:
        sys.exit(f"PostgreSQL is not reachable for {dsn}: {exc}")
    rt.log(f"[tfb] database {dsn} ready (PostgreSQL {version})")
    return dsn, version


def verify_server(port: int, dsn: str, types: list[str]) -> dict[str, list[str]]:
    fetch = tfb_verify.http_fetcher("127.0.0.1", port)
    reader = tfb_verify.asyncpg_world_reader(dsn)
    return asyncio.run(tfb_verify.verify_app(fetch, read_worlds=reader, server_headers=True, types=types))


def start(rt: ModuleType, fw: str, cfg: object, args: object, label: str, target: str | None = None):
    port = rt.pick_free_port(args.port)  # type: ignore[attr-defined]
    srv = rt.Server(
        fw, cfg, port, rt.RAW_RESULTS / "logs" / f"tfb-{label}.log", target=target or f"tfb.{fw}_app:app"
    )
    rt.log(f"[tfb] {label}: starting on port {port}")
    srv.start()
    return srv, port


# --------------------------------------------------------------------------- HTTP load


def run_framework(rt: ModuleType, fw: str, cfg, args, kind: str, dsn: str, types: list[str], client_pin,
                  runs: dict[str, list], failures: dict[str, list[str]]) -> None:
    """One round for ``fw``: start its server, verify every type, then one wrk run per type that
    passed (added to ``runs``); a type that fails its checks or its load is recorded in ``failures``."""
    srv = None
    try:
        srv, port = start(rt, fw, cfg, args, f"{kind}-{fw}")
        checks = verify_server(port, dsn, types)
        for t in types:
            if t in failures:
                continue
            if checks[t]:
                failures[t] = checks[t]
                rt.log(f"[tfb] {fw} {t}: CHECK FAILED: {'; '.join(checks[t])[:400]}")
                continue
            ep = endpoint(t)
            if args.warmup > 0:
                rt.run_wrk(port, ep, args.warmup, args, client_pin)
            res = rt.run_wrk(port, ep, args.duration, args, client_pin)
            if not res.ok:
                failures[t] = [f"load: {res.error_text()}"]
                rt.log(f"[tfb] {fw} {t}: LOAD FAILED: {res.error_text()}")
                continue
            runs.setdefault(t, []).append(res)
            rt.log(f"[tfb] {fw} {t}: {res.rps:,.0f} req/s p99 {rt.fmt_num(res.p99_ms, 2)} ms errors {res.error_text()}")
    except Exception as exc:  # noqa: BLE001 - record it and go on with the next framework
        rt.log(f"[tfb] {fw}: FAILED: {exc}")
        for t in types:
            if t not in runs and t not in failures:
                failures[t] = [f"server: {str(exc)[:300]}"]
    finally:
        if srv is not None:
            srv.stop()


def run_http(args, rt: ModuleType) -> int:
    fws, types = select(args, rt)
    dsn, pg_version = prepare_database(rt)
    server_pin, client_pin, pin_note = rt.pin_prefixes(args)
    loop, http_impl, accel_note = rt.accelerators(fws)
    kind = "granian" if args.server == "both" else args.server
    cfg = rt.ServerConfig(kind, loop, http_impl, server_pin)
    started, load_at_start = time.monotonic(), rt.load_average()
    runs: dict[str, dict[str, list]] = {fw: {} for fw in fws}
    failures: dict[str, dict[str, list[str]]] = {fw: {} for fw in fws}
    for round_no in range(args.repeat):
        # Every round visits every framework (in a rotated order), so a noisy minute on a shared
        # machine lands on all of them rather than on whichever ran then; the median is reported.
        shift = round_no % len(fws)
        for fw in fws[shift:] + fws[:shift]:
            run_framework(rt, fw, cfg, args, kind, dsn, types, client_pin, runs[fw], failures[fw])
            time.sleep(args.cooldown)
    results: dict[str, dict] = {fw: {} for fw in fws}
    for fw in fws:
        for t, measured in runs[fw].items():
            if t in failures[fw]:
                continue
            res = rt.median_run(measured)
            results[fw][t] = rt.asdict(res) | {"errors_text": res.error_text()}
    settings = {
        "server": kind,
        "duration_s": args.duration,
        "warmup_s": args.warmup,
        "repeat": args.repeat,
        "connections": args.connections,
        "threads": args.threads,
        "pinning": pin_note,
        "accelerators": accel_note,
        "load_at_start": load_at_start,
        "postgresql": pg_version,
        "dsn": dsn,
        "elapsed_s": round(time.monotonic() - started, 1),
    }
    versions = {fw: rt.probe_venv(fw) for fw in fws}
    raw_path = rt.dump_raw(
        "tfb", {"settings": settings, "results": results, "failures": failures, "versions": versions}
    )
    md = render_http(rt, fws, types, results, failures, settings)
    rt.write_report(Path(args.output) if args.output else rt.RESULTS / "tfb.md", md)
    rt.log(f"raw results: {raw_path}")
    print(md)
    return 0


def _rps(results: dict, fw: str, t: str) -> float | None:
    return (results.get(fw, {}).get(t) or {}).get("rps")


def render_http(rt: ModuleType, fws, types, results, failures, settings) -> str:
    out = [
        "# Surge benchmarks: TechEmpower test types (PostgreSQL)",
        "",
        f"Generated {_dt.datetime.now().isoformat(timespec='seconds')} by `benchmarks/run.py --suite tfb` "
        f"on {rt.machine_info()}.",
        "",
        f"{settings['server']}, one worker; wrk `-t{settings['threads']} -c{settings['connections']} "
        f"-d{settings['duration_s']:g}s --latency` per test type after a {settings['warmup_s']:g} s warm-up; "
        f"{settings['pinning']}; {settings['accelerators']}. PostgreSQL {settings['postgresql']} on 127.0.0.1 "
        f"(database from `TFB_DSN`, made by `benchmarks/tfb_setup.py`); every app gets a pool of "
        f"{os.environ.get('TFB_POOL_SIZE', '10')} connections. Every app passed `benchmarks/tfb_verify.py` "
        f"for a type before it was loaded. Load average before the run: {settings['load_at_start']}. "
        f"Whole run: {settings['elapsed_s']} s."
        + (
            f" {settings['repeat']} rounds, each visiting every framework (in a rotated order, each"
            " server started afresh); each figure is the median-req/s round."
            if settings["repeat"] > 1
            else ""
        ),
        "",
        "Ratios are req/s of Surge ÷ req/s of the other (higher is better for Surge); p99 in ms.",
        "",
        "## Requests/s (p99 ms)",
        "",
    ]
    header = ["test type", *fws]
    if "surge" in fws:
        header += [f"surge/{ref}" for ref in fws if ref != "surge"]
    rows = []
    for t in types:
        row = [f"`{tfb_verify.LOAD_PATHS[t]}`"]
        for fw in fws:
            r = results.get(fw, {}).get(t)
            if r:
                row.append(f"{rt.fmt_num(r['rps'])} ({rt.fmt_num(r['p99_ms'], 1)})")
            else:
                row.append("FAIL" if failures.get(fw, {}).get(t) else "–")
        if "surge" in fws:
            row += [
                rt.ratio(_rps(results, "surge", t), _rps(results, ref, t)) for ref in fws if ref != "surge"
            ]
        rows.append(row)
    out += [rt.md_table(header, rows), ""]
    out += ["## Detail", ""]
    header = ["test type", "framework", "req/s", "/raw", "p50 ms", "p99 ms", "p99 /raw", "requests", "errors"]
    rows = []
    for t in types:
        for fw in fws:
            r = results.get(fw, {}).get(t)
            if not r:
                reasons = failures.get(fw, {}).get(t) or ["not run"]
                reason = " ".join("; ".join(reasons).split())[:200].replace("|", "/")
                rows.append([t, fw, "FAIL", "", "", "", "", "", reason])
                continue
            raw = results.get("raw", {}).get(t) or {}
            rows.append(
                [
                    t,
                    f"**{fw}**" if fw == "surge" else fw,
                    rt.fmt_num(r["rps"]),
                    rt.ratio(r["rps"], raw.get("rps")),
                    rt.fmt_num(r["p50_ms"], 2),
                    rt.fmt_num(r["p99_ms"], 2),
                    rt.ratio(r["p99_ms"], raw.get("p99_ms")),
                    rt.fmt_num(r["requests"]),
                    r["errors_text"],
                ]
            )
    out += [rt.md_table(header, rows, ["---", "---"] + ["---:"] * 7), ""]
    out += ["## Versions", "", versions_table(rt, fws), ""]
    return "\n".join(out)


def versions_table(rt: ModuleType, fws: list[str]) -> str:
    cols = ["python", "granian", "sqlalchemy", "asyncpg", "jinja2", "pydantic"]
    rows = []
    for fw in fws:
        info = rt.probe_venv(fw)
        rows.append(
            [fw, info.get("framework") or ("–" if fw == "raw" else "?")] + [info.get(c) or "–" for c in cols]
        )
    return rt.md_table(["framework", "version", *cols], rows, ["---"] * (len(cols) + 2))


def main(args, rt: ModuleType) -> int:
    """Entry point from run.py (``--suite tfb``)."""
    if not shutil.which("wrk"):
        sys.exit("wrk not found: run benchmarks/setup.sh (apt-get install wrk)")
    if args.memory:
        import tfb_memory

        return tfb_memory.run_memory(args, rt)
    return run_http(args, rt)
