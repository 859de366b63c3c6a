from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CountySetupConfig(AppConfig):
    name = "county_setup"
    verbose_name = _("County set-up")
