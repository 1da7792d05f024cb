"""List the config keys PyJolt's extensions read, per config section, read with ``ast`` (nothing is imported).

Usage (Python 3.12+, the syntax of PyJolt's source):
python3.12 scripts/pyjolt_config_keys.py pyjolt-0.111.12-py3-none-any.whl > tests/compat/pyjolt_config_keys.json

A section's keys are the fields of its config models (the pydantic model the extension
validates and the TypedDict it documents) plus the string keys its code reads from the section
(``configs.get("KEY")``, ``configs["KEY"]``: the cache backends read theirs that way).
``BASE_CONFIG`` holds the top-level keys of ``BaseConfig`` (static files, OpenAPI, CORS,
logging included). The embeddings helpers have no config section of their own.
"""

from __future__ import annotations

import ast
import json
import sys
import zipfile

# section -> the files (inside the wheel's ``pyjolt/``) and the model classes that define it
SECTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "BASE_CONFIG": (("configuration_base.py",), ("BaseConfig",)),
    "SQL_DATABASE": (("database/sql/sql_database.py",), ("_SqlDatabaseConfig", "SqlDatabaseConfig")),
    "MIGRATE": (("database/sql/migrate/migrate.py",), ("MigrateConfig",)),
    "NOSQL_DATABASE": (("database/nosql/nosql_database.py",), ("_NoSqlDatabaseConfig", "NoSqlDatabaseConfig")),
    "CACHE": (
        (
            "caching/cache.py",
            "caching/backends/memory_cache_backend.py",
            "caching/backends/redis_cache_backend.py",
            "caching/backends/sqlite_cache_backend.py",
        ),
        ("_CacheConfigs", "CacheConfig", "SQLiteCacheConfig"),
    ),
    "EMAIL_CLIENT": (("email/email_client.py",), ("_EmailConfigs", "EmailConfig")),
    "TASK_MANAGER": (("task_manager/task_manager.py",), ("_TaskManagerConfigs", "TaskManagerConfig")),
    "AI_INTERFACE": (("ai_interface/ai_interface.py",), ("_AiInterfaceConfigs", "AiConfig")),
    "AUTHENTICATION": (("auth/authentication.py",), ("_AuthenticationConfigs", "AuthConfig")),
    "LOGGER": (("logging/logger_config_base.py",), ("_LoggerConfigBase", "LoggerConfig")),
    "ADMIN_DASHBOARD": (("admin/admin_dashboard.py",), ("_AdminDashboardConfig", "AdminConfig")),
    "STATE_MACHINE": (("state_machine/state_machine.py",), ("_StateMachineConfigs", "StateMachineConfig")),
}
_CONFIG_NAMES = frozenset({"configs", "config", "_configs", "cfg"})


def model_fields(tree: ast.Module, classes: tuple[str, ...]) -> set[str]:
    """The annotated UPPER_CASE fields of the named classes."""
    keys: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name in classes:
            for item in node.body:
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    if item.target.id.isupper():
                        keys.add(item.target.id)
    return keys


def _read_key(node: ast.AST) -> str | None:
    """``configs.get("KEY", ...)`` or ``configs["KEY"]`` -> ``KEY``."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
        owner, args = node.func.value, node.args
    elif isinstance(node, ast.Subscript):
        owner, args = node.value, [node.slice]
    else:
        return None
    name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
    if name in _CONFIG_NAMES and args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
        key = args[0].value
        return key if key.isupper() else None
    return None


def read_keys(tree: ast.Module) -> set[str]:
    """The string keys the module's code reads from a config dict."""
    return {key for node in ast.walk(tree) if (key := _read_key(node)) is not None}


def config_keys(wheel: str) -> dict[str, list[str]]:
    """Every section's keys, sorted."""
    with zipfile.ZipFile(wheel) as archive:
        sources = {name: archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith(".py")}
    result: dict[str, list[str]] = {}
    for section, (files, classes) in SECTIONS.items():
        keys: set[str] = set()
        for file in files:
            tree = ast.parse(sources[f"pyjolt/{file}"])
            keys |= model_fields(tree, classes)
            if section != "BASE_CONFIG":
                keys |= read_keys(tree)
        result[section] = sorted(keys)
    return result


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    json.dump(config_keys(argv[1]), sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
