"""A small JSON API over an in-memory note store."""

import itertools

from pydantic import BaseModel, Field

from surge import HttpStatus, MediaType, Request, Response
from surge.controller import (
    Controller,
    Descriptor,
    consumes,
    delete,
    get,
    open_api_docs,
    path,
    post,
    produces,
)

from app.exceptions import ErrorResponse, NoteNotFound


class NoteIn(BaseModel):
    title: str = Field(min_length=1, max_length=100)
    body: str = ""


class Note(NoteIn):
    id: int


@path("/api/notes", tags=["Notes"])
class NotesApi(Controller):
    """Notes live in memory: one process, gone at restart (the database demo keeps its rows)."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        super().__init__(app)
        self.notes: dict[int, Note] = {}
        self.ids = itertools.count(1)

    @get("/")
    @produces(MediaType.APPLICATION_JSON)
    async def list_notes(self, req: Request, q: str | None = None, limit: int = 50) -> Response[list[Note]]:
        """List notes, optionally filtered by a search term."""
        notes = [n for n in self.notes.values() if q is None or q.lower() in n.title.lower()]
        return req.response.json(notes[:limit])

    @get("/<int:note_id>")
    @produces(MediaType.APPLICATION_JSON)
    @open_api_docs(Descriptor(status=HttpStatus.NOT_FOUND, description="Note not found", body=ErrorResponse))
    async def get_note(self, req: Request, note_id: int) -> Response[Note]:
        """Return one note."""
        note = self.notes.get(note_id)
        if note is None:
            raise NoteNotFound(note_id)
        return req.response.json(note)

    @post("/", status_code=HttpStatus.CREATED)
    @consumes(MediaType.APPLICATION_JSON)
    @produces(MediaType.APPLICATION_JSON)
    async def create_note(self, req: Request, data: NoteIn) -> Response[Note]:
        """Create a note."""
        note = Note(id=next(self.ids), **data.model_dump())
        self.notes[note.id] = note
        return req.response.json(note).status(HttpStatus.CREATED)

    @delete("/<int:note_id>", status_code=HttpStatus.NO_CONTENT)
    @open_api_docs(Descriptor(status=HttpStatus.NOT_FOUND, description="Note not found", body=ErrorResponse))
    async def delete_note(self, req: Request, note_id: int) -> Response:
        """Delete a note."""
        if self.notes.pop(note_id, None) is None:
            raise NoteNotFound(note_id)
        return req.response.no_content()
