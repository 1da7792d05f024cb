"""Filtering: exact, search and ordering, on whitelisted fields only."""

from __future__ import annotations

from typing import Any

import pytest

from surge.rest import (
    ConfigurationError,
    Field,
    FieldFilter,
    Filtering,
    OrderingFilter,
    RestEndpoint,
    SearchFilter,
)
from surge.testing import TestClient

from rest_testkit import Target, rest_app


class ArticleEndpoint(RestEndpoint):
    title: str = Field(min_length=1)
    category: str = Field(min_length=1)
    author: str = Field(min_length=1)
    views: int = Field(default=0)
    secret: str = Field(default="hidden")

    class Meta:
        filtering = Filtering(
            backends=[FieldFilter, SearchFilter, OrderingFilter],
            fields=["category", "views"],
            search=["title", "author"],
            ordering=["title", "views"],
        )


ARTICLES = [
    ("Python tips", "news", "Ada", 10),
    ("Rust 100%", "news", "Bob", 30),
    ("Cooking", "life", "Python Pete", 20),
    ("python_underscores", "tech", "Cy", 30),
]


async def _seed(client: Any, url: str = "/articles") -> None:
    for title, category, author, views in ARTICLES:
        response = await client.post(url, json={"title": title, "category": category, "author": author, "views": views})
        assert response.status_code == 201


def _titles(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [row["title"] for row in response.json()["results"]]


async def test_exact_search_and_ordering(target: Target) -> None:
    async with TestClient(rest_app(target, {"/articles": ArticleEndpoint})) as client:
        await _seed(client)
        assert _titles(await client.get("/articles?category=news")) == ["Python tips", "Rust 100%"]
        assert _titles(await client.get("/articles?views=30")) == ["Rust 100%", "python_underscores"]
        assert _titles(await client.get("/articles?search=PYTHON")) == ["Python tips", "Cooking", "python_underscores"]
        assert _titles(await client.get("/articles?search=100%25")) == ["Rust 100%"]  # % is literal
        assert _titles(await client.get("/articles?search=n_u")) == ["python_underscores"]  # _ is literal
        by_title = [row[0] for row in await target.fetch("SELECT title FROM articleendpoints ORDER BY title DESC")]
        assert _titles(await client.get("/articles?ordering=-title")) == by_title  # the database's collation
        assert _titles(await client.get("/articles?ordering=title")) == by_title[::-1]
        assert _titles(await client.get("/articles?ordering=-views,title")) == [
            "Rust 100%",
            "python_underscores",
            "Cooking",
            "Python tips",
        ]
        combined = await client.get("/articles?category=news&search=python&ordering=-title")
        assert _titles(combined) == ["Python tips"]


async def test_only_whitelisted_fields_are_reachable(sqlite_target: Target) -> None:
    async with TestClient(rest_app(sqlite_target, {"/articles": ArticleEndpoint})) as client:
        await _seed(client)
        # an unknown or non-whitelisted parameter filters nothing
        assert len(_titles(await client.get("/articles?secret=nothing&author=Ada"))) == 4
        bad_order = await client.get("/articles?ordering=secret")
        assert bad_order.status_code == 422
        assert bad_order.json()["detail"][0]["loc"] == ["query", "ordering"]
        assert "cannot order by 'secret'" in bad_order.json()["detail"][0]["msg"]
        bad_type = await client.get("/articles?views=many")
        assert bad_type.status_code == 422 and bad_type.json()["detail"][0]["loc"] == ["query", "views"]


def test_filter_fields_are_checked() -> None:
    with pytest.raises(ConfigurationError, match="Meta.filtering fields names 'nope'"):

        class Bad(RestEndpoint):
            name: str

            class Meta:
                filtering = Filtering(fields=["nope"])

    with pytest.raises(ConfigurationError, match="search field 'count' is not a string"):

        class Bad2(RestEndpoint):
            count: int

            class Meta:
                filtering = Filtering(search=["count"])
