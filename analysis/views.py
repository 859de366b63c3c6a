"""The leaders' dashboard (/work/figures/), the requests behind each figure,
and the tables as Excel files. The same numbers as /api/v1/stats."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from appeals.catalogue import catalogue
from appeals.errors import ActionError
from appeals.forms import category_label
from appeals.templatetags.hby import category_name
from appeals.views.common import PAGE_SIZE
from hubiying.paging import CappedPaginator
from hubiying.replica import reads_replica
from organisations.models import Node
from organisations.tree import tree, unit_names

from . import access, exports, hotspots, jobs, life, request_lists, words
from .figures import RATES, SMALL, Query, category_ids
from .models import ExportJob, FigureSettings
from .periods import PRESETS, Period, preset
from .summary import figures_of

# The rates a ranking can be ordered by, in the order the dashboard shows them.
RANKED = ["reply_rate", "on_time_rate", "satisfaction_rate", "on_time_sign_rate", "response_rate",
          "resolution_rate", "return_rate", "reopen_rate"]
LOWER_IS_BETTER = {"return_rate", "reopen_rate"}
RANKING_ROWS = 30  # units shown at first (all of them: ?units=all, and in Excel)


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _choices(request) -> tuple[Query, Period, list[str]]:
    """The scope, period and category the page was asked for; what could not be
    understood falls back to the default, with a message saying so."""
    user, params, problems = request.user, request.GET, []
    scope, refused = access.scope_or_own(params.get("scope") or None, user)
    if refused is not None:
        problems.append(str(refused))
    key = params.get("p") or "month"
    if key == "custom":
        start, end = _date(params.get("from")), _date(params.get("to"))
        if (params.get("from") and not start) or (params.get("to") and not end) or (start and end and start > end):
            problems.append(_("The dates could not be read (YYYY-MM-DD, the start before the end): "
                              "showing this month."))
            period = preset("month", timezone.localdate())
        else:
            period = Period("custom", start, end)
    else:
        period = preset(key if key in dict(PRESETS) else "month", timezone.localdate())
    code = params.get("category") or ""
    ids = category_ids(code) if code else None
    if code and ids is None:
        problems.append(_("There is no such category: showing every category."))
    return Query(scope, period.start, period.end, ids), period, problems


def _ranked(rows, rate: str, choice):
    """Rows (key, label, Counts) with their figures, best first by `rate`; the ones
    with fewer than SMALL requests (or no denominator) after the others, and the
    requests not dispatched yet (key 0) last."""
    out = []
    for key, label, counts in rows:
        figures = figures_of(counts, choice)
        r = figures["rates"][rate]
        out.append({"key": key, "label": label, "f": figures, "small": r["denominator"] < SMALL, "rate": r})
    sign = 1 if rate in LOWER_IS_BETTER else -1

    def key(row):
        pct = row["f"]["rates"][rate]["percent"]
        return (not row["key"], row["small"] or pct is None, sign * (pct or 0), -row["f"]["received"])

    out.sort(key=key)
    return out


@login_required
@reads_replica
def dashboard(request):
    if not access.is_reader(request.user):
        raise PermissionDenied
    query, period, problems = _choices(request)
    choice = FigureSettings.current()
    rate = request.GET.get("rank") if request.GET.get("rank") in RANKED else "reply_rate"
    units = unit_names()
    by_unit = _ranked([(u, units.get(u, "?") if u else _("Not dispatched yet"), c)
                       for u, c in query.breakdown("unit")], rate, choice)
    by_area = _ranked([(n.pk, n.name, c) for n, c in query.by_area()], rate, choice)
    categories = [(catalogue().by_id.get(v), c) for v, c in query.breakdown("category")]
    export = request.GET.get("export")
    life_total, life_rows = life.figures(query.scope.node, period.start, period.end) if query.scope.node \
        else (None, [])
    if export == "life" and life_total is not None:
        return exports.life_response(query, period, life_total, life_rows)
    plans_total, plans_rows = _care_plan_figures(query, period)
    if export == "care_plan" and plans_total is not None:
        return exports.care_plan_response(query, period, plans_total, plans_rows)
    if export in ("units", "areas", "categories"):
        return exports.table_response(export, query, period, by_unit=by_unit, by_area=by_area,
                                      categories=categories, choice=choice)
    headline = figures_of(query.counts(), choice)
    before = period.previous(timezone.localdate())
    change = {}
    if before is not None:
        old = figures_of(Query(query.scope, before.start, before.end, query.category_ids).counts(), choice)
        change = {name: _delta(headline[name], old[name]) for name in ("received", "replied", *RATES)}
    avg, p90 = query.hours()
    grain = _trend_grain(request.GET.get("trend"), period)
    trend = [{"at": d.isoformat(), "received": c["received"], "replied": c["replied"]}
             for d, c in query.trend(grain)]
    level = request.GET.get("map") if request.GET.get("map") in hotspots.LEVELS else "compound"
    context = {
        "query": query, "period": period, "problems": problems, "presets": PRESETS, "h": headline,
        "change": change, "hours_avg": avg, "hours_p90": p90, "overdue_now": query.overdue_now(),
        "by_unit": by_unit if request.GET.get("units") == "all" else by_unit[:RANKING_ROWS],
        "units_left_off": 0 if request.GET.get("units") == "all" else max(0, len(by_unit) - RANKING_ROWS),
        "by_area": by_area, "rank": rate, "ranked": [(r, _rate_label(r)) for r in RANKED],
        "categories": [{"code": cat.code if cat else "", "name": category_name(cat) or "?", "received": c["received"],
                        "replied": c["replied"]} for cat, c in categories],
        "category_mix": _first_level(categories),
        "by_channel": [{"code": v, "received": c["received"]} for v, c in query.breakdown("channel")],
        "trend": trend, "grain": grain, "grains": TREND_GRAINS, "scopes": scope_choices(request.user, query),
        "map_level": level, "map_levels": MAP_LEVELS,
        "category_choices": [(c.code, ("\u2003" if child else "") + category_label(c))
                             for c, child in catalogue().filter_order],
        "rate_labels": {r: _rate_label(r) for r in RATES}, "small": SMALL,
        "params": _params(query, period), "params_nocat": _params(query, period, category=False),
        "params_noscope": _params(query, period, scope=False),
        "category_code": request.GET.get("category") or "", "rate_label": _rate_label(rate),
        "life": life_total, "life_rows": life_rows, "care_plan": plans_total, "care_plan_rows": plans_rows,
    }
    return render(request, "analysis/dashboard.html", context)


def _care_plan_figures(query, period):
    """一人一案: devices fitted, rehabilitation, job fairs, placements, households visited and support given,
    per community of a tree scope (none for a unit's scope: the care plans belong to places)."""
    if query.scope.node is None:
        return None, []
    from care_plan.figures import figures

    return figures(query.scope.node, period.start, period.end)


TREND_GRAINS = [("D", gettext_lazy("By day")), ("W", gettext_lazy("By week")), ("M", gettext_lazy("By month"))]
MAP_LEVELS = [("compound", gettext_lazy("By compound")), ("grid", gettext_lazy("By grid"))]
LONGEST = {"D": 400, "W": 800}  # days: a longer period's trend by day or week would be unreadable (and slow)


def _trend_grain(asked: str | None, period: Period) -> str:
    """The trend's grain: as asked, else by day up to two months, by week up to half a year, by month beyond."""
    days = (period.end - period.start).days if period.start and period.end else None
    if asked == "M" or (asked in ("D", "W") and days is not None and days <= LONGEST[asked]):
        return asked
    if days is not None and days <= 62:
        return "D"
    return "W" if days is not None and days <= 190 else "M"


def _loaded_apart(request, name: str, found) -> object:
    """A part of the dashboard loaded after it: the fragment `_<name>.html` for its script
    (X-Fragment: 1), the page `<name>.html` for a plain link. `found(request, query)`: its content."""
    if not access.is_reader(request.user):
        raise PermissionDenied
    query, period, problems = _choices(request)
    fragment = request.headers.get("X-Fragment") == "1"
    return render(request, f"analysis/{'_' if fragment else ''}{name}.html", {
        **found(request, query), "params": _params(query, period), "query": query, "period": period,
        "problems": problems})


@login_required
@reads_replica
def hotspot_places(request):
    """The hotspot map and its table: the places under the scope, by compound or by grid."""
    def found(request, query):
        level = request.GET.get("map") if request.GET.get("map") in hotspots.LEVELS else "compound"
        return {"hotspots": hotspots.hotspots(query, level), "map_config": {"tiles": settings.MAP_TILE_URL}}

    return _loaded_apart(request, "hotspots", found)


@login_required
@reads_replica
def frequent_words(request):
    """The most frequent words: each links to the requests whose text has it."""
    return _loaded_apart(request, "words", lambda request, query: {"found": words.frequent_words(query)})


def _first_level(categories) -> list[dict]:
    """The requests received per first-level category, for the chart."""
    by: dict = {}
    for cat, counts in categories:
        top = cat.parent if cat is not None and cat.parent_id else cat
        key = top.code if top else ""
        row = by.setdefault(key, {"code": key, "name": category_label(top) if top else "?", "received": 0})
        row["received"] += counts["received"]
    return sorted(by.values(), key=lambda r: -r["received"])


def _delta(new, old):
    if new is None or old is None:
        return None
    return round(new - old, 1)


def _rate_label(name: str) -> str:
    return {
        "reply_rate": _("Reply rate"), "on_time_sign_rate": _("Signed on time"), "response_rate": _("Response rate"),
        "on_time_rate": _("Replied on time"), "satisfaction_rate": _("Satisfaction"),
        "resolution_rate": _("Resolution rate"), "reopen_rate": _("Reopen rate"), "return_rate": _("Return rate"),
        "direct_rate": _("Handled on the spot"),
    }[name]


def _params(query: Query, period: Period, *, category: bool = True, scope: bool = True) -> str:
    """The query string of the page's choices, for the links to the requests."""
    parts = [f"scope={query.scope.key}"] if scope else []
    parts.append(f"p={period.key}")
    if period.key == "custom":
        parts += [f"from={period.start or ''}", f"to={period.end or ''}"]
    if category and query.category_ids:
        cat = catalogue().by_id.get(query.category_ids[0])
        if cat:
            parts.append(f"category={cat.code}")
    return "&".join(parts)


def scope_choices(user, query: Query) -> list[tuple[str, str]]:
    """The scopes the person may pick: their own nodes and everything down to the
    communities, then the units serving there."""
    places = tree()
    scopes = access.scopes_of(user)
    roots = list(places.roots) if scopes.superuser else access.reader_nodes(user)
    out, seen = [], set()
    for root in sorted(roots, key=lambda n: n.path):
        for node in sorted((n for n in places.by_id.values() if n.path.startswith(root.path)), key=lambda n: n.path):
            if node.kind in (Node.Kind.GRID, Node.Kind.COMPOUND) or node.pk in seen:
                continue
            seen.add(node.pk)
            depth = node.path.count("/") - root.path.count("/")
            out.append((str(node.pk), "\u2003" * depth + node.name))
    out += [(access.Scope(unit=unit).key, f"{_('Unit')}: {unit.name}") for unit in access.visible_units(user)]
    if query.scope.key not in {k for k, _label in out}:
        out.insert(0, (query.scope.key, query.scope.name))
    return out


@login_required
@reads_replica
def requests_behind(request):
    """The requests behind one figure of the dashboard (a count column of their
    facts), newest first, as the person may see them (analysis.request_lists)."""
    if not access.is_reader(request.user):
        raise PermissionDenied
    query, period, problems = _choices(request)
    listing = request_lists.Listing.from_params(query, request.GET)
    rows = listing.appeals(request.user).select_related("category", "node", "unit")
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "analysis/requests.html", {
        "page": page, "query": query, "period": period, "problems": problems,
        "figure": "overdue" if listing.overdue else listing.column, "figure_label": listing.label,
        "params": _params(query, period), "listing": listing,
        "place": tree().by_id.get(listing.place) if listing.place else None,
    })




