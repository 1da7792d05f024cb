"""``surge.email.email_client``: PyJolt's module path for :class:`EmailClient` and its config model."""

from surge.email.client import EmailClient
from surge.email.config import EmailClientConfig

EmailConfig = EmailClientConfig
"""PyJolt's name of the ``EMAIL_CLIENT`` section's model (:class:`EmailClientConfig`)."""

__all__ = ["EmailClient", "EmailConfig"]
