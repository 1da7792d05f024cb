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

from surge.cli.controller import CliApp, CLIController, CommandProvider, CommandSpec
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
            sub.set_defaults(**{_PARSER: sub})
            _add_arguments(sub, spec)
    return parser, handlers


_POSITIONAL = "__surge_positional__"
_PARSER = "__surge_parser__"


def _add_arguments(sub: argparse.ArgumentParser, spec: CommandSpec) -> None:
    """Flags, options, and required arguments (by position or as ``--name VALUE``)."""
    required = [arg for arg in spec.arguments if arg.required]
    if required:
        sub.add_argument(
            _POSITIONAL, nargs="*", metavar=" ".join(arg.flag.upper() for arg in required), help=argparse.SUPPRESS
        )
    for arg in spec.arguments:
        if arg.arg_type is bool:
            sub.add_argument(f"--{arg.flag}", dest=arg.dest, action="store_true", help=arg.description)
        elif arg.required:
            help_text = f"{arg.description or ''} (required: by position or as --{arg.flag})".strip()
            sub.add_argument(f"--{arg.flag}", dest=arg.dest, metavar=arg.flag.upper(), default=None, help=help_text)
        else:
            help_text = f"{arg.description or ''} (default: {arg.default})".strip()
            sub.add_argument(f"--{arg.flag}", dest=arg.dest, type=arg.arg_type, default=arg.default, help=help_text)


def _command_kwargs(spec: CommandSpec, args: argparse.Namespace) -> dict[str, Any]:
    """The method's keyword arguments: options as given, required ones from ``--name`` or by
    position (in declaration order, skipping those given by name), cast to their types.

    A missing, extra or badly typed value prints the usage and exits with status 2.
    """
    parser: argparse.ArgumentParser = getattr(args, _PARSER)
    kwargs = {arg.dest: getattr(args, arg.dest) for arg in spec.arguments}
    positional = list(getattr(args, _POSITIONAL, None) or ())
    for arg in spec.arguments:
        if not arg.required:
            continue
        raw = kwargs[arg.dest]
        if raw is None:
            if not positional:
                parser.error(f"the following arguments are required: {arg.flag} (by position or as --{arg.flag})")
            raw = positional.pop(0)
        try:
            kwargs[arg.dest] = arg.arg_type(raw)
        except ValueError:
            parser.error(f"argument {arg.flag}: invalid {arg.arg_type.__name__} value: {raw!r}")
    if positional:
        parser.error(f"unrecognized arguments: {' '.join(positional)}")
    return kwargs


def run_app_cli(app: CliApp, argv: list[str], prog: str | None = None) -> int:
    """Run the command named by ``argv[0]`` inside the app's startup and shutdown.

    Returns 0 on success. Bad arguments print the usage and exit with status 2 (argparse);
    a command returning a non-zero int exits with that status.
    """
    parser, handlers = build_parser(app, prog)
    args = parser.parse_args(argv)
    spec, method = handlers[args.command]
    kwargs = _command_kwargs(spec, args)

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
