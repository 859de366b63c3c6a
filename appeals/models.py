"""Resident requests (诉求), their categories, time limits and timelines.

Nothing outside `appeals.services` assigns `Appeal.status`: every change is a
named action there, which writes one immutable `AppealEvent`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.models import Node, Unit


class Category(models.Model):
    """A two-level category tree (e.g. 物业管理 › 电梯故障) the admin edits."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        limit_choices_to={"parent__isnull": True}, verbose_name=_("parent"),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": _("Categories have two levels only.")})


class Question(models.Model):
    """An extra question the admin asks for one category (e.g. 电梯故障: which
    building, is anyone trapped). The resident page, the API and Open311 (a
    service's attributes) all ask it and check the answer the same way
    (appeals.questions). One without an answer (`variable` off) is information
    shown with the form."""

    class Datatype(models.TextChoices):
        STRING = "string", _("Short text")
        TEXT = "text", _("Long text")
        NUMBER = "number", _("Number")
        DATETIME = "datetime", _("Date and time")
        SINGLE = "singlevaluelist", _("One choice from a list")
        MULTI = "multivaluelist", _("Several choices from a list")

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="questions",
                                 verbose_name=_("category"))
    code = models.SlugField(_("code"), max_length=40, help_text=_("Letters, digits, - and _; unique in the category."))
    description = models.CharField(_("question"), max_length=200)
    description_en = models.CharField(_("English question"), max_length=200, blank=True)
    datatype = models.CharField(_("answer type"), max_length=16, choices=Datatype.choices,
                                default=Datatype.STRING)
    datatype_description = models.CharField(_("hint"), max_length=200, blank=True,
                                            help_text=_("Shown under the question, e.g. 'the building number'."))
    variable = models.BooleanField(_("asks for an answer"), default=True,
                                   help_text=_("Untick for a line of information only."))
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveIntegerField(_("order"), default=1)
    options = models.TextField(
        _("choices"), blank=True,
        help_text=_("For the list types: one choice a line, as key=name (e.g. yes=有人被困)."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["category", "order", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="question_code_per_category"),
            models.UniqueConstraint(fields=["category", "order"], name="question_order_per_category"),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def is_list(self) -> bool:
        return self.datatype in (self.Datatype.SINGLE, self.Datatype.MULTI)

    def values(self) -> list[tuple[str, str]]:
        """The choices of a list question, (key, name) in their order."""
        out = []
        for line in self.options.splitlines():
            line = line.strip()
            if line:
                key, _sep, name = line.partition("=")
                out.append((key.strip(), (name or key).strip()))
        return out

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        values = self.values()
        keys = [k for k, _name in values]
        if self.is_list and self.variable and not values:
            raise ValidationError({"options": _("A list question needs its choices, one a line.")})
        if not self.is_list and values:
            raise ValidationError({"options": _("Only the list types have choices: leave this empty.")})
        if len(set(keys)) != len(keys) or any(not k or len(k) > 40 for k in keys):
            raise ValidationError({"options": _("Each choice needs its own key of at most 40 characters.")})


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    REGISTERED = "registered", _("Registered")
    REJECTED = "rejected", _("Rejected")
    DISPATCHED = "dispatched", _("Dispatched")
    SIGNED = "signed", _("Signed for")
    RETURNED = "returned", _("Returned")
    IN_PROGRESS = "in_progress", _("In progress")
    REPLIED = "replied", _("Replied")
    EVALUATED = "evaluated", _("Evaluated")
    REOPENED = "reopened", _("Reopened")
    CLOSED = "closed", _("Closed")
    MERGED = "merged", _("Merged")
    WITHDRAWN = "withdrawn", _("Withdrawn")


TERMINAL = {Status.REJECTED, Status.CLOSED, Status.MERGED, Status.WITHDRAWN}
_STATUS_LABELS = dict(Status.choices)  # value -> lazy label
# States in which the request is still being worked on (before the reply).
BEFORE_REPLY = {
    Status.SUBMITTED, Status.REGISTERED, Status.DISPATCHED, Status.SIGNED,
    Status.RETURNED, Status.IN_PROGRESS, Status.REOPENED,
}


class AppealType(models.TextChoices):
    QUESTION = "question", _("Question")
    HELP = "help", _("Help")
    COMPLAINT = "complaint", _("Complaint")
    SUGGESTION = "suggestion", _("Suggestion")
    PRAISE = "praise", _("Praise")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")


class TimeLimit(models.Model):
    """One time limit: the most specific matching row wins
    (category, then urgency, then type; empty fields match anything)."""

    class Step(models.TextChoices):
        DISPATCH = "dispatch", _("Register and dispatch")
        SIGN = "sign", _("Sign for or return")
        RESPOND = "respond", _("Contact the resident (from the sign-for)")
        HANDLE = "handle", _("Handle and reply")
        EVALUATE = "evaluate", _("Evaluation window")
        SUPERVISE = "supervise", _("Supervision")

    class Clock(models.TextChoices):
        WORK_HOURS = "work_hours", _("working hours")
        WORK_DAYS = "work_days", _("working days")
        HOURS = "hours", _("hours (continuous)")
        DAYS = "days", _("days (continuous)")

    step = models.CharField(_("step"), max_length=16, choices=Step.choices)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("category"),
    )
    appeal_type = models.CharField(_("type"), max_length=16, blank=True, choices=AppealType.choices)
    urgency = models.CharField(_("urgency"), max_length=8, blank=True, choices=Urgency.choices)
    amount = models.DecimalField(_("amount"), max_digits=6, decimal_places=2)
    clock = models.CharField(_("clock"), max_length=12, choices=Clock.choices)

    class Meta:
        verbose_name = _("time limit")
        verbose_name_plural = _("time limits")
        ordering = ["step", "category", "urgency", "appeal_type"]

    def __str__(self) -> str:
        return f"{self.get_step_display()}: {self.amount} {self.get_clock_display()}"


class EvaluationChannel(models.TextChoices):
    """Through which door an evaluation came (every evaluation event says it)."""

    PAGE = "page", _("the resident's page")
    API = "api", _("an app (API)")
    CALLBACK = "callback", _("a call-back")


class AppealQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status__in=TERMINAL)

    def overdue(self, now=None):
        now = now or timezone.now()
        return self.open().filter(step_due__lt=now)

    def due_soon(self, now=None):
        now = now or timezone.now()
        return self.open().filter(step_warn_at__lte=now, step_due__gte=now)

    def with_status(self, *statuses):
        return self.filter(status__in=statuses)


