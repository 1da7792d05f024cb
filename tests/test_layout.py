"""The source stays easy to read: one concept per module, a small application module."""

from __future__ import annotations

from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "surge"


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_no_module_is_over_400_lines() -> None:
    oversized = {str(p.relative_to(SRC)): _lines(p) for p in SRC.rglob("*.py") if _lines(p) > 400}
    assert oversized == {}, "split these modules by concept"


def test_the_application_module_is_registration_and_lifecycle_only() -> None:
    assert _lines(SRC / "app.py") < 300


def test_no_import_cycles_type_only_imports_included() -> None:
    import grimp

    graph = grimp.build_graph("surge", cache_dir=None)
    cycles = [sorted(component) for component in _strongly_connected(graph) if len(component) > 1]
    assert cycles == []


def _strongly_connected(graph: object) -> list[list[str]]:
    """Tarjan's algorithm over the module graph (``import`` edges, ``TYPE_CHECKING`` and in-function ones too)."""
    imports = {module: graph.find_modules_directly_imported_by(module) for module in graph.modules}  # type: ignore[attr-defined]
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in imports[module]:
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            components.append(component)

    for module in sorted(imports):
        if module not in index:
            visit(module)
    return components
