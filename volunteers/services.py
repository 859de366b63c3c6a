"""Everything that changes a volunteer's record: their private link, duties at
events and the hours they earn. Hours come only from `earn`, called when a duty
is checked in or a care order confirmed, once per piece of work."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from appeals.errors import Invalid, WrongState
from appeals.residents import code_refusal
from events.services import clean_phone
from hubiying import tokens
from notifications import codes, sms
from notifications.models import SmsMessage

from .models import Duty, HoursEntry, Volunteer

D = Duty.State
T = SmsMessage.Template


# --- The volunteer's private link (no account: the same proof as a resident's) -------

def token_for(volunteer: Volunteer) -> str:
    return tokens.make("hubiying.volunteers", f"{volunteer.pk}:{volunteer.phone}")


def token_matches(volunteer: Volunteer, token) -> bool:
    return tokens.matches(token_for(volunteer), token)


def private_path(volunteer: Volunteer) -> str:
    return reverse("volunteer_home", args=[volunteer.pk, token_for(volunteer)])


def verify_token(volunteer: Volunteer) -> str:
    """The certificate's check: shows the hours, opens nothing else."""
    return tokens.make("hubiying.volunteers.verify", str(volunteer.pk))


def verify_matches(volunteer: Volunteer, token) -> bool:
    return tokens.matches(verify_token(volunteer), token)


def verify_path(volunteer: Volunteer) -> str:
    return reverse("volunteer_verify", args=[volunteer.pk, verify_token(volunteer)])


def private_url(volunteer: Volunteer) -> str:
    return settings.HUBIYING_SITE_URL.rstrip("/") + private_path(volunteer)


def send_link(volunteer: Volunteer) -> None:
    sms.queue(volunteer.phone, T.VOLUNTEER_LINK, {"name": volunteer.name, "link": private_url(volunteer)})


def send_code(phone) -> str:
    """A one-time code to a volunteer's phone; a phone that is nobody's gets the
    same answer and no message (the page tells nobody who volunteers)."""
    phone = clean_phone(phone)
    known = Volunteer.objects.filter(phone=phone, active=True).exists()
    refused = codes.issue(codes.purpose_for_phone(phone), phone if known else None)
    if refused:
        raise code_refusal(refused)
    return phone


def volunteers_for(phone, code) -> list[Volunteer]:
    """The active volunteer records of a phone proved by its code."""
    phone = clean_phone(phone)
    refused = codes.check(codes.purpose_for_phone(phone), code)
    if refused:
        raise code_refusal(refused)
    found = list(Volunteer.objects.filter(phone=phone, active=True).select_related("node"))
    if not found:
        raise Invalid(_("No volunteer is registered with this phone. Ask your community to register you."),
                      code="not_a_volunteer", field="phone")
    return found


# --- Hours ---------------------------------------------------------------------------

def earn(volunteer: Volunteer, *, kind: str, source: str, what: str, on: date, minutes: int,
         by=None) -> HoursEntry:
    """The hours of one confirmed piece of work; the same work twice earns once."""
    try:
        with transaction.atomic():
            return HoursEntry.objects.create(volunteer=volunteer, kind=kind, source=source, what=what[:120], on=on,
                                             minutes=max(int(minutes), 0), confirmed_by=by)
    except IntegrityError:
        return HoursEntry.objects.get(source=source)


def total_minutes(volunteer: Volunteer, first: date | None = None, last: date | None = None) -> int:
    entries = volunteer.hours.all()
    if first:
        entries = entries.filter(on__gte=first)
    if last:
        entries = entries.filter(on__lte=last)
    return entries.aggregate(n=Sum("minutes"))["n"] or 0


def ranking(volunteers, first: date, last: date, limit: int | None = None) -> list[Volunteer]:
    """`volunteers` with `minutes` earned between `first` and `last`, most first (those with none left out)."""
    ranked = (volunteers.annotate(minutes=Sum("hours__minutes", filter=Q(hours__on__gte=first, hours__on__lte=last)))
              .filter(minutes__gt=0).order_by("-minutes", "name", "id").select_related("node"))
    return list(ranked[:limit] if limit else ranked)


def hours_text(minutes: int) -> str:
    """Minutes as hours with one decimal (the way certificates count them)."""
    return f"{minutes / 60:.1f}"


# --- Duties at events ------------------------------------------------------------------

def assign_duty(event, volunteer: Volunteer, task: str, *, actor) -> Duty:
    task = (task or "").strip()
    if not task:
        raise Invalid(_("Say what the volunteer will do (e.g. 签到引导)."), field="task")
    if len(task) > 60:
        raise Invalid(_("A task has at most 60 characters."), field="task")
    if event.cancelled_at:
        raise WrongState(_("This event is called off."))
    if timezone.now() >= event.ends_at:
        raise WrongState(_("This event is over: duties are set before it ends."))
    if not volunteer.active or not volunteer.node.related_to(event.node):
        raise Invalid(_("Choose an active volunteer of this community."), field="volunteer")
    try:
        with transaction.atomic():
            return Duty.objects.create(event=event, volunteer=volunteer, task=task, assigned_by=actor)
    except IntegrityError:
        raise WrongState(_("%(name)s is already on duty at this event.") % {"name": volunteer.name}) from None


def _duty_minutes(duty: Duty) -> int:
    return int((duty.event.ends_at - duty.event.starts_at).total_seconds() // 60)


def check_in_duty(duty: Duty, *, actor) -> Duty:
    """The organiser confirms the volunteer served: the event's length becomes their hours."""
    with transaction.atomic():
        duty = Duty.objects.select_for_update(of=("self",)).select_related("event", "volunteer").get(pk=duty.pk)
        if duty.event.cancelled_at:
            raise WrongState(_("This event is called off."))
        if duty.state == D.ATTENDED:
            raise WrongState(_("%(name)s is already checked in.") % {"name": duty.volunteer.name})
        if duty.state == D.WITHDRAWN:
            raise WrongState(_("This duty was withdrawn."))
        now = timezone.now()
        if now < duty.event.starts_at - timezone.timedelta(hours=1):
            raise WrongState(_("Volunteers are checked in from an hour before the event starts."))
        duty.state, duty.checked_in_at, duty.checked_in_by = D.ATTENDED, now, actor
        duty.save(update_fields=["state", "checked_in_at", "checked_in_by"])
        earn(duty.volunteer, kind=HoursEntry.Kind.DUTY, source=f"duty:{duty.pk}",
             what=f"{duty.event.title} · {duty.task}", on=timezone.localdate(duty.event.starts_at),
             minutes=_duty_minutes(duty), by=actor)
    return duty


def withdraw_duty(duty: Duty, *, actor) -> Duty:
    with transaction.atomic():
        duty = Duty.objects.select_for_update().get(pk=duty.pk)
        if duty.state != D.ASSIGNED:
            raise WrongState(_("Only a duty not yet served can be withdrawn."))
        duty.state = D.WITHDRAWN
        duty.save(update_fields=["state"])
    return duty
