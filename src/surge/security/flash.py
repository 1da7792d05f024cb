"""Flash messages: set in one request, shown (once) in a later one.

``flash("Saved", "success")`` stores the message in the session; the next page calls
``get_flashed_messages()`` (in the handler or in a template) and the messages are gone.
A message flashed with ``valid=seconds`` (Atila's message box) stays until a read returns it
or it expires; extra keyword arguments are kept with it and can be filtered on
(``where={...}``). Needs the Sessions extension.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from surge.security._context import current_request

if TYPE_CHECKING:
    from surge.http.request import Request

__all__ = ["FLASH_SESSION_KEY", "FlashMessage", "flash", "get_flashed_messages", "remove_flashed_message"]

FLASH_SESSION_KEY = "_flashes"
_STATE_KEY = "_surge_flashed"


class FlashMessage(NamedTuple):
    """One queued message, as ``get_flashed_messages(with_details=True)`` returns it."""

    id: str
    category: str
    message: str
    created: float
    valid: float | None
    extra: dict[str, Any]

    @property
    def kept(self) -> bool:
        """Flashed with ``valid``: survives reads that do not return it, until it expires."""
        return self.valid is not None


class _ReadState:
    """What this request has read: the queue as loaded, and the ids it consumed."""

    __slots__ = ("consumed", "loaded")

    def __init__(self, loaded: list[FlashMessage]) -> None:
        self.loaded = loaded
        self.consumed: set[str] = set()


def flash(
    message: str,
    category: str = "message",
    valid: float | None = None,
    *,
    req: Request | None = None,
    **extra: Any,
) -> str:
    """Queue ``message`` under ``category``; returns its id (for :func:`remove_flashed_message`).

    Args:
        message: the text to show.
        category: a free label (``"success"``, ``"error"``...), for filtering and styling.
        valid: seconds the message stays when nobody reads it; None keeps it until read.
        req: the request (default: the current one).
        **extra: JSON-able fields kept with the message (filter with ``where={...}``).

    Raises:
        ValueError: ``valid`` is zero or negative.
    """
    if valid is not None and not valid > 0:
        raise ValueError(f"valid must be a positive number of seconds, got {valid!r}")
    session = (req or current_request()).session
    message_id = secrets.token_hex(8)
    queued = list(session.get(FLASH_SESSION_KEY, ()))
    queued.append(_stored_form(FlashMessage(message_id, category, message, time.time(), valid, extra)))
    session[FLASH_SESSION_KEY] = queued
    return message_id


def get_flashed_messages(
    with_categories: bool = False,
    category_filter: Iterable[str] = (),
    *,
    where: Mapping[str, Any] | None = None,
    with_details: bool = False,
    req: Request | None = None,
) -> list[Any]:
    """The queued messages that match, removed from the session; repeated calls in one request agree.

    A read removes the messages it returns and, as in Flask, the plain ones it filtered out;
    messages flashed with ``valid`` stay until returned or expired.

    Args:
        with_categories: return ``(category, message)`` pairs instead of messages.
        category_filter: only these categories.
        where: only messages whose extra fields equal these values.
        with_details: return :class:`FlashMessage` tuples (id, category, message, created, valid, extra).
    """
    request = req or current_request()
    state = request.state.__dict__
    read: _ReadState | None = state.get(_STATE_KEY)
    if read is None:
        session = request.session
        read = state[_STATE_KEY] = _ReadState(_well_formed(session.get(FLASH_SESSION_KEY, [])))
    wanted = set(category_filter)
    conditions = dict(where or {})
    selected = [
        item
        for item in read.loaded
        if (not wanted or item.category in wanted)
        and all(key in item.extra and item.extra[key] == value for key, value in conditions.items())
    ]
    read.consumed.update(item.id for item in selected)
    read.consumed.update(item.id for item in read.loaded if not item.kept)
    _write_back(request, read.consumed)
    if with_details:
        return selected
    if with_categories:
        return [(item.category, item.message) for item in selected]
    return [item.message for item in selected]


def remove_flashed_message(message_id: str, *, req: Request | None = None) -> bool:
    """Remove the message ``message_id`` (returned by :func:`flash`); False when it is not queued."""
    request = req or current_request()
    session = request.session
    queued = _well_formed(session.get(FLASH_SESSION_KEY, []))
    found = any(item.id == message_id for item in queued)
    read: _ReadState | None = request.state.__dict__.get(_STATE_KEY)
    if read is not None:
        found = found or any(item.id == message_id for item in read.loaded if item.id not in read.consumed)
        read.loaded = [item for item in read.loaded if item.id != message_id]
    if found:
        _write_back(request, {message_id})
    return found


def _write_back(request: Request, consumed: set[str]) -> None:
    """Store the session's queue less ``consumed`` (and the expired); drop the key when empty."""
    session = request.session
    if FLASH_SESSION_KEY not in session:
        return
    stored = session[FLASH_SESSION_KEY]
    remaining = [_stored_form(item) for item in _well_formed(stored) if item.id not in consumed]
    if remaining and isinstance(stored, list) and len(remaining) == len(stored):
        return  # nothing read, removed or expired: leave the session unmodified
    if remaining:
        session[FLASH_SESSION_KEY] = remaining
    else:
        session.pop(FLASH_SESSION_KEY)


def _stored_form(item: FlashMessage) -> list[Any]:
    return [item.category, item.message, item.id, item.created, item.valid, item.extra]


def _well_formed(raw: object) -> list[FlashMessage]:
    """The live messages of a stored queue; anything malformed in it is dropped.

    A session can hold whatever a client with the signing key (or a bug) put there: reading
    it must never fail the page. Old two-item ``[category, message]`` entries are read too.
    """
    if not isinstance(raw, list):
        return []
    now = time.time()
    messages: list[FlashMessage] = []
    for position, item in enumerate(raw):
        message = _parse(item, position)
        if message is not None and (message.valid is None or message.created + message.valid > now):
            messages.append(message)
    return messages


def _parse(item: object, position: int) -> FlashMessage | None:
    if not isinstance(item, list | tuple):
        return None
    if len(item) == 2:  # the queue format before ids: a stable id from its place in the queue
        return FlashMessage(f"legacy-{position}", str(item[0]), str(item[1]), 0.0, None, {})
    if len(item) != 6:
        return None
    category, message, message_id, created, valid, extra = item
    if not isinstance(created, int | float) or not isinstance(extra, dict):
        return None
    if valid is not None and not (isinstance(valid, int | float) and valid > 0):
        return None
    return FlashMessage(str(message_id), str(category), str(message), float(created), valid, extra)
