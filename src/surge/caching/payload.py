"""A response as a cacheable payload (a dict of status, headers, media type and body), and back."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from surge.http.response import Response

if TYPE_CHECKING:
    from surge.http.request import Request

__all__ = ["from_payload", "to_payload"]


async def to_payload(response: Response) -> dict[str, Any] | None:
    """The storable form of ``response``, or None when it must not be cached.

    Not cached: errors (status >= 400), streams and files (no body in memory), and responses
    that set cookies (a cookie is meant for one client).
    """
    if response.status_code >= 400:
        return None
    if response.is_streaming or response.is_file or response.cookies:
        return None
    await response.finalize()
    return {
        "status_code": response.status_code,
        "headers": dict(response.headers),
        "media_type": None if response.media_type is None else str(response.media_type),
        "body": response.body,
    }


def from_payload(req: Request, payload: dict[str, Any]) -> Response:
    """A response for ``req`` rebuilt from a cached payload (which stays untouched)."""
    response = req.response
    response.status_code = int(payload["status_code"])
    response.headers.update(payload.get("headers") or {})
    response.media_type = payload.get("media_type")
    body = payload.get("body", b"")
    response.body = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    return response
