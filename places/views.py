"""The public pages: find a place near you, see one, report a problem with
it, print its poster. No account needed; nothing here writes on a GET."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from appeals import residents
from appeals.access import intake_limit
from appeals.errors import ActionError
from appeals.photos import serve
from appeals.views.common import bound, limited, map_config, page_of
from organisations.access import scopes_of
from organisations.models import Role
from organisations.tree import tree
from workcalendar.calendar import WorkCalendar

from . import access, hours, nearby, poster
from .forms import ReportForm, SearchForm
from .models import Place
from .services import report_problem

LOOKAHEAD = 14  # days of special hours shown on a place's page


def _place_or_404(request, pk) -> Place:
    try:
        return access.get_place_for(request.user, pk)
    except ActionError:
        raise Http404 from None


def origin(params: dict) -> tuple[float | None, float | None]:
    """Where distances are measured from: the browser's position, else the chosen community's point."""
    if params["lat"] is not None and params["lng"] is not None:
        return params["lat"], params["lng"]
    node = tree().get(params["near"]) if params["near"] else None
    if node is not None and node.lat is not None:
        return node.lat, node.lng
    return None, None


def place_list(request):
    form = SearchForm(request.GET or None)
    params = form.params() if form.is_bound else SearchForm({}).params()
    lat, lng = origin(params)
    found = nearby.search(
        access.visible_places(request.user), lat=lat, lng=lng, radius=params["radius"] if lat is not None else None,
        service=params["service"], kind=params["kind"], open_now=params["open_now"],
    )
    page = page_of(request, found)
    markers = [{"id": f.place.pk, "name": f.place.name, "lat": f.place.lat, "lng": f.place.lng,
                "open": f.status.open, "url": reverse("place_detail", args=[f.place.pk])} for f in page]
    config = map_config()
    if lat is not None:
        config.update(center=[lat, lng], here=True)
    return render(request, "places/list.html", {
        "form": form, "page": page, "count": len(found), "params": params, "positioned": lat is not None,
        "map_config": config, "markers": markers, "now": timezone.localtime(),
    })


def place_detail(request, pk: int):
    place = _place_or_404(request, pk)
    rules = hours.Rules.of(place)  # its special days read once for the status and the coming changes
    state = hours.status(rules)
    today = timezone.localdate()
    upcoming = [s for s in place.special_days.all() if s.last >= today and (s.first - today).days <= LOOKAHEAD]
    calendar = WorkCalendar.load()
    place_url = request.build_absolute_uri(reverse("place_detail", args=[place.pk]))
    online = [(o, poster.qr_svg(o.url)) for o in place.online_services.filter(active=True)]
    return render(request, "places/detail.html", {
        "place": place, "status": state, "today": hours.text(state.today), "week": hours.week(place),
        "upcoming": [(s, hours.text(hours.day(rules, s.first, calendar))) for s in upcoming],
        "services": place.services.filter(active=True), "photos": place.photos.all(), "online": online,
        "route_url": place.route_url, "may_edit": access.may_edit(request.user, place),
        "place_qr": poster.qr_svg(place_url),
    })


def place_photo(request, pk: int, token: str):
    place = _place_or_404(request, pk)
    photo = place.photos.filter(token=token).first()
    if photo is None:
        raise Http404
    return serve(photo)


def place_poster(request, pk: int):
    """The A4 poster to print and put up at the place (PDF)."""
    place = _place_or_404(request, pk)
    pdf = poster.poster_pdf(
        place, place_url=request.build_absolute_uri(reverse("place_detail", args=[place.pk])),
        report_url=request.build_absolute_uri(reverse("place_report", args=[place.pk])),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename=\"place-{place.pk}-poster.pdf\""
    return response


@require_http_methods(["GET", "POST"])
def place_report(request, pk: int):
    """Closed when it says open, a broken charger…: a request for the community that manages the place."""
    place = _place_or_404(request, pk)
    form = ReportForm(*bound(request))
    if request.method == "POST":
        counted = intake_limit(request.user)
        too_many = limited(request, *counted) if counted else None
        if too_many:
            return too_many
        if form.is_valid():
            user = request.user
            actor = user if user.is_authenticated and scopes_of(user).has(Role.Name.RESIDENT) else None
            try:
                appeal = report_problem(place, actor=actor, **form.cleaned_data)
            except ActionError as exc:
                form.add_service_error(exc)
            else:
                return redirect("submit_thanks", tracking_no=appeal.tracking_no, token=residents.token_for(appeal))
    return render(request, "places/report.html", {"place": place, "form": form},
                  status=400 if request.method == "POST" else 200)
