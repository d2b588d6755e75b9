"""The application's one error type.

Services raise `BerdayaError` (or a subclass) with a message a user can read,
written for gettext so it is shown in Indonesian by default. Views turn it into
a form error, a message or a 4xx response; the CLI prints it and exits 2.
"""

from __future__ import annotations


class BerdayaError(Exception):
    """A problem the user can understand and act on; never a 500."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


class NotFound(BerdayaError):
    status_code = 404


class PermissionDenied(BerdayaError):
    status_code = 403


class ValidationFailed(BerdayaError):
    status_code = 422
