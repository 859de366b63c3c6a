from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import keys
from .models import ApiClient


def _show(request, client: ApiClient, key: str) -> None:
    messages.warning(request, _("The new key of %(client)s is %(key)s — copy it now: it is shown only this once.")
                     % {"client": client.name, "key": key})


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "contact", "active", "hourly_limit", "created_at", "last_used_at"]
    list_filter = ["active"]
    search_fields = ["name", "contact"]
    readonly_fields = ["created_at", "last_used_at"]
    actions = ["new_key"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:  # a new client gets its first key, shown once
            _show(request, obj, keys.issue(obj))

    @admin.action(description=gettext_lazy("Give the selected clients a new key (the old one stops working)"))
    def new_key(self, request, queryset):
        for client in queryset:
            _show(request, client, keys.issue(client))
