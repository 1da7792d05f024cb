"""``app.run_cli()``: parse argv and run one command of the app's CLI controllers.

Commands come from ``CLI_CONTROLLERS`` (``app.cli_controllers``) and from extensions: any
extension registered in ``app.extensions`` may define ``cli_controllers()`` returning
:class:`CLIController` instances (or classes, instantiated with the app). That is how the SQL
extension's ``Migrate`` adds ``db-init``, ``db-migrate``, ... without the app listing them.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
from collections.abc import Callable
from typing import Any

from surge.cli.controller import _NO_DEFAULT, CliApp, CLIController, CommandProvider, CommandSpec
from surge.exceptions.config import ImproperlyConfigured

__all__ = ["build_parser", "collect_cli_controllers", "run_app_cli"]

_Handlers = dict[str, tuple[CommandSpec, Callable[..., Any]]]


def collect_cli_controllers(app: CliApp) -> list[CLIController]:
    """The app's CLI controllers, then those its extensions contribute."""
    controllers: list[CLIController] = list(app.cli_controllers)
    seen: set[int] = set()
    for extension in list(app.extensions.values()):
        if id(extension) in seen:
            continue
        seen.add(id(extension))
        if not isinstance(extension, CommandProvider):
            continue
        for item in extension.cli_controllers():
            if isinstance(item, type) and issubclass(item, CLIController):
                item = item(app)
            if not isinstance(item, CLIController):
                raise ImproperlyConfigured(
                    f"{type(extension).__name__}.cli_controllers() returned {item!r}, not a CLIController"
                )
            controllers.append(item)
    return controllers


def build_parser(app: CliApp, prog: str | None = None) -> tuple[argparse.ArgumentParser, _Handlers]:
    """The argument parser of every app command, and the command handlers by name.

    Raises:
        ImproperlyConfigured: two controllers define the same command name.
    """
    parser = argparse.ArgumentParser(prog=prog, description=f"Commands of {app.get_conf('APP_NAME', 'the app')}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    handlers: _Handlers = {}
    owners: dict[str, str] = {}
    for controller in collect_cli_controllers(app):
        for name, (spec, method) in sorted(controller.commands().items()):
            owner = type(controller).__name__
            if name in handlers:
                raise ImproperlyConfigured(f"CLI command {name!r} is defined by both {owners[name]} and {owner}")
            owners[name] = owner
            handlers[name] = (spec, method)
            sub = commands.add_parser(name, help=spec.help, description=spec.help)
            for arg in spec.arguments:
                if arg.arg_type is bool:
                    sub.add_argument(f"--{arg.name}", dest=arg.dest, action="store_true", help=arg.description)
                elif arg.default is _NO_DEFAULT:
                    sub.add_argument(arg.dest, metavar=arg.name, type=arg.arg_type, help=arg.description)
                else:
                    help_text = f"{arg.description or ''} (default: {arg.default})".strip()
                    sub.add_argument(
                        f"--{arg.name}", dest=arg.dest, type=arg.arg_type, default=arg.default, help=help_text
                    )
    return parser, handlers


def run_app_cli(app: CliApp, argv: list[str], prog: str | None = None) -> int:
    """Run the command named by ``argv[0]`` inside the app's startup and shutdown.

    Returns 0 on success. Bad arguments print the usage and exit with status 2 (argparse);
    a command returning a non-zero int exits with that status.
    """
    parser, handlers = build_parser(app, prog)
    args = parser.parse_args(argv)
    spec, method = handlers[args.command]
    kwargs = {arg.dest: getattr(args, arg.dest) for arg in spec.arguments}

    async def run() -> Any:
        await app.startup()
        try:
            result = method(**kwargs)
            if inspect.isawaitable(result):
                result = await result
            return result
        finally:
            await app.shutdown()

    result = asyncio.run(run())
    code = result if isinstance(result, int) and not isinstance(result, bool) else 0
    if code:
        raise SystemExit(code)
    return 0
