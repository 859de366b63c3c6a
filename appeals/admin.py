"""Categories and time limits are configured here; requests are only shown.

A request's state changes only through appeals.services (one function per
action, each writing its timeline event), so the admin offers no add, change
or delete for requests, and their events are listed read-only.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .access import mask_name, mask_phone
from .deadlines import FALLBACK, matching_limits
from .models import Appeal, AppealEvent, AppealPhoto, Category, CoUnit, Question, Status, TimeLimit, Urgency


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["name", "name_en", "code", "parent", "order", "active"]

    def clean(self):
        data = super().clean()
        if data.get("parent") and self.instance.pk and self.instance.children.exists():
            self.add_error("parent", _("This category has subcategories, so it must stay at the first level."))
        return data


class SubcategoryInline(admin.TabularInline):
    model = Category
    fk_name = "parent"
    fields = ("name", "name_en", "code", "order", "active")
    extra = 0
    verbose_name = _("subcategory")
    verbose_name_plural = _("subcategories")


class QuestionInline(admin.StackedInline):
    """The extra questions of a category requests are filed under (Open311: its attributes)."""

    model = Question
    fields = (("order", "code", "datatype", "required", "variable", "active"), ("description", "description_en"),
              "datatype_description", "options")
    extra = 0
    verbose_name = _("extra question")
    verbose_name_plural = _("extra questions (asked on the resident page, in the API and in Open311)")

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("widgets", {"options": forms.Textarea(attrs={"rows": 3, "cols": 40})})
        return super().get_formset(request, obj, **kwargs)


class LevelFilter(admin.SimpleListFilter):
    title = _("level")
    parameter_name = "level"

    def lookups(self, request, model_admin):
        return [("1", _("First level")), ("2", _("Second level"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(parent__isnull=True)
        if self.value() == "2":
            return queryset.filter(parent__isnull=False)
        return queryset


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    form = CategoryForm
    list_display = ("__str__", "code", "name_en", "order", "active")
    list_filter = (LevelFilter, "active", ("parent", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "name_en", "code")
    list_select_related = ("parent",)
    ordering = ("parent__order", "order", "code")
    readonly_fields = ("time_limits",)
    fields = ("name", "name_en", "code", "parent", "order", "active", "time_limits")

    @admin.display(description=_("time limits that apply"))
    def time_limits(self, category: Category):
        """For each step, normal and urgent: the limit that applies and the row it comes from, with the
        rows it overrides (so an overlap is visible before a request meets it)."""
        if not category.pk:
            return _("Shown once the category is saved.")
        rows = []
        for step, step_label in TimeLimit.Step.choices:
            cells = []
            for urgency in (Urgency.NORMAL, Urgency.URGENT):
                found = matching_limits(step, category.pk, category.parent_id, urgency, "")
                cells.append(_limit_cell(step, found))
            rows.append((step_label, *cells))
        head = format_html("<tr><th>{}</th><th>{}</th><th>{}</th></tr>", _("step"), Urgency.NORMAL.label,
                           Urgency.URGENT.label)
        body = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows)
        note = _("The most specific row wins: this category over its parent, then the urgency, then the type "
                 "(a row for one type of request applies to that type only). Rows marked “overridden” also "
                 "match but lose.")
        return format_html('<table data-time-limits>{}{}</table><p class="help">{}</p>', head, body, note)

    def get_inlines(self, request, obj):
        # Two levels only: subcategories are edited on their first-level category; the questions
        # belong to a category requests are filed under (one without active subcategories).
        if obj is None:
            return [SubcategoryInline, QuestionInline]
        if obj.parent_id:
            return [QuestionInline]
        return [SubcategoryInline] + ([] if obj.children.filter(active=True).exists() else [QuestionInline])


def _row_source(row: TimeLimit) -> str:
    parts = [str(row.category) if row.category_id else str(_("every category"))]
    if row.urgency:
        parts.append(row.get_urgency_display())
    if row.appeal_type:
        parts.append(row.get_appeal_type_display())
    return " · ".join(parts)


def _limit_cell(step: str, found: list[TimeLimit]):
    if not found:
        amount, clock = FALLBACK[step]
        return format_html("<strong>{} {}</strong><br><small>{}</small>", _amount(amount),
                           TimeLimit.Clock(clock).label, _("the platform's default: no row matches"))
    winner, *others = found
    overridden = format_html_join("", "<br><small>{}: {} {} ({})</small>",
                                  ((_("overridden"), _amount(r.amount), r.get_clock_display(), _row_source(r))
                                   for r in others))
    return format_html("<strong>{} {}</strong><br><small>{}</small>{}", _amount(winner.amount),
                       winner.get_clock_display(), _row_source(winner), overridden)


def _amount(value) -> str:
    return f"{value.normalize():f}"


@admin.register(TimeLimit)
class TimeLimitAdmin(admin.ModelAdmin):
    list_display = ("step", "category", "urgency", "appeal_type", "amount", "clock")
    list_filter = ("step", "clock", "urgency", "appeal_type")
    search_fields = ("category__name", "category__code")
    autocomplete_fields = ("category",)
    list_select_related = ("category", "category__parent")


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventInline(ReadOnlyInline):
    model = AppealEvent
    fields = ("at", "what", "moved", "actor", "actor_unit", "note", "public", "notified_at")
    ordering = ("at", "id")
    verbose_name = _("timeline event")
    verbose_name_plural = _("timeline")

    @admin.display(description=_("action"))
    def what(self, event: AppealEvent) -> str:
        """The action named as on the timeline (派单, 签收…), not its code."""
        from .timeline import label

        return label(event.action)

    @admin.display(description=_("status"))
    def moved(self, event: AppealEvent) -> str:
        def name(value):
            return str(Status(value).label) if value in Status.values else (value or "—")

        return name(event.to_status) if event.from_status == event.to_status \
            else f"{name(event.from_status)} → {name(event.to_status)}"


class PhotoInline(ReadOnlyInline):
    model = AppealPhoto
    fields = ("photo", "width", "height", "uploaded_at")

    @admin.display(description=_("photo"))
    def photo(self, photo: AppealPhoto):
        # Through the access-checked view: nothing under the media folder has a URL.
        return format_html('<a href="{}">{}</a>', reverse("appeal_photo", args=[photo.appeal_id, photo.token]),
                           photo.token)


class CoUnitInline(ReadOnlyInline):
    model = CoUnit
    fields = ("unit", "signed_at", "replied_at", "content")
    verbose_name = _("co-unit part")
    verbose_name_plural = _("co-unit parts")


class DeadlineFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue")), ("due_soon", _("Due soon"))]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.overdue()
        if self.value() == "due_soon":
            return queryset.due_soon()
        return queryset


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    """Read-only: state changes happen through appeals.services only."""

    list_display = ("tracking_no", "title", "status", "category", "unit", "urgency", "channel", "created_at",
                    "deadline")
    list_filter = ("status", DeadlineFilter, "urgency", "channel", "type",
                   ("category", admin.RelatedOnlyFieldListFilter), ("unit", admin.RelatedOnlyFieldListFilter),
                   "supervised")
    search_fields = ("tracking_no", "title")
    date_hierarchy = "created_at"
    list_select_related = ("category", "category__parent", "unit")
    inlines = [CoUnitInline, EventInline, PhotoInline]
    # The contact is shown masked: the admin is for configuration, not for
    # calling residents (full views are for the handler, and logged).
    readonly_fields = ("contact",)
    fieldsets = [
        (None, {"fields": ["tracking_no", "status", "channel", "type", "category", "urgency", "title",
                           "description"]}),
        (_("Place"), {"fields": ["address", "lat", "lng", "node", "owner_node"]}),
        (_("Resident"), {"fields": ["contact", "anonymous", "submitted_by", "created_by"]}),
        (_("Handling"), {"fields": ["unit", "merged_into", "step_due", "handle_due",
                                    "deadline_estimated", "urge_count", "last_urged_at", "supervised",
                                    "supervise_due", "escalated",
                                    "reopen_count", "extension_count", "pending_extension_days",
                                    "pending_extension_reason"]}),
        (_("Result"), {"fields": ["reply_result", "reply_content", "replied_at", "reply_on_time", "callback_at",
                                  "rating", "rating_comment", "evaluated_at", "evaluated_via", "reject_reason",
                                  "closed_at", "created_at"]}),
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("contact"))
    def contact(self, appeal: Appeal) -> str:
        if appeal.anonymous:
            return _("anonymous")
        return " ".join(part for part in (mask_name(appeal.contact_name), mask_phone(appeal.contact_phone)) if part)

    @admin.display(description=_("deadline"))
    def deadline(self, appeal: Appeal) -> str:
        return {"overdue": _("Overdue"), "due_soon": _("Due soon")}.get(appeal.deadline_state(), "")
