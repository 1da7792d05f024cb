"""Every public module and name of PyJolt 0.111.12 imports from the same path under ``surge``.

``pyjolt_names.json`` is generated from the PyPI wheel by ``scripts/pyjolt_names.py``. The
rename is ``pyjolt`` -> ``surge``, ``PyJolt`` -> ``Surge``, ``PYJOLT`` -> ``SURGE``.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

NAMES: dict[str, list[str]] = json.loads(
    (Path(__file__).parent / "pyjolt_names.json").read_text(encoding="utf-8")
)

# Whole PyJolt modules left out on purpose, by prefix, and why.
SKIPPED_MODULES = {
    "pyjolt.cli.templates": "PyJolt's project template files, not API; `surge new-project` has its own",
    "pyjolt.controller.utilities": "PyJolt's module has no public names (private helpers only)",
    "pyjolt.database.sql.dialect_overview_extras": "PyJolt's module has no public names (private helpers only)",
    "pyjolt.database.sql.migrate.env_template": (
        "an Alembic env.py template: it runs only under Alembic (PyJolt's fails to import elsewhere too); "
        "Surge's is surge/database/sql/migrate/_env_template.py"
    ),
    "pyjolt.cors": (
        "CORS is built into Surge's dispatcher (CORS_ENABLED, CORS_* keys, @cors/@no_cors); PyJolt adds its "
        "CORSMiddleware itself, apps never list it"
    ),
}

# Single names left out on purpose, and why.
SKIPPED_NAMES = {
    ("pyjolt.controller.controller", "Descriptor"): (
        "defined in surge.controller.spec, importable from surge.controller; re-exporting it here would close an "
        "import cycle (spec names Controller for typing)"
    ),
    ("pyjolt.controller.controller", "path"): (
        "defined in surge.controller.decorators, importable from surge.controller; re-exporting it here would close "
        "an import cycle (decorators -> spec -> controller)"
    ),
    ("pyjolt.cli", "main"): (
        "surge.cli.main is the module of the `surge` command; its function is `from surge.cli.main import main`"
    ),
    ("pyjolt.database.sql.migrate.migrate", "register_db_commands"): (
        "PyJolt's internal wiring of Migrate's argparse commands; Surge's Migrate provides its db-* commands itself"
    ),
}


def surge_path(name: str) -> str:
    """The Surge spelling of a PyJolt module or name."""
    return name.replace("pyjolt", "surge").replace("PyJolt", "Surge").replace("PYJOLT", "SURGE")


def _skipped(module: str) -> bool:
    return any(module == prefix or module.startswith(prefix + ".") for prefix in SKIPPED_MODULES)


CASES = [
    (module, name)
    for module, names in NAMES.items()
    if not _skipped(module)
    for name in names
    if (module, name) not in SKIPPED_NAMES
]
MODULES = sorted({module for module in NAMES if not _skipped(module)})


def test_the_list_is_the_whole_package() -> None:
    assert len(NAMES) == 94
    assert sum(len(names) for names in NAMES.values()) == 340
    assert NAMES["pyjolt"] == sorted(NAMES["pyjolt"]) and "PyJolt" in NAMES["pyjolt"]


def test_every_exception_names_a_real_pyjolt_module_or_name() -> None:
    for prefix in SKIPPED_MODULES:
        assert any(module == prefix or module.startswith(prefix + ".") for module in NAMES), prefix
    for module, name in SKIPPED_NAMES:
        assert name in NAMES[module], (module, name)


@pytest.mark.parametrize("module", MODULES)
def test_module_imports(module: str) -> None:
    importlib.import_module(surge_path(module))


@pytest.mark.parametrize(("module", "name"), CASES, ids=[f"{m}:{n}" for m, n in CASES])
def test_name_imports_from_the_same_path(module: str, name: str) -> None:
    imported = importlib.import_module(surge_path(module))
    assert hasattr(imported, surge_path(name)), f"{surge_path(module)} has no {surge_path(name)}"


def test_the_application_class_is_the_same_everywhere() -> None:
    import surge
    import surge.surge

    assert surge.surge.Surge is surge.Surge
    assert (
        importlib.import_module("surge.testing.surge_test_client").SurgeTestClient is surge.testing.TestClient
    )
