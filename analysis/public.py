"""What anyone may read without an account: the figures of the county, its towns
and communities in the article's own words ("共收到诉求N件，已答复M件，答复办结率X%"),
a snippet other sites frame, and (where the admin turns it on) a map and list of
requests without personal data, placed only at their compound or grid.

The figures are the same numbers as /api/v1/stats (analysis.figures.Query and
analysis.summary.figures_of), kept in the cache for CACHE_SECONDS so that
anonymous traffic does not reach the database on every view.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.cache import cache
from django.db.models import Count
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt

from appeals.catalogue import catalogue
from appeals.forms import category_label
from appeals.models import BEFORE_REPLY, Appeal, Status
from appeals.templatetags.hby import category_name
from appeals.views.common import MAP_PLACES, PAGE_SIZE, limited, map_config
from hubiying.paging import CappedPaginator
from hubiying.replica import reads_replica
from organisations.models import Node
from organisations.tree import tree

from .figures import Query, Scope, category_ids
from .hotspots import located
from .models import FigureSettings
from .periods import preset
from .summary import figures_of
from .templatetags.figures import pct

PUBLIC_KINDS = (Node.Kind.COUNTY, Node.Kind.TOWN, Node.Kind.COMMUNITY)
CACHE_SECONDS = 300  # said on the page: "updated every 5 minutes"
TOP_CATEGORIES = 8
RECENT_DAYS = 365  # the public list and map show the requests received in the last year

# The states as residents say them; rejected, merged and withdrawn requests are never shown.
STATES = {
    "open": sorted(set(BEFORE_REPLY) - {Status.SUBMITTED}),
    "replied": [Status.REPLIED, Status.EVALUATED],
    "closed": [Status.CLOSED],
}
# Not yet looked at by anyone (it may be spam or abuse), or ended without being handled.
HIDDEN = [Status.SUBMITTED, Status.REJECTED, Status.MERGED, Status.WITHDRAWN]


def _state_labels() -> dict[str, str]:
    return {"open": _("Being handled"), "replied": _("Replied"), "closed": _("Closed")}


def _state_of(status: str) -> str:
    return next(key for key, statuses in STATES.items() if status in statuses)


def home_links(request) -> dict:
    """A context processor: which public pages the home page links to (read only when a
    template asks, so that other pages cost no query)."""

    def links() -> dict:
        choice = FigureSettings.current()
        return {"figures": choice.public_summary, "requests": choice.public_requests}

    return {"public_links": SimpleLazyObject(links)}


# --- The public figures ------------------------------------------------------------

def _summary_on() -> FigureSettings:
    choice = FigureSettings.current()
    if not choice.public_summary:
        raise Http404
    return choice


def _public_node(code: str) -> Node:
    node = tree().by_code.get(code)
    if node is None or node.kind not in PUBLIC_KINDS:
        raise Http404
    return node


def sentence(figures: dict) -> str:
    return _("Received %(n)s requests, replied to %(m)s, reply rate %(x)s") % {
        "n": figures["received"], "m": figures["replied"], "x": pct(figures["reply_rate"])}


def public_figures_of(node: Node) -> dict:
    """The node's figures for all time, this year and this month, and its most frequent
    categories: numbers and ids only (the names follow the page's language), cached."""
    today = timezone.localdate()
    key = f"hby:public-figures:{node.pk}:{node.path}:{today.isoformat()}"
    found = cache.get(key)
    if found is not None:
        return found
    choice = FigureSettings.current()
    scope = Scope(node=node)
    everything = Query(scope)
    year, month = preset("year", today), preset("month", today)
    found = {
        "all": figures_of(everything.counts(), choice),
        "year": figures_of(Query(scope, year.start, year.end).counts(), choice),
        "month": figures_of(Query(scope, month.start, month.end).counts(), choice),
        "categories": [(cat, c["received"]) for cat, c in everything.breakdown("category")
                       if c["received"]][:TOP_CATEGORIES],
        "at": timezone.now(),
    }
    cache.set(key, found, CACHE_SECONDS)
    return found


def _children(node: Node) -> list[Node]:
    return sorted((n for n in tree().by_id.values() if n.parent_id == node.pk and n.kind in PUBLIC_KINDS),
                  key=lambda n: n.path)


def _rate(figures: dict, name: str, label: str) -> dict:
    r = figures["rates"][name]
    return {"name": name, "label": label, "percent": pct(r["percent"]), "numerator": r["numerator"],
            "denominator": r["denominator"]}


@reads_replica
def public_figures(request):
    """/figures/: each county (or city) with its sentence and links to its towns."""
    choice = _summary_on()
    roots = [n for n in sorted(tree().roots, key=lambda n: n.path) if n.kind in PUBLIC_KINDS]
    places = [{"node": root, "sentence": sentence(public_figures_of(root)["all"]), "children": _children(root)}
              for root in roots]
    return render(request, "analysis/public_index.html", {
        "places": places, "minutes": CACHE_SECONDS // 60, "requests_on": choice.public_requests})


@reads_replica
def public_figures_node(request, code: str):
    choice = _summary_on()
    node = _public_node(code)
    f = public_figures_of(node)
    names = catalogue().by_id
    embed = request.build_absolute_uri(reverse("public_figures_embed", args=[node.code]))
    return render(request, "analysis/public_figures.html", {
        "node": node, "ancestors": tree().ancestors(node)[:-1], "children": _children(node),
        "headline": sentence(f["all"]), "all": f["all"],
        "year_line": sentence(f["year"]), "month_line": sentence(f["month"]),
        "rates": [_rate(f["all"], "reply_rate", _("Reply rate")),
                  _rate(f["all"], "satisfaction_rate", _("Satisfaction")),
                  _rate(f["all"], "on_time_rate", _("On-time completion rate"))],
        "categories": [{"name": category_name(names.get(cat)) or "?", "received": n} for cat, n in f["categories"]],
        "updated_at": f["at"], "minutes": CACHE_SECONDS // 60, "requests_on": choice.public_requests,
        "embed_code": f'<iframe src="{escape(embed)}" title="{escape(node.name)}" width="100%" height="130" '
                      f'style="border:0" loading="lazy"></iframe>',
    })


@xframe_options_exempt
@reads_replica
def public_figures_embed(request, code: str):
    """The snippet a government site frames: one sentence and a link back."""
    _summary_on()
    node = _public_node(code)
    return render(request, "analysis/public_embed.html", {
        "node": node, "sentence": sentence(public_figures_of(node)["all"]),
        "url": request.build_absolute_uri(reverse("public_figures_node", args=[node.code]))})


@reads_replica
def public_figures_json(request, code: str):
    """The same sentence and counts for sites that take no frames or scripts (CORS: anyone)."""
    choice = FigureSettings.current()
    node = tree().by_code.get(code)
    if not choice.public_summary or node is None or node.kind not in PUBLIC_KINDS:
        response = JsonResponse({"detail": _("There are no public figures here."), "code": "not_found"}, status=404)
    else:
        f = public_figures_of(node)

        def counts(figures):
            return {"received": figures["received"], "replied": figures["replied"],
                    "reply_rate": figures["rates"]["reply_rate"], "sentence": sentence(figures)}

        response = JsonResponse({
            "place": {"code": node.code, "name": node.name, "kind": node.kind},
            **counts(f["all"]), "this_year": counts(f["year"]), "this_month": counts(f["month"]),
            "url": request.build_absolute_uri(reverse("public_figures_node", args=[node.code])),
            "updated_at": f["at"].isoformat(),
        }, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


# --- The public map and list of requests ----------------------------------------

def _requests_on() -> FigureSettings:
    choice = FigureSettings.current()
    if not choice.public_requests:
        raise Http404
    return choice


def _filters(params) -> tuple[dict, dict, list[str]]:
    """The filters asked for (category code, state, area code) as queryset lookups; what
    could not be understood is left out, with a message saying so."""
    chosen, lookups, problems = {}, {}, []
    code = params.get("category") or ""
    if code:
        ids = category_ids(code)
        if ids is None:
            problems.append(_("There is no such category: showing every category."))
        else:
            chosen["category"], lookups["category_id__in"] = code, ids
    state = params.get("state") or ""
    if state:
        if state in STATES:
            chosen["state"], lookups["status__in"] = state, STATES[state]
        else:
            problems.append(_("There is no such state: showing every state."))
    area = params.get("area") or ""
    if area:
        node = tree().by_code.get(area)
        if node is None:
            problems.append(_("There is no such area: showing every area."))
        else:
            chosen["area"], lookups["node_path__startswith"] = area, node.path
    return chosen, lookups, problems


def _requests(lookups: dict):
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    return Appeal.objects.exclude(status__in=HIDDEN).filter(created_at__gte=since, **lookups)


def _place_name(node_id: int) -> str:
    """The place down to the compound or grid, after its community: '花城社区 · 花城小区'."""
    places = tree()
    node = places.by_id.get(node_id)
    if node is None:
        return ""
    community = places.ancestor_of_kind(node, Node.Kind.COMMUNITY)
    return f"{community.name} · {node.name}" if community and community.pk != node.pk else node.name


def _markers_key(chosen: dict) -> str:
    return "hby:public-map:" + ":".join(f"{k}={v}" for k, v in sorted(chosen.items()))


def _markers(lookups: dict, chosen: dict) -> dict:
    """One marker per place with coordinates (the request's compound or grid, or the nearest
    node above it that has some) with the number of requests there; never a request's own point."""
    key = _markers_key(chosen)
    found = cache.get(key)
    if found is not None:
        return found
    places = tree()
    by: dict[int, dict] = {}
    unplaced = 0
    for row in _requests(lookups).values("node_id").annotate(n=Count("id")).order_by():
        node = places.by_id.get(row["node_id"])
        spot = located(places, node) if node else None
        if spot is None:
            unplaced += row["n"]
            continue
        marker = by.setdefault(spot.pk, {"code": spot.code, "name": _place_name(spot.pk), "lat": spot.lat,
                                         "lng": spot.lng, "count": 0})
        marker["count"] += row["n"]
    found = {"markers": sorted(by.values(), key=lambda m: -m["count"]), "unplaced": unplaced}
    cache.set(key, found, CACHE_SECONDS)
    return found


def _area_choices() -> list[tuple[str, str]]:
    places = tree()
    nodes = sorted((n for n in places.by_id.values() if n.kind in PUBLIC_KINDS), key=lambda n: n.path)
    return [(n.code, "\u2003" * n.path.strip("/").count("/") + n.name) for n in nodes]


@reads_replica
def public_requests(request):
    """/requests/: the recent requests on a map and in a list, by category, state and area."""
    choice = _requests_on()
    chosen, lookups, problems = _filters(request.GET)
    if cache.get(_markers_key(chosen)) is None:  # a year's grouping to make: counted per client
        blocked = limited(request, "public-map")
        if blocked is not None:
            return blocked
    rows = _requests(lookups).select_related("category", "category__parent").order_by("-created_at", "-id")
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = _state_labels()
    items = []
    for appeal in page:
        state = _state_of(appeal.status)
        # The category stands for the request: a title may say who or where, and a tracking
        # number opens the request's own public page (its reply, the phone's last digits).
        items.append({"id": appeal.pk, "category": category_name(appeal.category), "state": state,
                      "state_label": labels[state],
                      "received": appeal.created_at, "place": _place_name(appeal.node_id)})
    config = map_config()  # the tiles when MAP_TILE_URL is set, and the centre
    config["places"] = [{"name": n.name, "lat": n.lat, "lng": n.lng} for n in tree().places
                        if n.kind == Node.Kind.COMMUNITY and n.lat is not None][:MAP_PLACES]
    markers = _markers(lookups, chosen)
    return render(request, "analysis/public_requests.html", {
        "page": page, "items": items, "problems": problems, "chosen": chosen, "states": labels,
        "category_choices": [(c.code, ("\u2003" if child else "") + category_label(c))
                             for c, child in catalogue().filter_order],
        "area_choices": _area_choices(), "map_config": config, "markers": markers, "days": RECENT_DAYS,
        "figures_on": choice.public_summary, "minutes": CACHE_SECONDS // 60,
    })
