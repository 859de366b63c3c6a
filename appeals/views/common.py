"""Small helpers the page views share."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from hubiying import ratelimit
from organisations.access import scopes_of
from organisations.models import Node
from organisations.tree import tree

from ..access import get_appeal_for
from ..errors import NotFound
from ..models import Appeal

PAGE_SIZE = 20


def staff_required(view):
    """Logged in and holding a staff role (residents have their own pages)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not scopes_of(request.user).is_staff_role:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def appeal_or_404(user, pk) -> Appeal:
    try:
        return get_appeal_for(user, pk)
    except NotFound:
        raise Http404 from None


def bound(request) -> tuple:
    """Form data for a POST (even an empty one, so that it is validated), else nothing."""
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


def page_of(request, queryset, size: int = PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


class Counted:
    """A queryset whose number of rows is already known, for `page_of`: the
    paginator takes the count from here instead of running a COUNT query, and
    slices the queryset as usual."""

    def __init__(self, queryset: QuerySet, count: int):
        self.queryset = queryset
        self._count = count

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        return self.queryset[index]

    @property
    def ordered(self) -> bool:
        return self.queryset.ordered


def safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


MAP_PLACES = 600  # labelled points drawn on a map without tiles


def map_config() -> dict:
    """What the page scripts need to draw a map. Without a tile server the
    map draws the communities and compounds as labelled points instead, so
    that a pin can still be put near a known place (never a blank grid)."""
    lat, lng = settings.MAP_CENTER
    config = {"tiles": settings.MAP_TILE_URL, "center": [lat, lng], "zoom": 15, "places": []}
    if not settings.MAP_TILE_URL:
        places = tree()
        for node in places.places[:MAP_PLACES]:
            if node.lat is None:
                continue
            community = places.ancestor_of_kind(node, Node.Kind.COMMUNITY)
            config["places"].append({"name": node.name, "kind": node.kind, "lat": node.lat, "lng": node.lng,
                                     "community": community.code if community else ""})
    return config


def limited(request, scope: str, ident: str | None = None):
    """Counts one use of a rate-limited page by this client (or by `ident`);
    beyond the limit, the page that says when to try again (429, with
    Retry-After), else None."""
    verdict = ratelimit.hit(scope, ident or ratelimit.client_of(request))
    if verdict.allowed:
        return None
    response = render(request, "public/too_many.html", {"retry_after": verdict.retry_after,
                                                        "minutes": max(1, (verdict.retry_after + 59) // 60),
                                                        "hotline": settings.HUBIYING_HOTLINE}, status=429)
    response["Retry-After"] = str(verdict.retry_after)
    return response
