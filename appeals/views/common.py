"""Small helpers the page views share."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.utils.http import url_has_allowed_host_and_scheme

from organisations.access import scopes_of

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


def map_config() -> dict:
    """What the page scripts need to draw a map (no tiles when none are configured)."""
    lat, lng = settings.MAP_CENTER
    return {"tiles": settings.MAP_TILE_URL, "center": [lat, lng], "zoom": 15}
