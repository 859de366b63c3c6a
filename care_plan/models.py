"""One person, one plan (一人一案) for disabled residents: the restricted
registry, the home visits (访视摸排), the assessments of their needs, one plan
per person whose items move from a need to done, and the services delivered —
device fittings, rehabilitation sessions, job fairs and placements, home
accessibility works, visits with support money."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.models import Node

from . import crypto

CENT = Decimal("0.01")


def money(**kwargs) -> models.DecimalField:
    """Yuan with two places, exact (never a float)."""
    return models.DecimalField(max_digits=12, decimal_places=2, **kwargs)


class Disability(models.TextChoices):
    """The categories of the 残疾人证, numbered as in its 19th digit."""

    VISION = "vision", _("Visual")  # 视力 1
    HEARING = "hearing", _("Hearing")  # 听力 2
    SPEECH = "speech", _("Speech")  # 言语 3
    PHYSICAL = "physical", _("Physical")  # 肢体 4
    INTELLECTUAL = "intellectual", _("Intellectual")  # 智力 5
    MENTAL = "mental", _("Mental")  # 精神 6
    MULTIPLE = "multiple", _("Multiple")  # 多重 7


DISABILITY_DIGIT = {d: str(i) for i, d in enumerate(Disability.values, start=1)}


class Grade(models.TextChoices):
    ONE = "1", _("Grade 1")  # 一级 (the most severe)
    TWO = "2", _("Grade 2")
    THREE = "3", _("Grade 3")
    FOUR = "4", _("Grade 4")


class Area(models.TextChoices):
    """What a need, and the plan item answering it, is about."""

    REHABILITATION = "rehabilitation", _("Rehabilitation")  # 康复
    DEVICE = "device", _("Assistive device")  # 辅具
    EDUCATION = "education", _("Education")  # 教育
    EMPLOYMENT = "employment", _("Employment")  # 就业
    ACCESSIBILITY = "accessibility", _("Home accessibility")  # 无障碍
    INCOME = "income", _("Income support")  # 救助、补贴


class PersonQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def with_certificate(self, number: str):
        return self.filter(certificate_digest=crypto.digest(number)) if number else self.none()


class Person(models.Model):
    """A disabled resident in the registry. Everything here but the node, the
    category and the grade is personal data: shown masked, in full on request
    only, every view logged."""

    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="care_plan_people",
                             verbose_name=_("where they live"),
                             help_text=_("Their compound, grid or community: it decides who sees the record."))
    name = models.CharField(_("person's name"), max_length=40)
    birth_year = models.PositiveSmallIntegerField(_("born"), null=True, blank=True)
    disability = models.CharField(_("disability"), max_length=12, choices=Disability.choices)
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices)
    certificate_cipher = models.TextField(blank=True, editable=False)  # Fernet token (crypto.encrypt)
    certificate_digest = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    guardian = models.CharField(_("guardian"), max_length=40, blank=True)
    guardian_phone = models.CharField(_("guardian's phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200)
    active = models.BooleanField(_("in the registry"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["node__path", "id"]
        verbose_name = _("disabled resident")
        verbose_name_plural = _("disabled residents")
        constraints = [models.UniqueConstraint(fields=["certificate_digest"], condition=~Q(certificate_digest=""),
                                               name="care_plan_one_person_a_certificate")]

    def __str__(self) -> str:
        return f"{self.pk}"  # never the name: this string reaches logs

    @property
    def subject(self) -> str:
        """How the personal-data log names them."""
        return f"care_plan_person:{self.pk}"

    @property
    def certificate(self) -> str:
        return crypto.decrypt(self.certificate_cipher)

    def set_certificate(self, number: str) -> None:
        number = crypto.normalise(number)
        self.certificate_cipher = crypto.encrypt(number)
        self.certificate_digest = crypto.digest(number)

    @property
    def certificate_masked(self) -> str:
        return crypto.mask(self.certificate)


def photo_path(instance, filename: str) -> str:
    return f"care_plan/{timezone.now():%Y/%m}/{instance.token}.jpg"


class HomeVisit(models.Model):
    """访视摸排: a visit to the person's home and what was found."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField(_("visited on"))
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("visitor"))
    companions = models.CharField(_("with"), max_length=100, blank=True,
                                  help_text=_("Who else came (the grid worker, a doctor…)."))
    findings = models.TextField(_("findings"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("home visit")
        verbose_name_plural = _("home visits")

    def __str__(self) -> str:
        return f"{self.person_id} {self.visited_on}"


class VisitPhoto(models.Model):
    """A photo of a visit (cleaned of its metadata by appeals.photos), served
    only through the access-checked view."""

    visit = models.ForeignKey(HomeVisit, on_delete=models.CASCADE, related_name="photos")
    token = models.CharField(max_length=32, unique=True)
    image = models.ImageField(upload_to=photo_path)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.visit_id}/{self.token}"


class Assessment(models.Model):
    """科学评估: the person's needs as assessed on a day; the newest is the current one."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="assessments")
    assessed_on = models.DateField(_("assessed on"))
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("assessor"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-id"]
        verbose_name = _("needs assessment")
        verbose_name_plural = _("needs assessments")

    def __str__(self) -> str:
        return f"{self.person_id} {self.assessed_on}"


class Need(models.Model):
    class Priority(models.TextChoices):
        NEEDED = "needed", _("Needed")  # 需要
        URGENT = "urgent", _("Urgent")  # 急需

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="needs")
    area = models.CharField(_("area of need"), max_length=16, choices=Area.choices)
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, default=Priority.NEEDED)
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    class Meta:
        ordering = ["assessment", "area"]
        constraints = [models.UniqueConstraint(fields=["assessment", "area"], name="care_plan_one_need_an_area")]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.area}"


class PlanItem(models.Model):
    """One thing the plan will do for the person, from a need to done."""

    class State(models.TextChoices):
        NEED = "need", _("Waiting to be arranged")  # 待落实
        PLANNED = "planned", _("Arranged")  # 已安排
        IN_PROGRESS = "in_progress", _("Under way")  # 落实中
        DONE = "done", _("Done")  # 已完成
        CANCELLED = "cancelled", _("No longer needed")  # 不再需要

    OPEN = (State.NEED, State.PLANNED, State.IN_PROGRESS)

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="plan_items")
    area = models.CharField(_("area of need"), max_length=16, choices=Area.choices)
    what = models.CharField(_("what is to be done"), max_length=200)
    by_whom = models.CharField(_("who does it"), max_length=100, blank=True,
                               help_text=_("The person or organisation that does it (the rehabilitation centre…)."))
    due_on = models.DateField(_("to be done by"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.NEED)
    planned_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["person", "id"]
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        indexes = [models.Index(fields=["state", "due_on"], name="care_plan_item_state_due")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.area} {self.state}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN

    def is_late(self, today=None) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < (today or timezone.localdate())


class PlanStep(models.Model):
    """One move of a plan item: who, when, from, to, and a note. Never changed."""

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(max_length=12)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12, choices=PlanItem.State.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.action} {self.at:%Y-%m-%d}"


class JobFair(models.Model):
    """A job fair for disabled residents (专场招聘会), held by a community, a town or the county."""

    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="care_plan_job_fairs",
                             verbose_name=_("held by"))
    held_on = models.DateField(_("held on"))
    title = models.CharField(_("title"), max_length=100)
    place = models.CharField(_("where"), max_length=100, blank=True)
    employers = models.PositiveSmallIntegerField(_("employers"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["-held_on", "id"]
        verbose_name = _("job fair")
        verbose_name_plural = _("job fairs")

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"


class Service(models.Model):
    """A service delivered to the person; the figures are counted from these."""

    class Kind(models.TextChoices):
        DEVICE = "device", _("Assistive device fitted")  # 辅具适配
        REHAB = "rehab", _("Rehabilitation session")  # 康复训练
        JOB_FAIR = "job_fair", _("Went to a job fair")  # 参加招聘会
        PLACEMENT = "placement", _("Placed in a job")  # 就业安置
        ACCESSIBILITY = "accessibility", _("Home accessibility works")  # 家庭无障碍改造
        VISIT = "visit", _("Visit with support")  # 走访慰问

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="services")
    kind = models.CharField(_("what"), max_length=14, choices=Kind.choices)
    on = models.DateField(_("day delivered"))
    detail = models.CharField(_("detail"), max_length=200, blank=True,
                              help_text=_("The device, the training, the employer, the works…"))
    quantity = models.PositiveSmallIntegerField(_("how many"), default=1, validators=[MinValueValidator(1)])
    amount = money(verbose_name=_("support (yuan)"), null=True, blank=True, validators=[MinValueValidator(CENT)])
    fair = models.ForeignKey(JobFair, null=True, blank=True, on_delete=models.PROTECT, related_name="services",
                             verbose_name=_("job fair"))
    plan_item = models.ForeignKey(PlanItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="services",
                                  verbose_name=_("plan item"))
    provider = models.CharField(_("delivered by"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = _("service delivered")
        verbose_name_plural = _("services delivered")
        indexes = [models.Index(fields=["kind", "on"], name="care_plan_service_kind_on")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gt=0),
                                   name="care_plan_service_amount_positive"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="care_plan_service_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.on}"