# --- The requests behind a figure, to Excel (analysis.request_lists, analysis.jobs) ---

@login_required
@require_POST
def export_requests(request):
    """The requests the page lists for the same query string, as an Excel file:
    at once up to jobs.EXPORT_INLINE_ROWS, else a job the worker makes while the
    person watches its progress."""
    if not access.is_reader(request.user):
        raise PermissionDenied
    query, _period, problems = _choices(request)
    if problems:  # never a file of something else than asked: the page says what was wrong
        return redirect(f"{reverse('figures_requests')}?{request.GET.urlencode()}")
    listing = request_lists.Listing.from_params(query, request.GET)
    limit = jobs.EXPORT_INLINE_ROWS
    if listing.appeals(request.user).order_by()[: limit + 1].count() <= limit:
        return request_lists.xlsx_response(listing, request.user)
    waiting = jobs.unfinished(request.user)
    if waiting is not None:  # one at a time: the page of the one still being made
        messages.info(request, _("Your previous export is still being made; this one can start when it is done."))
        return redirect("figures_export", token=waiting.token)
    job = jobs.queue(request.user, listing, back=request.GET.urlencode())
    return redirect("figures_export", token=job.token)


def _own_job(request, token: str) -> ExportJob:
    """The person's own job; anybody else's is not found."""
    job = ExportJob.objects.filter(token=token, user=request.user).first()
    if job is None:
        raise Http404(_("There is no such export."))
    return job


