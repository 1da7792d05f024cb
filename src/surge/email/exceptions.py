"""Errors of the e-mail client."""

from __future__ import annotations

from surge.exceptions.base import SurgeError

__all__ = ["EmailSendError"]


class EmailSendError(SurgeError):
    """The SMTP server could not be reached, refused the login, or refused recipients.

    ``refused`` maps each refused recipient to the server's reply (empty when the whole
    conversation failed).
    """

    def __init__(self, message: str, refused: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.refused = refused or {}
