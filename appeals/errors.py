"""Refusals of an action: each carries a code for API clients and a Chinese
sentence a person can act on. Pages show `detail`; the API answers
{"code", "detail"} with `status`."""

from __future__ import annotations


class ActionError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, detail: str, code: str | None = None, field: str | None = None):
        super().__init__(detail)
        self.detail = detail
        if code:
            self.code = code
        self.field = field


class Invalid(ActionError):
    status = 400
    code = "invalid"


class Forbidden(ActionError):
    status = 403
    code = "forbidden"


class NotFound(ActionError):
    status = 404
    code = "not_found"


class WrongState(ActionError):
    status = 409
    code = "wrong_state"


class Conflict(ActionError):
    """Someone else changed the request first."""

    status = 409
    code = "conflict"
