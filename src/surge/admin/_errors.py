"""The admin's HTTP errors: each is answered with an HTML page of its status."""

from __future__ import annotations

from typing import Any

from surge.exceptions.http import BaseHttpException


class AdminHttpError(BaseHttpException):
    """Base of the errors the dashboard answers with an HTML page (not the JSON error body)."""

    title = "Error"


class AdminEnterError(AdminHttpError):
    """The user may not enter the dashboard: 401 when nobody is logged in, else 403."""

    status_code = 401
    default_message = "You need to log in as an administrator to use this page."
    title = "Log in required"

    def __init__(self, user: Any) -> None:
        if user is None:
            super().__init__()
        else:
            super().__init__("Your account may not enter the administration.", 403)
            self.title = "Access denied"


class AdminPermissionError(AdminHttpError):
    """The user may enter the dashboard but not do this (403)."""

    status_code = 403
    default_message = "You do not have permission for this action."
    title = "Permission denied"

    def __init__(self, user: Any = None, message: str | None = None) -> None:
        super().__init__(message)
        self.user = user


class UnknownModelError(AdminHttpError):
    """No registered model of that name in that database (404)."""

    status_code = 404
    title = "Not found"

    def __init__(self, db_name: str, model_name: str) -> None:
        super().__init__(f"Model {model_name} in database {db_name} does not exist", data={"db_name": db_name, "model_name": model_name})


class AdminNotFound(AdminHttpError):
    """A record, file, job, cache or client the page names does not exist (404)."""

    status_code = 404
    default_message = "Not found."
    title = "Not found"


class AdminBadRequest(AdminHttpError):
    """A malformed parameter, or a path that leaves the file folder (400)."""

    status_code = 400
    default_message = "Bad request."
    title = "Bad request"


class AdminCsrfError(AdminHttpError):
    """A form was sent without the page's CSRF token, or with a wrong one (403)."""

    status_code = 403
    default_message = "The form's security token is missing or expired. Reload the page and try again."
    title = "Form expired"


class AdminServiceUnavailable(AdminHttpError):
    """A backing service (SMTP server, ...) did not answer (503)."""

    status_code = 503
    title = "Service unavailable"

    def __init__(self, message: str) -> None:
        super().__init__(message, headers={"Retry-After": "30"})
