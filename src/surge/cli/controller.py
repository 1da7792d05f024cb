"""CLI controllers: ``@command`` methods with typed ``@argument``s, run by ``app.run_cli()``."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from surge._marks import marked_members
from surge.exceptions.config import ImproperlyConfigured
from surge.types import AppContext

__all__ = [
    "ArgumentSpec",
    "CLIController",
    "CliApp",
    "CommandProvider",
    "CommandSpec",
    "argument",
    "command",
]

F = TypeVar("F", bound=Callable[..., Any])

_NO_DEFAULT: Any = object()
_ALLOWED_TYPES = (int, float, str, bool)


@dataclass(slots=True)
class ArgumentSpec:
    """One argument of a command.

    Without a default it is required, given by position or as ``--name VALUE`` (PyJolt's
    form); with a default it is the option ``--name``; with ``arg_type=bool`` it is the flag
    ``--name`` (false unless given). A leading ``--`` in ``name`` is optional, as in PyJolt.
    """

    name: str
    arg_type: type
    description: str | None
    default: Any

    @property
    def dest(self) -> str:
        """The keyword argument name the command method receives."""
        return self.flag.replace("-", "_")

    @property
    def flag(self) -> str:
        """The name without leading dashes: the option is ``--<flag>``."""
        return self.name.lstrip("-")

    @property
    def required(self) -> bool:
        """No default and not a flag: the command cannot run without it."""
        return self.default is _NO_DEFAULT and self.arg_type is not bool


@dataclass(slots=True)
class CommandSpec:
    """A command's name, help and arguments."""

    name: str
    help: str | None
    arguments: list[ArgumentSpec] = field(default_factory=list)


def command(command_name: str, help: str | None = None) -> Callable[[F], F]:  # noqa: A002
    """Expose a CLI controller method (sync or async) as the command ``command_name``."""

    def decorator(func: F) -> F:
        arguments: list[ArgumentSpec] = func.__dict__.setdefault("__surge_cli_arguments__", [])
        func.__surge_cli_command__ = CommandSpec(command_name, help, arguments)  # type: ignore[attr-defined]
        return func

    return decorator


def argument(
    name: str, arg_type: type = str, description: str | None = None, default: Any = _NO_DEFAULT
) -> Callable[[F], F]:
    """Declare an argument of a command, cast to ``arg_type`` (int, float, str, or bool for a flag).

    Arguments appear in the order they are written above the method.

    Raises:
        ImproperlyConfigured: ``arg_type`` is none of int, float, str, bool.
    """
    if arg_type not in _ALLOWED_TYPES:
        raise ImproperlyConfigured(
            f"@argument({name!r}): arg_type must be int, float, str or bool, not {getattr(arg_type, '__name__', arg_type)}"
        )

    def decorator(func: F) -> F:
        arguments: list[ArgumentSpec] = func.__dict__.setdefault("__surge_cli_arguments__", [])
        arguments.insert(0, ArgumentSpec(name, arg_type, description, default))
        return func

    return decorator


class CLIController:
    """Base class of CLI controllers; ``self.app`` is the app.

    List controllers in ``CLI_CONTROLLERS``, or let an extension contribute them (see
    ``docs/cli.md``). ``command_prefix`` is prepended to every command name, so two instances
    of one controller (one per database, say) can live side by side.
    """

    command_prefix: str = ""

    def __init__(self, app: AppContext, command_prefix: str | None = None) -> None:
        self.app = app
        if command_prefix is not None:
            self.command_prefix = command_prefix

    def commands(self) -> dict[str, tuple[CommandSpec, Callable[..., Any]]]:
        """Every command of this controller by its (prefixed) name, with the bound method."""
        found = {}
        for name, spec in marked_members(type(self), "__surge_cli_command__"):
            assert isinstance(spec, CommandSpec)
            found[self.command_prefix + spec.name] = (spec, getattr(self, name))
        return found


class CommandProvider(ABC):
    """The role of an extension that adds CLI commands (``surge <command>``) to the app."""

    @abstractmethod
    def cli_controllers(self) -> Sequence[CLIController | type[CLIController]]:
        """The CLI controllers (classes are instantiated with the app)."""


class CliApp(AppContext, Protocol):
    """What running an app's commands needs of the app (the application class satisfies it)."""

    @property
    def cli_controllers(self) -> list[CLIController]: ...

    async def startup(self) -> None: ...

    async def shutdown(self) -> None: ...
