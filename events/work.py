"""The organisers' pages: community staff (and administrators) list, create
and change the events of their subtree, see who signed up (phones masked),
check people in from a phone, show the door's QR code, call an event off and
close its attendance."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from appeals.access import mask_name, mask_phone
from appeals.errors import ActionError, Forbidden, NotFound
from appeals.views.common import page_of
from places.poster import qr_svg

from . import access, services
from .forms import EventForm
from .models import Event, Signup


def _event_for(request, pk) -> Event:
    try:
        return access.get_event_for(request.user, pk, manage=True)
    except NotFound:
        raise Http404 from None
    except Forbidden:
        raise PermissionDenied from None


@login_required
def event_list(request):
    if not access.may_organise(request.user):
        raise PermissionDenied
    now = timezone.now()
    events = services.counted(access.managed_events(request.user).select_related("node", "place"))
    which = request.GET.get("when") if request.GET.get("when") in ("past", "upcoming") else "upcoming"
    events = (events.filter(ends_at__gte=now).order_by("starts_at", "id") if which == "upcoming"
              else events.filter(ends_at__lt=now).order_by("-starts_at", "-id"))
    page = page_of(request, events)
    return render(request, "events/work_list.html", {"page": page, "cards": services.cards(page), "when": which})


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request):
    if not access.may_organise(request.user):
        raise PermissionDenied
    form = EventForm(request.POST or None, user=request.user, initial={"published": True})
    if request.method == "POST" and form.is_valid():
        try:
            event = services.save_event(Event(organiser=request.user), actor=request.user, **form.event_fields())
        except ActionError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The event is saved."))
            return redirect("work_event", pk=event.pk)
    return render(request, "events/new.html", {"form": form}, status=400 if request.method == "POST" else 200)


SECTIONS = ("details", "checkin", "cancel", "close", "photos", "photo-remove")


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request, pk: int):
    event = _event_for(request, pk)
    form = EventForm(request.POST if request.POST.get("section") == "details" else None, user=request.user,
                     event=event)
    status = 200
    if request.method == "POST":
        section = request.POST.get("section")
        try:
            if section == "details":
                if form.is_valid():
                    services.save_event(event, actor=request.user, seen=form.cleaned_data.get("seen") or None,
                                        **form.event_fields())
                    messages.success(request, _("The event is saved."))
                    return redirect("work_event", pk=event.pk)
                status = 400
            elif section == "checkin":
                signup = event.signups.filter(pk=request.POST.get("signup") or 0).first()
                if signup is None:
                    raise NotFound(_("No such sign-up."))
                services.check_in(signup, actor=request.user)
                messages.success(request, _("%(name)s is checked in.") % {"name": mask_name(signup.name)})
                return redirect(reverse("work_event", args=[event.pk]) + "#signups")
            elif section == "cancel":
                services.call_off(event, actor=request.user, seen=request.POST.get("seen") or None)
                messages.success(request, _("The event is called off; everyone signed up gets a text message."))
                return redirect("work_event", pk=event.pk)
            elif section == "photos":
                services.add_photos(event, actor=request.user, uploads=request.FILES.getlist("photos"))
                messages.success(request, _("The photos are added."))
                return redirect(reverse("work_event", args=[event.pk]) + "#photos")
            elif section == "photo-remove":
                services.remove_photo(event, actor=request.user, token=request.POST.get("photo", ""))
                messages.success(request, _("The photo is removed."))
                return redirect(reverse("work_event", args=[event.pk]) + "#photos")
            elif section == "close":
                n = services.close_attendance(event, actor=request.user)
                messages.success(request, _("Attendance closed: %(n)d did not come.") % {"n": n})
                return redirect("work_event", pk=event.pk)
            else:
                status = 400
        except ActionError as exc:
            status = exc.status
            if section == "details":
                form.add_service_error(exc)
            else:
                messages.error(request, exc.detail)
        event.refresh_from_db()
    signups = list(event.signups.exclude(state=Signup.State.CANCELLED).order_by("created_at", "id"))
    for s in signups:
        s.masked_phone, s.masked_name = mask_phone(s.phone), s.name
    door_url = request.build_absolute_uri(reverse("event_checkin", args=[event.pk, event.checkin_token]))
    now = timezone.now()
    from volunteers.work import duties_context  # volunteers builds on events, not the other way round

    return render(request, "events/edit.html", {
        **duties_context(event),
        "event": event, "form": form, "signups": signups, "door_url": door_url, "door_qr": qr_svg(door_url),
        "seated": sum(s.state in Signup.SEATED for s in signups),
        "waiting": sum(s.state == Signup.State.WAITING for s in signups),
        "attended": sum(s.state == Signup.State.ATTENDED for s in signups),
        "ended": now >= event.ends_at, "begun": now >= event.starts_at, "photos": list(event.photos.all()),
        "may_close": now >= event.ends_at and not event.attendance_closed_at,
    }, status=status)
