"""Helpers of the scale-out tests (a uniquely named module: ``conftest`` is ambiguous across folders)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

__all__ = ["TcpProxy"]

HERE = Path(__file__).resolve().parent


def _load_proxy_module() -> ModuleType:
    """The TCP proxy of the security tests (one implementation for every outage test)."""
    location = HERE.parent / "security" / "surge_tcp_proxy.py"
    spec = importlib.util.spec_from_file_location("surge_scale_tcp_proxy", location)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TcpProxy = _load_proxy_module().TcpProxy
