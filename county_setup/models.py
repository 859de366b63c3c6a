"""What the county set-up keeps: a staff member's work phone (the 人员 sheet's
phone has nowhere else to live) and each uploaded workbook with its report."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffPhone(models.Model):
    """A staff member's work phone, from the 人员 sheet: personal data, masked on every page."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_phone",
                                verbose_name=_("user"))
    phone = models.CharField(_("phone"), max_length=20)

    class Meta:
        verbose_name = _("staff phone")
        verbose_name_plural = _("staff phones")

    def __str__(self) -> str:
        return str(self.user_id)


class ImportJob(models.Model):
    """One uploaded workbook: checked (the dry run), then applied. Large ones are
    checked and applied by the worker (county_setup.jobs) while the admin watches."""

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        CHECKED = "checked", _("checked: ready to apply")
        REFUSED = "refused", _("refused rows: nothing written")
        APPLIED = "applied", _("applied")
        FAILED = "failed", _("failed")

    token = models.CharField(max_length=32, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200, blank=True)  # the file's name as uploaded
    file = models.CharField(max_length=200, blank=True)  # path under MEDIA_ROOT/county_setup/
    rows = models.IntegerField(default=0)
    apply = models.BooleanField(default=False)  # the admin asked to apply it (after a clean check)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    report = models.JSONField(default=dict)  # county_setup.report.Report.stored()
    created_users = models.JSONField(default=list)  # ids of the people the apply created (their first-login links)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)  # the last check or apply began
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "created_at"], name="setup_import_queue")]

    def __str__(self) -> str:
        return f"{self.name} {self.state}"

    def is_finished(self) -> bool:
        return self.state in (self.State.CHECKED, self.State.REFUSED, self.State.APPLIED, self.State.FAILED)
