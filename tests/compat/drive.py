"""Drive the compat shop app on one framework and print a JSON transcript.

Usage: ``<python> tests/compat/drive.py pyjolt|surge [--out FILE]``

The app in ``tests/compat/app`` is written for PyJolt. It is copied into a temp dir (for
``surge`` with the rename ``pyjolt``->``surge``, ``PyJolt``->``Surge``, ``PYJOLT``->``SURGE``),
its CLI is run in subprocesses (``python -m shop.cli ...``, as a user would), and its ASGI app
is served in-process through ``httpx.ASGITransport`` with the lifespan run here. Every step
is recorded as (step, status, normalized headers, body). Emails go to a local aiosmtpd server.
Runs under either venv: it imports only httpx, aiosmtpd and the stdlib.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from email import message_from_bytes
from pathlib import Path
from typing import Any

import httpx
from aiosmtpd.controller import Controller as SmtpController

APP_SOURCE = Path(__file__).resolve().parent / "app"
RENAMES = (("pyjolt", "surge"), ("PyJolt", "Surge"), ("PYJOLT", "SURGE"))
KEPT_HEADERS = ("content-type", "allow", "access-control-allow-origin",
                "access-control-allow-credentials", "access-control-allow-methods")
Transcript = list[dict[str, Any]]


def copy_app(framework: str, dest: Path) -> None:
    """Copies the app source; for Surge, renames the framework in every .py file."""
    shutil.copytree(APP_SOURCE, dest, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", "*.db", "*migrations"))
    if framework == "pyjolt":
        return
    for file in dest.rglob("*.py"):
        text = file.read_text()
        for old, new in RENAMES:
            text = text.replace(old, new)
        file.write_text(text)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Inbox:
    """aiosmtpd handler that keeps every received message."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        msg = message_from_bytes(envelope.content)
        body = msg.get_payload(decode=True) or b""
        self.messages.append({"from": msg["From"], "to": msg["To"], "subject": msg["Subject"],
                              "body": body.decode().strip()})
        return "250 Message accepted for delivery"


def run_cli(workdir: Path, env: dict[str, str], *args: str) -> dict[str, Any]:
    """Runs one CLI command like a user would; keeps its exit code and ``shop:`` lines."""
    proc = subprocess.run([sys.executable, "-m", "shop.cli", *args], cwd=workdir, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    lines = [json.loads(line[len("shop: "):]) for line in proc.stdout.splitlines()
             if line.startswith("shop: ")]
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-6:])
        print(f"[cli {' '.join(args)}] rc={proc.returncode}\n{tail}", file=sys.stderr)
    return {"step": "cli " + " ".join(args), "exit_code": proc.returncode, "output": lines}


def sqlite_tables(path: Path) -> list[str]:
    if not path.exists():
        return []
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
    return sorted(r[0] for r in rows if not r[0].startswith("sqlite_"))


def migration_state(workdir: Path) -> dict[str, Any]:
    pkg = workdir / "shop"
    return {
        "step": "migration files and tables",
        "db_revisions": len(list((pkg / "migrations" / "versions").glob("*.py"))),
        "audit_revisions": len(list((pkg / "audit_migrations" / "versions").glob("*.py"))),
        "db_env_py": (pkg / "migrations" / "env.py").exists(),
        "audit_env_py": (pkg / "audit_migrations" / "env.py").exists(),
        "shop_db_tables": sqlite_tables(workdir / "shop.db"),
        "audit_db_tables": sqlite_tables(workdir / "audit.db"),
    }


def normalize_cookie(raw: str) -> dict[str, Any]:
    name_value, *attrs = [part.strip() for part in raw.split(";")]
    name, _, value = name_value.partition("=")
    return {"name": name, "value": value.strip('"'),
            "attrs": sorted(a.lower() for a in attrs if a)}


def record(step: str, res: httpx.Response) -> dict[str, Any]:
    headers = {k: res.headers[k].split(";")[0].strip() for k in KEPT_HEADERS if k in res.headers}
    cookies = [normalize_cookie(v) for v in res.headers.get_list("set-cookie")]
    if len(cookies) == 1 and ", " in res.headers.get("set-cookie", ""):
        cookies = [normalize_cookie(v) for v in re.split(r", (?=\w+=)", res.headers["set-cookie"])]
    body: Any
    try:
        body = res.json()
    except ValueError:
        body = res.text
    entry: dict[str, Any] = {"step": step, "status": res.status_code, "headers": headers,
                             "body": body}
    if cookies:
        entry["set_cookie"] = cookies
    return entry


