"""The installed Surge version (a module of its own, so low layers can read it)."""

__all__ = ["__version__"]

__version__ = "0.1.0"
