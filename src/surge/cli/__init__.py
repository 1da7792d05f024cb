"""Command line: the ``surge`` command and app CLI controllers."""

from surge.cli.controller import CLIController, argument, command

__all__ = ["CLIController", "argument", "command"]
