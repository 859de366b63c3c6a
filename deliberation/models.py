"""Deliberation (有事E起商量, 居民恳谈日, 议事会): the topics residents and staff
raise in a community, the meetings that talk them over — with who came, the
minutes, and a decision on each agenda item — and the requests made from an
item, which link back to it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.models import Node


class Topic(models.Model):
    """Something a resident or a staff member wants talked over in the community."""

    class State(models.TextChoices):
        OPEN = "open", _("Waiting to be discussed")  # 待议
        ON_AGENDA = "on_agenda", _("On a meeting's agenda")  # 已列入议程
        DECIDED = "decided", _("Decided")  # 已议定
        DROPPED = "dropped", _("Not taken up")  # 不予采纳

    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="topics", verbose_name=_("community"))
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    raised_by_name = models.CharField(_("raised by"), max_length=40,
                                      help_text=_("The resident's or staff member's name, as given."))
    # A resident's phone: personal data, masked on staff pages and never shown in public.
    raised_phone = models.CharField(_("phone"), max_length=20, blank=True)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("raised by (staff)"),
                                  help_text=_("Empty: raised by a resident on the public page."))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(_("raised"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        indexes = [models.Index(fields=["node", "state"], name="topic_node_state")]

    def __str__(self) -> str:
        return self.title


class Meeting(models.Model):
    class Kind(models.TextChoices):
        TALK_DAY = "talk_day", _("Resident talk day")  # 居民恳谈日
        COUNCIL = "council", _("Residents' council")  # 议事会
        E_TALK = "e_talk", _("Let's talk it over")  # 有事E起商量

    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("community"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.TALK_DAY)
    title = models.CharField(_("title"), max_length=100)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.ForeignKey("places.Place", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="meetings", verbose_name=_("place"))
    location = models.CharField(_("where"), max_length=200, blank=True,
                                help_text=_("Where exactly (a room, a square); the place's address otherwise."))
    published = models.BooleanField(_("published"), default=True)
    held_at = models.DateTimeField(_("recorded"), null=True, blank=True,
                                   help_text=_("When the minutes were first recorded; empty: not held yet."))
    attendees = models.PositiveIntegerField(_("number of people who came"), null=True, blank=True)
    participants = models.TextField(_("who came"), max_length=1000, blank=True)
    minutes = models.TextField(_("minutes of the meeting"), max_length=10000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("organiser"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)  # the optimistic lock of edits

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [models.Index(fields=["node", "starts_at"], name="meeting_node_start")]

    def __str__(self) -> str:
        return self.title

    @property
    def where(self) -> str:
        if self.place_id and self.location:
            return f"{self.place.name} {self.location}"
        return self.place.name if self.place_id else self.location


class Item(models.Model):
    """One item of a meeting's agenda: a topic, or a matter raised there and then."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("To be discussed")  # 待议
        AGREED = "agreed", _("Agreed")  # 达成一致
        REFERRED = "referred", _("Made into a request")  # 转为诉求办理
        DEFERRED = "deferred", _("Again next time")  # 下次再议
        REJECTED = "rejected", _("Not taken up")  # 不予采纳

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items", verbose_name=_("meeting"))
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="items",
                              verbose_name=_("topic"))
    title = models.CharField(_("title"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    decision = models.TextField(_("decision"), max_length=2000, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.PENDING)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    appeal = models.ForeignKey("appeals.Appeal", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="deliberation_items", verbose_name=_("request"),
                               help_text=_("The request made from this item."))

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [models.UniqueConstraint(fields=["meeting", "topic"], condition=Q(topic__isnull=False),
                                               name="one_item_per_topic_and_meeting")]

    def __str__(self) -> str:
        return self.title
