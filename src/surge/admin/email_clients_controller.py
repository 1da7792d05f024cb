"""The e-mail pages: pick a client, compose a message (rich text, attachments) and send it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pydantic import BaseModel

from surge.admin._errors import AdminNotFound, AdminServiceUnavailable
from surge.admin.common_controller import CommonAdminController
from surge.controller import get, post
from surge.email.exceptions import EmailHeaderError, EmailSendError
from surge.email.message import html_to_text
from surge.http.request import Request
from surge.http.response import Response
from surge.http.uploads import UploadedFile

if TYPE_CHECKING:
    from surge.email.client import EmailClient
    from surge.http.datastructures import MultiDict

__all__ = ["AdminEmailClientsController", "EmailQueryParam", "SendEmailModel"]

_ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+$")


class EmailQueryParam(BaseModel):
    """``?client=`` (kebab-case section name) and ``?query=`` of the recipient search."""

    client: str
    query: str | None = None


class SendEmailModel(BaseModel):
    """A message from the compose form."""

    to_address: list[str]
    subject: str
    attachments: dict[str, str] | None = None
    body: str


def _read_message(form: MultiDict) -> tuple[SendEmailModel, dict[str, str]]:
    """The message in ``form`` and the error message of each invalid field."""
    raw = ",".join(str(value) for value in form.getlist("to_address"))
    addresses = [part.strip() for part in re.split(r"[,;\n]", raw) if part.strip()]
    message = SendEmailModel(to_address=addresses, subject=str(form.get("subject", "")).strip(), body=str(form.get("body", "")))
    errors: dict[str, str] = {}
    if not addresses:
        errors["to_address"] = "Add at least one recipient."
    elif bad := [address for address in addresses if not _ADDRESS.match(address)]:
        errors["to_address"] = f"Not an e-mail address: {', '.join(bad)}"
    if not message.subject:
        errors["subject"] = "Enter a subject."
    if not html_to_text(message.body).strip():
        errors["body"] = "Write a message."
    return message, errors


class AdminEmailClientsController(CommonAdminController):
    """Sends e-mail through the app's EmailClient extensions."""

    async def get_email_client(self, req: Request, client_name: str) -> EmailClient:
        """The client ``client_name`` after the entry and ``has_email_permission`` checks.

        Raises:
            AdminNotFound: no such client. AdminPermissionError: the hook said no.
        """
        await self.can_enter(req)
        client = (self.dashboard.get_email_clients() or {}).get(client_name)
        if client is None:
            raise AdminNotFound(f"No e-mail client named {client_name!r}.")
        self.require(req, await self.dashboard.has_email_permission(req, client), f"send e-mail with {client_name}")
        return client

    @get("/email-clients")
    async def email_clients(self, req: Request) -> Response:
        """The app's e-mail clients."""
        await self.can_enter(req)
        clients = self.dashboard.get_email_clients() or {}
        allowed = {name: await self.dashboard.has_email_permission(req, client) for name, client in clients.items()}
        return await self.page(req, "email_clients.html", {"allowed": allowed})

    async def _compose(self, req: Request, client_name: str, client: EmailClient, status: int = 200,
                       errors: dict[str, str] | None = None, values: dict[str, str] | None = None, notice: str | None = None) -> Response:
        suggestions = await self.dashboard.email_recipient_query(req, "", client)
        return await self.page(req, "send_email.html", {
            "client_name": client_name, "client": client, "suggestions": suggestions, "errors": errors or {},
            "values": values or {}, "notice": notice,
        }, status)

    @get("/send-email")
    async def send_email(self, req: Request) -> Response:
        """The compose form of ``?client=``; recipients are suggested by ``email_recipient_query``."""
        client_name = str(req.query_params.get("client", ""))
        client = await self.get_email_client(req, client_name)
        notice = "E-mail sent." if req.query_params.get("notice") == "sent" else None
        return await self._compose(req, client_name, client, notice=notice)

    @get("/email-query")
    async def email_query(self, req: Request) -> Response:
        """Recipient suggestions for ``?query=`` as JSON ``{"data": [[name, address], ...]}``."""
        client_name = str(req.query_params.get("client", ""))
        client = await self.get_email_client(req, client_name)
        results = await self.dashboard.email_recipient_query(req, str(req.query_params.get("query", "")), client)
        return req.response.json({"message": "Email query results", "status": "success", "data": results})

    @post("/email-submit")
    async def email_submit(self, req: Request) -> Response:
        """Send the composed message; 422 with the errors beside the fields, 503 when SMTP fails."""
        client_name = str(req.query_params.get("client", ""))
        client = await self.get_email_client(req, client_name)
        form = await self.checked_form(req)
        message, errors = _read_message(form)
        values = {"to_address": ", ".join(message.to_address), "subject": message.subject, "body": message.body}
        if errors:
            return await self._compose(req, client_name, client, 422, errors, values)
        files = [value for key, value in form.multi_items() if key == "attachments" and isinstance(value, UploadedFile)]
        attachments = {file.filename or "attachment": await file.read() for file in files if file.filename}
        try:
            await client.send_email(message.to_address, message.subject, html_to_text(message.body),
                                    attachments or None, html=message.body)
        except EmailHeaderError as exc:
            return await self._compose(req, client_name, client, 422, {exc.field if exc.field in values else "subject": exc.message}, values)
        except EmailSendError as exc:
            self.dashboard.log_action(req, "email-failed", client=client_name, to=message.to_address, error=str(exc))
            raise AdminServiceUnavailable(f"The mail server did not accept the message: {exc}") from None
        self.dashboard.log_action(req, "email-sent", client=client_name, to=message.to_address, subject=message.subject)
        return req.response.redirect(self.dashboard.renderer.url(f"/send-email?client={client_name}&notice=sent"))
