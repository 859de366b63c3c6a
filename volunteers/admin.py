from django.contrib import admin

from organisations.admin import PathPickers

from .models import Skill, Team


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order"]
    list_editable = ["order"]


@admin.register(Team)
class TeamAdmin(PathPickers, admin.ModelAdmin):
    """The teams; their members (names and phones) only on the registry pages, masked."""

    list_display = ["name", "node", "place", "active"]
    list_filter = ["active"]
    search_fields = ["name", "node__name"]
    autocomplete_fields = ["node", "place"]
