"""Community events (季度有计划、月月有主题、周周有活动): a community's plans
and themes, its events with a place, a time, a capacity and an audience, and
the residents who sign up for them — by name and phone, proved by a one-time
code — with a waiting list, cancellation by private link, and check-in at the
door."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.models import Node


def new_token() -> str:
    return secrets.token_urlsafe(16)


class Programme(models.Model):
    """A community's plan for a quarter or its theme for a month (邻里文化节,
    一起来"摊"玩…), shown above its events."""

    class Period(models.TextChoices):
        QUARTER = "quarter", _("Quarterly plan")
        MONTH = "month", _("Monthly theme")

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="programmes", verbose_name=_("community"))
    period = models.CharField(_("period"), max_length=8, choices=Period.choices)
    starts_on = models.DateField(_("from"), help_text=_("The first day of the quarter or month."))
    title = models.CharField(_("title"), max_length=100)
    notes = models.TextField(_("notes"), max_length=2000, blank=True)

    class Meta:
        ordering = ["-starts_on", "period"]
        verbose_name = _("plan or theme")
        verbose_name_plural = _("plans and themes")
        constraints = [models.UniqueConstraint(fields=["node", "period", "starts_on"], name="one_programme_a_period")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.starts_on and (self.starts_on.day != 1 or (
                self.period == self.Period.QUARTER and self.starts_on.month not in (1, 4, 7, 10))):
            raise ValidationError({"starts_on": _("A month starts on its 1st; a quarter on 1 January, April, July "
                                                  "or October.")})


class Event(models.Model):
    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Everyone")
        CHILDREN = "children", _("Children and their parents")  # 一小
        ELDERLY = "elderly", _("Elderly residents")  # 一老
        FAMILIES = "families", _("Families")
        YOUTH = "youth", _("Young people")
        DISABLED = "disabled", _("Residents with disabilities")

    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="events", verbose_name=_("community"))
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    place = models.ForeignKey("places.Place", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="events", verbose_name=_("place"))
    location = models.CharField(_("where"), max_length=200, blank=True,
                                help_text=_("Where exactly (a room, a square); the place's address otherwise."))
    theme = models.ForeignKey(Programme, null=True, blank=True, on_delete=models.SET_NULL, related_name="events",
                              verbose_name=_("theme"), limit_choices_to={"period": Programme.Period.MONTH})
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    signup_closes_at = models.DateTimeField(_("sign-up closes"), null=True, blank=True,
                                            help_text=_("Empty: when the event starts."))
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True,
                                           help_text=_("How many may come; empty: no limit, no sign-up needed."))
    audience = models.CharField(_("for"), max_length=12, choices=Audience.choices, default=Audience.EVERYONE)
    organiser = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="organised_events", verbose_name=_("organiser"))
    published = models.BooleanField(_("published"), default=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    attendance_closed_at = models.DateTimeField(_("attendance closed"), null=True, blank=True)
    checkin_token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)  # the optimistic lock of edits

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["node", "starts_at"], name="event_node_start"),
                   models.Index(fields=["starts_at"], name="event_start")]

    def __str__(self) -> str:
        return self.title

    @property
    def closes_at(self):
        return self.signup_closes_at or self.starts_at

    @property
    def where(self) -> str:
        if self.place_id and self.location:
            return f"{self.place.name} {self.location}"
        return self.place.name if self.place_id else self.location


class Signup(models.Model):
    class State(models.TextChoices):
        CONFIRMED = "confirmed", _("Signed up")  # 已报名
        WAITING = "waiting", _("On the waiting list")  # 候补
        CANCELLED = "cancelled", _("Cancelled")
        ATTENDED = "attended", _("Came")  # 已签到
        NO_SHOW = "no_show", _("Did not come")

    LIVE = (State.CONFIRMED, State.WAITING, State.ATTENDED, State.NO_SHOW)  # one per phone and event
    SEATED = (State.CONFIRMED, State.ATTENDED, State.NO_SHOW)  # those that take a place

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="signups")
    name = models.CharField(_("name"), max_length=40)
    phone = models.CharField(_("phone"), max_length=20)
    state = models.CharField(_("state"), max_length=12, choices=State.choices)
    created_at = models.DateTimeField(_("signed up"), default=timezone.now)
    promoted_at = models.DateTimeField(_("moved up from the waiting list"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+", help_text="Null: at the door, by the event's QR code.")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        constraints = [models.UniqueConstraint(fields=["event", "phone"], condition=~Q(state="cancelled"),
                                               name="one_live_signup_per_phone")]
        indexes = [models.Index(fields=["event", "state", "created_at"], name="signup_queue")]

    def __str__(self) -> str:
        return f"{self.event_id}/{self.pk} {self.state}"


def photo_path(instance, filename: str) -> str:
    return f"events/{timezone.now():%Y/%m}/{instance.token}.jpg"


class EventPhoto(models.Model):
    """A photo of an event, added by its organisers once it has begun: shown on
    its public page (photos are cleaned of their metadata by appeals.photos)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="photos")
    token = models.CharField(max_length=32, unique=True)
    image = models.ImageField(upload_to=photo_path)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("event photo")
        verbose_name_plural = _("event photos")

    def __str__(self) -> str:
        return f"{self.event_id}/{self.token}"
