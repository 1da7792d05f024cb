"""One JSON error shape for everything the app raises."""

from typing import Any

from pydantic import BaseModel, ValidationError
from pyjolt import HttpStatus, Request, Response
from pyjolt.exceptions import (
    AborterException,
    AuthenticationException,
    ExceptionHandler,
    UnauthorizedException,
    handles,
)


class OutOfStock(Exception):
    """Raised when an order asks for more than the stock."""

    def __init__(self, item_id: int, available: int) -> None:
        super().__init__(f"item {item_id} has only {available} in stock")
        self.item_id = item_id
        self.available = available


class ErrorResponse(BaseModel):
    status: str = "error"
    message: str
    data: Any = None


class Handler(ExceptionHandler):
    """Maps exceptions to JSON error responses."""

    @handles(AborterException)
    async def aborted(self, req: Request, exc: AborterException) -> Response[ErrorResponse]:
        return req.response.json({"status": exc.status, "message": exc.message,
                                  "data": exc.data}).status(exc.status_code)

    @handles(AuthenticationException, UnauthorizedException)
    async def auth_failed(self, req: Request, exc: AuthenticationException) -> Response[ErrorResponse]:
        return req.response.json({"message": exc.message, "data": exc.data}).status(exc.status_code)

    @handles(ValidationError)
    async def invalid(self, req: Request, exc: ValidationError) -> Response[ErrorResponse]:
        fields = sorted({str(err["loc"][0]) for err in exc.errors()})
        return req.response.json({"message": "Validation failed",
                                  "data": fields}).status(HttpStatus.UNPROCESSABLE_ENTITY)

    @handles(OutOfStock)
    async def out_of_stock(self, req: Request, exc: OutOfStock) -> Response[ErrorResponse]:
        return req.response.json({"message": str(exc),
                                  "data": {"available": exc.available}}).status(HttpStatus.CONFLICT)
