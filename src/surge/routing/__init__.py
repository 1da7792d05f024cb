"""Routing: rule parsing, matching and URL building."""

from surge.routing.router import Route, Router
from surge.routing.rules import CONVERTERS, Rule, join_paths, parse_rule

__all__ = ["CONVERTERS", "Route", "Router", "Rule", "join_paths", "parse_rule"]
