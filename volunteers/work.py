"""Community staff's pages for volunteers: the registry of their subtree
(search, filter by team or skill, phones masked), registering and changing a
volunteer, sending them their private link, their hours and certificate, the
ranking per period, and putting volunteers on duty at an event."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from analysis.periods import PRESETS, preset
from appeals.access import mask_phone
from appeals.errors import ActionError, NotFound
from appeals.views.common import page_of
from events import access as event_access
from organisations.access import path_q
from organisations.models import Node, PersonalDataView

from . import access, services
from .forms import DutyForm, VolunteerForm
from .models import Duty, Skill, Team, Volunteer
from .views import certificate_response

PERIODS = [(k, label) for k, label in PRESETS if k != "custom"]


def _manager(request):
    if not access.may_manage_any(request.user):
        raise PermissionDenied


def _volunteer(request, pk) -> Volunteer:
    try:
        return access.get_volunteer_for(request.user, pk)
    except NotFound:
        raise Http404 from None


@login_required
def volunteer_list(request):
    _manager(request)
    volunteers = access.volunteers_for(request.user).select_related("node").prefetch_related("skills", "teams")
    q = (request.GET.get("q") or "").strip()[:40]
    if q:
        volunteers = volunteers.filter(Q(name__contains=q) | Q(phone__endswith=q))
    team = request.GET.get("team") or ""
    if team.isdigit():
        volunteers = volunteers.filter(teams=int(team))
    skill = request.GET.get("skill") or ""
    if skill:
        volunteers = volunteers.filter(skills__code=skill)
    if request.GET.get("all") != "1":
        volunteers = volunteers.filter(active=True)
    page = page_of(request, volunteers.distinct())
    for v in page:
        v.masked_phone = mask_phone(v.phone)
    nodes = access.managing_nodes(request.user)
    teams = Team.objects.filter(active=True).select_related("node")
    if nodes is not None:
        teams = teams.filter(path_q("node__path", nodes))
    return render(request, "volunteers/work_list.html", {
        "page": page, "q": q, "team": team, "skill": skill, "teams": teams, "skills": Skill.objects.all(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_new(request):
    _manager(request)
    form = VolunteerForm(request.POST or None, nodes=access.managing_nodes(request.user),
                         initial={"joined_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        if Volunteer.objects.filter(node=form.cleaned_data["node"], phone=form.cleaned_data["phone"]).exists():
            form.add_error("phone", _("A volunteer of this community already has this phone."))
        else:
            volunteer = form.save()
            services.send_link(volunteer)
            messages.success(request, _("%(name)s is registered and gets their link by text message.")
                             % {"name": volunteer.name})
            return redirect("work_volunteer", pk=volunteer.pk)
    return render(request, "volunteers/new.html", {"form": form}, status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_edit(request, pk: int):
    volunteer = _volunteer(request, pk)
    section = request.POST.get("section") if request.method == "POST" else None
    form = VolunteerForm(request.POST if section == "details" else None, instance=volunteer,
                         nodes=access.managing_nodes(request.user))
    status = 200
    phone = None
    if section == "details":
        if form.is_valid():
            clash = Volunteer.objects.filter(node=form.cleaned_data["node"], phone=form.cleaned_data["phone"]) \
                .exclude(pk=volunteer.pk).exists()
            if clash:
                form.add_error("phone", _("A volunteer of this community already has this phone."))
            else:
                form.save()
                messages.success(request, _("Saved."))
                return redirect("work_volunteer", pk=volunteer.pk)
        status = 400
    elif section == "link":
        services.send_link(volunteer)
        messages.success(request, _("The link is on its way by text message."))
        return redirect("work_volunteer", pk=volunteer.pk)
    elif section == "reveal":
        PersonalDataView.objects.create(viewer=request.user, subject=f"volunteer:{volunteer.pk}", field="phone")
        phone = volunteer.phone
    elif section is not None:
        status = 400
    today = timezone.localdate()
    return render(request, "volunteers/edit.html", {
        "volunteer": volunteer, "form": form, "phone": phone or mask_phone(volunteer.phone), "revealed": bool(phone),
        "entries": list(volunteer.hours.all()[:50]),
        "total": services.hours_text(services.total_minutes(volunteer)),
        "this_year": services.hours_text(services.total_minutes(volunteer, date(today.year, 1, 1))),
        "duties": list(volunteer.duties.select_related("event").order_by("-event__starts_at")[:20]),
        "orders": list(volunteer.care_orders.select_related("recipient__node").order_by("-due_at")[:20]),
        "year": today.year,
    }, status=status)


@login_required
def volunteer_certificate(request, pk: int):
    return certificate_response(request, _volunteer(request, pk))


@login_required
def ranking(request):
    _manager(request)
    key = request.GET.get("period") if request.GET.get("period") in dict(PERIODS) else "quarter"
    period = preset(key, timezone.localdate())
    first, last = period.start or date(2000, 1, 1), period.end or date(2100, 12, 31)
    volunteers = access.volunteers_for(request.user)
    communities = list(Node.objects.filter(pk__in=volunteers.values("node")).order_by("path"))
    community = next((n for n in communities if str(n.pk) == request.GET.get("community")), None)
    if community is not None:
        volunteers = volunteers.filter(node=community)
    ranked = services.ranking(volunteers, first, last, limit=100)
    for v in ranked:
        v.hours_text = services.hours_text(v.minutes)
    return render(request, "volunteers/ranking.html", {
        "ranked": ranked, "periods": PERIODS, "period": key, "first": period.start, "last": period.end,
        "communities": communities if len(communities) > 1 else [], "community": community})


# --- Duties at events (the event's organiser page links here) ------------------------------

def _event(request, pk):
    try:
        return event_access.get_event_for(request.user, pk, manage=True)
    except NotFound:
        raise Http404 from None
    except ActionError:
        raise PermissionDenied from None


def duties_context(event) -> dict:
    """What the event's organiser page shows of its volunteers."""
    return {"duties": list(event.duties.exclude(state=Duty.State.WITHDRAWN).select_related("volunteer")),
            "duty_form": DutyForm(event=event)}


@login_required
@require_POST
def event_duties(request, pk: int):
    event = _event(request, pk)
    action = request.POST.get("action")
    try:
        if action == "assign":
            form = DutyForm(request.POST, event=event)
            if not form.is_valid():
                for errors in form.errors.values():
                    for e in errors:
                        messages.error(request, e)
                return redirect(reverse("work_event", args=[event.pk]) + "#duties")
            services.assign_duty(event, form.cleaned_data["volunteer"], form.cleaned_data["task"], actor=request.user)
            messages.success(request, _("%(name)s is on duty.") % {"name": form.cleaned_data["volunteer"].name})
        elif action in ("check_in", "withdraw"):
            duty = event.duties.filter(pk=request.POST.get("duty") or 0).select_related("volunteer").first()
            if duty is None:
                raise NotFound(_("No such duty."))
            if action == "check_in":
                services.check_in_duty(duty, actor=request.user)
                messages.success(request, _("%(name)s served: the hours are recorded.") % {"name": duty.volunteer.name})
            else:
                services.withdraw_duty(duty, actor=request.user)
                messages.success(request, _("The duty is withdrawn."))
        else:
            raise NotFound(_("No such action."))
    except ActionError as exc:
        messages.error(request, exc.detail)
    return redirect(reverse("work_event", args=[event.pk]) + "#duties")
