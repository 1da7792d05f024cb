"""The seed README's logging: the default logger and custom sinks.

The seed's own code is written into a throw-away ``app`` package (``seed_project``) and driven
as a user would, against real parts: log files in ``tmp_path``."""

from __future__ import annotations

import json

from surge.testing import TestClient

FILE_LOGGER = """
    from surge.logging import LoggerBase

    class FileLogger(LoggerBase):
        \"\"\"Example file logger\"\"\"

        def get_format(self) -> str:
            \"\"\"Should return a valid format string for the logger output\"\"\"
            return self.get_conf_value(
                "FORMAT",
                "<green>{time:YYYY-MM-DD HH:mm:ss.SSS}</green> | "
                "<level>{level: <8}</level> | {extra[logger_name]} | "
                "{name}:{function}:{line} - <cyan>{message}</cyan>",
            )

        def get_filter(self):
            def _filter(record: dict[str, any]) -> bool:
                # Only log messages where the message includes the string "PERFORMANCE"
                # Message from a performance logger for bottleneck detection.
                return "PERFORMANCE" in record["message"]

            return _filter


    class ConsoleLogger(LoggerBase):
        \"\"\"A console sink on STDOUT\"\"\"
"""


LOGGING_API = """
    from surge import Request, Response
    from surge.controller import Controller, path, get

    @path("/log")
    class LogApi(Controller):
        @get("/")
        async def log(self, req: Request) -> Response:
            self.app.logger.debug("a debug line")
            self.app.logger.warning("PERFORMANCE slow query 120 ms")
            self.app.logger.info("an info line")
            return req.response.json({"logged": True})
"""


async def test_logging_default_logger_and_custom_sinks(project, tmp_path, capsys):
    log_file = tmp_path / "logging" / "file.log"
    project.write("logging/file_logger.py", FILE_LOGGER)
    project.write("api/log_api.py", LOGGING_API)
    project.config(
        f"""
        DEFAULT_LOGGER: dict[str, Any] = {{
            "LEVEL": LogLevel.WARNING,
            "FORMAT": "DEFAULT | {{level}} | {{extra[logger_name]}} | {{message}}",
            "BACKTRACE": True,
            "DIAGNOSE": True,
            "COLORIZE": False,
            "SERIALIZE": False,
            "ENCODING": "utf-8",
        }}
        LOGGERS: list[str] = ['app.logging.file_logger:FileLogger', 'app.logging.file_logger:ConsoleLogger']
        FILE_LOGGER: dict[str, Any] = {{
            "SINK": {str(log_file)!r},
            "LEVEL": LogLevel.TRACE,
            "FORMAT": "FILE | {{level}} | {{extra[logger_name]}} | {{message}}",
            "ENQUEUE": True,
            "BACKTRACE": True,
            "DIAGNOSE": True,
            "COLORIZE": True,
            "DELAY": True,
            "ROTATION": "5 MB",
            "RETENTION": "5 files",
            "COMPRESSION": "zip",
            "SERIALIZE": False,
            "ENCODING": "utf-8",
            "MODE": "a",
        }}
        CONSOLE_LOGGER: dict[str, Any] = {{"SINK": "STDOUT", "LEVEL": LogLevel.INFO, "FORMAT": "CONSOLE | {{message}}",
                                          "COLORIZE": False}}
        CONTROLLERS: list[str] = ['app.api.log_api:LogApi']
        DEBUG: bool = False
        SILENCED_DEPLOY_CHECKS: list[str] = ["*"]  # only the seed's own lines (deploy checks: test_deploy_checks)
        """,
        imports="from surge import LogLevel\n",
    )
    app = project.application()
    async with TestClient(app) as client:
        assert (await client.get("/log/")).json() == {"logged": True}
    captured = capsys.readouterr()
    default_lines = [line for line in captured.err.splitlines() if line.startswith("DEFAULT |")]
    assert default_lines == ["DEFAULT | WARNING | Seed app | PERFORMANCE slow query 120 ms"]  # LEVEL=WARNING
    console = [line for line in captured.out.splitlines() if line.startswith("CONSOLE |")]
    assert console == ["CONSOLE | PERFORMANCE slow query 120 ms", "CONSOLE | an info line"]
    # the file sink: its own format and the PERFORMANCE filter; ENQUEUE'd records flushed at shutdown
    assert log_file.read_text(encoding="utf-8").splitlines() == [
        "FILE | WARNING | Seed app | PERFORMANCE slow query 120 ms"
    ]


def test_logging_serialize_default_logger(project, capsys):
    project.config(
        """
        DEFAULT_LOGGER: dict[str, Any] = {"LEVEL": "INFO", "SERIALIZE": True}
        DEBUG: bool = False
        """
    )
    app = project.application()
    app.logger.info("serialized line")
    line = [line for line in capsys.readouterr().err.splitlines() if "serialized line" in line][0]
    assert json.loads(line)["record"]["message"] == "serialized line"
