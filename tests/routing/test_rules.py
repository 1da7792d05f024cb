"""Rule parsing and URL building, without an app."""

import uuid

import pytest

from surge.exceptions import ImproperlyConfigured
from surge.routing import join_paths, parse_rule


@pytest.mark.parametrize(
    ("rule", "path", "expected"),
    [
        ("/users/<int:user_id>", "/users/42", {"user_id": 42}),
        ("/users/<string:name>", "/users/ann", {"name": "ann"}),
        ("/users/<name>", "/users/ann", {"name": "ann"}),
        ("/files/<path:p>", "/files/account/dashboard/main", {"p": "account/dashboard/main"}),
        ("/price/<float:value>", "/price/3.5", {"value": 3.5}),
        ("/price/<float:value>", "/price/-2", {"value": -2.0}),
        (
            "/items/<uuid:item_id>",
            "/items/12345678-1234-5678-1234-567812345678",
            {"item_id": uuid.UUID("12345678-1234-5678-1234-567812345678")},
        ),
    ],
)
def test_converters_match_and_convert(rule: str, path: str, expected: dict) -> None:
    assert parse_rule(rule).match(path) == expected


@pytest.mark.parametrize(
    ("rule", "path"),
    [
        ("/users/<int:user_id>", "/users/abc"),
        ("/users/<int:user_id>", "/users/-1"),
        ("/users/<string:name>", "/users/a/b"),
        ("/items/<uuid:item_id>", "/items/not-a-uuid"),
        ("/price/<float:value>", "/price/x1"),
    ],
)
def test_converters_reject_bad_values(rule: str, path: str) -> None:
    assert parse_rule(rule).match(path) is None


def test_unknown_converter_names_the_route() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"/a/<bogus:x>.*bogus"):
        parse_rule("/a/<bogus:x>")


def test_duplicate_parameter_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="appears twice"):
        parse_rule("/<int:a>/<int:a>")


def test_build_fills_parameters_and_puts_extras_in_query() -> None:
    rule = parse_rule("/users/<int:user_id>/files/<path:name>")
    assert rule.build({"user_id": 7, "name": "a b/c.txt", "page": 2}) == "/users/7/files/a%20b/c.txt?page=2"


def test_build_missing_parameter() -> None:
    with pytest.raises(ValueError, match="user_id"):
        parse_rule("/users/<int:user_id>").build({})


def test_join_paths() -> None:
    assert join_paths("/api/v1/users", "/") == "/api/v1/users"
    assert join_paths("/api/", "/<int:id>") == "/api/<int:id>"
    assert join_paths("", "/") == "/"
    assert join_paths("/", "/x/") == "/x/"
