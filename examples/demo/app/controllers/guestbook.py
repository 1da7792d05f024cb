"""A database-backed page: the guestbook, stored in SQLite through the SqlDatabase extension."""

from typing import Annotated

from pydantic import BaseModel, Field

from surge import HttpStatus, MediaType, Request, Response
from surge.controller import Controller, consumes, get, path, post, produces
from surge.database import AsyncSession

from app.database import GuestbookEntry, db


class Signature(BaseModel):
    name: str = Field(min_length=1, max_length=60)
    message: str = Field(min_length=1, max_length=500)


@path("/guestbook", tags=["Guestbook"])
class GuestbookController(Controller):
    @get("/")
    @produces(MediaType.TEXT_HTML)
    @db.readonly_session
    async def index(self, req: Request, session: AsyncSession, page: Annotated[int, Field(ge=1)] = 1) -> Response:
        """The guestbook, newest signatures first, five per page."""
        query = GuestbookEntry.query(session).order_by(GuestbookEntry.id.desc())
        entries = await query.paginate(page=page, per_page=5)
        return await req.response.html("guestbook.html", {"entries": entries})

    @post("/", status_code=HttpStatus.SEE_OTHER)
    @consumes(MediaType.APPLICATION_X_WWW_FORM_URLENCODED)
    @db.managed_session
    async def sign(self, req: Request, signature: Signature, session: AsyncSession) -> Response:
        """Add a signature (committed when the handler returns), then show the guestbook."""
        session.add(GuestbookEntry(name=signature.name, message=signature.message))
        return req.response.redirect(self.app.url_for("GuestbookController.index"))
