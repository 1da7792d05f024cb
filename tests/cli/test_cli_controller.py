"""``CLIController`` commands run through ``app.run_cli()``: casting, usage errors, extension commands."""

from __future__ import annotations

from typing import Any

import pytest

from surge import BaseConfig, Surge, on_shutdown, on_startup
from surge.cli import CLIController, CommandProvider, argument, command
from surge.exceptions import ImproperlyConfigured
from surge.extension import BaseExtension


class UtilityCLIController(CLIController):
    """The seed's example controller, plus options and flags."""

    @command("greet", help="Greet a user with a message.")
    @argument("name", arg_type=str, description="The name of the user to greet.")
    async def greet(self, name: str) -> None:
        print(f"Hello, {name}! Welcome to {self.app.app_name}.")

    @command("add", help="Add two numbers.")
    @argument("a", arg_type=int, description="The first number.")
    @argument("b", arg_type=int, description="The second number.")
    async def add(self, a: int, b: int) -> None:
        print(f"The sum of {a} and {b} is {a + b}. {type(a).__name__}")

    @command("scale")
    @argument("factor", arg_type=float)
    def scale(self, factor: float) -> None:  # sync commands work too
        print(f"scaled {factor * 2} {type(factor).__name__}")

    @command("history", help="Show history.")
    @argument("verbose", arg_type=bool, description="More detail.")
    @argument("indicate-current", arg_type=bool)
    @argument("limit", arg_type=int, default=10, description="How many.")
    async def history(self, verbose: bool, indicate_current: bool, limit: int) -> None:
        print(f"verbose={verbose} current={indicate_current} limit={limit}")

    @command("fail")
    async def fail(self) -> int:
        print("failing")
        return 3

    @command("state")
    async def state(self) -> None:
        print(f"started={self.app.state.get('started')}")


class LifecycleApp(Surge):
    @on_startup
    async def mark(self) -> None:
        self.state["started"] = True

    @on_shutdown
    async def unmark(self) -> None:
        self.state["stopped"] = True


def make(*extensions: Any) -> Surge:
    application = LifecycleApp(__name__, configs=BaseConfig(DEBUG=False, APP_NAME="Tooling"))
    application.cli_controllers.append(UtilityCLIController(application))
    for extension in extensions:
        application.add_extension(extension)
    return application


def test_commands_cast_their_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    application = make()
    assert application.run_cli(["greet", "Ada"]) == 0
    assert application.run_cli(["add", "2", "40"]) == 0
    assert application.run_cli(["scale", "1.25"]) == 0
    out = capsys.readouterr().out
    assert "Hello, Ada! Welcome to Tooling." in out
    assert "The sum of 2 and 40 is 42. int" in out
    assert "scaled 2.5 float" in out


