"""In-app notifications, made from timeline events by the outbox."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    event = models.ForeignKey("appeals.AppealEvent", on_delete=models.CASCADE, related_name="notifications")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="notification_once")]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.event}"


class SmsMessage(models.Model):
    """One text message to a phone, waiting for the worker (notifications.sms)
    or sent. A template and its values rather than finished text: an SMS
    provider sends by template id, and secret values (a private link, a one-time
    code) are blanked once the message is out."""

    class Template(models.TextChoices):
        APPEAL_RECEIVED = "appeal_received", _("request received, with its private link")
        APPEAL_REPLIED = "appeal_replied", _("request replied, with its private link")
        APPEAL_CLOSED = "appeal_closed", _("request closed, with its private link")
        ONE_TIME_CODE = "one_time_code", _("one-time code")
        EVENT_SIGNED_UP = "event_signed_up", _("event sign-up, with its private link")
        EVENT_WAITING = "event_waiting", _("on an event's waiting list, with the private link")
        EVENT_PROMOTED = "event_promoted", _("moved up from an event's waiting list")
        EVENT_CANCELLED = "event_cancelled", _("an event called off")
        VOLUNTEER_LINK = "volunteer_link", _("a volunteer's private link")
        CARE_ASSIGNED = "care_assigned", _("a care order given to a volunteer")
        CARE_DONE = "care_done", _("a care order done: the recipient's link to confirm it")
        CARE_CANCELLED = "care_cancelled", _("a volunteer's care order cancelled")
        CARE_MISSED = "care_missed", _("a volunteer reminded of a care order past its time")
        TOPIC_DECIDED = "topic_decided", _("the outcome of a topic a resident raised")

    phone = models.CharField(_("phone"), max_length=20)
    template = models.CharField(_("template"), max_length=24, choices=Template.choices)
    params = models.JSONField(_("values"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)  # a worker is sending it
    # Not before this moment: the end of the quiet hours, or the next try after a failure (back-off).
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # Never to be sent, and why (the phone's holder opted out before it went).
    dropped = models.CharField(_("not sent"), max_length=20, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)
    provider_ref = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        indexes = [models.Index(fields=["created_at"], condition=models.Q(sent_at__isnull=True), name="sms_outbox")]

    def __str__(self) -> str:
        return f"{self.template} {self.created_at:%Y-%m-%d %H:%M}"


class SmsOptOut(models.Model):
    """A phone whose holder asked for no more text messages (except the codes they ask for themselves).
    Kept as the keyed digest of the number (notifications.sms.phone_digest), not the number."""

    phone_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("text-message opt-out")
        verbose_name_plural = _("text-message opt-outs")

    def __str__(self) -> str:
        return f"{self.phone_digest[:8]}… {self.created_at:%Y-%m-%d}"


class OneTimeCode(models.Model):
    """A six-digit code sent to a phone to prove that whoever types it holds
    that phone (notifications.codes). Only its keyed hash is kept."""

    purpose = models.CharField(max_length=80, db_index=True)  # e.g. "appeal:42", "phone:<digest>"
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    wrong = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.purpose} {self.created_at:%Y-%m-%d %H:%M}"
