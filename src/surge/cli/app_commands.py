"""``app.run_cli()``: parse argv and run one command of the app's CLI controllers."""

from __future__ import annotations

import argparse
import asyncio
import inspect
from typing import TYPE_CHECKING, Any

from surge.cli.controller import _NO_DEFAULT

if TYPE_CHECKING:
    from surge.app import Surge

__all__ = ["run_app_cli"]


def run_app_cli(app: Surge, argv: list[str]) -> int:
    """Run the command named by ``argv[0]``; returns the process exit code."""
    parser = argparse.ArgumentParser(prog=app.app_name)
    commands = parser.add_subparsers(dest="command", required=True)
    handlers: dict[str, Any] = {}
    for controller in app.cli_controllers:
        for name, (spec, method) in controller.commands().items():
            sub = commands.add_parser(name, help=spec.help)
            for arg in spec.arguments:
                if arg.default is _NO_DEFAULT:
                    sub.add_argument(arg.name, type=arg.arg_type, help=arg.description)
                else:
                    sub.add_argument(f"--{arg.name}", type=arg.arg_type, default=arg.default, help=arg.description)
            handlers[name] = (spec, method)
    args = parser.parse_args(argv)
    spec, method = handlers[args.command]
    kwargs = {arg.name.replace("-", "_"): getattr(args, arg.name.replace("-", "_")) for arg in spec.arguments}

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
    return result if isinstance(result, int) else 0
