"""The care pages of community staff and grid workers: the day's orders
(missed ones first), the recipients in their scope (masked; the full record
shown on request and logged), their plans and one-off orders, and the
canteens' meal counts."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from appeals.access import mask_name, mask_phone
from appeals.errors import ActionError, Forbidden, NotFound
from appeals.views.common import page_of
from organisations.access import path_q
from organisations.models import Node
from organisations.tree import tree
from volunteers.models import Volunteer

from . import access, schedule, services
from .forms import OrderForm, PlanForm, RecipientForm
from .models import Order, Plan, Recipient

S = Order.State


def _day(request, default: date) -> date:
    asked = parse_date(request.GET.get("day") or "") if len(request.GET.get("day") or "") == 10 else None
    return asked or default


def _carer(request):
    if not access.may_care(request.user):
        raise PermissionDenied


def _recipient(request, pk, manage=False) -> Recipient:
    try:
        return access.get_recipient_for(request.user, pk, manage=manage)
    except NotFound:
        raise Http404 from None
    except Forbidden:
        raise PermissionDenied from None


# --- The day's orders -------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def today(request):
    _carer(request)
    day = _day(request, timezone.localdate())
    if request.method == "POST":
        _act(request)
        return redirect(reverse("work_care") + f"?day={request.POST.get('day') or day.isoformat()}#orders")
    now = timezone.now()
    orders = list(access.orders_for(request.user).filter(day=day).exclude(mode=Plan.Mode.DINE_IN)
                  .select_related("recipient__node", "volunteer", "canteen").order_by("due_at", "id"))
    for o in orders:
        o.who, o.area, o.missed_now = mask_name(o.recipient.name), o.recipient.node.name, o.missed(now)
    groups = [
        ("missed", _("Missed: not done by their time"), [o for o in orders if o.missed_now]),
        ("todo", _("To do"), [o for o in orders if o.state in Order.PENDING and not o.missed_now]),
        ("done", _("Done, waiting for the recipient's confirmation"), [o for o in orders if o.state == S.DONE]),
        ("confirmed", _("Confirmed"), [o for o in orders if o.state == S.CONFIRMED]),
        ("cancelled", _("Cancelled"), [o for o in orders if o.state == S.CANCELLED]),
    ]
    manage = access.may_manage_any(request.user)
    volunteers = list(_assignable(request.user)) if manage else []
    return render(request, "care/today.html", {
        "day": day, "groups": groups, "manage": manage, "volunteers": volunteers,
        "previous": day - timedelta(days=1), "next": day + timedelta(days=1), "is_today": day == timezone.localdate(),
        "dine_in": access.orders_for(request.user).filter(day=day, mode=Plan.Mode.DINE_IN).exclude(
            state=S.CANCELLED).count(),
    })


def _assignable(user):
    nodes = access.managing_nodes(user)
    qs = Volunteer.objects.filter(active=True).select_related("node").order_by("node__path", "name")
    if nodes is None:
        return qs
    return qs.filter(path_q("node__path", nodes))


def _community_path(recipient: Recipient) -> str:
    community = tree().ancestor_of_kind(recipient.node, Node.Kind.COMMUNITY)
    return (community or recipient.node).path


def _act(request) -> None:
    """One action on one order, from the day's page or a recipient's page."""
    action = request.POST.get("action")
    try:
        order = access.orders_for(request.user).select_related("recipient").filter(
            pk=request.POST.get("order") or 0).first()
        if order is None:
            raise NotFound(_("No such order."))
        if action == "confirm":
            services.confirm(order, by=request.user)
            messages.success(request, _("Confirmed on the recipient's behalf: the volunteer's hours are recorded."))
        elif action in ("assign", "cancel"):
            if not access.may_manage(request.user, order.recipient):
                raise Forbidden(_("Only community staff assign and cancel orders."))
            if action == "cancel":
                services.cancel(order, actor=request.user)
                messages.success(request, _("The order is cancelled."))
            else:
                volunteer = _assignable(request.user).filter(pk=request.POST.get("volunteer") or 0).first()
                if volunteer is None:
                    raise NotFound(_("Choose a volunteer."))
                services.assign(order, volunteer, actor=request.user)
                messages.success(request, _("%(name)s has the order and is told by text message.")
                                 % {"name": volunteer.name})
        else:
            raise NotFound(_("No such action."))
    except ActionError as exc:
        messages.error(request, exc.detail)


# --- Recipients ------------------------------------------------------------------------------------

@login_required
def recipient_list(request):
    _carer(request)
    recipients = access.recipients_for(request.user).select_related("node").annotate(
        n_plans=Count("plans", filter=Q(plans__active=True))).order_by("node__path", "name", "id")
    if request.GET.get("all") != "1":
        recipients = recipients.filter(active=True)
    category = request.GET.get("category") or ""
    if category in Recipient.Category.values:
        recipients = recipients.filter(category=category)
    page = page_of(request, recipients)
    for r in page:
        r.masked_name, r.masked_phone = mask_name(r.name), mask_phone(r.phone)
    return render(request, "care/recipients.html", {
        "page": page, "category": category, "categories": Recipient.Category.choices,
        "manage": access.may_manage_any(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def recipient_new(request):
    if not access.may_manage_any(request.user):
        raise PermissionDenied
    form = RecipientForm(request.POST or None, nodes=access.managing_nodes(request.user))
    if request.method == "POST" and form.is_valid():
        form.instance.created_by = request.user
        recipient = form.save()
        messages.success(request, _("Registered. Now make their plan (a daily lunch, a monthly haircut…)."))
        return redirect("work_care_recipient", pk=recipient.pk)
    return render(request, "care/recipient_new.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def recipient_page(request, pk: int):
    recipient = _recipient(request, pk)
    manage = access.may_manage(request.user, recipient)
    section = request.POST.get("section") if request.method == "POST" else None
    if section in ("details", "plan", "stop_plan") and not manage:
        raise PermissionDenied
    details = RecipientForm(request.POST if section == "details" else None, instance=recipient,
                            nodes=access.managing_nodes(request.user)) if manage else None
    plan_form = PlanForm(request.POST if section == "plan" else None, recipient=recipient) if manage else None
    order_form = OrderForm(request.POST if section == "order" else None, recipient=recipient,
                           initial={"day": timezone.localdate() + timedelta(days=1)})
    revealed, status = False, 200
    if section == "reveal":
        services.log_view(recipient, user=request.user)
        revealed = True
    elif section == "details":
        if details.is_valid():
            details.save()
            messages.success(request, _("Saved."))
            return redirect("work_care_recipient", pk=recipient.pk)
        status = 400
    elif section == "plan":
        if plan_form.is_valid():
            plan = plan_form.save()
            n = schedule.make_for(plan)
            messages.success(request, _("The plan is made: %(n)d orders in the coming days.") % {"n": n})
            return redirect(reverse("work_care_recipient", args=[recipient.pk]) + "#plans")
        status = 400
    elif section == "stop_plan":
        plan = recipient.plans.filter(pk=request.POST.get("plan") or 0, active=True).first()
        if plan is None:
            raise Http404
        Plan.objects.filter(pk=plan.pk).update(active=False)
        n = schedule.drop_future(plan)
        messages.success(request, _("The plan is stopped; %(n)d orders not yet taken are withdrawn.") % {"n": n})
        return redirect(reverse("work_care_recipient", args=[recipient.pk]) + "#plans")
    elif section == "order":
        if order_form.is_valid():
            data = order_form.cleaned_data
            try:
                services.new_order(recipient, kind=data["kind"], day=data["day"], at=data["at"], note=data["note"],
                                   canteen=data["canteen"], volunteer=data["volunteer"], actor=request.user)
            except ActionError as exc:
                for field, detail in exc.errors:
                    order_form.add_error(field if field in order_form.fields else None, detail)
                status = exc.status
            else:
                messages.success(request, _("The order is made."))
                return redirect(reverse("work_care_recipient", args=[recipient.pk]) + "#orders")
        else:
            status = 400
    elif section == "act":
        _act(request)
        return redirect(reverse("work_care_recipient", args=[recipient.pk]) + "#orders")
    elif section is not None:
        status = 400
    now = timezone.now()
    orders = list(recipient.orders.select_related("volunteer", "canteen").filter(
        day__gte=timezone.localdate() - timedelta(days=14)).order_by("-day", "-due_at")[:40])
    for o in orders:
        o.missed_now = o.missed(now)
    return render(request, "care/recipient.html", {
        "recipient": recipient, "manage": manage, "revealed": revealed,
        "name": recipient.name if revealed else mask_name(recipient.name),
        "phone": recipient.phone if revealed else mask_phone(recipient.phone),
        "address": recipient.address if revealed else "",
        "details": details, "plan_form": plan_form, "order_form": order_form,
        "plans": list(recipient.plans.filter(active=True).select_related("canteen", "volunteer")),
        "orders": orders,
        "volunteers": list(_assignable(request.user).filter(node__path__startswith=_community_path(recipient)))
        if manage else [],
    }, status=status)


# --- Meals ------------------------------------------------------------------------------------------

@login_required
def meals(request):
    if not access.may_count_meals(request.user):
        raise PermissionDenied
    day = _day(request, timezone.localdate() + timedelta(days=1))
    canteens = access.canteens_for(request.user)
    orders = Order.objects.filter(canteen__in=canteens)
    return render(request, "care/meals.html", {
        "day": day, "counts": services.meal_counts(orders, day),
        "previous": day - timedelta(days=1), "next": day + timedelta(days=1),
    })
