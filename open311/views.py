"""The reading endpoints of Open311 GeoReport v2 under /open311/v2/.

Each answers `<name>.xml` (also the default without a suffix) and
`<name>.json`; bad input is a 400, an unknown thing or jurisdiction a 404,
each as the spec's error document. Reading needs no key and writes nothing.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from analysis.models import FigureSettings
from appeals import tracking
from appeals.models import Appeal, Category
from hubiying import ratelimit

from . import documents, keys
from .formats import FORMATS, XML, errors, moment, respond

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = datetime(2026, 12, 1, tzinfo=timezone.get_fixed_timezone(8 * 60))  # when these endpoints last changed
WINDOW = timedelta(days=90)  # the default span of GET requests
MAX_REQUESTS = 1000  # at most this many requests in one answer


class BadInput(Exception):
    def __init__(self, description: str, status: int = 400):
        super().__init__(description)
        self.description = description
        self.status = status


def endpoint(view):
    """The format (xml by default), the jurisdiction, and any BadInput as the spec's errors."""

    def wrapped(request, fmt: str | None = None, **kwargs) -> HttpResponse:
        fmt = (fmt or XML).lower()
        if fmt not in FORMATS:
            return errors(XML, 404, _("The format %(format)s is not offered: use xml or json.") % {"format": fmt})
        if request.method not in ("GET", "HEAD"):
            response = errors(fmt, 405, _("Only GET is answered here for now."))
            response["Allow"] = "GET, HEAD"
            return response
        try:
            jurisdiction = request.GET.get("jurisdiction_id")
            if jurisdiction is not None and jurisdiction != settings.OPEN311_JURISDICTION:
                raise BadInput(_("No jurisdiction has the id %(id)s here.") % {"id": jurisdiction}, 404)
            return view(request, fmt, **kwargs)
        except BadInput as bad:
            return errors(fmt, bad.status, bad.description)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _base_url(request) -> str:
    return request.build_absolute_uri("/open311/v2/")


@endpoint
def discovery(request, fmt: str):
    """Where the API is, what it speaks, and how to get a key."""
    return respond(fmt, "discovery", {
        "changeset": moment(CHANGESET),
        "contact": _("Hubiying platform administrator; hotline %(hotline)s") % {"hotline": settings.HUBIYING_HOTLINE},
        "key_service": _("API keys for client applications are issued by the platform's administrator."),
        "endpoints": [{
            "specification": SPECIFICATION,
            "url": _base_url(request),
            "changeset": moment(CHANGESET),
            "type": "production",
            "formats": list(FORMATS.values()),
        }],
    })


@endpoint
def services(request, fmt: str):
    """One service per leaf category."""
    return respond(fmt, "services", [documents.service(c) for c in documents.leaf_categories()])


@endpoint
def service_definition(request, fmt: str, code: str):
    """A service's extra questions (none yet)."""
    category = documents.leaf_categories().filter(code=code).first()
    if category is None:
        raise BadInput(_("No service has the code %(code)s.") % {"code": code}, 404)
    return respond(fmt, "service_definition", documents.definition(category))


def _appeals():
    return Appeal.objects.select_related("category", "category__parent", "unit", "merged_into", "node")


def _limit(request) -> None:
    verdict = ratelimit.hit("open311-read", ratelimit.client_of(request))
    if not verdict.allowed:
        raise BadInput(_("Too many requests from here. Try again in %(s)d seconds.") % {"s": verdict.retry_after},
                       429)


def _answer(fmt: str, found, extensions: bool) -> HttpResponse:
    return respond(fmt, "service_requests", [documents.request(a, extensions=extensions) for a in found])


@endpoint
def request_one(request, fmt: str, number: str):
    """One request by its id (the tracking number), in any state."""
    _limit(request)
    normal = tracking.normalise(number)
    appeal = _appeals().filter(tracking_no=normal).first() if normal else None
    if appeal is None:
        raise BadInput(_("No request has the id %(id)s.") % {"id": number}, 404)
    return _answer(fmt, [appeal], _flag(request, "extensions"))


