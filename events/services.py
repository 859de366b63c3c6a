"""Everything that changes an event or a sign-up. A sign-up, a cancellation,
a promotion and a check-in each lock the event's row first, so that of two
residents taking the last place at once one is signed up and the other put on
the waiting list, and a freed place goes to exactly one waiting resident."""

from __future__ import annotations

import hmac
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from appeals import intake
from appeals.errors import Conflict, Forbidden, Invalid, WrongState
from appeals.residents import code_refusal
from hubiying import tokens
from notifications import codes, sms
from notifications.models import SmsMessage

from . import access, workflow
from .models import Event, Signup

S = Signup.State
T = SmsMessage.Template
CHECKIN_EARLY_MINUTES = 60  # the door opens an hour before the start


# --- The resident's private link -------------------------------------------------

def token_for(signup: Signup) -> str:
    return tokens.make("hubiying.events.signup", f"{signup.pk}:{signup.phone}")


def token_matches(signup: Signup, token) -> bool:
    return tokens.matches(token_for(signup), token)


def private_path(signup: Signup) -> str:
    return reverse("event_signup", args=[signup.pk, token_for(signup)])


def private_url(signup: Signup) -> str:
    return settings.HUBIYING_SITE_URL.rstrip("/") + private_path(signup)


def _when(event: Event) -> str:
    return timezone.localtime(event.starts_at).strftime("%m-%d %H:%M")


def _tell(signup: Signup, template: str, **extra) -> None:
    params = {"event": signup.event.title, "when": _when(signup.event), **extra}
    if template != T.EVENT_CANCELLED:
        params["link"] = private_url(signup)
    sms.queue(signup.phone, template, params)


# --- Listing ---------------------------------------------------------------------

def counted(events):
    """The events with their places taken (`n_taken`) and waiting list (`n_waiting`), counted by the query."""
    return events.annotate(
        n_taken=Count("signups", filter=Q(signups__state__in=Signup.SEATED)),
        n_waiting=Count("signups", filter=Q(signups__state=S.WAITING)),
    )


def cards(events) -> list[dict]:
    """Each event of a `counted` queryset with its places taken, its waiting list and whether sign-up is open."""
    now = timezone.now()
    return [{"event": e, "taken": e.n_taken, "waiting": e.n_waiting, "open": signup_refusal(e, now) is None}
            for e in events]


def card_of(event: Event) -> dict:
    return cards(counted(Event.objects.filter(pk=event.pk).select_related("node", "place", "theme")))[0]


# --- Signing up ------------------------------------------------------------------

def clean_phone(phone) -> str:
    phone = intake.clean_phone(phone)
    if not intake.PHONE_RE.match(phone):
        raise Invalid(_("The phone number does not look right: give an 11-digit mobile or a landline."),
                      field="phone")
    return phone


def signup_refusal(event: Event, now: datetime | None = None) -> str | None:
    """Why nobody can sign up for `event` now (None: they can)."""
    now = now or timezone.now()
    if not event.published:
        return _("This event is not published.")
    if event.cancelled_at:
        return _("This event is called off.")
    if event.capacity is None:
        return _("No sign-up is needed for this event: just come.")
    if now >= event.closes_at:
        return _("Sign-up for this event closed at %(time)s.") % {
            "time": timezone.localtime(event.closes_at).strftime("%m-%d %H:%M")}
    return None


def send_code(event: Event, phone) -> str:
    """Sends a one-time code to the phone (the proof a request's resident gives too)."""
    phone = clean_phone(phone)
    refusal = signup_refusal(event)
    if refusal:
        raise WrongState(refusal, code="signup_closed")
    refused = codes.issue(codes.purpose_for_phone(phone), phone)
    if refused:
        raise code_refusal(refused)
    return phone


def sign_up(event: Event, *, name, phone, code) -> tuple[Signup, bool]:
    """Signs the holder of `phone` up (or onto the waiting list) once the code
    is right. Returns the sign-up and whether it is new (the same phone signing
    up again gets its existing one)."""
    name = (name or "").strip() if isinstance(name, str) else ""
    problems = []
    if not name:
        problems.append(Invalid(_("Give your name."), field="name"))
    elif len(name) > 40:
        problems.append(Invalid(_("A name has at most 40 characters."), field="name"))
    try:
        phone = clean_phone(phone)
    except Invalid as exc:
        problems.append(exc)
    if problems:
        raise Invalid.all_of(problems)
    live = event.signups.filter(phone=phone).exclude(state=S.CANCELLED)
    refusal = signup_refusal(event)
    if refusal and not live.exists():
        raise WrongState(refusal, code="signup_closed")  # before the code is spent on nothing
    refused = codes.check(codes.purpose_for_phone(phone), code)
    if refused:
        raise code_refusal(refused)
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        existing = live.first()
        if existing:  # the same phone again, proved: its own sign-up, even after sign-up closed
            return existing, False
        refusal = signup_refusal(event)
        if refusal:
            raise WrongState(refusal, code="signup_closed")
        seated = event.signups.filter(state__in=Signup.SEATED).count()
        state = S.CONFIRMED if seated < event.capacity else S.WAITING
        signup = Signup.objects.create(event=event, name=name, phone=phone, state=state)
        if state == S.CONFIRMED:
            _tell(signup, T.EVENT_SIGNED_UP)
        else:
            _tell(signup, T.EVENT_WAITING, position=waiting_position(signup))
    return signup, True


