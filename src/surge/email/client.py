"""``EmailClient``: send plain, HTML and templated mail over SMTP with aiosmtplib."""

from __future__ import annotations

from collections.abc import Mapping
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

import jinja2

from surge.email.config import EmailClientConfig, SmtpSettings, smtp_settings
from surge.email.exceptions import EmailSendError
from surge.email.message import Recipients, build_message, check_header, html_to_text, recipients_list
from surge.extension import BaseExtension, require

if TYPE_CHECKING:
    from surge.app import Surge

__all__ = ["EmailClient"]


class EmailClient(BaseExtension[EmailClientConfig]):
    """Sends e-mail through the SMTP server of ``EMAIL_CLIENT``.

    Each send opens one SMTP conversation (connect, TLS, login, send, quit), so the client
    holds no connection between mails and has nothing to clean up.
    """

    config_model = EmailClientConfig
    config_required = True

    _settings: SmtpSettings  # resolved by configure

    def __init__(self, configs_name: str = "EMAIL_CLIENT") -> None:
        super().__init__(configs_name)
        self._text_environment: jinja2.Environment | None = None

    def validate_config(self, app: Surge) -> EmailClientConfig:
        """Check that aiosmtplib is installed, then validate ``EMAIL_CLIENT``.

        Raises:
            MissingDependency: aiosmtplib is not installed.
            ImproperlyConfigured: the section is missing, or a key is missing or invalid; the message names it.
        """
        require("aiosmtplib", "email")
        return super().validate_config(app)

    def configure(self, app: Surge, config: EmailClientConfig) -> None:
        """Resolve the sender and the TLS mode.

        Raises:
            ImproperlyConfigured: no sender address, or only one of USERNAME and PASSWORD.
        """
        self._settings = smtp_settings(config, self.configs_name)
        self._text_environment = None

    @property
    def settings(self) -> SmtpSettings:
        """The resolved connection settings."""
        self.app  # noqa: B018 - the "bound to an app" check: raises before init_app
        return self._settings

    async def send_email(
        self,
        to_address: Recipients,
        subject: str,
        body: str,
        attachments: Mapping[str, bytes] | None = None,
        *,
        html: str | None = None,
        cc: Recipients = None,
        bcc: Recipients = None,
        reply_to: str | None = None,
    ) -> None:
        """Send ``body`` as plain text (with ``html`` as an HTML alternative when given).

        Args:
            to_address: one address, a comma-separated string, or a list.
            attachments: file name -> content; the MIME type is guessed from the name.
            cc: carbon-copy recipients (visible to everyone).
            bcc: blind-copy recipients (in the SMTP envelope only, never in a header).

        Raises:
            EmailSendError: the server was unreachable, refused the login, or refused a
                recipient.
            EmailHeaderError: a subject, address, name or file name holds a line break or
                control character (answered 422 naming the field inside a request).
            ValueError: there is no recipient.
        """
        to, copies, blind = recipients_list(to_address), recipients_list(cc), recipients_list(bcc)
        check_header("bcc", *blind)
        message = build_message(self.settings.sender_header, to, subject, body, html, attachments, copies, reply_to)
        await self.send_message(message, [*to, *copies, *blind])

    async def send_email_with_template(
        self,
        to_address: Recipients,
        subject: str,
        template_path: str,
        attachments: Mapping[str, bytes] | None = None,
        context: dict[str, Any] | None = None,
        *,
        text_template_path: str | None = None,
        cc: Recipients = None,
        bcc: Recipients = None,
        reply_to: str | None = None,
    ) -> None:
        """Render ``template_path`` (from the app's templates folder) as the HTML part.

        The plain-text part comes from ``text_template_path``, else from a ``.txt`` template
        next to the HTML one (``welcome.html`` -> ``welcome.txt``), else from the HTML with
        its tags stripped.

        Raises:
            EmailSendError: see :meth:`send_email`.
            jinja2.TemplateNotFound: the template does not exist.
        """
        templates = self.app.templates
        context = context or {}
        html = await templates.render(template_path, context)
        text_path = text_template_path or _sibling_text_template(templates.environment, template_path)
        text = await self._render_text(text_path, context) if text_path else html_to_text(html)
        await self.send_email(
            to_address, subject, text, attachments, html=html, cc=cc, bcc=bcc, reply_to=reply_to
        )

    async def _render_text(self, template_path: str, context: dict[str, Any]) -> str:
        """Render a plain-text template without HTML autoescaping (``<`` stays ``<``)."""
        if self._text_environment is None:
            self._text_environment = self.app.templates.environment.overlay(autoescape=False)
        template = self._text_environment.get_template(template_path.lstrip("/"))
        return str(await template.render_async({"request": None, **context}))

    async def send_message(self, message: EmailMessage, recipients: list[str]) -> None:
        """Send a ready-made message to ``recipients`` (the SMTP envelope).

        Raises:
            EmailSendError: the conversation failed or a recipient was refused.
        """
        aiosmtplib = require("aiosmtplib", "email")
        settings = self.settings
        if not recipients:
            raise ValueError("An e-mail needs at least one recipient")
        check_header("recipients", *recipients)  # the envelope: a CR/LF here would inject SMTP commands
        where = f"{settings.host}:{settings.port}"
        try:
            refused, _ = await aiosmtplib.send(
                message,
                sender=settings.envelope_sender,
                recipients=recipients,
                hostname=settings.host,
                port=settings.port,
                username=settings.username,
                password=settings.password,
                use_tls=settings.implicit_tls,
                start_tls=settings.start_tls,
                validate_certs=settings.validate_certs,
                cert_bundle=settings.cert_bundle,
                timeout=settings.timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            details = {str(err.recipient): f"{err.code} {err.message}" for err in exc.recipients}
            raise EmailSendError(f"SMTP server {where} refused every recipient: {details}", details) from exc
        except aiosmtplib.SMTPResponseException as exc:
            raise EmailSendError(f"SMTP server {where} answered {exc.code} {exc.message}") from exc
        except (TimeoutError, aiosmtplib.SMTPException, OSError) as exc:
            raise EmailSendError(f"Sending e-mail through {where} failed: {exc}") from exc
        if refused:
            details = {str(addr): f"{reply.code} {reply.message}" for addr, reply in refused.items()}
            raise EmailSendError(
                f"SMTP server {where} refused some recipients (the others were sent the mail): {details}", details
            )


def _sibling_text_template(environment: jinja2.Environment, template_path: str) -> str | None:
    stem, dot, _ = template_path.rpartition(".")
    if not dot:
        return None
    candidate = f"{stem}.txt"
    try:
        environment.get_template(candidate.lstrip("/"))
    except jinja2.TemplateNotFound:
        return None
    return candidate