@endpoint
def requests(request, fmt: str):
    """Requests by id (a comma list, overriding every other filter), or by
    service, dates and status, newest first, in pages of at most 1,000."""
    _limit(request)
    extensions = _flag(request, "extensions")
    ids = _list(request, "service_request_id")
    if ids is not None:
        if len(ids) > MAX_REQUESTS:
            raise BadInput(_("Ask for at most %(n)s ids at once.") % {"n": MAX_REQUESTS})
        numbers = [n for n in (tracking.normalise(i) for i in ids) if n]
        return _answer(fmt, _appeals().filter(tracking_no__in=numbers).order_by("-created_at", "-id"), extensions)

    # A list hands out tracking numbers in bulk: public only where the admin made the map and
    # list of requests public (analysis.FigureSettings); a registered client may always list.
    if not (FigureSettings.current().public_requests or keys.known(request.GET.get("api_key"))):
        raise BadInput(_("Lists of requests are not public here: ask for requests by their id, or "
                         "use the API key of a registered client."), 403)
    found = _appeals().exclude(status__in=documents.UNLISTED)
    codes = _list(request, "service_code")
    if codes is not None:
        known = set(Category.objects.filter(code__in=codes).values_list("code", flat=True))
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise BadInput(_("No service has the code %(code)s.") % {"code": unknown[0]})
        found = found.filter(category__code__in=codes)
    end = _moment(request, "end_date", end=True) or timezone.now()
    start = _moment(request, "start_date", end=False) or end - WINDOW
    if start > end:
        raise BadInput(_("start_date must be before end_date."))
    found = found.filter(created_at__gte=start, created_at__lte=end)
    statuses = _list(request, "status")
    if statuses is not None:
        wrong = [s for s in statuses if s not in (documents.OPEN, documents.CLOSED)]
        if wrong:
            raise BadInput(_("status is open or closed, not %(value)s.") % {"value": wrong[0]})
        found = found.filter(status__in=[s for s, o in documents.STATUS.items() if o in statuses])
    page = _number(request, "page", 1, 1, 1_000_000)
    size = _number(request, "page_size", MAX_REQUESTS, 1, MAX_REQUESTS)
    first = (page - 1) * size
    return _answer(fmt, found.order_by("-created_at", "-id")[first:first + size], extensions)


# --- Reading the parameters -------------------------------------------------------

def _list(request, name: str) -> list[str] | None:
    """A comma list (or the parameter repeated), None when not given."""
    values = request.GET.getlist(name)
    if not values:
        return None
    items = [item.strip() for value in values for item in value.split(",") if item.strip()]
    if not items:
        raise BadInput(_("%(name)s is empty.") % {"name": name})
    return items


def _flag(request, name: str) -> bool:
    value = request.GET.get(name, "false").strip().lower()
    if value not in ("true", "false"):
        raise BadInput(_("%(name)s is true or false.") % {"name": name})
    return value == "true"


def _number(request, name: str, default: int, low: int, high: int) -> int:
    value = request.GET.get(name)
    if value is None:
        return default
    if not value.strip().isdigit() or not low <= int(value) <= high:
        raise BadInput(_("%(name)s is a whole number from %(low)s to %(high)s.") % {
            "name": name, "low": low, "high": high})
    return int(value)


# A "+" of the offset that arrived unencoded in the query string reads as a space.
_UNENCODED_PLUS = re.compile(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}(?::?\d{2})?)$")


def _moment(request, name: str, *, end: bool) -> datetime | None:
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


@endpoint
def unknown(request, fmt: str, **kwargs):
    """Any other path under /open311/v2/: the spec's error document, not a web page."""
    raise BadInput(_("There is no such endpoint: see discovery."), 404)
