"""`run.py --suite tfb --memory`: RSS growth per TechEmpower test type, and idle RSS.

Per framework and type: RSS of the server's process tree after a warm-up of that type, then
after ``--memory-requests`` requests of it (wrk chunks). Then the idle RSS, right after startup,
of Surge's TFB app with every extension loaded, of Surge's plain TFB app and of FastAPI's.
Writes ``results/tfb_memory.md``.
"""

from __future__ import annotations

import datetime as _dt
import time
from pathlib import Path
from types import ModuleType

from bench_common import Endpoint
from tfb_suite import endpoint, prepare_database, select, start, verify_server, versions_table

IDLE_APPS = {
    "surge, every extension": ("surge", "tfb.surge_full_app:app"),
    "surge, TFB app (SQL + cache)": ("surge", "tfb.surge_app:app"),
    "fastapi, TFB app": ("fastapi", "tfb.fastapi_app:app"),
}


def load_requests(
    rt: ModuleType, port: int, ep: Endpoint, target: int, args, pin: list[str]
) -> tuple[int, int, bool]:
    """Send about ``target`` requests of one type in wrk chunks; (requests, errors, reached)."""
    total, errors = 0, 0
    started = time.monotonic()
    deadline = started + args.memory_timeout
    while total < target and time.monotonic() < deadline:
        chunk = args.memory_chunk
        if total:
            rate = total / max(1e-3, time.monotonic() - started)
            chunk = min(args.memory_chunk, max(1.0, (target - total) / max(rate, 1.0)))
        res = rt.run_wrk(port, ep, chunk, args, pin)
        if res.error and not res.requests:
            raise RuntimeError(res.error)
        total += res.requests
        errors += res.total_errors
    return total, errors, total >= target


def run_memory(args, rt: ModuleType) -> int:
    fws, types = select(args, rt)
    dsn, pg_version = prepare_database(rt)
    server_pin, client_pin, pin_note = rt.pin_prefixes(args)
    loop, http_impl, accel_note = rt.accelerators(fws)
    kind = "granian" if args.server == "both" else args.server
    cfg = rt.ServerConfig(kind, loop, http_impl, server_pin)
    started = time.monotonic()
    results: dict[str, dict] = {}
    for fw in fws:
        entry: dict = {"types": {}}
        results[fw] = entry
        srv = None
        try:
            srv, port = start(rt, fw, cfg, args, f"memory-{kind}-{fw}")
            checks = verify_server(port, dsn, types)
            entry["failed_checks"] = {t: p for t, p in checks.items() if p}
            for t in [t for t in types if not checks[t]]:
                ep = endpoint(t)
                rt.run_wrk(port, ep, max(1.0, args.warmup), args, client_pin)
                time.sleep(0.3)
                before = rt.tree_memory(srv.proc.pid)["rss_kib"]
                n, errors, reached = load_requests(rt, port, ep, args.memory_requests, args, client_pin)
                time.sleep(0.3)
                after = rt.tree_memory(srv.proc.pid)["rss_kib"]
                entry["types"][t] = {
                    "before_kib": before,
                    "after_kib": after,
                    "requests": n,
                    "errors": errors,
                    "reached": reached,
                }
                rt.log(
                    f"[tfb memory] {fw} {t}: {n:,} requests, RSS {before / 1024:.1f} -> {after / 1024:.1f} MiB"
                )
        except Exception as exc:  # noqa: BLE001
            rt.log(f"[tfb memory] {fw}: FAILED: {exc}")
            entry["error"] = str(exc)[:300]
        finally:
            if srv is not None:
                srv.stop()
        time.sleep(args.cooldown)
    idle = idle_rss(rt, cfg, args)
    settings = {
        "server": kind,
        "pinning": pin_note,
        "accelerators": accel_note,
        "target": args.memory_requests,
        "postgresql": pg_version,
        "elapsed_s": round(time.monotonic() - started, 1),
    }
    rt.dump_raw("tfb-memory", {"settings": settings, "results": results, "idle": idle})
    md = render_memory(rt, fws, types, results, idle, settings)
    rt.write_report(Path(args.output) if args.output else rt.RESULTS / "tfb_memory.md", md)
    print(md)
    return 0


def idle_rss(rt: ModuleType, cfg: object, args) -> dict[str, dict]:
    """RSS of an app right after startup and one request (nothing else served)."""
    out: dict[str, dict] = {}
    for label, (fw, target) in IDLE_APPS.items():
        if not rt.probe_venv(fw).get("ok"):
            continue
        srv = None
        try:
            srv, _ = start(rt, fw, cfg, args, f"idle-{fw}", target=target)
            time.sleep(1.0)
            out[label] = {"rss_kib": rt.tree_memory(srv.proc.pid)["rss_kib"], "target": target}
        except Exception as exc:  # noqa: BLE001
            out[label] = {"error": str(exc)[:300], "target": target}
        finally:
            if srv is not None:
                srv.stop()
    return out


def render_memory(rt: ModuleType, fws, types, results, idle, settings) -> str:
    out = [
        "# Surge benchmarks: TechEmpower memory",
        "",
        f"Generated {_dt.datetime.now().isoformat(timespec='seconds')} by `benchmarks/run.py --suite tfb --memory` "
        f"on {rt.machine_info()}.",
        "",
        f"{settings['server']}, one worker; {settings['pinning']}; {settings['accelerators']}; PostgreSQL "
        f"{settings['postgresql']}. Per test type, after a warm-up of that type: the server's RSS (VmRSS summed "
        f"over its process tree), then about {settings['target']:,} requests of that type (wrk chunks), then RSS "
        f"again; growth = after - before. Types run one after the other in one server process. "
        f"Whole run: {settings['elapsed_s']} s.",
        "",
        "## RSS growth per test type (MiB: before -> after, growth)",
        "",
    ]
    rows = []
    for fw in fws:
        r = results.get(fw, {})
        row = [f"**{fw}**" if fw == "surge" else fw]
        for t in types:
            m = r.get("types", {}).get(t)
            if m is None:
                row.append("FAIL" if t in r.get("failed_checks", {}) or "error" in r else "–")
                continue
            b, a = m["before_kib"] / 1024, m["after_kib"] / 1024
            note = "" if m["reached"] else f", {m['requests']:,} req (time cap)"
            row.append(f"{b:.1f} -> {a:.1f} ({a - b:+.1f}{note})")
        rows.append(row)
    out += [rt.md_table(["framework", *types], rows), ""]
    errors = [f"- {fw}: {r['error']}" for fw, r in results.items() if r.get("error")]
    errors += [
        f"- {fw} {t}: {'; '.join(p)[:300]}"
        for fw, r in results.items()
        for t, p in r.get("failed_checks", {}).items()
    ]
    if errors:
        out += ["Failures:", "", *errors, ""]
    out += ["## Idle RSS (after startup)", ""]
    rows = []
    for label, r in idle.items():
        rows.append(
            [
                label,
                f"`{r['target']}`",
                rt.fmt_num(r["rss_kib"] / 1024, 1) if "rss_kib" in r else f"FAIL: {r.get('error')}",
            ]
        )
    out += [rt.md_table(["app", "module", "RSS MiB"], rows, ["---", "---", "---:"]), ""]
    out += ["## Versions", "", versions_table(rt, fws), ""]
    return "\n".join(out)