def waiting_position(signup: Signup) -> int | None:
    """1 for the first on the waiting list."""
    if signup.state != S.WAITING:
        return None
    return signup.event.signups.filter(state=S.WAITING, created_at__lte=signup.created_at).exclude(
        created_at=signup.created_at, pk__gt=signup.pk).count()


def _fill(event: Event) -> list[Signup]:
    """Moves the first waiting residents up into the places free (event locked)."""
    if event.cancelled_at or timezone.now() >= event.starts_at:
        return []  # once it has begun, nobody is told of a place they can no longer take
    waiting = event.signups.filter(state=S.WAITING).order_by("created_at", "id")
    if event.capacity is not None:  # no limit any more: everyone waiting is in
        waiting = waiting[:max(event.capacity - event.signups.filter(state__in=Signup.SEATED).count(), 0)]
    moved = []
    for signup in waiting:
        workflow.move(signup, "promote")
        signup.event = event
        _tell(signup, T.EVENT_PROMOTED)
        moved.append(signup)
    return moved


def cancel(signup: Signup) -> Signup:
    """The resident's cancellation (by the private link): a place they held goes
    to the first on the waiting list."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=signup.event_id)
        signup = Signup.objects.select_for_update().get(pk=signup.pk)
        if timezone.now() >= event.starts_at and signup.state == S.CONFIRMED:
            raise WrongState(_("The event has begun: a sign-up can no longer be cancelled."))
        workflow.move(signup, "cancel")
        _fill(event)
    return signup


# --- The organiser ---------------------------------------------------------------

def _touch(event: Event, seen) -> Event:
    """Locks the event and refuses an edit drawn from an older page (409)."""
    locked = Event.objects.select_for_update().get(pk=event.pk)
    if seen is not None and locked.updated_at.isoformat() != str(seen):
        raise Conflict(_("Someone else changed this event meanwhile: reload the page and try again."))
    locked.updated_at = timezone.now()
    return locked


def _root(path: str) -> str:
    return path.strip("/").split("/")[0]


def save_event(event: Event, *, actor, seen=None, **fields) -> Event:
    """Creates (`event.pk` None) or changes an event; more places move the waiting list up."""
    if not access.may_manage_node(actor, fields.get("node") or event.node):
        raise Forbidden(_("You do not organise events in this community."))
    problems = []
    if fields.get("capacity") is not None and fields["capacity"] < 1:
        problems.append(Invalid(_("Offer at least one place, or leave it empty for no limit."), field="capacity"))
    starts, ends = fields.get("starts_at", event.starts_at), fields.get("ends_at", event.ends_at)
    if starts and ends and ends <= starts:
        problems.append(Invalid(_("The event must end after it starts."), field="ends_at"))
    closes = fields.get("signup_closes_at", event.signup_closes_at)
    if closes and starts and closes > starts:
        problems.append(Invalid(_("Sign-up must close by the time the event starts."), field="signup_closes_at"))
    place = fields.get("place", event.place if event.place_id else None)
    node = fields.get("node") or event.node
    if place is not None and _root(place.node.path) != _root(node.path):
        problems.append(Invalid(_("Choose a place of this county or city."), field="place"))
    if problems:
        raise Invalid.all_of(problems)
    with transaction.atomic():
        if event.pk is None:
            for name, value in fields.items():
                setattr(event, name, value)
            event.save()
            return event
        locked = _touch(event, seen)
        if fields.get("capacity", locked.capacity) is not None and locked.capacity is not None:
            seated = locked.signups.filter(state__in=Signup.SEATED).count()
            if fields.get("capacity", locked.capacity) < seated:
                raise Invalid(_("%(n)d people are already signed up: cancel sign-ups before offering fewer "
                                "places.") % {"n": seated}, field="capacity")
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save()
        _fill(locked)
    return locked


def call_off(event: Event, *, actor, seen=None) -> Event:
    """Cancels the event and tells everyone signed up or waiting."""
    if not access.may_manage(actor, event):
        raise Forbidden(_("You do not organise events in this community."))
    with transaction.atomic():
        event = _touch(event, seen)
        if event.cancelled_at:
            raise WrongState(_("This event is already called off."))
        event.cancelled_at = timezone.now()
        event.save(update_fields=["cancelled_at", "updated_at"])
        for signup in event.signups.filter(state__in=(S.CONFIRMED, S.WAITING)).select_related("event"):
            _tell(signup, T.EVENT_CANCELLED)
    return event


def check_in(signup: Signup, *, actor=None) -> Signup:
    """Marks a resident as come: by the organiser from the list (`actor`), or at
    the door by the event's QR code (no actor)."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=signup.event_id)
        if actor is not None and not access.may_manage(actor, event):
            raise Forbidden(_("You do not organise events in this community."))
        now = timezone.now()
        if event.cancelled_at:
            raise WrongState(_("This event is called off."))
        if actor is None and not (event.starts_at.timestamp() - CHECKIN_EARLY_MINUTES * 60 <= now.timestamp()
                                  <= event.ends_at.timestamp()):
            raise WrongState(_("Check-in at the door opens an hour before the start and closes at the end."))
        signup = Signup.objects.select_for_update().get(pk=signup.pk)
        if signup.state == S.ATTENDED:
            return signup
        return workflow.move(signup, "check_in", checked_in_by=actor)


