"""The demo's e-mail client (section EMAIL_CLIENT in configs.py: a local debug SMTP server)."""

from surge.email import EmailClient

email_client = EmailClient()
