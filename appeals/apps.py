from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "appeals"
    verbose_name = _("Requests")

    def ready(self):
        from organisations.signals import node_moved
        from workcalendar.signals import schedule_changed

        from . import paths, services

        node_moved.connect(paths.follow_the_tree, dispatch_uid="appeals-follow-the-tree")
        schedule_changed.connect(services.recalculate_on_schedule_change, dispatch_uid="appeals-recalculate")
