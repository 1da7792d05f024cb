#!/usr/bin/env python3
"""In-process ASGI driver: framework overhead without a server or a socket.

Run by ``run.py --inprocess`` with each framework's *own* venv python (cwd =
benchmarks/apps), e.g.::

    benchmarks/.venvs/fastapi/bin/python benchmarks/inprocess_driver.py --app fastapi_app:app

Steps: import the app; run the ASGI lifespan startup (so DB apps seed their
database); run the response checks of bench_common.CHECKS in-process; then for
each endpoint time ``--rounds`` rounds of up to ``--iterations`` sequential
requests, each a fresh scope dict (shallow copy of a prepared template), a
``receive`` returning the body once and a ``send`` that keeps only the status.
Prints one line ``INPROCESS_JSON {...}`` on stdout; everything else goes to
stderr. Stdlib only; runs on Python 3.11+.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib
import json
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "apps"))
sys.path.insert(0, str(HERE))

from bench_common import CHECKS, ENDPOINTS, verify  # noqa: E402

YIELD_EVERY = 64  # give the event loop a turn every N requests (pending callbacks, spawned tasks)


class Exchange:
    """receive/send pair for one request; send keeps only what the caller asked for."""

    __slots__ = ("body", "consumed", "status", "done", "waiter", "capture", "headers", "chunks")

    def __init__(self, body: bytes, capture: bool = False) -> None:
        self.body = body
        self.consumed = False
        self.status = 0
        self.done = False
        self.waiter: asyncio.Future | None = None
        self.capture = capture
        self.headers: list | None = None
        self.chunks: list | None = [] if capture else None

    async def receive(self) -> dict:
        if not self.consumed:
            self.consumed = True
            return {"type": "http.request", "body": self.body, "more_body": False}
        # A second receive() means the app listens for a disconnect: answer it
        # only once the response is complete, as a real server would.
        if not self.done:
            self.waiter = asyncio.get_running_loop().create_future()
            await self.waiter
        return {"type": "http.disconnect"}

    async def send(self, message: dict) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            self.status = message["status"]
            if self.capture:
                self.headers = list(message.get("headers") or [])
        elif kind == "http.response.body":
            if self.capture:
                self.chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                self.done = True
                if self.waiter is not None and not self.waiter.done():
                    self.waiter.set_result(None)


def make_scope(method: str, path: str, body: bytes, headers, state: dict) -> dict:
    raw_headers = [(b"host", b"127.0.0.1:8000"), (b"user-agent", b"surge-bench"), (b"accept", b"*/*")]
    for k, v in headers:
        raw_headers.append((k.lower().encode("latin-1"), v.encode("latin-1")))
    if body:
        raw_headers.append((b"content-length", str(len(body)).encode()))
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode("latin-1"),
        "query_string": b"",
        "root_path": "",
        "headers": raw_headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": state,
        "extensions": {},
    }


class Lifespan:
    def __init__(self, app) -> None:
        self.app = app
        self.state: dict = {}
        self.to_app: asyncio.Queue = asyncio.Queue()
        self.from_app: asyncio.Queue = asyncio.Queue()
        self.task: asyncio.Task | None = None
        self.supported = True

    async def _receive(self):
        return await self.to_app.get()

    async def _send(self, message):
        await self.from_app.put(message)

    async def _wait(self, expected: str, limit_s: float) -> None:
        getter = asyncio.ensure_future(self.from_app.get())
        done, _ = await asyncio.wait(
            {getter, self.task}, timeout=limit_s, return_when=asyncio.FIRST_COMPLETED
        )
        if getter in done:
            msg = getter.result()
            if msg["type"] == expected:
                return
            raise RuntimeError(f"lifespan: got {msg['type']}: {msg.get('message', '')}")
        getter.cancel()
        if self.task in done:
            exc = self.task.exception()
            if expected.endswith("startup.complete"):
                # The app does not speak lifespan (like uvicorn's --lifespan auto): go on without it.
                self.supported = False
                print(f"lifespan unsupported by app ({exc!r}); continuing", file=sys.stderr)
                return
            raise RuntimeError(f"lifespan task ended early: {exc!r}")
        raise RuntimeError(f"lifespan: no {expected} within {limit_s}s")

    async def startup(self, limit_s: float = 30.0) -> None:
        scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": self.state}
        self.task = asyncio.ensure_future(self.app(scope, self._receive, self._send))
        await self.to_app.put({"type": "lifespan.startup"})
        await self._wait("lifespan.startup.complete", limit_s)

    async def shutdown(self, limit_s: float = 15.0) -> None:
        if self.task is None:
            return
        if self.supported and not self.task.done():
            await self.to_app.put({"type": "lifespan.shutdown"})
            try:
                await self._wait("lifespan.shutdown.complete", limit_s)
            except RuntimeError as exc:
                print(f"lifespan shutdown: {exc}", file=sys.stderr)
        if not self.task.done():
            self.task.cancel()
            try:
                await self.task
            except BaseException:  # noqa: BLE001
                pass


async def one_request(app, method, path, body, headers, state) -> tuple[int, dict, bytes]:
    ex = Exchange(body, capture=True)
    await asyncio.wait_for(app(make_scope(method, path, body, headers, dict(state)), ex.receive, ex.send), 30)
    hdrs = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in (ex.headers or [])}
    return ex.status, hdrs, b"".join(ex.chunks or [])


async def run_checks(app, endpoints: list[str], state: dict) -> dict[str, list[str]]:
    failures: dict[str, list[str]] = {ep: [] for ep in endpoints}
    for check in CHECKS:
        if check.endpoint not in failures:
            continue
        try:
            status, headers, body = await one_request(
                app, check.method, check.path, check.body, check.headers, state
            )
            reason = verify(check, status, headers, body)
        except Exception as exc:  # noqa: BLE001
            reason = f"raised {exc!r}"
        if reason:
            failures[check.endpoint].append(f"{check.name}: {reason}")
    return failures


async def timed_round(app, template: dict, state: dict, body: bytes, expected: int, n: int, cap_s: float):
    """Run up to n requests (stops at cap_s); return (requests done, ns elapsed, wrong statuses)."""
    errors = 0
    done = 0
    perf = time.perf_counter_ns
    cap_ns = int(cap_s * 1e9)
    t0 = perf()
    while done < n:
        for _ in range(min(YIELD_EVERY, n - done)):
            scope = template.copy()
            scope["state"] = state.copy()
            ex = Exchange(body)
            await app(scope, ex.receive, ex.send)
            if ex.status != expected:
                errors += 1
        done += min(YIELD_EVERY, n - done)
        await asyncio.sleep(0)
        if perf() - t0 > cap_ns:
            break
    return done, perf() - t0, errors


async def main_async(args) -> dict:
    module_name, attr = args.app.split(":")
    t_import = time.perf_counter()
    module = importlib.import_module(module_name)
    app = getattr(module, attr)
    import_s = time.perf_counter() - t_import
    lifespan = Lifespan(app)
    await lifespan.startup()
    endpoints = [e for e in args.endpoints.split(",") if e]
    out: dict = {
        "app": args.app,
        "python": sys.version.split()[0],
        "loop": type(asyncio.get_running_loop()).__module__,
        "import_s": round(import_s, 3),
        "lifespan": lifespan.supported,
        "endpoints": {},
    }
    try:
        failures = await run_checks(app, endpoints, lifespan.state)
        for ep in endpoints:
            spec = ENDPOINTS[ep]
            if failures[ep]:
                out["endpoints"][ep] = {"check_error": "; ".join(failures[ep]), "us_median": None}
                print(f"{ep}: check failed: {failures[ep]}", file=sys.stderr)
                continue
            template = make_scope(spec.method, spec.path, spec.body, spec.headers, {})
            per_round_cap = args.max_seconds / max(1, args.rounds)
            # warm-up: ~5% of a round (caches, lazy imports, JIT-less but allocator/warm paths)
            await timed_round(
                app,
                template,
                lifespan.state,
                spec.body,
                spec.expected_status,
                max(200, args.iterations // 20),
                per_round_cap / 2,
            )
            rounds_us, errors, n_done = [], 0, []
            for _ in range(args.rounds):
                gc.collect()
                done, ns, errs = await timed_round(
                    app,
                    template,
                    lifespan.state,
                    spec.body,
                    spec.expected_status,
                    args.iterations,
                    per_round_cap,
                )
                rounds_us.append(ns / done / 1000.0)
                n_done.append(done)
                errors += errs
            out["endpoints"][ep] = {
                "us_median": statistics.median(rounds_us),
                "us_min": min(rounds_us),
                "rounds_us": [round(x, 3) for x in rounds_us],
                "iterations": min(n_done),
                "errors": errors,
            }
            print(f"{ep}: {statistics.median(rounds_us):.2f} us/req", file=sys.stderr)
    finally:
        await lifespan.shutdown()
    return out


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--app", required=True, help="module:attr, module importable from benchmarks/apps")
    p.add_argument("--endpoints", default=",".join(ENDPOINTS))
    p.add_argument("--iterations", type=int, default=20_000)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--max-seconds", type=float, default=5.0, help="time cap per endpoint, split over rounds")
    args = p.parse_args()
    os.chdir(HERE / "apps")
    # Keep stdout for the result line only: frameworks that print banners go to stderr.
    real_stdout = sys.stdout
    sys.stdout = sys.stderr
    try:
        result = asyncio.run(main_async(args))
    finally:
        sys.stdout = real_stdout
    print("INPROCESS_JSON " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
