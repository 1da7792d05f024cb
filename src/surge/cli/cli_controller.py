"""``surge.cli.cli_controller``: PyJolt's module path for :class:`CLIController`, ``@command`` and ``@argument``."""

from surge.cli.controller import CLIController, argument, command

__all__ = ["CLIController", "argument", "command"]
