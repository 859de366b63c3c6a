"""Everything that changes a care order, each on its locked row: a volunteer
takes it (or staff assign one), says it is done, the recipient confirms it
with a tap on their private link — or the grid worker on their behalf — and
only then does the volunteer earn its hours. Orders not done by their time
are the day's missed orders; the timers remind their volunteer once."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from appeals.errors import Forbidden, Invalid, WrongState
from hubiying import tokens
from notifications import sms
from notifications.models import SmsMessage
from organisations.models import PersonalDataView
from places.models import Place
from volunteers.models import HoursEntry, Volunteer
from volunteers.services import earn

from . import workflow
from .models import MINUTES, Kind, Order, Plan, Recipient

S = Order.State
T = SmsMessage.Template


# --- The recipient's tap ---------------------------------------------------------------

def token_for(order: Order) -> str:
    return tokens.make("hubiying.care.order", f"{order.pk}:{order.recipient_id}")


def token_matches(order: Order, token) -> bool:
    return tokens.matches(token_for(order), token)


def private_path(order: Order) -> str:
    return reverse("care_confirm", args=[order.pk, token_for(order)])


def _when(order: Order) -> str:
    return timezone.localtime(order.due_at).strftime("%m-%d %H:%M")


# --- Who sees the recipient's details ---------------------------------------------------

def log_view(recipient: Recipient, *, user=None, label: str = "", fields=("name", "phone", "address")) -> None:
    PersonalDataView.objects.bulk_create([
        PersonalDataView(viewer=user, viewer_label=label, subject=f"care_recipient:{recipient.pk}", field=f)
        for f in fields if getattr(recipient, f)])


# --- Orders --------------------------------------------------------------------------------

def _locked(order: Order) -> Order:
    # Only the order's row: PostgreSQL locks no optional (outer-joined) row, and none is needed.
    return Order.objects.select_for_update(of=("self",)).select_related("recipient", "volunteer").get(pk=order.pk)


def new_order(recipient: Recipient, *, kind: str, day: date, at: time, actor, note: str = "",
              canteen=None, mode: str = Plan.Mode.DELIVERY, volunteer: Volunteer | None = None) -> Order:
    """A one-off order (a haircut on Thursday, a ride to the hospital)."""
    problems = []
    if kind not in Kind.values:
        problems.append(Invalid(_("Choose what is to be done."), field="kind"))
    if kind == Kind.MEAL and canteen is None:
        problems.append(Invalid(_("A meal comes from a canteen: choose one."), field="canteen"))
    due = timezone.make_aware(datetime.combine(day, at))
    if due <= timezone.now():
        problems.append(Invalid(_("The time to do it by has already passed."), field="day"))
    if problems:
        raise Invalid.all_of(problems)
    with transaction.atomic():
        order = Order.objects.create(recipient=recipient, kind=kind, canteen=canteen, mode=mode, day=day, due_at=due,
                                     minutes=MINUTES[kind], note=note[:200], created_by=actor)
        if volunteer is not None:
            assign(order, volunteer, actor=actor)
            order.refresh_from_db()
    return order


def _may_take(order: Order, volunteer: Volunteer) -> None:
    if not order.needs_volunteer:
        raise WrongState(_("A meal eaten at the canteen needs no volunteer."))
    if not volunteer.active:
        raise Forbidden(_("This volunteer is no longer active."))
    if not volunteer.node.related_to(order.recipient.node):
        raise Forbidden(_("This order is in another community."))


def take(order: Order, volunteer: Volunteer) -> Order:
    """The volunteer takes an open order; of two taking it at once one gets it."""
    with transaction.atomic():
        order = _locked(order)
        _may_take(order, volunteer)
        if order.state == S.TAKEN and order.volunteer_id != volunteer.pk:
            raise WrongState(_("Someone else has taken this order."), code="taken")
        if order.state == S.TAKEN:
            return order
        return workflow.move(order, "take", volunteer=volunteer)


def assign(order: Order, volunteer: Volunteer, *, actor) -> Order:
    """Staff give an open (or someone else's taken) order to `volunteer`, who is told by text message."""
    with transaction.atomic():
        order = _locked(order)
        _may_take(order, volunteer)
        previous = order.volunteer if order.state == S.TAKEN and order.volunteer_id != volunteer.pk else None
        if order.state == S.TAKEN:
            workflow.move(order, "release", volunteer=None, reminded_at=None)  # the new volunteer is reminded anew
        workflow.move(order, "take", volunteer=volunteer)
        if previous is not None:  # so that they do not go as well
            sms.queue(previous.phone, T.CARE_CANCELLED, {"what": order.get_kind_display(), "when": _when(order)})
        sms.queue(volunteer.phone, T.CARE_ASSIGNED, {"what": order.get_kind_display(), "when": _when(order),
                                                       "link": _volunteer_url(volunteer)})
    return order


def _volunteer_url(volunteer: Volunteer) -> str:
    from volunteers.services import private_url

    return private_url(volunteer)


def _own(order: Order, volunteer: Volunteer) -> None:
    if order.volunteer_id != volunteer.pk:
        raise Forbidden(_("This order is not yours."))


def release(order: Order, volunteer: Volunteer) -> Order:
    with transaction.atomic():
        order = _locked(order)
        _own(order, volunteer)
        return workflow.move(order, "release", volunteer=None, reminded_at=None)


def done(order: Order, volunteer: Volunteer) -> Order:
    """The volunteer says it is done; the recipient (if they have a phone) gets the link to confirm."""
    with transaction.atomic():
        order = _locked(order)
        _own(order, volunteer)
        if timezone.now() < timezone.make_aware(datetime.combine(order.day, time.min)):
            raise WrongState(_("This order is for %(day)s: it is done on that day.") % {"day": order.day})
        workflow.move(order, "done")
        if order.recipient.phone:
            sms.queue(order.recipient.phone, T.CARE_DONE, {
                "what": order.get_kind_display(), "volunteer": order.volunteer.name,
                "link": settings.HUBIYING_SITE_URL.rstrip("/") + private_path(order)})
    return order


def confirm(order: Order, *, by=None) -> Order:
    """The recipient's tap (`by` None) or a grid worker's or staff member's
    confirmation on their behalf: the order is confirmed and its volunteer
    earns its minutes, once."""
    with transaction.atomic():
        order = _locked(order)
        workflow.move(order, "confirm", confirmed_by=by)
        with translation.override(settings.LANGUAGE_CODE):  # the record, and the certificate, in one language
            what = f"{order.get_kind_display()} · {order.day:%m-%d}"
        earn(order.volunteer, kind=HoursEntry.Kind.ORDER, source=f"order:{order.pk}", what=what, on=order.day,
             minutes=order.minutes, by=by)
    return order


def cancel(order: Order, *, actor) -> Order:
    with transaction.atomic():
        order = _locked(order)
        volunteer = order.volunteer
        workflow.move(order, "cancel")
        if volunteer is not None:
            sms.queue(volunteer.phone, T.CARE_CANCELLED, {"what": order.get_kind_display(), "when": _when(order)})
    return order


# --- The day's view -------------------------------------------------------------------------

def missed(orders, now: datetime | None = None):
    """Orders whose time has passed and that are not done (for a volunteer's work)."""
    now = now or timezone.now()
    return orders.filter(state__in=Order.PENDING, due_at__lt=now).exclude(mode=Plan.Mode.DINE_IN)


def remind_missed(now: datetime | None = None) -> int:
    """Reminds each volunteer once of an order of theirs not done by its time (the timers)."""
    now = now or timezone.now()
    sent = 0
    late = missed(Order.objects.filter(state=S.TAKEN, reminded_at__isnull=True, day=timezone.localdate(now)), now)
    for pk in late.values_list("pk", flat=True):
        with transaction.atomic():
            order = Order.objects.select_for_update(of=("self",)).select_related("volunteer").get(pk=pk)
            if order.state != S.TAKEN or order.reminded_at is not None or order.volunteer is None:
                continue
            order.reminded_at = now
            order.save(update_fields=["reminded_at"])
            sms.queue(order.volunteer.phone, T.CARE_MISSED, {"what": order.get_kind_display(), "when": _when(order),
                                                               "link": _volunteer_url(order.volunteer)})
            sent += 1
    return sent


@dataclass
class MealCount:
    canteen: object
    dine_in: int = 0
    delivery: int = 0
    diets: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0]))  # diet label -> [dine-in, delivery]

    @property
    def total(self) -> int:
        return self.dine_in + self.delivery

    def rows(self) -> list[tuple[str, int, int]]:
        return [(label, d, v) for label, (d, v) in sorted(self.diets.items())]


def meal_counts(orders, day: date) -> list[MealCount]:
    """Per canteen, the meals of `day` — eaten there and delivered — and per diet."""
    counts: dict[int, MealCount] = {}
    labels = dict(Recipient.Diet.choices)
    rows = list(orders.filter(kind=Kind.MEAL, day=day).exclude(state=S.CANCELLED)
                .values_list("canteen_id", "mode", "recipient__diet"))
    canteens = Place.objects.in_bulk({r[0] for r in rows})
    for canteen_id, mode, diet in rows:
        count = counts.setdefault(canteen_id, MealCount(canteens.get(canteen_id)))
        dine_in = mode == Plan.Mode.DINE_IN
        count.dine_in += dine_in
        count.delivery += not dine_in
        count.diets[str(labels.get(diet, diet))][0 if dine_in else 1] += 1
    return sorted(counts.values(), key=lambda c: c.canteen.name if c.canteen else "")
