"""The HTTP exceptions carry their status."""

from surge.exceptions import NotFound


def test_not_found_is_http_exception() -> None:
    assert NotFound().status_code == 404
