"""Errors of the e-mail client."""

from __future__ import annotations

from typing import Any

from surge.exceptions.base import SurgeError
from surge.exceptions.http import UnprocessableEntity

__all__ = ["EmailHeaderError", "EmailSendError"]


class EmailHeaderError(UnprocessableEntity):
    """A header value (subject, address, display name, file name) holds a line break or control character.

    Such a value could add headers or recipients of the caller's choosing to the mail
    (header injection), so the client refuses it before anything is sent. ``field`` names the
    argument (``"subject"``, ``"to_address"``, ...). Raised inside a request, the default error
    handling answers 422 naming the field, in the shape of validation errors.
    """

    def __init__(self, field: str, value: str) -> None:
        self.field = field
        self.value = value
        super().__init__(
            f"E-mail field {field!r} contains a line break or control character; refused to prevent header injection"
        )

    def to_dict(self) -> dict[str, Any]:
        """``{"status", "message", "errors": [{"loc": [field], "msg", "type"}]}``."""
        error = {"loc": [self.field], "msg": "line breaks and control characters are not allowed", "type": "email_header"}
        return {**super().to_dict(), "errors": [error]}


class EmailSendError(SurgeError):
    """The SMTP server could not be reached, refused the login, or refused recipients.

    ``refused`` maps each refused recipient to the server's reply (empty when the whole
    conversation failed).
    """

    def __init__(self, message: str, refused: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.refused = refused or {}