class Lifespan:
    """Runs the ASGI lifespan protocol around the HTTP phase."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.task: asyncio.Task[Any] | None = None

    async def __aenter__(self) -> Lifespan:
        scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
        self.task = asyncio.create_task(self.app(scope, self.inbox.get, self.outbox.put))
        await self.inbox.put({"type": "lifespan.startup"})
        message = await asyncio.wait_for(self.outbox.get(), 30)
        if message["type"] != "lifespan.startup.complete":
            raise RuntimeError(f"startup failed: {message}")
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.inbox.put({"type": "lifespan.shutdown"})
        await asyncio.wait_for(self.outbox.get(), 30)
        if self.task is not None:
            await asyncio.wait_for(self.task, 30)


async def wait_for(predicate: Callable[[], bool], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.05)
    return predicate()


async def http_phase(app: Callable[..., Any], inbox: Inbox) -> Transcript:  # noqa: PLR0915
    """The scripted HTTP conversation: anonymous, bob (user), then alice (admin)."""
    out: Transcript = []
    items, auth, reports = "/api/v1/items/", "/api/v1/auth", "/api/v1/reports"
    async with Lifespan(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            async def step(name: str, method: str, url: str, **kw: Any) -> None:
                try:
                    out.append(record(name, await c.request(method, url, **kw)))
                except Exception as exc:  # noqa: BLE001 - the transcript shows the crash
                    out.append({"step": name, "error": f"{type(exc).__name__}: {exc}"[:300]})

            await step("list items (empty)", "GET", items)
            await step("me without cookie", "GET", f"{auth}/me")
            await step("login wrong password", "POST", f"{auth}/login",
                       json={"name": "bob", "password": "nope!"})
            await step("login invalid body", "POST", f"{auth}/login",
                       json={"name": "bob", "password": "x"})
            await step("login bob", "POST", f"{auth}/login",
                       json={"name": "bob", "password": "secret2"})
            await step("me as bob", "GET", f"{auth}/me")
            await step("create lamp", "POST", items, json={"name": "Lamp", "price": 30, "stock": 2})
            await step("create wrong content type", "POST", items, content=b"name=x",
                       headers={"content-type": "text/plain"})
            await step("create invalid", "POST", items, json={"name": "", "price": -1})
            await step("create desk", "POST", items, json={"name": "Desk", "price": 120, "stock": 1})
            await step("list max_price=50", "GET", items, params={"max_price": "50"})
            await step("list q=des", "GET", items, params={"q": "des"})
            await step("list max_price=abc", "GET", items, params={"max_price": "abc"})
            await step("get item 1", "GET", f"{items}1")
            await step("get item 99", "GET", f"{items}99")
            await step("get item abc", "GET", f"{items}abc")
            await step("get item 2**64", "GET", f"{items}{2**64}")
            await step("patch item 1", "PATCH", f"{items}1", json={"price": 1})
            await step("update item 1", "PUT", f"{items}1",
                       json={"name": "Lamp XL", "price": 35, "stock": 3})
            await step("delete item 2 as user", "DELETE", f"{items}2")
            await step("order too many", "POST", f"{items}1/orders", json={"quantity": 5})
            await step("order 3", "POST", f"{items}1/orders", json={"quantity": 3})
            delivered = await wait_for(lambda: len(inbox.messages) >= 1)
            out.append({"step": "email delivered", "delivered": delivered,
                        "messages": list(inbox.messages)})
            await asyncio.sleep(0.3)  # the audit row is written right after the send
            await step("cors preflight", "OPTIONS", items,
                       headers={"origin": "http://localhost:3000",
                                "access-control-request-method": "POST"})
            await step("logout", "POST", f"{auth}/logout")
            await step("me after logout", "GET", f"{auth}/me")
            await step("login alice", "POST", f"{auth}/login",
                       json={"name": "alice", "password": "secret1"})
            await step("delete item 2 as admin", "DELETE", f"{items}2")
            await step("get deleted item 2", "GET", f"{items}2")
            await step("stock check", "POST", f"{reports}/stock-check")
            await step("audit all", "GET", f"{reports}/audit")
            await step("audit emails", "GET", f"{reports}/audit", params={"kind": "email"})
            await step("unknown path", "GET", "/api/v1/nope")
    return out


def drive(framework: str) -> Transcript:
    workdir = Path(tempfile.mkdtemp(prefix=f"compat-{framework}-"))
    copy_app(framework, workdir)
    inbox = Inbox()
    smtp = SmtpController(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    os.environ.update({"SHOP_DATA_DIR": str(workdir), "SHOP_SMTP_PORT": str(smtp.port)})
    env = {**os.environ, "PYTHONPATH": str(workdir)}
    try:
        out: Transcript = []
        for args in (("db-init",), ("db-migrate", "--message", "initial"), ("db-upgrade",),
                     ("audit-init",), ("audit-migrate", "--message", "initial"),
                     ("audit-upgrade",)):
            out.append(run_cli(workdir, env, *args))
        out.append(migration_state(workdir))
        out.append(run_cli(workdir, env, "create-user", "--name", "alice", "--email",
                           "alice@example.com", "--password", "secret1", "--role", "admin"))
        out.append(run_cli(workdir, env, "create-user", "--name", "bob", "--email",
                           "bob@example.com", "--password", "secret2", "--role", "user"))
        sys.path.insert(0, str(workdir))
        try:
            from shop import Application  # type: ignore[import-not-found]

            out.extend(asyncio.run(http_phase(Application(), inbox)))
        except Exception as exc:  # noqa: BLE001 - the transcript shows the crash
            out.append({"step": "http phase", "error": f"{type(exc).__name__}: {exc}"[:300]})
        out.append(run_cli(workdir, env, "list-items", "--max_price", "100"))
        out.append(run_cli(workdir, env, "audit-count", "--kind", "email"))
        out.append(run_cli(workdir, env, "audit-count", "--kind", "stock_check"))
        return out
    finally:
        smtp.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("framework", choices=("pyjolt", "surge"))
    parser.add_argument("--out", help="write the transcript here instead of stdout")
    opts = parser.parse_args()
    started = time.monotonic()
    transcript = drive(opts.framework)
    print(f"[{opts.framework}] {len(transcript)} steps in {time.monotonic() - started:.1f}s",
          file=sys.stderr)
    text = json.dumps(transcript, indent=1, sort_keys=True) + "\n"
    if opts.out:
        Path(opts.out).write_text(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
