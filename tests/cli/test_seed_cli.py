"""The seed README's command line interface: a CLIController through ``app.run_cli`` and the seed's cli.py.

The seed's own code is written into a throw-away ``app`` package (``seed_project``) and driven
as a user would, against real parts: a subprocess for the script."""

from __future__ import annotations

import subprocess
import sys

import pytest

from seed_project import run_cli

CLI_CONTROLLER = """
    from surge.cli import CLIController, command, argument

    class UtilityCLIController(CLIController):
        \"\"\"A simple CLI utility controller.\"\"\"

        @command("greet", help="Greet a user with a message.")
        @argument("name", arg_type=str, description="The name of the user to greet.")
        async def greet(self, name: str):
            \"\"\"Greet by name.\"\"\"
            print(f"Hello, {name}! Welcome to the CLI utility.")

        @command("add", help="Add two numbers.")
        @argument("a", arg_type=int, description="The first number.")
        @argument("b", arg_type=int, description="The second number.")
        async def add(self, a: int, b: int):
            \"\"\"Add two numbers and print the result.\"\"\"
            result = a + b
            print(f"The sum of {a} and {b} is {result}.")

        @command("scale", help="Multiply a float.")
        @argument("value", arg_type=float, description="A float.")
        async def scale(self, value: float):
            print(f"{type(value).__name__} {value * 2} from {self.app.app_name}")

        @command("version")
        async def version(self):
            print(self.app.version)
"""


def test_cli_controller_of_the_seed(project, capsys, tmp_path):
    project.write("cli/cli_controller.py", CLI_CONTROLLER)
    project.config(
        """
        CLI_CONTROLLERS: list[str] = [
            'app.cli.cli_controller:UtilityCLIController' #path:CLIController
        ]
        """
    )
    app = project.application()
    assert run_cli(app, capsys, "greet", "Alice") == "Hello, Alice! Welcome to the CLI utility.\n"
    assert run_cli(app, capsys, "add", "2", "3") == "The sum of 2 and 3 is 5.\n"
    assert run_cli(app, capsys, "scale", "1.25") == "float 2.5 from Seed app\n"
    assert run_cli(app, capsys, "version") == "1.0\n"
    with pytest.raises(SystemExit):
        app.run_cli(["add", "two", "3"])  # arguments are cast to their type
    assert "invalid int value" in capsys.readouterr().err

    (tmp_path / "cli.py").write_text(
        f"if __name__ == '__main__':\n    from {project.name} import Application\n"
        "    app = Application()\n    app.run_cli()\n"
    )
    result = subprocess.run(
        [sys.executable, "cli.py", "greet", "Bob"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and "Hello, Bob! Welcome to the CLI utility." in result.stdout
