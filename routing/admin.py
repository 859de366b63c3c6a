"""Routing rules are written here by the county's administrators; corrections
are the dispatchers' record and are only shown."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Correction, Rule


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ("category", "area", "compound", "unit", "order", "active")
    list_filter = ("active", "category")
    list_editable = ("order", "active")
    search_fields = ("category__name", "category__code", "unit__name", "area__name", "compound__name")
    raw_id_fields = ("area", "compound")
    filter_horizontal = ("co_units",)
    fieldsets = (
        (None, {"fields": ("category", ("area", "compound"))}),
        (_("Handling"), {"fields": ("unit", "co_units")}),
        (_("Precedence"), {"fields": ("order", "active")}),
    )


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    list_display = ("at", "appeal", "proposed_category", "category", "proposed_unit", "unit", "source", "actor")
    list_filter = ("source",)
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
