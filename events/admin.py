from django.contrib import admin

from organisations.admin import PathPickers

from .models import Event, Programme


@admin.register(Programme)
class ProgrammeAdmin(PathPickers, admin.ModelAdmin):
    list_display = ["title", "node", "period", "starts_on"]
    list_filter = ["period"]
    search_fields = ["title", "node__name"]
    autocomplete_fields = ["node"]


@admin.register(Event)
class EventAdmin(PathPickers, admin.ModelAdmin):
    """The events; their sign-ups (names and phones) only on the organisers' pages, masked."""

    list_display = ["title", "node", "starts_at", "capacity", "published", "cancelled_at"]
    list_filter = ["published", "audience"]
    search_fields = ["title", "node__name"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["node", "place", "organiser"]
    readonly_fields = ["cancelled_at", "attendance_closed_at", "updated_at"]
