from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "appeals"
    verbose_name = _("Requests")

    def ready(self):
        from .deadlines import _TIME_LIMITS
        from .models import TimeLimit

        for signal in (post_save, post_delete):
            signal.connect(_TIME_LIMITS.clear, sender=TimeLimit, dispatch_uid=f"refdata-timelimit-{signal}")
