from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    name = "routing"
    verbose_name = _("Routing")

    def ready(self) -> None:
        # The request's API asks appeals.suggestions; this app answers (appeals depends on nothing above it).
        from appeals import suggestions

        from .proposals import for_rows
        from .serializers import suggestion_for

        suggestions.register(suggestion_for, for_rows)
        from . import signals

        signals.connect()
