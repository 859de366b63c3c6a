"""Configuration in the Django admin: the administrative tree, handling units,
and people with their roles (an inline on the User admin).

Requests are shown read-only (appeals/admin.py): a request changes only
through appeals.services.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import LEVEL, Node, PersonalDataView, Role, Unit, placement_problem

admin.site.site_header = _("Hubiying administration")
admin.site.site_title = _("Hubiying")
admin.site.index_title = _("Configuration")


class NodeForm(forms.ModelForm):
    class Meta:
        model = Node
        fields = ["name", "code", "kind", "parent", "lat", "lng"]

    def clean(self):
        data = super().clean()
        kind, parent = data.get("kind"), data.get("parent")
        problem = placement_problem(kind, parent.kind if parent else None) if kind else None
        if problem:
            self.add_error("parent", problem)
        if kind and self.instance.pk:
            lowest = min((LEVEL[c.kind] for c in self.instance.children.all()), default=None)
            if lowest is not None and lowest <= LEVEL[kind]:
                self.add_error("kind", _("This node has children of this level or above it: move them first."))
        return data


@admin.register(Node)
class NodeAdmin(admin.ModelAdmin):
    form = NodeForm
    list_display = ("indented_name", "kind", "code", "lat", "lng")
    list_filter = ("kind",)
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)
    readonly_fields = ("path",)
    fields = ("name", "code", "kind", "parent", "lat", "lng", "path")
    ordering = ("path",)
    list_per_page = 200

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, node: Node):
        depth = node.path.strip("/").count("/")
        return format_html('<span style="padding-left:{}em">{}</span>', depth * 1.5, node.name)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "code", "phone", "serves", "active")
    list_filter = ("kind", "active")
    search_fields = ("name", "code")
    autocomplete_fields = ("jurisdiction",)
    fields = ("name", "code", "kind", "jurisdiction", "phone", "active")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("jurisdiction")

    @admin.display(description=_("jurisdiction"))
    def serves(self, unit: Unit) -> str:
        names = [n.name for n in unit.jurisdiction.all()]
        return "、".join(names[:4]) + ("…" if len(names) > 4 else "")


class RoleInline(admin.TabularInline):
    """A person's roles: each scoped to a tree node (grid worker, dispatcher,
    supervisor, leader, administrator) or to a unit (handler)."""

    model = Role
    fields = ("name", "node", "unit")
    autocomplete_fields = ("node", "unit")
    extra = 0


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class PersonAdmin(UserAdmin):
    inlines = [RoleInline]
    list_display = ("username", "first_name", "role_list", "is_staff", "is_active", "last_login")
    list_filter = ("roles__name", "is_staff", "is_superuser", "is_active")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("roles__node", "roles__unit")

    @admin.display(description=_("roles"))
    def role_list(self, user) -> str:
        return "；".join(str(role) for role in user.roles.all())


@admin.register(PersonalDataView)
class PersonalDataViewAdmin(admin.ModelAdmin):
    """The log of full views of personal data (PIPL): read-only for everyone."""

    list_display = ("at", "viewer", "viewer_label", "subject", "field")
    list_filter = ("field",)
    search_fields = ("subject", "viewer__username", "viewer_label")
    date_hierarchy = "at"
    list_select_related = ("viewer",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
