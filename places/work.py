"""The pages of the people who keep places up to date: a station host their
own, community staff every place of their subtree; and the planners' coverage
of the 15-minute circle."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from analysis.exports import workbook
from appeals.errors import ActionError, Forbidden, NotFound
from appeals.views.common import map_config, page_of
from organisations.access import path_q
from organisations.models import Node
from organisations.tree import tree

from . import access, coverage, hours, roads, services
from .forms import DetailsForm, HoursForm, ManageForm, SpecialDayForm
from .models import Place


def _place_for(request, pk, action: str) -> Place:
    try:
        return access.get_place_for(request.user, pk, action)
    except NotFound:
        raise Http404 from None
    except Forbidden:
        raise PermissionDenied from None


@login_required
def work_places(request):
    places = access.editable_places(request.user).select_related("node").order_by("node__path", "name")
    if not access.may_create(request.user) and not places.exists():
        raise PermissionDenied
    q = (request.GET.get("q") or "").strip()[:50]
    if q:
        places = places.filter(name__icontains=q)
    return render(request, "places/work_list.html", {
        "page": page_of(request, places), "q": q, "may_create": access.may_create(request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def work_place_new(request):
    if not access.may_create(request.user):
        raise PermissionDenied
    form = ManageForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = form.manager_fields()
        try:
            place = services.create_place(actor=request.user, fields=fields, services=[],
                                          online=form.cleaned_data["online"], hosts=form.cleaned_data["hosts_text"])
        except ActionError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.detail)
        else:
            messages.success(request, _("The place is added: now give its services and opening hours."))
            return redirect("work_place", pk=place.pk)
    return render(request, "places/new.html", {"form": form}, status=400 if form.errors else 200)


def _forms(request, place: Place, bound_section: str | None = None, data=None):
    manager = access.may_manage(request.user, place)
    def pick(name):
        return data if bound_section == name else None
    return {
        "details": DetailsForm(pick("details"), place=place),
        "hours": HoursForm(pick("hours"), place=place),
        "special": SpecialDayForm(pick("special"), initial={"first": timezone.localdate()}),
        "manage": ManageForm(pick("manage"), instance=place, user=request.user) if manager else None,
    }


def _page(request, place: Place, forms: dict, status: int = 200):
    today = timezone.localdate()
    rules = hours.Rules.of(place)  # its special days read once
    return render(request, "places/edit.html", {
        "place": place, "forms": forms, "status": hours.status(rules), "today": hours.text(hours.day(rules, today)),
        "specials": [s for s in place.special_days.all() if s.last >= today],
        "photos": place.photos.all(), "manager": access.may_manage(request.user, place),
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def work_place(request, pk: int):
    """One page, a section per form; each POST changes one section (`section`)."""
    place = _place_for(request, pk, "edit")
    if request.method == "GET":
        return _page(request, place, _forms(request, place))
    section = request.POST.get("section", "")
    handler = SECTIONS.get(section)
    if handler is None:
        raise Http404
    forms = _forms(request, place, section, request.POST)
    form = forms.get(section)
    status = 400
    try:
        done = handler(request, place, form)
    except Forbidden:
        raise PermissionDenied from None
    except ActionError as exc:
        if form is None:
            messages.error(request, exc.detail)
            return redirect("work_place", pk=place.pk)
        if hasattr(form, "add_service_error"):
            form.add_service_error(exc)
        else:
            form.add_error(None, exc.detail)
        done = None
        status = exc.status if exc.status in (403, 409) else 400
        if status == 409:
            # Drawn again from what is stored now, with the refusal on top.
            messages.error(request, exc.detail)
            place.refresh_from_db()
            return _page(request, place, _forms(request, place), status=409)
    if done:
        messages.success(request, done)
        return redirect(reverse("work_place", args=[place.pk]) + f"#{section}")
    place.refresh_from_db()
    return _page(request, place, forms, status=status)


def _details(request, place, form):
    if not form.is_valid():
        return None
    services.update_details(place, actor=request.user, seen=form.cleaned_data["seen"] or None,
                            phone=form.cleaned_data["phone"].strip(), description=form.cleaned_data["description"],
                            services=form.chosen_services())
    return _("The services and contact are saved.")


def _hours(request, place, form):
    if not form.is_valid():
        return None
    data = form.cleaned_data
    services.set_hours(place, actor=request.user, seen=data["seen"] or None, periods=data["periods"],
                       open_24h=data["open_24h"], holidays=data["holidays"] or Place.Holidays.USUAL,
                       follows_workdays=data["follows_workdays"])
    return _("The opening hours are saved.")


def _special(request, place, form):
    if not form.is_valid():
        return None
    data = form.cleaned_data
    services.add_special_day(place, actor=request.user, first=data["first"], last=data["last"],
                             opens=data["opens"], closes=data["closes"], note=data["note"].strip())
    return _("The special day is saved: residents see it at once.")


def _special_remove(request, place, form):
    services.remove_special_day(place, actor=request.user, pk=request.POST.get("special"))
    return _("The special day is removed.")


def _photos(request, place, form):
    services.add_photos(place, actor=request.user, uploads=request.FILES.getlist("photos"))
    return _("The photos are added.")


def _photo_remove(request, place, form):
    services.remove_photo(place, actor=request.user, token=request.POST.get("photo", ""))
    return _("The photo is removed.")


def _manage(request, place, form):
    if form is None:
        raise Forbidden(_("Only the community staff who manage this place may change this."))
    if not form.is_valid():
        return None
    fields = form.manager_fields()
    if not access.manageable_nodes(request.user).filter(pk=fields["node"].pk).exists():
        form.add_error("node", _("You may put places only in the communities you manage."))
        return None
    services.update_details(place, actor=request.user, seen=None, phone=place.phone,
                            description=place.description, services=list(place.services.all()),
                            manager_fields=fields)
    services.set_links(place, actor=request.user, online=form.cleaned_data["online"],
                       hosts=form.cleaned_data["hosts_text"])
    return _("The place's record is saved.")


SECTIONS = {
    "details": _details, "hours": _hours, "special": _special, "special-remove": _special_remove,
    "photos": _photos, "photo-remove": _photo_remove, "manage": _manage,
}


# --- Coverage of the 15-minute circle -------------------------------------------

def _coverage_area(request) -> tuple[Node | None, list[Node]]:
    """The subtree the planner looks at (`area`, within their scope) and the choices."""
    nodes = access.planning_nodes(request.user)
    places = tree()
    if nodes is None:
        choices = [n for n in places.by_id.values() if n.kind in (Node.Kind.COUNTY, Node.Kind.TOWN,
                                                                   Node.Kind.COMMUNITY)]
    else:
        if not nodes:
            raise PermissionDenied
        choices = [n for n in places.by_id.values()
                   if n.kind in (Node.Kind.COUNTY, Node.Kind.TOWN, Node.Kind.COMMUNITY)
                   and any(n.path.startswith(s.path) for s in nodes)]
    choices.sort(key=lambda n: n.path)
    code = request.GET.get("area") or ""
    area = next((n for n in choices if n.code == code), None) or (choices[0] if choices else None)
    return area, choices


@login_required
def coverage_page(request):
    area, choices = _coverage_area(request)
    kinds = [k for k in Place.Kind.values if not request.GET.get("kind") or k == request.GET.get("kind")]
    result = _coverage(area, kinds)
    if request.GET.get("format") == "xlsx":
        return _coverage_xlsx(area, result)
    markers = [{"name": r.compound.name, "lat": r.compound.lat, "lng": r.compound.lng,
                "bands": {k: r.nearest[k].band for k in result.kinds}} for r in result.rows]
    return render(request, "places/coverage.html", {
        "area": area, "choices": choices, "result": result, "kinds": [(k, Place.Kind(k).label) for k in kinds],
        "all_kinds": Place.Kind.choices, "kind": request.GET.get("kind") or "",
        "counts": [(Place.Kind(k).label, result.counts(k)) for k in result.kinds],
        "markers": markers, "map_config": map_config(), "detour": settings.HUBIYING_WALK_DETOUR,
        "table": [(r, [(k, r.nearest[k]) for k in result.kinds]) for r in result.rows],
    })


def _coverage(area: Node | None, kinds: list[str]) -> coverage.Coverage:
    if area is None:
        return coverage.compute([], [], kinds)
    places = tree()
    compounds = [n for n in places.by_id.values() if n.kind == Node.Kind.COMPOUND and n.path.startswith(area.path)]
    compounds.sort(key=lambda n: n.path)
    for c in compounds:
        c.community = places.ancestor_of_kind(c, Node.Kind.COMMUNITY)
    # Places just over the area's edge serve its compounds too: count every published place near it.
    nearby = Place.objects.published().filter(kind__in=kinds)
    root = (places.ancestors(area) or [area])[0]
    nearby = nearby.filter(path_q("node__path", [root]))
    return coverage.compute(compounds, list(nearby.only("id", "name", "kind", "lat", "lng")), kinds,
                            network=roads.network_for(area))


def _coverage_xlsx(area: Node | None, result: coverage.Coverage) -> HttpResponse:
    labels = {"5": _("within 5 minutes"), "10": _("within 10 minutes"), "15": _("within 15 minutes"),
              "out": _("outside 15 minutes")}
    header = [_("Compound"), _("Community")]
    columns = [_("nearest"), _("walking metres"), _("circle")]
    for kind in result.kinds:
        header += [f"{Place.Kind(kind).label}：{column}" for column in columns]
    rows = []
    for r in result.rows:
        line = [r.compound.name, r.community.name if r.community else ""]
        for kind in result.kinds:
            n = r.nearest[kind]
            line += [n.place.name if n.place else "—", n.walk_m if n.walk_m is not None else "—", labels[n.band]]
        rows.append(line)
    title = _("15-minute circle coverage")
    body = workbook(title, area.name if area else "", header, rows)
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename=\"coverage-{area.code if area else 'none'}.xlsx\""
    return response
