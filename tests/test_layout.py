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
