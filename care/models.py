"""Care for 一老一小: the residents the community looks after (elderly living
alone, families in difficulty, residents who asked for help), the recurring
plans made for them (lunch from a 幸福食堂 every working day, a haircut each
month) and the orders those plans and one-off requests become, taken by
volunteers and confirmed on completion."""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.models import Node


class Kind(models.TextChoices):
    """What is done; each is also the code of the volunteer skill it asks for."""

    MEAL = "meals", _("Meal")  # 送餐 / 堂食
    CLEANING = "cleaning", _("Home cleaning")  # 保洁
    HAIRCUT = "haircut", _("Haircut")  # 理发
    ESCORT = "escort", _("Accompanying to hospital")  # 陪诊
    VISIT = "visit", _("Visit and chat")  # 探访陪伴
    REPAIRS = "repairs", _("Small repairs")  # 维修


# How long each takes, in minutes: the hours a confirmed order earns unless the plan says otherwise.
MINUTES = {Kind.MEAL: 30, Kind.CLEANING: 120, Kind.HAIRCUT: 45, Kind.ESCORT: 180, Kind.VISIT: 60,
           Kind.REPAIRS: 60}


class Recipient(models.Model):
    class Category(models.TextChoices):
        ALONE = "alone", _("Elderly, living alone")  # 独居老人
        ELDERLY = "elderly", _("Elderly")  # 高龄、空巢
        CHILD = "child", _("Child")  # 留守、困境儿童
        DIFFICULTY = "difficulty", _("Family in difficulty")  # 困难家庭
        ASKED = "asked", _("Asked for help")  # 主动申请

    class Diet(models.TextChoices):
        NORMAL = "normal", _("Ordinary")  # 普通
        LOW_SALT = "low_salt", _("Low salt")  # 低盐
        LOW_SUGAR = "low_sugar", _("Low sugar")  # 低糖
        SOFT = "soft", _("Soft food")  # 软食
        HALAL = "halal", _("Halal")  # 清真
        VEGETARIAN = "vegetarian", _("Vegetarian")  # 素食

    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="care_recipients",
                             verbose_name=_("where they live"),
                             help_text=_("Their compound, grid or community: it decides who looks after them."))
    name = models.CharField(_("name"), max_length=40)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200)
    category = models.CharField(_("why"), max_length=12, choices=Category.choices)
    birth_year = models.PositiveSmallIntegerField(_("born"), null=True, blank=True)
    diet = models.CharField(_("diet"), max_length=12, choices=Diet.choices, default=Diet.NORMAL)
    needs = models.CharField(_("needs"), max_length=200, blank=True,
                             help_text=_("What helpers should know (hearing, stairs, a key with a neighbour…)."))
    active = models.BooleanField(_("looked after"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["node__path", "name", "id"]
        verbose_name = _("care recipient")
        verbose_name_plural = _("care recipients")

    def __str__(self) -> str:
        return f"{self.pk}"  # never the name: this string reaches logs and the admin's history


class Plan(models.Model):
    """A recurring order: what, for whom, on which days, by when."""

    class Days(models.TextChoices):
        WORKDAYS = "workdays", _("Working days (the working calendar: no public holidays, adjusted working days "
                                 "included)")
        DAILY = "daily", _("Every day")
        WEEKLY = "weekly", _("Chosen weekdays")
        MONTHLY = "monthly", _("Once a month, on the day of the month of the start")

    class Mode(models.TextChoices):
        DELIVERY = "delivery", _("Delivered home")  # 送餐上门
        DINE_IN = "dine_in", _("Eats at the canteen")  # 堂食

    recipient = models.ForeignKey(Recipient, on_delete=models.CASCADE, related_name="plans",
                                  verbose_name=_("recipient"))
    kind = models.CharField(_("what"), max_length=10, choices=Kind.choices)
    canteen = models.ForeignKey("places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("canteen"), limit_choices_to={"kind": "canteen"})
    mode = models.CharField(_("how"), max_length=10, choices=Mode.choices, default=Mode.DELIVERY)
    days = models.CharField(_("on"), max_length=10, choices=Days.choices, default=Days.WORKDAYS)
    weekdays = models.CharField(_("weekdays"), max_length=7, blank=True,
                                help_text=_("For chosen weekdays: ISO digits, Monday = 1 (e.g. 135)."))
    skip_holidays = models.BooleanField(_("not on public holidays"), default=True)
    at = models.TimeField(_("done by"), default=time(11, 30))
    minutes = models.PositiveSmallIntegerField(_("minutes it takes"), null=True, blank=True,
                                               help_text=_("Empty: the usual time for what is done."))
    starts_on = models.DateField(_("from"), default=timezone.localdate)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    volunteer = models.ForeignKey("volunteers.Volunteer", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="care_plans", verbose_name=_("regular volunteer"),
                                  help_text=_("Takes every order of the plan; empty: any volunteer may take them."))
    note = models.CharField(_("note"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)
    made_until = models.DateField(null=True, blank=True, editable=False)  # orders exist up to this day

    class Meta:
        ordering = ["recipient", "kind", "id"]
        verbose_name = _("care plan")
        verbose_name_plural = _("care plans")

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.kind} {self.days}"

    def clean(self) -> None:
        errors = {}
        if self.kind == Kind.MEAL and not self.canteen_id:
            errors["canteen"] = _("A meal comes from a canteen: choose one.")
        if self.kind != Kind.MEAL and self.mode == self.Mode.DINE_IN:
            errors["mode"] = _("Only a meal can be had at the canteen.")
        if self.days == self.Days.WEEKLY and (not self.weekdays or any(c not in "1234567" for c in self.weekdays)):
            errors["weekdays"] = _("Give the weekdays as digits from 1 (Monday) to 7 (Sunday).")
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The plan cannot end before it starts.")
        if errors:
            raise ValidationError(errors)

    @property
    def duration(self) -> int:
        return self.minutes or MINUTES[self.kind]


class Order(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Waiting for a volunteer")  # 待接单
        TAKEN = "taken", _("Taken")  # 已接单
        DONE = "done", _("Done, to be confirmed")  # 已完成待确认
        CONFIRMED = "confirmed", _("Confirmed")  # 已确认
        CANCELLED = "cancelled", _("Cancelled")

    PENDING = (State.OPEN, State.TAKEN)  # not done yet: missed once its time has passed
    FINISHED = (State.DONE, State.CONFIRMED)

    recipient = models.ForeignKey(Recipient, on_delete=models.CASCADE, related_name="orders",
                                  verbose_name=_("recipient"))
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders")
    kind = models.CharField(_("what"), max_length=10, choices=Kind.choices)
    canteen = models.ForeignKey("places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("canteen"))
    mode = models.CharField(_("how"), max_length=10, choices=Plan.Mode.choices, default=Plan.Mode.DELIVERY)
    day = models.DateField(_("day"))
    due_at = models.DateTimeField(_("done by"))
    minutes = models.PositiveSmallIntegerField(_("minutes it takes"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    volunteer = models.ForeignKey("volunteers.Volunteer", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="care_orders", verbose_name=_("volunteer"))
    taken_at = models.DateTimeField(_("taken"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", help_text="Null: the recipient's own tap.")
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)  # the volunteer was reminded of a missed order
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("care order")
        verbose_name_plural = _("care orders")
        constraints = [models.UniqueConstraint(fields=["plan", "day"], condition=Q(plan__isnull=False),
                                               name="one_order_a_plan_a_day")]
        indexes = [models.Index(fields=["day", "state"], name="order_day_state"),
                   models.Index(fields=["state", "due_at"], name="order_state_due")]

    def __str__(self) -> str:
        return f"{self.pk} {self.kind} {self.day}"

    @property
    def state_label(self) -> str:
        """The state as people read it: a meal eaten at the canteen waits for nobody."""
        if self.mode == Plan.Mode.DINE_IN and self.state == self.State.OPEN:
            return str(_("Booked at the canteen"))
        return self.get_state_display()

    @property
    def is_pending(self) -> bool:
        return self.state in self.PENDING

    @property
    def needs_volunteer(self) -> bool:
        return self.mode != Plan.Mode.DINE_IN

    def missed(self, now=None) -> bool:
        return self.needs_volunteer and self.state in self.PENDING and (now or timezone.now()) > self.due_at

    def on_time(self) -> bool:
        return self.done_at is not None and self.done_at <= self.due_at
