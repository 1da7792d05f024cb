"""Command line: the ``surge`` command and app CLI controllers."""

from surge.cli.controller import CLIController, CommandProvider, argument, command

__all__ = ["CLIController", "CommandProvider", "argument", "command"]
