"""A contact form that e-mails the site owner, and a cached stats endpoint."""

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import func, select

from surge import HttpStatus, MediaType, Request, Response
from surge.controller import Controller, Descriptor, consumes, get, open_api_docs, path, post, produces
from surge.database import AsyncSession
from surge.email import EmailSendError

from app.cache import cache
from app.database import GuestbookEntry, db
from app.mail import email_client


class ContactMessage(BaseModel):
    name: str = Field(min_length=1, max_length=80)
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$", max_length=200)
    message: str = Field(min_length=1, max_length=2000)


@path("/contact", tags=["Contact"])
class ContactController(Controller):
    @get("/")
    @produces(MediaType.TEXT_HTML)
    async def form(self, req: Request) -> Response:
        """The contact form."""
        return await req.response.html("contact.html", {"sent": None, "error": None})

    @post("/")
    @consumes(MediaType.APPLICATION_X_WWW_FORM_URLENCODED)
    @produces(MediaType.TEXT_HTML)
    @open_api_docs(Descriptor(status=HttpStatus.SERVICE_UNAVAILABLE, description="The mail server is unreachable",
                              media_type=MediaType.TEXT_HTML))
    async def send(self, req: Request, contact: ContactMessage) -> Response:
        """E-mail the message to CONTACT_TO (HTML and plain text, from the contact_mail template)."""
        try:
            await email_client.send_email_with_template(
                self.app.get_conf("CONTACT_TO"),
                f"Contact form: {contact.name}",
                "contact_mail.html",
                context={"contact": contact},
                reply_to=contact.email,
            )
        except EmailSendError as exc:
            self.app.logger.warning(f"Contact form mail not sent: {exc}")
            error = "The message could not be sent right now; please try again later."
            page = req.response.html("contact.html", {"sent": None, "error": error})
            return await page.status(HttpStatus.SERVICE_UNAVAILABLE)
        return await req.response.html("contact.html", {"sent": contact.name, "error": None})


@path("/api/stats", tags=["Stats"])
class StatsApi(Controller):
    @get("/")
    @produces(MediaType.APPLICATION_JSON)
    @db.readonly_session
    @cache.cache(duration=10)
    async def stats(self, req: Request, session: AsyncSession) -> dict[str, Any]:
        """Site numbers, computed at most once every 10 seconds (the response is cached)."""
        signatures = await session.scalar(select(func.count()).select_from(GuestbookEntry))
        return {
            "guestbook_signatures": signatures,
            "heartbeats": self.app.state.get("heartbeats", 0),
            "last_heartbeat": self.app.state.get("last_heartbeat"),
            "generated_at": datetime.now(UTC).isoformat(timespec="milliseconds"),
        }
