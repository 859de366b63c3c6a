"""Every error of the JSON API has one shape: {"code", "detail"} (plus
"field" when one input field is at fault).

`exception_handler` is DRF's EXCEPTION_HANDLER (see settings.REST_FRAMEWORK).
It turns the services' ActionError, DRF's own errors (authentication,
permissions, throttling, parse errors, validation) and Django's Http404 /
PermissionDenied / SuspiciousOperation into that shape. Anything else is a
bug: it is logged with its traceback and answered as a JSON 500, never an
HTML page.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from .errors import ActionError

logger = logging.getLogger("hubiying.api")


def error_body(code: str, detail, field: str | None = None, errors=None) -> dict:
    body = {"code": code, "detail": str(detail)}
    if field:
        body["field"] = field
    if errors and len(errors) > 1:
        body["errors"] = [{"field": f, "detail": str(d)} for f, d in errors]
    return body


def first_error(detail, path: tuple = ()) -> tuple[str, str]:
    """The first message in DRF's nested validation detail and the dotted
    path of its field ("" for errors not tied to a field)."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            return first_error(value, path + (str(key),))
        return "", ""
    if isinstance(detail, list):
        for index, value in enumerate(detail):
            # A list of messages belongs to the field itself; a list of
            # dicts/lists is per item (ListField, many=True).
            sub = path if not isinstance(value, (dict, list)) else path + (str(index),)
            return first_error(value, sub)
        return "", ""
    parts = [p for p in path if p != "non_field_errors"]
    return ".".join(parts), str(detail)


def _code_of(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def exception_handler(exc, context):
    if isinstance(exc, ActionError):
        set_rollback()
        headers = {"Retry-After": str(exc.retry_after)} if getattr(exc, "retry_after", None) else {}
        return Response(error_body(exc.code, exc.detail, exc.field, exc.errors), status=exc.status, headers=headers)

    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, SuspiciousOperation):
        # Too many fields or files, a malformed multipart body...
        exc = exceptions.ParseError(_("The request body could not be read."))

    if isinstance(exc, (OperationalError, InterfaceError)):
        # The database is restarting or unreachable: nothing was stored, and a
        # client retrying with the same Idempotency-Key loses nothing.
        logger.warning("Database unavailable: %s", exc)
        set_rollback()
        return Response(
            error_body("unavailable", _("The service is briefly unavailable. Please try again in a moment.")),
            status=status.HTTP_503_SERVICE_UNAVAILABLE, headers={"Retry-After": "2"},
        )

    if not isinstance(exc, exceptions.APIException):
        logger.exception("Unhandled error in the API", exc_info=exc)
        set_rollback()
        return Response(
            error_body("server_error", _("Something went wrong on our side. Please try again later.")),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))

    if isinstance(exc, exceptions.ValidationError):
        field, message = first_error(exc.detail)
        body = error_body("invalid", message or _("The input is not valid."), field or None)
    elif isinstance(exc, exceptions.ParseError):
        body = error_body("parse_error", _("The request body could not be read: send valid JSON or form data."))
    else:
        body = error_body(_code_of(exc), exc.detail)
    set_rollback()
    return Response(body, status=exc.status_code, headers=headers)


@csrf_exempt  # like every API view: a POST to a wrong path hears JSON 404, not the CSRF page
def not_found_view(request, *args, **kwargs):
    """Any path under /api/v1/ that names no endpoint (or no action)."""
    return JsonResponse(error_body("not_found", _("There is no such API endpoint.")), status=404)
