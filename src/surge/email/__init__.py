"""E-mail over SMTP: ``email_client = EmailClient()``, then ``await email_client.send_email(...)``."""

from surge.email.client import EmailClient
from surge.email.email_client import EmailConfig
from surge.email.exceptions import EmailHeaderError, EmailSendError
from surge.email.message import html_to_text

__all__ = ["EmailClient", "EmailConfig", "EmailHeaderError", "EmailSendError", "html_to_text"]
