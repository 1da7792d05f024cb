"""The REST fixtures (defined in rest_testkit, so test modules can import its helpers)."""

from rest_testkit import sqlite_target, target

__all__ = ["sqlite_target", "target"]
