"""Matching order, 404/405 and slashes."""

import pytest

from surge.exceptions import DuplicateRoutePath, ImproperlyConfigured, MethodNotAllowed, NotFound
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


def test_duplicate_route_raises_pyjolts_duplicate_route_path() -> None:
    router = Router()
    router.add("GET", "/a/", "first")
    with pytest.raises(DuplicateRoutePath) as caught:
        router.add("get", "/a", "second")
    assert isinstance(caught.value, ImproperlyConfigured)
    assert caught.value.message == "Route GET '/a' of 'second' is already registered by 'first'"


def test_url_for_unknown_endpoint() -> None:
    with pytest.raises(KeyError, match="nope"):
        Router().url_for("nope", {})


# Werkzeug's rule order (checked against werkzeug 3.1 itself while writing these cases).
@pytest.mark.parametrize("register_int_first", [True, False])
def test_int_converter_wins_over_string_in_either_registration_order(register_int_first: bool) -> None:
    router = Router()
    rules = [("/items/<int:id>", "by_id"), ("/items/<string:code>", "by_code")]
    for rule, name in rules if register_int_first else reversed(rules):
        router.add("GET", rule, name)
    assert router.match("GET", "/items/1") == (router.names["by_id"], {"id": 1})
    assert router.match("GET", "/items/abc") == (router.names["by_code"], {"code": "abc"})


@pytest.mark.parametrize(
    ("rules", "path", "winner"),
    [
        (["/items/<path:rest>", "/items/<code>"], "/items/x", "/items/<code>"),
        (["/<path:all>", "/items/<int:id>/edit"], "/items/3/edit", "/items/<int:id>/edit"),
        (["/x/<a>/<int:b>", "/x/<int:a>/<b>"], "/x/1/2", "/x/<int:a>/<b>"),  # the first part decides
        (["/v<int:n>.<int:m>", "/v<int:n>"], "/v1", "/v<int:n>"),
        (["/a<string:s>/x", "/a<int:n>/x"], "/a1/x", "/a<int:n>/x"),
        (["/files/<name>/raw", "/files/<path:p>/raw"], "/files/a/raw", "/files/<path:p>/raw"),  # static text in the part
        (["/u/<s>", "/u/<uuid:u>"], "/u/12345678-1234-5678-1234-567812345678", "/u/<s>"),  # equal weight: first added
        (["/items/<int:id>", "/items/<float:f>"], "/items/1", "/items/<int:id>"),
        (["/items/<float:f>", "/items/<int:id>"], "/items/1", "/items/<int:id>"),
        (["/items/<float:f>", "/items/<int:id>"], "/items/1.5", "/items/<float:f>"),
    ],
)
def test_rule_order_follows_werkzeug(rules: list[str], path: str, winner: str) -> None:
    router = Router()
    for rule in rules:
        router.add("GET", rule, rule)
    assert router.match("GET", path)[0].name == winner


def test_static_segment_beats_converter_then_backtracks() -> None:
    router = Router()
    router.add("GET", "/<kind>/list", "kind_list")
    router.add("GET", "/items/<int:id>", "item")
    assert router.match("GET", "/items/list")[0].name == "kind_list"  # /items/<int> cannot take "list"
    assert router.match("GET", "/items/7")[0].name == "item"


def test_a_rule_without_the_method_lets_the_next_matching_rule_answer() -> None:
    router = Router()
    router.add("POST", "/items/new", "create")
    router.add("GET", "/items/<int:id>", "by_id")
    router.add("GET", "/items/<code>", "by_code")
    router.add("DELETE", "/items/<code>", "delete")
    assert router.match("GET", "/items/new")[0].name == "by_code"
    assert router.match("HEAD", "/items/new")[0].name == "by_code"
    assert router.match("DELETE", "/items/3")[0].name == "delete"
    with pytest.raises(MethodNotAllowed) as info:
        router.match("PUT", "/items/3")
    assert info.value.headers["Allow"] == "DELETE, GET, HEAD, OPTIONS"


@pytest.mark.parametrize("path", ["/files/a\x00.css", "/files/a\n", "/files/x/\r/y", "/items/\x7f", "/items/\x01"])
def test_control_characters_never_match_a_converter(path: str) -> None:
    router = Router()
    router.add("GET", "/files/<path:name>", "files")
    router.add("GET", "/items/<code>", "items")
    with pytest.raises(NotFound):
        router.match("GET", path)
