"""``surge run``: serve an app with granian (the default) or uvicorn.

Host, port, reload and workers come from flags, else from the app's config (``HOST``,
``PORT``, ``DEBUG`` for reload, ``WORKERS``), so ``surge run`` in a project folder serves
what ``run.py`` would.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import multiprocessing
import socket
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from surge.cli._loading import app_config, import_target, resolve_target
from surge.exceptions.config import ImproperlyConfigured, MissingDependency

__all__ = [
    "AddressInUse",
    "SERVERS",
    "ServeOptions",
    "check_address_free",
    "debug_exposure_warning",
    "is_loopback",
    "resolve_options",
    "serve",
]

SERVERS = ("granian", "uvicorn")


@dataclass(slots=True)
class ServeOptions:
    """Everything the server needs, after flags and config are merged."""

    target: str
    host: str
    port: int
    reload: bool
    workers: int
    server: str
    factory: bool
    debug: bool = False


def resolve_options(
    target: str | None = None,
    *,
    host: str | None = None,
    port: int | None = None,
    reload: bool | None = None,
    workers: int | None = None,
    server: str = "granian",
) -> ServeOptions:
    """Merge flags with the app's config (flags win).

    Raises:
        ImproperlyConfigured: unknown server, bad target, or a worker count below 1.
        MissingDependency: ``--reload`` asked of granian without watchfiles installed.
    """
    from surge.app import Surge

    if server not in SERVERS:
        raise ImproperlyConfigured(f"Unknown server {server!r}; choose one of {', '.join(SERVERS)}")
    target = resolve_target(target)
    obj = import_target(target)
    config = app_config(obj, target)
    workers = int(workers if workers is not None else getattr(config, "WORKERS", 1) or 1)
    if workers < 1:
        raise ImproperlyConfigured(f"workers must be at least 1, got {workers}")
    wants_reload = bool(config.DEBUG) if reload is None else reload
    if wants_reload and server == "granian" and importlib.util.find_spec("watchfiles") is None:
        if reload:  # asked for explicitly: say what is missing
            raise MissingDependency("watchfiles", "reload")
        print('surge: auto-reload is off: install "surge[reload]" to reload on changes', file=sys.stderr)
        wants_reload = False
    return ServeOptions(
        target=target,
        host=_address(host or str(config.HOST), server),
        port=int(port if port is not None else config.PORT),
        reload=wants_reload,
        workers=workers,
        server=server,
        factory=not isinstance(obj, Surge),
        debug=bool(config.DEBUG),
    )


def _address(host: str, server: str) -> str:
    """granian binds IP addresses only: resolve a host name (the seed's ``localhost``) first."""
    if server != "granian":
        return host
    try:
        ipaddress.ip_address(host)
    except ValueError:
        try:
            return socket.gethostbyname(host)
        except OSError as exc:
            raise ImproperlyConfigured(f"Cannot resolve HOST {host!r}: {exc}") from None
    return host


def is_loopback(host: str) -> bool:
    """True when ``host`` is reachable from this machine only (127.0.0.0/8, ::1, localhost)."""
    if host.strip("[]").lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def debug_exposure_warning(options: ServeOptions) -> str | None:
    """The warning to print when DEBUG is on and the server listens beyond loopback, else None."""
    if not options.debug or is_loopback(options.host):
        return None
    bar = "!" * 78
    return (
        f"{bar}\n"
        f"surge: WARNING: DEBUG is on and the server listens on {options.host}:{options.port}, beyond this machine.\n"
        "surge: anyone who can reach it sees tracebacks, local variables and settings on every error.\n"
        "surge: set DEBUG=false (environment or .env) before exposing the app, or bind --host 127.0.0.1.\n"
        "surge: `surge check --deploy` lists the other production settings to review.\n"
        f"{bar}"
    )


class AddressInUse(ImproperlyConfigured):
    """Another process listens on the address ``surge run`` was asked to serve on."""


def check_address_free(host: str, port: int) -> None:
    """Bind ``host:port`` once, without ``SO_REUSEPORT``, and let it go.

    granian's workers bind with ``SO_REUSEPORT``, so a second server on a busy port would
    bind too and take half of the first one's connections. A socket without that option
    cannot share a port someone listens on; ``SO_REUSEADDR`` still lets it pass over the
    ``TIME_WAIT`` connections a server just stopped leaves behind.

    Raises:
        AddressInUse: something already listens there.
    """
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host.strip("[]"), port))
        except OSError as exc:
            raise AddressInUse(
                f"address already in use: {host}:{port} ({exc.strerror}); stop the server listening "
                "there or choose another --port"
            ) from None


def serve(options: ServeOptions) -> None:
    """Run the server in the foreground until it is stopped (Ctrl+C / SIGTERM).

    Raises:
        AddressInUse: the host and port are taken.
    """
    check_address_free(options.host, options.port)
    if options.server == "uvicorn":
        import uvicorn

        uvicorn.run(
            options.target,
            host=options.host,
            port=options.port,
            reload=options.reload,
            workers=None if options.workers == 1 else options.workers,
            factory=options.factory,
            lifespan="on",
        )
        return
    from granian import Granian
    from granian.constants import Interfaces

    kwargs: dict[str, Any] = {}
    if options.reload:
        kwargs["reload_paths"] = [Path.cwd()]
        # Workers are forked from this process by default, which imported the app (and its
        # config) to read HOST and PORT: every reload would fork that stale copy. Spawned
        # workers start from the import string, so a reload sees changed code and config.
        multiprocessing.set_start_method("spawn", force=True)
    Granian(
        options.target,
        address=options.host,
        port=options.port,
        interface=Interfaces.ASGI,
        workers=options.workers,
        reload=options.reload,
        factory=options.factory,
        working_dir=Path.cwd(),
        **kwargs,
    ).serve()