def test_required_arguments_also_take_the_pyjolt_option_form(capsys: pytest.CaptureFixture[str]) -> None:
    """PyJolt runs ``greet --name Alice`` and ``add --a 2 --b 5``; positional use still works."""
    application = make()
    for argv in (["greet", "--name", "Alice"], ["add", "--a", "2", "--b", "5"], ["add", "--b", "5", "2"]):
        assert application.run_cli(argv) == 0
    out = capsys.readouterr().out
    assert "Hello, Alice! Welcome to Tooling." in out
    assert out.count("The sum of 2 and 5 is 7. int") == 2


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["add", "--a", "x", "--b", "1"], "argument a: invalid int value: 'x'"),
        (["add", "--a", "1"], "the following arguments are required: b"),
        (["add", "1", "2", "3"], "unrecognized arguments: 3"),
    ],
)
def test_option_form_errors_exit_2(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        make().run_cli(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "usage:" in err and " add " in err and message in err


def test_argument_names_may_start_with_dashes(capsys: pytest.CaptureFixture[str]) -> None:
    class Dashed(CLIController):
        @command("hello")
        @argument("--who", str, "Who to greet")
        async def hello(self, who: str) -> None:
            print(f"hi {who}")

    application = make()
    application.cli_controllers.append(Dashed(application))
    assert application.run_cli(["hello", "--who", "Bo"]) == 0
    assert application.run_cli(["hello", "Cy"]) == 0
    assert capsys.readouterr().out.splitlines() == ["hi Bo", "hi Cy"]


def test_flags_and_options_with_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    application = make()
    application.run_cli(["history"])
    application.run_cli(["history", "--verbose", "--indicate-current", "--limit", "3"])
    out = capsys.readouterr().out.splitlines()
    assert out == ["verbose=False current=False limit=10", "verbose=True current=True limit=3"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["add", "2", "x"], "argument b: invalid int value: 'x'"),
        (["add", "2"], "the following arguments are required: b"),
        (["nope"], "invalid choice: 'nope'"),
        ([], "the following arguments are required: COMMAND"),
        (["history", "--limit", "many"], "invalid int value: 'many'"),
    ],
)
def test_bad_arguments_print_usage_and_exit_2(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        make().run_cli(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "usage:" in err
    assert message in err


def test_help_lists_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        make().run_cli(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "greet" in out and "Greet a user with a message." in out and "history" in out


def test_non_zero_result_becomes_the_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        make().run_cli(["fail"])
    assert exit_info.value.code == 3
    assert "failing" in capsys.readouterr().out


def test_commands_run_inside_startup_and_shutdown(capsys: pytest.CaptureFixture[str]) -> None:
    application = make()
    application.run_cli(["state"])
    assert "started=True" in capsys.readouterr().out
    assert application.state["stopped"] is True


class MigrateCommands(CLIController):
    @command("db-upgrade", help="Upgrade the database.")
    @argument("revision", default="head")
    async def upgrade(self, revision: str) -> None:
        print(f"{self.command_prefix or 'default'}: upgrade to {revision} ({self.app.app_name})")


class FakeMigrate(BaseExtension, CommandProvider):
    """An extension that contributes commands, as the SQL extension's Migrate does."""

    def __init__(self, command_prefix: str = "", configs_name: str | None = None) -> None:
        super().__init__(configs_name)
        self.command_prefix = command_prefix

    def cli_controllers(self) -> list[CLIController]:
        return [MigrateCommands(self.app, command_prefix=self.command_prefix)]


class ClassContributor(BaseExtension, CommandProvider):
    def cli_controllers(self) -> list[type[CLIController]]:
        return [UtilityCLIController]


def test_extensions_contribute_commands_with_prefixes(capsys: pytest.CaptureFixture[str]) -> None:
    application = make(FakeMigrate(), FakeMigrate(command_prefix="reports-", configs_name="REPORTS_MIGRATE"))
    application.run_cli(["db-upgrade"])
    application.run_cli(["reports-db-upgrade", "--revision", "ab12"])
    out = capsys.readouterr().out.splitlines()
    assert out[-2:] == ["default: upgrade to head (Tooling)", "reports-: upgrade to ab12 (Tooling)"]


def test_duplicate_command_names_fail_naming_both() -> None:
    application = make(ClassContributor())
    with pytest.raises(ImproperlyConfigured, match="'add' is defined by both UtilityCLIController and UtilityCLIController"):
        application.run_cli(["add", "1", "2"])


def test_argument_types_are_checked_at_import() -> None:
    with pytest.raises(ImproperlyConfigured, match="arg_type must be int, float, str or bool"):
        argument("items", arg_type=list)


def test_cli_controllers_listed_in_config_are_registered(capsys: pytest.CaptureFixture[str]) -> None:
    config = BaseConfig(DEBUG=False, CLI_CONTROLLERS=[f"{__name__}:UtilityCLIController"])
    application = Surge(__name__, configs=config)
    application.run_cli(["greet", "Lin"])
    assert "Hello, Lin!" in capsys.readouterr().out