class Appeal(models.Model):
    Type = AppealType
    Urgency = Urgency

    class Channel(models.TextChoices):
        WEB = "web", _("Resident page")
        API = "api", _("API")
        HOTLINE = "hotline", _("Hotline")
        WALK_IN = "walk_in", _("Walk-in")
        PATROL = "patrol", _("Grid patrol")
        TALK_DAY = "talk_day", _("Resident talk day")
        OPEN311 = "open311", _("Open311 app")

    class Result(models.TextChoices):
        RESOLVED = "resolved", _("Resolved")
        EXPLAINED = "explained", _("Explained")
        UNSOLVABLE = "unsolvable", _("Cannot be solved")

    class Rating(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASICALLY = "basically_satisfied", _("Basically satisfied")
        DISSATISFIED = "dissatisfied", _("Dissatisfied")

    tracking_no = models.CharField(_("tracking number"), max_length=24, unique=True)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    type = models.CharField(_("type"), max_length=12, choices=Type.choices)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, verbose_name=_("category"))
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), max_length=4000)
    # The answers to the category's questions (appeals.questions), by question code.
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    # The search terms of title, description, address and tracking number (appeals.search).
    search_text = models.TextField(default="", blank=True, editable=False)
    urgency = models.CharField(_("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, db_index=True)
    version = models.PositiveIntegerField(default=0)  # the optimistic lock of every action

    # Where: the resolved tree node (grid or compound when known) and its path
    # copied for scope queries; the owner node is where its dispatchers sit.
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+", verbose_name=_("place"))
    node_path = models.CharField(max_length=400, db_index=True)
    owner_node = models.ForeignKey(
        Node, on_delete=models.PROTECT, related_name="+", verbose_name=_("dispatching level")
    )
    owner_path = models.CharField(max_length=400, db_index=True)

    contact_name = models.CharField(_("contact name"), max_length=40, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="appeals", verbose_name=_("resident account"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("registered by"),
    )

    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="appeals",
        verbose_name=_("lead unit"),
    )
    co_units = models.ManyToManyField(Unit, blank=True, through="CoUnit", related_name="co_appeals",
                                      verbose_name=_("co-units"))
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged",
        verbose_name=_("merged into"),
    )

    # Deadlines: stored when each step starts.
    step_started = models.DateTimeField(null=True, blank=True)
    step_warn_at = models.DateTimeField(null=True, blank=True)
    step_due = models.DateTimeField(_("current step due"), null=True, blank=True, db_index=True)
    handle_due = models.DateTimeField(_("reply due"), null=True, blank=True)
    deadline_estimated = models.BooleanField(default=False)

    urge_count = models.PositiveSmallIntegerField(_("urged"), default=0)
    last_urged_at = models.DateTimeField(_("last urged"), null=True, blank=True)
    supervised = models.BooleanField(_("under supervision"), default=False)
    supervise_due = models.DateTimeField(null=True, blank=True)
    escalated = models.BooleanField(_("escalated"), default=False)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    extension_count = models.PositiveSmallIntegerField(default=0)
    pending_extension_days = models.PositiveSmallIntegerField(null=True, blank=True)
    pending_extension_reason = models.CharField(max_length=500, blank=True)

    reply_result = models.CharField(_("result"), max_length=12, choices=Result.choices, blank=True)
    reply_content = models.TextField(_("reply"), blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    # Replied on or before the reply deadline (approved extensions included);
    # recalculated with the deadline when the calendar of its year is entered.
    reply_on_time = models.BooleanField(null=True, blank=True)
    callback_at = models.DateTimeField(_("called back"), null=True, blank=True)
    rating = models.CharField(_("rating"), max_length=20, choices=Rating.choices, blank=True)
    rating_comment = models.CharField(_("comment"), max_length=500, blank=True)
    evaluated_at = models.DateTimeField(null=True, blank=True)
    evaluated_via = models.CharField(_("evaluated through"), max_length=12, choices=EvaluationChannel.choices,
                                     blank=True)
    reject_reason = models.CharField(max_length=500, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("submitted at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AppealQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        indexes = [
            models.Index(fields=["status", "step_due"]),
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["category", "status"]),
            # Open requests only: the workbench's tab counts and the overdue scans stay
            # index-only at millions of rows (PostgreSQL covers the scope paths and the
            # extension flag too), and a queue of one state is read in the workbench's
            # order (due first, then newest) up to its LIMIT.
            models.Index(fields=["status", "step_due", "-created_at"],
                         include=["node_path", "owner_path", "pending_extension_days"],
                         condition=~Q(status__in=sorted(TERMINAL)), name="appeal_open"),
            # The workbench's "All open" and "Overdue" tabs in their order, up to the LIMIT; the
            # figures' "overdue now" of a scope, a unit or a category without reading the rows.
            models.Index(fields=["step_due", "-created_at"], condition=~Q(status__in=sorted(TERMINAL)),
                         include=["node_path", "unit", "category"], name="appeal_open_due"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(merged_into=F("pk")), name="appeal_not_merged_into_self"),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_no} {self.title}"

    def get_status_display(self) -> str:
        # Django's generated version rebuilds and hashes the lazy choices on every call:
        # a tenth of a millisecond per row of every list.
        return str(_STATUS_LABELS.get(self.status, self.status))

    # Predicates mirroring the QuerySet methods.
    def is_open(self) -> bool:
        return self.status not in TERMINAL

    def is_overdue(self, now=None) -> bool:
        now = now or timezone.now()
        return self.is_open() and self.step_due is not None and self.step_due < now

    def is_due_soon(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.is_open() and self.step_warn_at is not None and self.step_due is not None
            and self.step_warn_at <= now <= self.step_due
        )

    def deadline_state(self, now=None) -> str:
        """'overdue', 'due_soon', 'ok' or '' (no running step)."""
        if self.is_overdue(now):
            return "overdue"
        if self.is_due_soon(now):
            return "due_soon"
        return "ok" if self.is_open() and self.step_due else ""


class AppealEvent(models.Model):
    """One immutable timeline entry; also the outbox for notifications."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=24)
    from_status = models.CharField(max_length=12, blank=True, choices=Status.choices)
    to_status = models.CharField(max_length=12, blank=True, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    public = models.BooleanField(default=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["notified_at"], condition=Q(notified_at__isnull=True), name="event_outbox")]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.action} {self.from_status}→{self.to_status}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Timeline events are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Timeline events are immutable.")


class CoUnit(models.Model):
    """A co-unit's (协办单位) part of a request: it signs for its part and replies
    to the lead unit, whose reply is the request's reply."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="co_parts")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="co_parts", verbose_name=_("co-unit"))
    signed_at = models.DateTimeField(_("signed for"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    content = models.TextField(_("reply to the lead unit"), blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("co-unit part")
        verbose_name_plural = _("co-unit parts")
        constraints = [models.UniqueConstraint(fields=["appeal", "unit"], name="co_unit_once")]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.unit_id}"


def photo_path(instance, filename: str) -> str:
    return f"appeals/{timezone.now():%Y/%m}/{instance.token}.jpg"


class AppealPhoto(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="photos")
    event = models.ForeignKey(AppealEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="photos")
    token = models.CharField(max_length=32, unique=True)
    image = models.ImageField(upload_to=photo_path)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.appeal_id}/{self.token}"


class IdempotencyKey(models.Model):
    key = models.CharField(max_length=100, unique=True)
    fingerprint = models.CharField(max_length=64)
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key
