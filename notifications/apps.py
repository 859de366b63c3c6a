from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        checks.register(check_sms_provider)


def check_sms_provider(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """A real SMS provider without its account, signature or a template id fails at start-up, not at the
    first resident's message."""
    from django.conf import settings

    from . import sms

    if settings.SMS_BACKEND != "notifications.sms_aliyun.AliyunBackend":
        errors = []
    else:
        from .sms_aliyun import template_ids

        missing = [name for name in ("SMS_ALIYUN_ACCESS_KEY_ID", "SMS_ALIYUN_ACCESS_KEY_SECRET", "SMS_SIGN_NAME")
                   if not getattr(settings, name, "")]
        errors = [checks.Error(f"{name} is empty: the Alibaba Cloud SMS backend needs it.", id="notifications.E001")
                  for name in missing]
        ids = template_ids()
        without = [t for t in sms.T.values if t not in ids]
        if without:
            errors.append(checks.Error(f"SMS_TEMPLATE_IDS has no template id for: {', '.join(without)}.",
                                       hint="appeal_received=SMS_480000001,appeal_replied=SMS_480000002,…",
                                       id="notifications.E002"))
    try:
        sms.quiet_hours()
    except ValueError:
        errors.append(checks.Error(f"SMS_QUIET_HOURS {settings.SMS_QUIET_HOURS!r} is not like 22:00-07:00 (or off).",
                                   id="notifications.E003"))
    return errors
