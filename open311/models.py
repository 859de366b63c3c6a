"""The client applications that may file requests through Open311 (api_key)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiClient(models.Model):
    """One client application. Its key is shown once when made; only its
    SHA-256 is kept, so a lost key is replaced, never read back."""

    name = models.CharField(_("name"), max_length=100)
    contact = models.CharField(_("contact"), max_length=200, blank=True,
                               help_text=_("Who runs the application, and how to reach them."))
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    active = models.BooleanField(_("active"), default=True, help_text=_("Untick to revoke the key."))
    hourly_limit = models.PositiveIntegerField(
        _("requests and updates an hour"), null=True, blank=True,
        help_text=_("Empty: the platform's default (HUBIYING_RATE_LIMITS open311-write)."))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self) -> str:
        return self.name


class FiledRequest(models.Model):
    """A request a client application filed (POST requests): which client, the
    token it may ask about, and what the resident gave that a request has no
    field for. Personal data: never in any public output."""

    appeal = models.OneToOneField("appeals.Appeal", on_delete=models.CASCADE, related_name="open311",
                                  verbose_name=_("request"))
    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="requests",
                               verbose_name=_("API client"))
    token = models.CharField(max_length=40, unique=True, editable=False)
    email = models.EmailField(_("e-mail"), blank=True)
    device_id = models.CharField(_("device id"), max_length=100, blank=True)
    account_id = models.CharField(_("account id"), max_length=100, blank=True)
    media_url = models.URLField(_("photo link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("request filed through Open311")
        verbose_name_plural = _("requests filed through Open311")

    def __str__(self) -> str:
        return f"{self.client} · {self.appeal_id}"


class ClientUpdate(models.Model):
    """An update a client posted for its resident (POST servicerequestupdates),
    by the client's own update id: posted again, it answers the same event."""

    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="updates")
    update_id = models.CharField(max_length=100)
    event = models.ForeignKey("appeals.AppealEvent", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "update_id"], name="client_update_once")]

    def __str__(self) -> str:
        return f"{self.client} · {self.update_id}"
