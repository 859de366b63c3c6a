"""The micro-funds in the Django admin: a fund's name and committee, its
projects; the ledger is read-only here as everywhere (entries are posted on the
fund's work page, never added, changed or deleted in the admin)."""

from django.contrib import admin

from .models import Entry, Fund, Project


@admin.register(Fund)
class FundAdmin(admin.ModelAdmin):
    list_display = ["name", "node", "balance", "opened_on"]
    search_fields = ["name", "node__name", "node__code"]
    filter_horizontal = ["committee"]
    readonly_fields = ["balance"]
    raw_id_fields = ["node"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "fund", "budget", "closed"]
    list_filter = ["closed"]
    search_fields = ["title", "fund__name"]
    raw_id_fields = ["appeal", "topic"]


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["fund", "number", "kind", "on", "amount", "purpose"]
    list_filter = ["kind"]
    search_fields = ["purpose", "receipt_no", "fund__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
