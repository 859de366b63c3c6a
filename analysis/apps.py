from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    name = "analysis"
    verbose_name = _("Figures")

    def ready(self):
        from django.db.models.signals import post_delete

        from appeals.models import Appeal
        from appeals.signals import events_written
        from organisations.signals import node_moved

        from . import keeping

        events_written.connect(keeping.on_events, dispatch_uid="analysis-on-events")
        post_delete.connect(keeping.on_appeal_deleted, sender=Appeal, dispatch_uid="analysis-on-appeal-deleted")
        node_moved.connect(keeping.on_tree_moved, dispatch_uid="analysis-on-tree-moved")
