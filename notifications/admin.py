"""Notifications are made by the outbox from timeline events: the admin shows
them and may delete old ones, nothing else."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Notification


class ReadFilter(admin.SimpleListFilter):
    title = _("read")
    parameter_name = "read"

    def lookups(self, request, model_admin):
        return [("yes", _("Read")), ("no", _("Unread"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(read_at__isnull=self.value() == "no")
        return queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "tracking_no", "action", "read_at")
    list_filter = (ReadFilter, "event__action")
    search_fields = ("user__username", "event__appeal__tracking_no")
    date_hierarchy = "created_at"
    list_select_related = ("user", "event", "event__appeal")
    fields = ("user", "event", "created_at", "read_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("request"), ordering="event__appeal__tracking_no")
    def tracking_no(self, notification: Notification) -> str:
        return notification.event.appeal.tracking_no

    @admin.display(description=_("action"), ordering="event__action")
    def action(self, notification: Notification) -> str:
        return notification.event.action
