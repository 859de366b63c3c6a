from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class WorkcalendarConfig(AppConfig):
    name = "workcalendar"
    verbose_name = _("Working calendar")

    def ready(self):
        from .calendar import _REFERENCE
        from .models import CalendarDay, CalendarYear

        for model in (CalendarDay, CalendarYear):
            for signal in (post_save, post_delete):
                signal.connect(_REFERENCE.clear, sender=model, dispatch_uid=f"refdata-{model.__name__}-{signal}")
