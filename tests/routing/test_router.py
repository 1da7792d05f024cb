"""Matching order, 404/405 and slashes."""

import pytest

from surge.exceptions import ImproperlyConfigured, MethodNotAllowed, NotFound
from surge.routing import Router


def test_static_routes_win_over_parameters() -> None:
    router = Router()
    router.add("GET", "/users/<name>", "by_name")
    router.add("GET", "/users/me", "me")
    assert router.match("GET", "/users/me")[0].name == "me"
    route, params = router.match("GET", "/users/ann")
    assert (route.name, params) == ("by_name", {"name": "ann"})


def test_more_specific_dynamic_rule_first_and_path_last() -> None:
    router = Router()
    router.add("GET", "/files/<path:p>", "any")
    router.add("GET", "/files/<int:id>/raw", "raw")
    assert router.match("GET", "/files/3/raw")[0].name == "raw"
    assert router.match("GET", "/files/x/y/z")[1] == {"p": "x/y/z"}


def test_not_found_and_method_not_allowed() -> None:
    router = Router()
    router.add("GET", "/a", "a")
    router.add("POST", "/a", "a_post")
    with pytest.raises(NotFound):
        router.match("GET", "/b")
    with pytest.raises(MethodNotAllowed) as info:
        router.match("DELETE", "/a")
    assert info.value.headers["Allow"] == "GET, HEAD, OPTIONS, POST"


def test_head_falls_back_to_get() -> None:
    router = Router()
    router.add("GET", "/a", "a")
    assert router.match("HEAD", "/a")[0].name == "a"


def test_trailing_slash_ignored_unless_strict() -> None:
    loose = Router()
    loose.add("GET", "/a/", "a")
    assert loose.match("GET", "/a")[0].name == "a"
    assert loose.match("GET", "/a/")[0].name == "a"
    strict = Router(strict_slashes=True)
    strict.add("GET", "/a", "a")
    with pytest.raises(NotFound):
        strict.match("GET", "/a/")


def test_duplicate_route_is_refused() -> None:
    router = Router()
    router.add("GET", "/a", "first")
    with pytest.raises(ImproperlyConfigured, match="first"):
        router.add("GET", "/a", "second")


def test_url_for_unknown_endpoint() -> None:
    with pytest.raises(KeyError, match="nope"):
        Router().url_for("nope", {})
