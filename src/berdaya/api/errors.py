"""The API's one error contract: every failure is `ErrorOut`, declared on every operation.

`{"code": "not_found", "message": "…", "fields": [{"field": "members.0.nik", "message": "…"}]}`

`message` (and each field's message) is in the request's language, Indonesian unless the
client asks for English (`Accept-Language: en`, or the language cookie). `code` is stable,
for programs. `BerdayaError` and its subclasses map onto it, so a service's refusal reads
the same on a page and in the API.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import IntegrityError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from berdaya.core.errors import BerdayaError

logger = logging.getLogger(__name__)


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    code: str
    message: str
    fields: list[FieldError] = []


CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "validation_failed",
    429: "rate_limited",
}
ERROR_STATUSES = (400, 401, 403, 404, 409, 422, 429)


def responses(ok_status: int, schema) -> dict:
    """The responses of an operation: its success, and every error of the contract."""
    return {ok_status: schema, **{status: ErrorOut for status in ERROR_STATUSES}}


class Conflict(BerdayaError):
    status_code = 409


class BadRequest(BerdayaError):
    status_code = 400


def _body(status: int, message: str, fields=()) -> dict:
    return {
        "code": CODES.get(status, "error"),
        "message": str(message),
        "fields": [{"field": f, "message": str(m)} for f, m in fields],
    }


def _berdaya_error(request, exc: BerdayaError, api):
    problems = getattr(exc, "problems", None)
    if problems:  # InvalidRecords: every broken rule, by field
        fields = [(_problem_field(p), p.reason) for p in problems]
    elif exc.field:
        fields = [(exc.field, exc.message)]
    else:
        fields = []
    return api.create_response(
        request, _body(exc.status_code, exc.message, fields), status=exc.status_code
    )


def _problem_field(problem) -> str:
    if problem.sheet == "members":
        return f"members.{problem.row}.{problem.column}"
    return problem.column


# Pydantic's error types, said in the request's language.
def _pydantic_message(error: dict) -> str:
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    messages = {
        "missing": _("This field is required."),
        "json_invalid": _("The request body is not valid JSON."),
        "string_too_long": _("Too long: at most %(max)s characters.")
        % {"max": context.get("max_length", "?")},
        "string_too_short": _("Too short: at least %(min)s characters.")
        % {"min": context.get("min_length", "?")},
        "int_parsing": _("Enter a whole number."),
        "int_type": _("Enter a whole number."),
        "bool_parsing": _("Enter true or false."),
        "bool_type": _("Enter true or false."),
        "date_from_datetime_parsing": _("Enter a date as YYYY-MM-DD."),
        "date_parsing": _("Enter a date as YYYY-MM-DD."),
        "date_type": _("Enter a date as YYYY-MM-DD."),
        "literal_error": _("Choose one of the listed answers."),
        "enum": _("Choose one of the listed answers."),
        "greater_than_equal": _("Must be at least %(ge)s.") % {"ge": context.get("ge", "?")},
        "less_than_equal": _("Must be at most %(le)s.") % {"le": context.get("le", "?")},
        "string_type": _("Enter text."),
        "list_type": _("Enter a list."),
        "float_parsing": _("Enter a number."),
        "float_type": _("Enter a number."),
        "model_attributes_type": _("Enter an object."),
        "dict_type": _("Enter an object."),
        "extra_forbidden": _("This field is not allowed here."),
        "string_pattern_mismatch": _("This value does not have the expected form."),
    }
    return str(messages.get(kind, _("This value is not valid.")))


def _field_path(location) -> str:
    parts = [str(p) for p in location]
    # Ninja prefixes the source ("body", "query", "path") and the parameter's name.
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form"}:
        parts = parts[1:]
        if len(parts) > 1 and parts[0] in {"payload", "data", "filters"}:
            parts = parts[1:]
    return ".".join(parts) or "body"


def _validation_error(request, exc: ValidationError, api):
    fields = [(_field_path(e.get("loc", ())), _pydantic_message(e)) for e in exc.errors]
    return api.create_response(
        request, _body(422, _("Check the fields listed."), fields), status=422
    )


def _not_found(request, exc, api):
    return api.create_response(
        request,
        _body(404, _("Not found, or it belongs to a village you do not work in.")),
        status=404,
    )


def _forbidden(request, exc, api):
    return api.create_response(
        request, _body(403, _("You do not have access to this.")), status=403
    )


def _unauthenticated(request, exc, api):
    response = api.create_response(
        request,
        _body(401, _("Sign in, or send a personal access token: Authorization: Bearer <token>.")),
        status=401,
    )
    response["WWW-Authenticate"] = 'Bearer realm="berdaya"'
    return response


def _throttled(request, exc: Throttled, api):
    response = api.create_response(
        request,
        _body(
            429,
            _("Too many requests. Wait %(seconds)s seconds and try again.")
            % {"seconds": int(exc.wait or 1)},
        ),
        status=429,
    )
    response["Retry-After"] = str(max(1, int(exc.wait or 1)))
    return response


def _http_error(request, exc: HttpError, api):
    messages = {
        400: _("The request could not be understood."),
        401: _("Sign in, or send a personal access token: Authorization: Bearer <token>."),
        403: _("You do not have access to this."),
        404: _("Not found, or it belongs to a village you do not work in."),
        405: _("This method is not allowed here."),
        409: _("This conflicts with data already stored."),
    }
    status = exc.status_code
    return api.create_response(
        request, _body(status, messages.get(status, exc.message)), status=status
    )


def _integrity_error(request, exc: IntegrityError, api):
    # A database constraint caught what the service's checks did not (a race, usually).
    logger.warning("API write refused by a database constraint: %s", type(exc).__name__)
    return api.create_response(
        request,
        _body(409, _("This conflicts with data already stored. Reload and try again.")),
        status=409,
    )


def install(api) -> None:
    api.add_exception_handler(BerdayaError, lambda r, e: _berdaya_error(r, e, api))
    api.add_exception_handler(ValidationError, lambda r, e: _validation_error(r, e, api))
    api.add_exception_handler(Http404, lambda r, e: _not_found(r, e, api))
    api.add_exception_handler(DjangoPermissionDenied, lambda r, e: _forbidden(r, e, api))
    api.add_exception_handler(AuthenticationError, lambda r, e: _unauthenticated(r, e, api))
    api.add_exception_handler(Throttled, lambda r, e: _throttled(r, e, api))
    api.add_exception_handler(HttpError, lambda r, e: _http_error(r, e, api))
    api.add_exception_handler(IntegrityError, lambda r, e: _integrity_error(r, e, api))