@login_required
def export_progress(request, token: str):
    job = _own_job(request, token)
    recent = ExportJob.objects.filter(user=request.user).exclude(pk=job.pk).order_by("-created_at", "-pk")[:10]
    return render(request, "analysis/export.html", {
        "job": job, "status": jobs.status(job), "recent": recent,
        "finished": job.state in (ExportJob.State.DONE, ExportJob.State.FAILED)})


@login_required
def export_status(request, token: str):
    job = ExportJob.objects.filter(token=token, user=request.user).first()
    if job is None:
        return JsonResponse({"code": "not_found", "detail": _("There is no such export.")}, status=404)
    body = jobs.status(job)
    body["download"] = reverse("figures_export_download", args=[job.token]) if job.state == job.State.DONE else None
    return JsonResponse(body)


@login_required
def export_download(request, token: str):
    job = _own_job(request, token)
    path = jobs.path_of(job)
    if job.state != ExportJob.State.DONE or path is None or not path.is_file():
        raise Http404(_("This export is not ready, or it was deleted after 7 days."))
    try:  # the person may have lost the scope since the file was made
        access.scope_from(job.params.get("scope") or None, request.user)
    except ActionError as error:
        raise PermissionDenied(str(error)) from error
    return FileResponse(path.open("rb"), as_attachment=True, content_type=exports.XLSX,
                        filename=request_lists.filename(job.finished_at))
