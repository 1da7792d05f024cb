"""The ``surge`` command: ``new-project``, ``run``, ``routes``, ``openapi``, ``check``, and the app's own commands.

Any command that is not built in is handed to the app (``$SURGE_APP`` or ``app:Application``),
so ``surge db-upgrade`` runs what ``python cli.py db-upgrade`` would.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from surge.exceptions.config import ImproperlyConfigured

if TYPE_CHECKING:
    from surge.app import Surge

__all__ = ["BUILTIN_COMMANDS", "build_parser", "main", "route_table"]

BUILTIN_COMMANDS = ("new-project", "run", "routes", "openapi", "check", "worker")
_TARGET_HELP = "the app as module:Attribute (default: $SURGE_APP, else app:Application)"


def build_parser() -> argparse.ArgumentParser:
    """The parser of the built-in commands."""
    parser = argparse.ArgumentParser(
        prog="surge",
        description="Surge: create, run and inspect Surge apps.",
        epilog="Any other COMMAND is run as a command of the app (CLI_CONTROLLERS and extensions).",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    new = commands.add_parser("new-project", help="create a new project from the template")
    new.add_argument("name", help="folder (and name) of the new project")
    new.add_argument("--directory", type=Path, default=None, help="where to create it (default: here)")

    run = commands.add_parser("run", help="serve the app (granian by default)")
    run.add_argument("target", nargs="?", help=_TARGET_HELP)
    run.add_argument("--host", help="address to bind (default: config HOST)")
    run.add_argument("--port", type=int, help="port to bind (default: config PORT)")
    run.add_argument(
        "--reload", action=argparse.BooleanOptionalAction, default=None, help="restart on code changes (default: DEBUG)"
    )
    run.add_argument("--workers", type=int, help="worker processes (default: config WORKERS, else 1)")
    run.add_argument("--server", choices=("granian", "uvicorn"), default="granian", help="ASGI server")

    routes = commands.add_parser("routes", help="print the route table")
    routes.add_argument("target", nargs="?", help=_TARGET_HELP)

    openapi = commands.add_parser("openapi", help="write the OpenAPI document")
    openapi.add_argument("target", nargs="?", help=_TARGET_HELP)
    openapi.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")

    check = commands.add_parser("check", help="load the app; with --deploy, review its production settings")
    check.add_argument("target", nargs="?", help=_TARGET_HELP)
    check.add_argument("--deploy", action="store_true", help="warn about settings unsafe in production")
    check.add_argument("--fail", action="store_true", help="exit with status 3 when there is a warning (for CI)")
    worker = commands.add_parser("worker", help="run the app's task queue jobs (TASK_QUEUE) until SIGTERM")
    worker.add_argument("target", nargs="?", help=_TARGET_HELP)
    worker.add_argument("--concurrency", type=int, default=0, help="jobs run at once (default: TASK_QUEUE.CONCURRENCY)")
    return parser


def _worker(target: str | None, concurrency: int) -> int:
    """Start the app and hand over to the ``worker`` command its ``TaskQueue`` extension adds."""
    from surge.cli.app_commands import build_parser as build_app_parser
    from surge.cli.app_commands import run_app_cli

    app = _load_app(target)
    if "worker" not in build_app_parser(app, "surge")[1]:
        raise ImproperlyConfigured("surge worker: the app has no task queue (list a TaskQueue in EXTENSIONS)")
    return run_app_cli(app, ["worker", "--concurrency", str(concurrency)], prog="surge")


def _load_app(target: str | None) -> Surge:
    from surge.cli._loading import import_target, instantiate, resolve_target

    resolved = resolve_target(target)
    return instantiate(import_target(resolved), resolved)


def route_table(app: Surge) -> list[tuple[str, str, str]]:
    """``(method, rule, endpoint)`` of every route, sorted by rule then method."""
    rows = [(route.method, route.rule.rule, route.name) for router in (app.router, app.ws_router) for route in router.routes]
    return sorted(rows, key=lambda row: (row[1], row[0]))


def _print_routes(app: Surge) -> None:
    rows = [("METHOD", "RULE", "ENDPOINT"), *route_table(app)]
    widths = [max(len(row[column]) for row in rows) for column in range(2)]
    for method, rule, endpoint in rows:
        print(f"{method:<{widths[0]}}  {rule:<{widths[1]}}  {endpoint}")


def _write_openapi(app: Surge, output: Path | None) -> None:
    from surge.openapi import build_openapi

    data = orjson.dumps(build_openapi(app), option=orjson.OPT_INDENT_2) + b"\n"
    if output is None:
        sys.stdout.write(data.decode("utf-8"))
        sys.stdout.flush()
    else:
        output.write_bytes(data)
        print(f"OpenAPI document written to {output}", file=sys.stderr)


def _check(target: str | None, deploy: bool, fail: bool) -> int:
    """Load and compile the app; with ``deploy``, print each production warning."""
    from surge.deploy_checks import deploy_warnings

    app = _load_app(target)
    app.compile()
    found = deploy_warnings(app) if deploy else []
    for warning in found:
        print(f"WARNING {warning}")
    noun = "warning" if len(found) == 1 else "warnings"
    print(f"surge check: {len(found)} {noun}" + ("" if deploy else " (add --deploy to review production settings)"))
    return 3 if fail and found else 0


def _run(args: Any) -> None:
    from surge.cli.server import debug_exposure_warning, resolve_options, serve

    options = resolve_options(
        args.target, host=args.host, port=args.port, reload=args.reload, workers=args.workers, server=args.server
    )
    exposed = debug_exposure_warning(options)
    if exposed is not None:
        print(exposed, file=sys.stderr)
    print(
        f"surge: serving {options.target} on http://{options.host}:{options.port} with {options.server}"
        f" (workers={options.workers}, reload={'on' if options.reload else 'off'})",
        file=sys.stderr,
    )
    serve(options)


def _run_app_command(argv: list[str]) -> int:
    """Hand ``argv`` to the app's CLI; an unknown command exits 2 listing every command."""
    from surge.cli.app_commands import build_parser as build_app_parser
    from surge.cli.app_commands import run_app_cli

    parser = build_parser()
    try:
        app = _load_app(None)
    except ImproperlyConfigured as exc:
        parser.error(f"unknown command {argv[0]!r} (no app to ask: {exc})")
    _, handlers = build_app_parser(app, "surge")
    if argv[0] not in handlers:
        known = ", ".join([*BUILTIN_COMMANDS, *sorted(handlers)])
        parser.error(f"unknown command {argv[0]!r} (choose from {known})")
    return run_app_cli(app, argv, prog="surge")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``surge`` console script; returns the exit status.

    Bad arguments print the usage and exit with status 2; a configuration error prints
    ``surge: error: ...`` and returns 1.
    """
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        if args_list and not args_list[0].startswith("-") and args_list[0] not in BUILTIN_COMMANDS:
            return _run_app_command(args_list)
        args = build_parser().parse_args(args_list)
        if args.command == "new-project":
            from surge.cli.project import create_project

            root = create_project(args.name, args.directory)
            print(f"Created {root}\n\nNext:\n  cd {root}\n  pip install -e \".[dev]\"\n  pytest\n  surge run")
        elif args.command == "run":
            _run(args)
        elif args.command == "routes":
            _print_routes(_load_app(args.target))
        elif args.command == "openapi":
            _write_openapi(_load_app(args.target), args.output)
        elif args.command == "check":
            return _check(args.target, args.deploy, args.fail)
        elif args.command == "worker":
            return _worker(args.target, args.concurrency)
    except ImproperlyConfigured as exc:
        print(f"surge: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover - ``python -m surge.cli.main``
    raise SystemExit(main())
