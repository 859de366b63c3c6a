"""The endpoints of Open311 GeoReport v2 under /open311/v2/: the reads here,
the writes (POST requests and servicerequestupdates) in `writes`.

Each answers `<name>.xml` (also the default without a suffix) and
`<name>.json`; bad input is a 400, an unknown thing or jurisdiction a 404,
each as the spec's error document. Reading needs no key and writes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from analysis.models import FigureSettings
from appeals import tracking
from appeals.catalogue import catalogue
from appeals.models import Appeal, AppealEvent, Category

from . import documents, keys, writes
from .formats import FORMATS, moment, respond
from .models import FiledRequest
from .params import BadInput, endpoint, flag, limit, listed, number
from .params import moment as moment_param

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = datetime(2026, 12, 1, tzinfo=timezone.get_fixed_timezone(8 * 60))  # when these endpoints last changed
WINDOW = timedelta(days=90)  # the default span of GET requests
MAX_REQUESTS = 1000  # at most this many requests in one answer


def _base_url(request) -> str:
    return request.build_absolute_uri("/open311/v2/")


@endpoint("GET")
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


@endpoint("GET")
def services(request, fmt: str):
    """One service per leaf category."""
    return respond(fmt, "services", [documents.service(c) for c in documents.leaf_categories()])


@endpoint("GET")
def service_definition(request, fmt: str, code: str):
    """A service's extra questions (its category's)."""
    category, leaf = catalogue().leaf(code)
    if not leaf:
        raise BadInput(_("No service has the code %(code)s.") % {"code": code}, 404)
    return respond(fmt, "service_definition", documents.definition(category))


def _appeals():
    return Appeal.objects.select_related("category", "category__parent", "unit", "merged_into", "node")


def _read_limit(request):
    """The read limit, per client where it gave its key, else per address; returns the client."""
    client = keys.known(request.GET.get("api_key"))
    limit(request, "open311-read", client)
    return client


def _answer(fmt: str, found, extensions: bool) -> HttpResponse:
    return respond(fmt, "service_requests", [documents.request(a, extensions=extensions) for a in found])


@endpoint("GET")
def request_one(request, fmt: str, number: str):
    """One request by its id (the tracking number), in any state."""
    _read_limit(request)
    normal = tracking.normalise(number)
    appeal = _appeals().filter(tracking_no=normal).first() if normal else None
    if appeal is None:
        raise BadInput(_("No request has the id %(id)s.") % {"id": number}, 404)
    return _answer(fmt, [appeal], flag(request, "extensions"))


@endpoint("GET", "POST")
def requests(request, fmt: str):
    """GET: requests by id (a comma list, overriding every other filter), or by
    service, dates and status, newest first, in pages of at most 1,000.
    POST: a new request (writes.create)."""
    if request.method == "POST":
        return writes.create(request, fmt)
    client = _read_limit(request)
    extensions = flag(request, "extensions")
    ids = listed(request, "service_request_id")
    if ids is not None:
        if len(ids) > MAX_REQUESTS:
            raise BadInput(_("Ask for at most %(n)s ids at once.") % {"n": MAX_REQUESTS})
        numbers = [n for n in (tracking.normalise(i) for i in ids) if n]
        return _answer(fmt, _appeals().filter(tracking_no__in=numbers).order_by("-created_at", "-id"), extensions)

    # A list hands out tracking numbers in bulk: public only where the admin made the map and
    # list of requests public (analysis.FigureSettings); a registered client may always list.
    _may_list(client)
    found = _appeals().exclude(status__in=documents.UNLISTED)
    codes = listed(request, "service_code")
    if codes is not None:
        known = set(Category.objects.filter(code__in=codes).values_list("code", flat=True))
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise BadInput(_("No service has the code %(code)s.") % {"code": unknown[0]})
        found = found.filter(category__code__in=codes)
    start, end = _window(request)
    found = found.filter(created_at__gte=start, created_at__lte=end)
    statuses = listed(request, "status")
    if statuses is not None:
        wrong = [s for s in statuses if s not in (documents.OPEN, documents.CLOSED)]
        if wrong:
            raise BadInput(_("status is open or closed, not %(value)s.") % {"value": wrong[0]})
        found = found.filter(status__in=[s for s, o in documents.STATUS.items() if o in statuses])
    first, size = _page(request)
    return _answer(fmt, found.order_by("-created_at", "-id")[first:first + size], extensions)


def _may_list(client) -> None:
    """A list hands out tracking numbers in bulk: public only where the admin made the map and
    list of requests public (analysis.FigureSettings); a registered client may always list."""
    if not (client or FigureSettings.current().public_requests):
        raise BadInput(_("Lists of requests are not public here: ask for requests by their id, or "
                         "use the API key of a registered client."), 403)


def _window(request) -> tuple[datetime, datetime]:
    end = moment_param(request, "end_date", end=True) or timezone.now()
    start = moment_param(request, "start_date", end=False) or end - WINDOW
    if start > end:
        raise BadInput(_("start_date must be before end_date."))
    return start, end


def _page(request) -> tuple[int, int]:
    """The first row and the size of the page asked for (page from 1, page_size up to 1,000)."""
    page = number(request, "page", 1, 1, 1_000_000)
    size = number(request, "page_size", MAX_REQUESTS, 1, MAX_REQUESTS)
    return (page - 1) * size, size


@endpoint("GET")
def token(request, fmt: str, token: str):
    """The request a token stands for (POST requests answers both at once)."""
    _read_limit(request)
    filed = FiledRequest.objects.select_related("appeal").filter(token=token).first() if len(token) <= 40 else None
    if filed is None:
        raise BadInput(_("No request has the token %(token)s.") % {"token": token[:40]}, 404)
    return respond(fmt, "service_requests", [{"service_request_id": filed.appeal.tracking_no, "token": token}])


@endpoint("GET", "POST")
def updates(request, fmt: str):
    """GET: the public updates (timeline events) of a time window, oldest first, in pages
    (the FixMyStreet extension). POST: a resident's update through its client (writes.update)."""
    if request.method == "POST":
        return writes.update(request, fmt)
    client = _read_limit(request)
    _may_list(client)
    start, end = _window(request)
    events = AppealEvent.objects.filter(public=True, at__gte=start, at__lte=end).select_related(
        "actor_unit", "appeal")
    if client is None:  # the public list: the requests the public map shows
        events = events.exclude(appeal__status__in=documents.UNLISTED)
    first, size = _page(request)
    found = events.order_by("at", "id")[first:first + size]
    return respond(fmt, "service_request_updates", [documents.update(e) for e in found])


@endpoint("GET", "POST", "PUT", "PATCH", "DELETE")
def unknown(request, fmt: str, **kwargs):
    """Any other path under /open311/v2/: the spec's error document, not a web page."""
    raise BadInput(_("There is no such endpoint: see discovery."), 404)
