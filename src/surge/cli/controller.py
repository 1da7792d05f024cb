"""CLI controllers: ``@command`` methods with typed ``@argument``s, run by ``app.run_cli()``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from surge.app import Surge

__all__ = ["CLIController", "CommandSpec", "argument", "command"]

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(slots=True)
class ArgumentSpec:
    """One positional (or ``--option`` when it has a default) argument of a command."""

    name: str
    arg_type: type
    description: str | None
    default: Any


@dataclass(slots=True)
class CommandSpec:
    """A command's name, help and arguments."""

    name: str
    help: str | None
    arguments: list[ArgumentSpec]


_NO_DEFAULT: Any = object()


def command(command_name: str, help: str | None = None) -> Callable[[F], F]:  # noqa: A002
    """Expose a CLI controller method as ``command_name``."""

    def decorator(func: F) -> F:
        arguments: list[ArgumentSpec] = getattr(func, "__surge_cli_arguments__", [])
        func.__surge_cli_command__ = CommandSpec(command_name, help, arguments)  # type: ignore[attr-defined]
        return func

    return decorator


def argument(
    name: str, arg_type: type = str, description: str | None = None, default: Any = _NO_DEFAULT
) -> Callable[[F], F]:
    """Declare an argument of a command (cast to ``arg_type``: int, float or str)."""

    def decorator(func: F) -> F:
        arguments: list[ArgumentSpec] = func.__dict__.setdefault("__surge_cli_arguments__", [])
        arguments.insert(0, ArgumentSpec(name, arg_type, description, default))
        return func

    return decorator


class CLIController:
    """Base class of CLI controllers listed in ``CLI_CONTROLLERS``; ``self.app`` is the app."""

    def __init__(self, app: Surge) -> None:
        self.app = app

    def commands(self) -> dict[str, tuple[CommandSpec, Callable[..., Any]]]:
        """Every command of this controller, by name."""
        found = {}
        for name in dir(type(self)):
            attr = getattr(type(self), name, None)
            spec = getattr(attr, "__surge_cli_command__", None)
            if spec is not None:
                found[spec.name] = (spec, getattr(self, name))
        return found
