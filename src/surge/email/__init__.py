"""E-mail over SMTP: ``email_client = EmailClient()``, then ``await email_client.send_email(...)``."""

from surge.email.client import EmailClient
from surge.email.exceptions import EmailSendError
from surge.email.message import html_to_text

__all__ = ["EmailClient", "EmailSendError", "html_to_text"]