def token_matches_door(event: Event, token) -> bool:
    return isinstance(token, str) and token.isascii() and hmac.compare_digest(event.checkin_token, token)


def check_in_at_door(event: Event, token: str, phone) -> Signup:
    """The resident scanned the QR code at the door and gave their phone."""
    if not token_matches_door(event, token):
        raise Invalid(_("This check-in code is not this event's."), code="bad_checkin")
    phone = clean_phone(phone)
    signup = event.signups.filter(phone=phone).exclude(state=S.CANCELLED).first()
    if signup is None:
        raise Invalid(_("No sign-up with this phone number. Ask the organiser at the door."), field="phone")
    if signup.state == S.WAITING:
        raise WrongState(_("You are on the waiting list and have no place yet. Ask the organiser at the door."))
    return check_in(signup)


def close_attendance(event: Event, *, actor) -> int:
    """After the event: everyone signed up who did not check in did not come."""
    if not access.may_manage(actor, event):
        raise Forbidden(_("You do not organise events in this community."))
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if timezone.now() < event.ends_at:
            raise WrongState(_("The attendance can be closed once the event has ended."))
        if event.cancelled_at or event.attendance_closed_at:
            raise WrongState(_("This event's attendance is already closed, or the event was called off."))
        absent = list(event.signups.select_for_update().filter(state=S.CONFIRMED))
        for signup in absent:
            workflow.move(signup, "no_show")
        event.attendance_closed_at = timezone.now()
        event.save(update_fields=["attendance_closed_at"])
    return len(absent)


# --- Photos after the event ------------------------------------------------------------

MAX_PHOTOS = 12


def add_photos(event: Event, *, actor, uploads) -> list:
    """The organiser's photos, from the start of the event on (not of one called off)."""
    from appeals.photos import clean_photos

    from .models import EventPhoto

    if not access.may_manage(actor, event):
        raise Forbidden(_("You do not organise events in this community."))
    if event.cancelled_at:
        raise WrongState(_("This event is called off."))
    if timezone.now() < event.starts_at:
        raise WrongState(_("Photos are added once the event has begun."), code="not_begun")
    cleaned = clean_photos(uploads)
    if not cleaned:
        raise Invalid(_("Choose a photo to add."), field="photos")
    with transaction.atomic():
        Event.objects.select_for_update().filter(pk=event.pk).first()
        if event.photos.count() + len(cleaned) > MAX_PHOTOS:
            raise Invalid(_("An event shows at most %(n)d photos: remove one first.") % {"n": MAX_PHOTOS},
                          field="photos")
        return [EventPhoto.objects.create(event=event, image=content, width=w, height=h, token=token, added_by=actor)
                for content, w, h, token in cleaned]


def remove_photo(event: Event, *, actor, token: str) -> None:
    if not access.may_manage(actor, event):
        raise Forbidden(_("You do not organise events in this community."))
    with transaction.atomic():
        photo = event.photos.filter(token=token).first()
        if photo is None:
            raise Invalid(_("This photo was removed already."), field="photos")
        photo.delete()
        transaction.on_commit(lambda: photo.image.delete(save=False))
