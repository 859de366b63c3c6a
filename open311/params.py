"""What every Open311 endpoint shares: the format and method checks, the
jurisdiction, the spec's errors for any bad input, the rate limits, and the
reading of parameters (query string for GET, the form for POST)."""

from __future__ import annotations

import re
from datetime import datetime, time

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from hubiying import ratelimit

from .formats import FORMATS, XML, errors


class BadInput(Exception):
    """A refusal in the spec's shape: an HTTP status and one or more descriptions."""

    def __init__(self, description: str | list[str], status: int = 400):
        self.descriptions = [description] if isinstance(description, str) else list(description)
        super().__init__(self.descriptions[0])
        self.status = status


def endpoint(*methods: str):
    """The format (xml by default), the method, the jurisdiction, and any
    BadInput as the spec's errors. Exempt from CSRF: applications call them
    with an api_key, never with a session (and a wrong method is a 405 here)."""

    allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())

    def decorate(view):
        def wrapped(request, fmt: str | None = None, **kwargs) -> HttpResponse:
            fmt = (fmt or XML).lower()
            if fmt not in FORMATS:
                return errors(XML, 404, _("The format %(format)s is not offered: use xml or json.") % {"format": fmt})
            if request.method not in allowed:
                response = errors(fmt, 405, _("This endpoint answers %(methods)s only.") % {
                    "methods": ", ".join(sorted(allowed))})
                response["Allow"] = ", ".join(sorted(allowed))
                return response
            try:
                jurisdiction = param(request, "jurisdiction_id")
                if jurisdiction and jurisdiction != settings.OPEN311_JURISDICTION:
                    raise BadInput(_("No jurisdiction has the id %(id)s here.") % {"id": jurisdiction}, 404)
                return view(request, fmt, **kwargs)
            except BadInput as bad:
                return errors(fmt, bad.status, *bad.descriptions)

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return csrf_exempt(wrapped)

    return decorate


def param(request, name: str) -> str | None:
    """A parameter of the form (POST) or of the query string; clients put
    api_key and jurisdiction_id in either."""
    if request.method == "POST" and name in request.POST:
        return request.POST.get(name)
    return request.GET.get(name)


def limit(request, scope: str, client=None, uses: int | None = None) -> None:
    """The rate limit of `scope` (`uses` a period instead of the scope's, where given), per
    client application where it gave its key, else per address."""
    ident = f"client:{client.pk}" if client is not None else ratelimit.client_of(request)
    verdict = ratelimit.hit(scope, ident, uses)
    if not verdict.allowed:
        raise BadInput(_("Too many requests from here. Try again in %(s)d seconds.") % {"s": verdict.retry_after},
                       429)


def listed(request, name: str) -> list[str] | None:
    """A comma list (or the parameter repeated), None when not given."""
    values = request.GET.getlist(name)
    if not values:
        return None
    items = [item.strip() for value in values for item in value.split(",") if item.strip()]
    if not items:
        raise BadInput(_("%(name)s is empty.") % {"name": name})
    return items


def flag(request, name: str) -> bool:
    value = request.GET.get(name, "false").strip().lower()
    if value not in ("true", "false"):
        raise BadInput(_("%(name)s is true or false.") % {"name": name})
    return value == "true"


def number(request, name: str, default: int, low: int, high: int) -> int:
    value = request.GET.get(name)
    if value is None:
        return default
    if not value.strip().isdigit() or not low <= int(value) <= high:
        raise BadInput(_("%(name)s is a whole number from %(low)s to %(high)s.") % {
            "name": name, "low": low, "high": high})
    return int(value)


# A "+" of the offset that arrived unencoded in the query string reads as a space.
_UNENCODED_PLUS = re.compile(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}(?::?\d{2})?)$")


def moment(request, name: str, *, end: bool) -> datetime | None:
    """An ISO 8601 time (without an offset: the deployment's time zone), or a
    date (its first moment for a start, its last for an end)."""
    value = request.GET.get(name)
    if value is None:
        return None
    value = _UNENCODED_PLUS.sub(r"\1+\2", value.strip())
    try:
        parsed = parse_datetime(value)
        if parsed is None:
            day = parse_date(value)
            if day is not None:
                parsed = datetime.combine(day, time.max if end else time.min)
    except ValueError:
        parsed = None
    if parsed is None:
        raise BadInput(_("%(name)s is not an ISO 8601 time (e.g. 2026-12-01T08:00:00+08:00).") % {"name": name})
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed
