"""Configuration in the Django admin: the administrative tree, handling units,
and people with their roles (an inline on the User admin).

Requests are shown read-only (appeals/admin.py): a request changes only
through appeals.services.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .labels import by_initials, node_label, unit_label
from .models import LEVEL, Node, PersonalDataView, Role, Unit, new_code, placement_problem
from .tree import tree

admin.site.site_header = _("Hubiying administration")
admin.site.site_title = _("Hubiying")
admin.site.index_title = _("Configuration")


class PathAutocomplete(AutocompleteJsonView):
    """Every node and unit picker of the admin lists the path and the kind, not the bare name."""

    def serialize_result(self, obj, to_field_name):
        found = super().serialize_result(obj, to_field_name)
        if isinstance(obj, Node):
            found["text"] = node_label(obj)
        elif isinstance(obj, Unit):
            found["text"] = unit_label(obj)
        return found


admin.site.autocomplete_view = lambda request: PathAutocomplete.as_view(admin_site=admin.site)(request)


class PathPickers:
    """A ModelAdmin or inline mixin: the node and unit chosen already are shown with their path and kind too."""

    def _labelled(self, field):
        model = getattr(field, "queryset", None) is not None and field.queryset.model
        if model is Node:
            field.label_from_instance = node_label
        elif model is Unit:
            field.label_from_instance = unit_label
        return field

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return self._labelled(super().formfield_for_foreignkey(db_field, request, **kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return self._labelled(super().formfield_for_manytomany(db_field, request, **kwargs))


class InitialsSearch:
    """A ModelAdmin mixin: the search (and the pickers' search) finds a name by its pinyin initials too."""

    def get_search_results(self, request, queryset, search_term):
        found, duplicates = super().get_search_results(request, queryset, search_term)
        ids = by_initials(self.initials_names(), search_term)
        if ids:
            found = found | queryset.filter(pk__in=ids)
        return found, duplicates


COORDINATE = forms.NumberInput(attrs={"step": "0.000001"})


class NodeForm(forms.ModelForm):
    class Meta:
        model = Node
        fields = ["name", "code", "kind", "parent", "lat", "lng"]
        widgets = {"lat": COORDINATE, "lng": COORDINATE}
        help_texts = {
            "code": _("Left empty, it is made from the parent's code (HTB-T1-C2-G3) and stays when the node moves."),
            "parent": _("A town sits under the county, a community under a town, a grid under a community, "
                        "a compound under a grid or its community."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].required = False

    def clean_lat(self):
        return _six(self.cleaned_data.get("lat"))

    def clean_lng(self):
        return _six(self.cleaned_data.get("lng"))

    def clean(self):
        data = super().clean()
        kind, parent = data.get("kind"), data.get("parent")
        problem = placement_problem(kind, parent.kind if parent else None) if kind else None
        if problem:
            self.add_error("parent", problem)
        if kind and parent and not problem and not data.get("code"):
            taken = set(Node.objects.filter(code__startswith=parent.code).values_list("code", flat=True))
            data["code"] = self.instance.code = new_code(parent.code, kind, taken)
        elif not data.get("code") and "code" not in self.errors:
            self.add_error("code", _("Enter a code (it can be made for you under a parent)."))
        if kind and self.instance.pk:
            lowest = min((LEVEL[c.kind] for c in self.instance.children.all()), default=None)
            if lowest is not None and lowest <= LEVEL[kind]:
                self.add_error("kind", _("This node has children of this level or above it: move them first."))
        return data


def _six(value):
    """A coordinate to 6 decimals (about 0.1 m): no float noise on the pages."""
    return None if value is None else round(value, 6)


@admin.register(Node)
class NodeAdmin(InitialsSearch, PathPickers, admin.ModelAdmin):
    form = NodeForm
    list_display = ("indented_name", "kind", "code", "latitude", "longitude")
    list_filter = ("kind",)
    search_fields = ("name", "code")
    search_help_text = _("A name, a code or the pinyin initials of a name (e.g. htbz).")
    autocomplete_fields = ("parent",)
    readonly_fields = ("place_path",)
    fields = ("name", "code", "kind", "parent", "lat", "lng", "place_path")
    ordering = ("path",)
    list_per_page = 200

    def initials_names(self) -> dict[int, str]:
        return {pk: node.name for pk, node in tree().by_id.items()}

    @admin.display(description=_("latitude"), ordering="lat")
    def latitude(self, node: Node) -> str:
        return "" if node.lat is None else f"{node.lat:.6f}"

    @admin.display(description=_("longitude"), ordering="lng")
    def longitude(self, node: Node) -> str:
        return "" if node.lng is None else f"{node.lng:.6f}"

    @admin.display(description=_("place in the tree"))
    def place_path(self, node: Node) -> str:
        return node_label(node) if node.pk else "—"

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, node: Node):
        depth = node.path.strip("/").count("/")
        return format_html('<span style="padding-left:{}em">{}</span>', depth * 1.5, node.name)


@admin.register(Unit)
class UnitAdmin(InitialsSearch, PathPickers, admin.ModelAdmin):
    list_display = ("name", "kind", "code", "phone", "serves", "active")
    list_filter = ("kind", "active")
    search_fields = ("name", "code")
    search_help_text = _("A name, a code or the pinyin initials of a name.")

    def initials_names(self) -> dict[int, str]:
        return dict(Unit.objects.values_list("pk", "name"))
    autocomplete_fields = ("jurisdiction",)
    fields = ("name", "code", "kind", "jurisdiction", "phone", "active")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("jurisdiction")

    @admin.display(description=_("jurisdiction"))
    def serves(self, unit: Unit) -> str:
        names = [n.name for n in unit.jurisdiction.all()]
        return "、".join(names[:4]) + ("…" if len(names) > 4 else "")


def _scope_help() -> str:
    unit_roles = "、".join(str(Role.Name(r).label) for r in sorted(Role.UNIT_ROLES))
    node_roles = "、".join(str(Role.Name(r).label) for r in Role.Name.values if r in Role.NODE_ROLES)
    return str(_("Which scope a role needs: %(unit_roles)s — a handling unit; %(node_roles)s — a place in the tree "
                 "(they act in its whole subtree); a resident needs neither.")
               % {"unit_roles": unit_roles, "node_roles": node_roles})


class RoleForm(forms.ModelForm):
    class Meta:
        model = Role
        fields = ("name", "node", "unit")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].help_text = _scope_help()


class RoleInline(PathPickers, admin.TabularInline):
    """A person's roles: each scoped to a tree node (grid worker, dispatcher,
    supervisor, leader, administrator) or to a unit (handler)."""

    model = Role
    form = RoleForm
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
