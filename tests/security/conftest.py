"""Fixtures of the security tests: ``make_app``, ``redis_prefix``, ``plant_cookie`` (from surge_testkit)."""

from surge_testkit import app_factory, plant_cookie, redis_prefix

__all__ = ["app_factory", "plant_cookie", "redis_prefix"]
