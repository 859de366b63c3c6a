"""The catalogue of services, the online-service links, the life circles per
kind of place, and every place (superusers and is_staff accounts with model
permissions; community staff keep their own places on /work/places/)."""

from __future__ import annotations

from django.contrib import admin
from django.db import models

from organisations.admin import PathPickers

from .models import Circle, Hours, OnlineService, Place, PlacePhoto, Service, SpecialDay


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "code", "order", "active"]
    list_editable = ["order", "active"]
    search_fields = ["name", "name_en", "code"]


@admin.register(OnlineService)
class OnlineServiceAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # a bare host is an https:// link
    list_display = ["name", "url", "order", "active"]
    list_editable = ["order", "active"]
    search_fields = ["name", "url"]


@admin.register(Circle)
class CircleAdmin(admin.ModelAdmin):
    list_display = ["kind", "five", "ten", "fifteen"]


class HoursInline(admin.TabularInline):
    model = Hours
    extra = 0


class SpecialDayInline(admin.TabularInline):
    model = SpecialDay
    extra = 0


class PhotoInline(admin.TabularInline):
    model = PlacePhoto
    extra = 0
    fields = ["token", "width", "height", "uploaded_at"]
    readonly_fields = fields
    can_delete = True

    def has_add_permission(self, request, obj=None):
        return False  # photos come through the place's page, which re-encodes them


@admin.register(Place)
class PlaceAdmin(PathPickers, admin.ModelAdmin):
    list_display = ["name", "kind", "node", "address", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "address", "host"]
    autocomplete_fields = ["node", "hosts"]
    filter_horizontal = ["services", "online_services"]
    inlines = [HoursInline, SpecialDayInline, PhotoInline]
    readonly_fields = ["updated_at"]
