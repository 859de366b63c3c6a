from django.contrib import admin

from organisations.admin import PathPickers

from .models import Item, Meeting, Topic


class ItemInline(admin.TabularInline):
    model = Item
    fields = ["order", "title", "outcome", "decision", "appeal"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(PathPickers, admin.ModelAdmin):
    """Meetings, to look up and correct a title or the publication; the agenda and its decisions are the
    organisers' pages' (every change of an item goes through the services)."""

    list_display = ["title", "node", "kind", "starts_at", "held_at", "published"]
    list_filter = ["kind", "published"]
    search_fields = ["title", "node__name"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["node", "place", "created_by"]
    readonly_fields = ["node", "held_at", "attendees", "participants", "minutes", "created_by", "updated_at"]
    inlines = [ItemInline]

    def has_add_permission(self, request):
        return False


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    """Topics, read only: the raiser's phone is personal data and is not shown here."""

    list_display = ["title", "node", "state", "created_at"]
    list_filter = ["state"]
    search_fields = ["title", "node__name"]
    fields = ["node", "title", "description", "raised_by_name", "raised_by", "state", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
