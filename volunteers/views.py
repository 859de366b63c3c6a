"""A volunteer's own pages, without an account: their private link (sent by
text message when the community registers them, or got back here with a
one-time code to their phone) shows the care orders they may take and have
taken, their duties at events and the hours their confirmed work earned,
with the certificate to print. Nothing here writes on a GET."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from appeals.access import mask_name, mask_phone, phone_tail
from appeals.errors import ActionError, NotFound
from appeals.views.common import bound
from care import services as care
from care.models import Order

from . import services
from .certificate import certificate_pdf
from .forms import LookupCodeForm, LookupForm
from .models import Duty, Volunteer

OPEN_DAYS = 3  # open orders shown from today this many days ahead


def _volunteer_or_404(pk, token) -> Volunteer:
    volunteer = Volunteer.objects.select_related("node").filter(pk=pk, active=True).first()
    if volunteer is None or not services.token_matches(volunteer, token):
        raise Http404
    return volunteer


@require_http_methods(["GET", "POST"])
def lookup(request):
    """Step 1: the phone (a code goes to it); step 2: the code, then the volunteer's own page."""
    status = 200
    if request.method == "POST" and request.POST.get("code") is None:
        form = LookupForm(*bound(request))
        if form.is_valid():
            try:
                phone = services.send_code(form.cleaned_data["phone"])
            except ActionError as exc:
                form.add_service_error(exc)
                status = exc.status
            else:
                return render(request, "volunteers/code.html",
                              {"form": LookupCodeForm(initial={"phone": phone}), "tail": phone_tail(phone)})
        else:
            status = 400
        return render(request, "volunteers/lookup.html", {"form": form}, status=status)
    if request.method == "POST":
        form = LookupCodeForm(*bound(request))
        if form.is_valid():
            try:
                found = services.volunteers_for(form.cleaned_data["phone"], form.cleaned_data["code"])
            except ActionError as exc:
                form.add_service_error(exc)
                status = exc.status
            else:
                if len(found) == 1:
                    return redirect(services.private_path(found[0]))
                return render(request, "volunteers/choose.html",
                              {"found": [(v, services.private_path(v)) for v in found]})
        else:
            status = 400
        return render(request, "volunteers/code.html", {"form": form, "tail": phone_tail(form.data.get("phone", ""))},
                      status=status)
    return render(request, "volunteers/lookup.html", {"form": LookupForm()})


ACTIONS = {"take": care.take, "release": care.release, "done": care.done}


@require_http_methods(["GET", "POST"])
def home(request, pk: int, token: str):
    volunteer = _volunteer_or_404(pk, token)
    error, status, revealed, notice = None, 200, None, None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            order = _order(request.POST.get("order"))
            if action == "reveal":
                if order.volunteer_id != volunteer.pk or order.state not in Order.PENDING:
                    raise NotFound(_("You see the address of an order you have taken, until it is done."))
                care.log_view(order.recipient, label=f"volunteer:{volunteer.pk}")
                revealed = order.pk
            elif action in ACTIONS:
                ACTIONS[action](order, volunteer)
                return redirect(services.private_path(volunteer) + f"?did={action}#mine")
            else:
                raise NotFound(_("No such action."))
        except ActionError as exc:
            error, status = exc.detail, exc.status
    did = request.GET.get("did") if request.method == "GET" else None
    notice = {"take": _("The order is yours. Thank you!"), "release": _("The order is given back."),
              "done": _("Marked done. The recipient or the grid worker confirms it, and the hours are yours.")
              }.get(did)
    return render(request, "volunteers/home.html", {**_home(volunteer, revealed), "error": error, "notice": notice},
                  status=status)


def _order(pk) -> Order:
    try:
        return Order.objects.select_related("recipient", "recipient__node").get(pk=int(pk))
    except (TypeError, ValueError, Order.DoesNotExist):
        raise NotFound(_("No such order.")) from None


def _home(volunteer: Volunteer, revealed: int | None) -> dict:
    now = timezone.now()
    today = timezone.localdate()
    mine = list(volunteer.care_orders.filter(state__in=(*Order.PENDING, Order.State.DONE), day__gte=today - timedelta(
        days=1)).select_related("recipient", "recipient__node", "canteen").order_by("due_at", "id")[:50])
    for o in mine:
        o.missed_now = o.missed(now)
        o.due_today = o.day <= today  # done on its day, not before
        r = o.recipient
        o.who = r.name if o.pk == revealed else mask_name(r.name)
        o.address = r.address if o.pk == revealed else ""
        o.phone = r.phone if o.pk == revealed else mask_phone(r.phone)
        o.needs = r.needs
        o.diet = r.get_diet_display()
    skills = set(volunteer.skills.values_list("code", flat=True))
    open_orders = Order.objects.filter(
        state=Order.State.OPEN, day__gte=today, day__lte=today + timedelta(days=OPEN_DAYS),
        recipient__node__path__startswith=volunteer.node.path, due_at__gt=now,
    ).exclude(mode="dine_in").select_related("recipient__node", "canteen").order_by("due_at", "id")
    if skills:
        open_orders = open_orders.filter(kind__in=skills)
    open_orders = list(open_orders[:30])
    for o in open_orders:
        o.who = mask_name(o.recipient.name)
        o.area = o.recipient.node.name
    duties = list(volunteer.duties.filter(state=Duty.State.ASSIGNED, event__ends_at__gte=now)
                  .select_related("event", "event__place").order_by("event__starts_at")[:20])
    year_start = today.replace(month=1, day=1)
    return {
        "volunteer": volunteer, "mine": mine, "open_orders": open_orders, "duties": duties,
        "total": services.hours_text(services.total_minutes(volunteer)),
        "this_year": services.hours_text(services.total_minutes(volunteer, year_start)),
        "entries": list(volunteer.hours.all()[:10]),
        "certificate_path": reverse("volunteer_certificate", args=[volunteer.pk, services.token_for(volunteer)]),
        "skills": list(volunteer.skills.all()), "teams": list(volunteer.teams.filter(active=True)),
    }


def certificate(request, pk: int, token: str):
    volunteer = _volunteer_or_404(pk, token)
    return certificate_response(request, volunteer)


def certificate_response(request, volunteer: Volunteer) -> HttpResponse:
    """The certificate of hours (PDF): all of them, or one year (`?year=2026`)."""
    first = last = None
    year = request.GET.get("year", "")
    if year.isdigit() and 2000 <= int(year) <= 2100:
        first, last = date(int(year), 1, 1), date(int(year), 12, 31)
    with translation.override(settings.LANGUAGE_CODE):  # the certificate is in the platform's language
        issuer = _("%(community)s residents' committee") % {"community": volunteer.node.name}
    body = certificate_pdf(volunteer, first, last, issued_by=issuer,
                           verify_url=request.build_absolute_uri(services.verify_path(volunteer)))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="volunteer-hours-{volunteer.pk}.pdf"'
    return response


def verify(request, pk: int, token: str):
    """What a certificate's QR code opens: that the volunteer is registered and
    their hours so far (the name masked; no link to their orders)."""
    volunteer = Volunteer.objects.select_related("node").filter(pk=pk).first()
    if volunteer is None or not services.verify_matches(volunteer, token):
        raise Http404
    return render(request, "volunteers/verify.html", {
        "name": mask_name(volunteer.name), "node": volunteer.node, "active": volunteer.active,
        "total": services.hours_text(services.total_minutes(volunteer)), "since": volunteer.joined_on,
    })
