"""Cache keys are plain functions: no app, no event loop."""

from dataclasses import dataclass

from surge.caching import make_key
from surge.caching.keys import MAX_READABLE, normalize_host, user_identity


def test_query_order_does_not_matter_and_head_shares_get():
    assert make_key("Api.get", "GET", {"id": 1}, "a=1&b=2") == make_key("Api.get", "HEAD", {"id": 1}, "b=2&a=1")
    assert make_key("Api.get", "GET", {"id": 1}) != make_key("Api.get", "GET", {"id": 2})
    assert make_key("Api.get", "GET", {}, "a=1") != make_key("Api.get", "GET", {}, "a=2")
    assert make_key("Api.get", "GET", {}, "a=1") != make_key("Api.other", "GET", {}, "a=1")


def test_user_is_part_of_the_key():
    anonymous = make_key("Api.me")
    assert make_key("Api.me", user="1") != anonymous
    assert make_key("Api.me", user="1") != make_key("Api.me", user="2")
    assert make_key("Api.me", user="1").endswith(":user=1")


def test_long_keys_are_hashed_but_keep_the_endpoint():
    key = make_key("Api.search", "GET", {}, "q=" + "x" * 500)
    assert len(key) <= MAX_READABLE
    assert key.startswith("Api.search:GET:sha256=")
    assert key != make_key("Api.search", "GET", {}, "q=" + "y" * 500)


def test_user_identity():
    @dataclass
    class User:
        id: int

    class NoId:
        pass

    assert user_identity(User(5)) == "5"
    assert user_identity({"username": "ann"}) == "ann"
    assert user_identity("bob") == "bob"
    assert user_identity(NoId()) is None


def test_host_is_part_of_the_key():
    assert make_key("Api.get", host="example.com") != make_key("Api.get", host="evil.example")
    assert make_key("Api.get", host="Example.COM.") == make_key("Api.get", host="example.com")
    assert make_key("Api.get", host="example.com:8080") != make_key("Api.get", host="example.com")
    assert normalize_host("Example.com.:8080") == "example.com:8080"
    assert normalize_host("[::1]:8080") == "[::1]:8080"
    assert normalize_host("[::1]") == "[::1]"
    assert normalize_host(None) == ""
