"""The residents' pages: a community's events and plans, an event, signing
up with a code to the phone, one's own sign-up by its private link (cancel
there), check-in at the door by the event's QR code. No account needed;
nothing here writes on a GET."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from appeals.access import phone_tail
from appeals.errors import ActionError
from appeals.photos import serve
from appeals.views.common import bound, page_of
from fund.models import Fund
from organisations.access import path_q
from organisations.tree import tree

from . import access, ical, services
from .forms import DoorForm, SignupCodeForm, SignupForm
from .models import Event, Programme, Signup

CALENDAR_PAST_DAYS = 30


def _event_or_404(request, pk) -> Event:
    try:
        return access.get_event_for(request.user, pk)
    except ActionError:
        raise Http404 from None


def event_list(request):
    upcoming = services.counted(access.public_events().filter(ends_at__gte=timezone.now(), cancelled_at__isnull=True)
                                .select_related("node", "place").order_by("starts_at", "id"))
    page = page_of(request, upcoming)
    communities = sorted({e.node for e in page}, key=lambda n: n.path)
    return render(request, "events/list.html", {"page": page, "cards": services.cards(page),
                                                "communities": communities})


def _node_or_404(code: str):
    node = tree().get(code)
    if node is None:
        raise Http404
    return node


def community_events(request, code: str):
    node = _node_or_404(code)
    today = timezone.localdate()
    quarter_start = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    programmes = {p.period: p for p in Programme.objects.filter(
        node=node, starts_on__in=[quarter_start, today.replace(day=1)])}
    events = services.counted(access.public_events().filter(path_q("node__path", [node]))
                              .select_related("node", "place"))
    now = timezone.now()
    return render(request, "events/community.html", {
        "node": node, "plan": programmes.get(Programme.Period.QUARTER),
        "fund_id": Fund.objects.filter(node=node).values_list("pk", flat=True).first(),
        "theme": programmes.get(Programme.Period.MONTH),
        "upcoming": services.cards(events.filter(ends_at__gte=now).order_by("starts_at", "id")[:50]),
        "past": services.cards(events.filter(ends_at__lt=now).order_by("-starts_at", "-id")[:10]),
    })


def community_calendar(request, code: str):
    node = _node_or_404(code)
    since = timezone.now() - timedelta(days=CALENDAR_PAST_DAYS)
    events = (access.public_events().filter(path_q("node__path", [node]), ends_at__gte=since)
              .select_related("place").order_by("starts_at", "id"))
    body = ical.calendar(node, list(events), settings.HUBIYING_SITE_URL)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="events-{node.code}.ics"'
    return response


def event_detail(request, pk: int):
    event = _event_or_404(request, pk)
    card = services.card_of(event)
    return render(request, "events/detail.html", {
        **card, "refusal": services.signup_refusal(event), "form": SignupForm(),
        "may_manage": access.may_manage(request.user, event),
    })


def event_photo(request, pk: int, token: str):
    event = _event_or_404(request, pk)
    photo = event.photos.filter(token=token).first()
    if photo is None:
        raise Http404
    return serve(photo)


@require_http_methods(["POST"])
def event_signup_start(request, pk: int):
    """Step 1 (send the code) and step 2 (the code: signed up, off to the private page)."""
    event = _event_or_404(request, pk)
    card = services.card_of(event)
    status = 400
    if request.POST.get("code") is None:
        form = SignupForm(*bound(request))
        if form.is_valid():
            try:
                phone = services.send_code(event, form.cleaned_data["phone"])
            except ActionError as exc:
                form.add_service_error(exc)
                status = exc.status
            else:
                code_form = SignupCodeForm(initial={"name": form.cleaned_data["name"], "phone": phone})
                return render(request, "events/code.html", {**card, "form": code_form, "tail": phone_tail(phone)})
        return render(request, "events/detail.html", {**card, "form": form, "refusal": services.signup_refusal(event)},
                      status=status)
    form = SignupCodeForm(*bound(request))
    if form.is_valid():
        try:
            signup, _new = services.sign_up(event, **form.cleaned_data)
        except ActionError as exc:
            form.add_service_error(exc)
            status = exc.status
        else:
            return redirect(services.private_path(signup))
    phone = form.data.get("phone", "")
    return render(request, "events/code.html", {**card, "form": form, "tail": phone_tail(phone)}, status=status)


def _signup_or_404(pk, token) -> Signup:
    signup = Signup.objects.select_related("event", "event__node", "event__place").filter(pk=pk).first()
    if signup is None or not services.token_matches(signup, token):
        raise Http404
    return signup


@require_http_methods(["GET", "POST"])
def signup_page(request, pk: int, token: str):
    signup = _signup_or_404(pk, token)
    error, status = None, 200
    if request.method == "POST" and request.POST.get("action") == "cancel":
        try:
            signup = services.cancel(signup)
        except ActionError as exc:
            error, status = exc.detail, exc.status
        else:
            return redirect(services.private_path(signup))
    return render(request, "events/signup.html", {
        "signup": signup, "event": signup.event, "position": services.waiting_position(signup),
        "may_cancel": signup.state in (Signup.State.CONFIRMED, Signup.State.WAITING)
        and timezone.now() < signup.event.starts_at, "error": error,
    }, status=status)


@require_http_methods(["GET", "POST"])
def event_checkin(request, pk: int, token: str):
    event = _event_or_404(request, pk)
    if not services.token_matches_door(event, token):
        raise Http404
    form = DoorForm(*bound(request))
    done, status = None, 200
    if request.method == "POST" and form.is_valid():
        try:
            done = services.check_in_at_door(event, token, form.cleaned_data["phone"])
        except ActionError as exc:
            form.add_service_error(exc)
            status = exc.status
    elif request.method == "POST":
        status = 400
    return render(request, "events/door.html", {"event": event, "form": form, "done": done}, status=status)
