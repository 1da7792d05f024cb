"""Demo exception handler: a domain exception turned into a 404 JSON body."""

from typing import Any

from pydantic import BaseModel

from surge import HttpStatus, Request, Response
from surge.exceptions import CustomException, ExceptionHandler, handles


class NoteNotFound(CustomException):
    """Raised when a note id does not exist."""

    def __init__(self, note_id: int) -> None:
        super().__init__(f"Note {note_id} not found")
        self.note_id = note_id


class ErrorResponse(BaseModel):
    message: str
    details: Any | None = None


class DemoExceptionHandler(ExceptionHandler):
    @handles(NoteNotFound)
    async def note_not_found(self, req: Request, exc: NoteNotFound) -> "Response[ErrorResponse]":
        """Answer 404 with the missing id."""
        return req.response.json({"message": str(exc), "details": {"id": exc.note_id}}).status(HttpStatus.NOT_FOUND)
