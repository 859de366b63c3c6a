from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class CarePlanConfig(AppConfig):
    name = "care_plan"
    verbose_name = _("One person, one plan")

    def ready(self) -> None:
        checks.register(check_key, checks.Tags.security)


def check_key(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """A mistyped CARE_PLAN_KEY is refused at start-up, not at the first certificate number."""
    from . import crypto

    return [
        checks.Error(f"CARE_PLAN_KEY: key {i} is not a Fernet key (32 url-safe base64-encoded bytes).",
                     hint='python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"',
                     id="care_plan.E001")
        for i in crypto.bad_keys()
    ]
