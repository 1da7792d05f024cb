"""Flash messages: set in one request, shown (once) in the next.

``flash("Saved", "success")`` stores the message in the session; the next page calls
``get_flashed_messages()`` (in the handler or in a template) and the messages are gone.
Needs the Sessions extension.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from surge.security._context import current_request

if TYPE_CHECKING:
    from surge.http.request import Request

__all__ = ["FLASH_SESSION_KEY", "flash", "get_flashed_messages"]

FLASH_SESSION_KEY = "_flashes"
_STATE_KEY = "_surge_flashed"


def flash(message: str, category: str = "message", *, req: Request | None = None) -> None:
    """Queue ``message`` under ``category`` for the next request that reads flashed messages."""
    session = (req or current_request()).session
    queued = list(session.get(FLASH_SESSION_KEY, ()))
    queued.append([category, message])
    session[FLASH_SESSION_KEY] = queued


def get_flashed_messages(
    with_categories: bool = False,
    category_filter: Iterable[str] = (),
    *,
    req: Request | None = None,
) -> list[Any]:
    """The queued messages, removed from the session; repeated calls in one request agree.

    Args:
        with_categories: return ``(category, message)`` pairs instead of messages.
        category_filter: only these categories (the others are consumed too).
    """
    request = req or current_request()
    state = request.state.__dict__
    messages: list[tuple[str, str]] | None = state.get(_STATE_KEY)
    if messages is None:
        session = request.session
        raw = session.pop(FLASH_SESSION_KEY) if FLASH_SESSION_KEY in session else []
        messages = _well_formed(raw)
        state[_STATE_KEY] = messages
    wanted = set(category_filter)
    selected = [item for item in messages if not wanted or item[0] in wanted]
    if with_categories:
        return selected
    return [message for _, message in selected]


def _well_formed(raw: object) -> list[tuple[str, str]]:
    """The ``[category, message]`` pairs of a stored queue; anything else in it is dropped.

    A session can hold whatever a client with the signing key (or a bug) put there: reading
    it must never fail the page.
    """
    if not isinstance(raw, list):
        return []
    return [
        (str(item[0]), str(item[1]))
        for item in raw
        if isinstance(item, (list, tuple)) and len(item) == 2
    ]
