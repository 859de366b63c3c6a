"""Volunteers: a community's registry (skills, teams such as 雷锋车队 or the
红色先锋 shops, availability), their duties at events, and the hours they earn.

Hours are never typed: an `HoursEntry` is written only when an organiser checks
a volunteer in on an event duty, or when a care order the volunteer did is
confirmed (by the recipient or the grid worker); one entry per duty or order."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.models import Node


class Skill(models.Model):
    """What a volunteer can do (送餐, 保洁, 理发, 陪诊…); a care order asks for one by its code."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A team of a community's volunteers: 雷锋车队 delivering meals, the 红色先锋
    shops that cut hair, a cleaning team…"""

    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="volunteer_teams",
                             verbose_name=_("community"))
    name = models.CharField(_("name"), max_length=60)
    description = models.CharField(_("what it does"), max_length=200, blank=True)
    place = models.ForeignKey("places.Place", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("place"), help_text=_("A shop or station the team works from."))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["node__path", "name"]
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")
        constraints = [models.UniqueConstraint(fields=["node", "name"], name="team_name_per_community")]

    def __str__(self) -> str:
        return self.name


WEEKDAYS = "1234567"  # Monday = 1, as ISO weekdays


class Volunteer(models.Model):
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="volunteers", verbose_name=_("community"))
    name = models.CharField(_("name"), max_length=40)
    phone = models.CharField(_("phone"), max_length=20)
    skills = models.ManyToManyField(Skill, blank=True, related_name="volunteers", verbose_name=_("skills"))
    teams = models.ManyToManyField(Team, blank=True, related_name="members", verbose_name=_("teams"))
    days = models.CharField(_("available on"), max_length=7, blank=True, default="",
                            help_text=_("ISO weekdays, Monday = 1: e.g. 12345 for the working week."))
    hours_note = models.CharField(_("availability"), max_length=100, blank=True,
                                  help_text=_("When in the day, in words (e.g. 上午, 午饭时间)."))
    joined_on = models.DateField(_("joined"), default=timezone.localdate)
    active = models.BooleanField(_("active"), default=True)
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["node__path", "name", "id"]
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        constraints = [models.UniqueConstraint(fields=["node", "phone"], name="one_volunteer_a_phone_a_community")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if any(c not in WEEKDAYS for c in self.days) or len(set(self.days)) != len(self.days):
            raise ValidationError({"days": _("Give each weekday once, as a digit from 1 (Monday) to 7 (Sunday).")})
        self.days = "".join(sorted(self.days))

    @property
    def days_text(self) -> str:
        """The days in words: every day, the working week, the weekend, or the weekdays named."""
        from django.utils.translation import gettext as _

        days = "".join(sorted(self.days))
        if days in ("", WEEKDAYS):
            return _("any day") if days == "" else _("every day")
        if days == "12345":
            return _("Monday to Friday")
        if days == "67":
            return _("weekends")
        names = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]
        return "、".join(names[int(d) - 1] for d in days)

    def available_on(self, day) -> bool:
        return not self.days or str(day.isoweekday()) in self.days


class Duty(models.Model):
    """A volunteer's task at an event (签到引导, 秩序维护, 摄影…); the organiser's
    check-in earns its hours."""

    class State(models.TextChoices):
        ASSIGNED = "assigned", _("On duty")
        ATTENDED = "attended", _("Served")
        ABSENT = "absent", _("Did not come")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="duties",
                              verbose_name=_("event"))
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="duties",
                                  verbose_name=_("volunteer"))
    task = models.CharField(_("task"), max_length=60)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ASSIGNED)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["event__starts_at", "id"]
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        constraints = [models.UniqueConstraint(fields=["event", "volunteer"], condition=~Q(state="withdrawn"),
                                               name="one_live_duty_per_volunteer_and_event")]

    def __str__(self) -> str:
        return f"{self.event_id}/{self.volunteer_id} {self.task}"


class HoursEntry(models.Model):
    """Minutes of service a volunteer earned, written by the platform from one
    confirmed piece of work (`source`: "duty:<id>" or "order:<id>"), never by hand."""

    class Kind(models.TextChoices):
        DUTY = "duty", _("Event duty")
        ORDER = "order", _("Care order")

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="hours",
                                  verbose_name=_("volunteer"))
    kind = models.CharField(_("from"), max_length=8, choices=Kind.choices)
    source = models.CharField(max_length=30, unique=True)
    what = models.CharField(_("what"), max_length=120)
    on = models.DateField(_("date"))
    minutes = models.PositiveIntegerField(_("minutes"))
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", help_text="Null: the care recipient's own tap.")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = _("service hours")
        verbose_name_plural = _("service hours")
        indexes = [models.Index(fields=["volunteer", "on"], name="hours_volunteer_on")]

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.on} {self.minutes}min"
