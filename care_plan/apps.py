from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CarePlanConfig(AppConfig):
    name = "care_plan"
    verbose_name = _("One person, one plan")
