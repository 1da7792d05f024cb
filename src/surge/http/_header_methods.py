"""The header-setting half of ``Response``: headers, repeated headers, validators, caching, cookies."""

from __future__ import annotations

from datetime import datetime
from typing import Self, Unpack

from surge.http._headers import cookie_header
from surge.http.conditional import CacheDirectives, cache_control_value, etag_value, http_date

__all__ = ["HeaderMethods"]


class HeaderMethods:
    """Methods that set response headers (``Response`` holds the attributes they write)."""

    __slots__ = ("_cookies", "_extra", "_validators")

    headers: dict[str, str]
    _cookies: list[str] | None  # Set-Cookie values
    _extra: list[tuple[str, str]] | None  # add_header(): repeated headers
    _validators: bool  # set_etag()/set_last_modified(): check the request's validators at send time

    def add_header(self, key: str, value: str) -> Self:
        """Add a header, keeping any of the same name (several ``Link`` or ``Set-Cookie`` headers)."""
        if self._extra is None:
            self._extra = []
        self._extra.append((key, value))
        return self

    def set_etag(self, value: str, weak: bool = False) -> Self:
        """Set the ``ETag``; a GET/HEAD whose ``If-None-Match`` matches it is answered 304."""
        self.headers["etag"] = etag_value(value, weak)
        self._validators = True
        return self

    def set_last_modified(self, moment: datetime | float) -> Self:
        """Set ``Last-Modified``; a GET/HEAD whose ``If-Modified-Since`` is not older is answered 304."""
        self.headers["last-modified"] = http_date(moment)
        self._validators = True
        return self

    def cache_control(self, **directives: Unpack[CacheDirectives]) -> Self:
        """Set ``Cache-Control`` from keywords: ``cache_control(max_age=60, public=True)``."""
        self.headers["cache-control"] = cache_control_value(**directives)
        return self

    def set_cookie(
        self,
        cookie_name: str,
        value: str,
        max_age: int | None = None,
        path: str = "/",
        domain: str | None = None,
        secure: bool = False,
        http_only: bool = True,
        same_site: str | None = "Lax",
        expires: int | str | None = None,
    ) -> Self:
        """Set a cookie (HttpOnly and SameSite=Lax unless told otherwise)."""
        header = cookie_header(
            cookie_name,
            value,
            max_age=max_age,
            path=path,
            domain=domain,
            secure=secure,
            http_only=http_only,
            same_site=same_site,
            expires=expires,
        )
        if self._cookies is None:
            self._cookies = []
        self._cookies.append(header)
        return self

    def delete_cookie(self, cookie_name: str, path: str = "/", domain: str | None = None) -> Self:
        """Tell the client to drop a cookie."""
        return self.set_cookie(
            cookie_name, "", max_age=0, path=path, domain=domain, expires="Thu, 01 Jan 1970 00:00:00 GMT"
        )
