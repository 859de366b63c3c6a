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
        # Every problem found in one round, (field, detail): a form shows each
        # next to its field; the first is `field` and `detail`.
        self.errors: list[tuple[str | None, str]] = [(field, detail)]
        # The fields whose problem is that they name something that does not exist (a question
        # the category does not ask): the API answers those as not found, like an unknown category.
        self.references: set[str] = set()


class Invalid(ActionError):
    status = 400
    code = "invalid"

    @classmethod
    def all_of(cls, problems: list[Invalid]) -> Invalid:
        """One refusal carrying every problem found (the first leads)."""
        first = problems[0]
        combined = cls(first.detail, code=first.code, field=first.field)
        combined.errors = [pair for p in problems for pair in p.errors]
        combined.references = set().union(*(p.references for p in problems))
        return combined


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


class TooMany(ActionError):
    """Too many tries or codes: wait `retry_after` seconds (the API's Retry-After)."""

    status = 429
    code = "too_many_attempts"

    def __init__(self, detail: str, retry_after: int, code: str | None = None, field: str | None = None):
        super().__init__(detail, code=code, field=field)
        self.retry_after = retry_after
