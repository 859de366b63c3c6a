from django.contrib import admin

from .models import FigureSettings


@admin.register(FigureSettings)
class FigureSettingsAdmin(admin.ModelAdmin):
    """One row: how 基本满意 counts, and the minimum standards the reports name."""

    list_display = ("__str__", "basically", "basically_weight", "min_reply_rate", "min_satisfaction_rate")

    def has_add_permission(self, request):
        return not FigureSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
