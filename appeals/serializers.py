"""Declared input and output shapes of the JSON API (/api/v1/).

Input serializers check types only (text, number, yes/no, one of a list);
the rules (required in which state, lengths, who may) stay in
`appeals.services` and `appeals.intake`, whose refusals the API passes on.
Output serializers read model instances; the view puts the viewer into the
context (`request`, `staff_view`, `reveal_contact`).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

from organisations.access import scopes_of
from organisations.models import Role, Unit

from . import access, services
from .models import Appeal, AppealType, Status, Urgency

# --- Shared pieces -----------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    """The body of every error answer."""

    code = serializers.CharField(help_text="A stable code for programs, e.g. wrong_state, not_found, invalid.")
    detail = serializers.CharField(help_text="A sentence for people, in the request's language.")
    field = serializers.CharField(required=False, help_text="The input field at fault, when there is one.")


class StrictBooleanField(serializers.BooleanField):
    """true or false only (JSON booleans, or the words in form data): a
    decision such as approving an extension is never inferred from "yes" or 1."""

    default_error_messages = {"invalid": _("Must be true or false.")}
    default_empty_html = empty  # absent from form data or a query string means absent, not false

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        if isinstance(data, str) and data.lower() in ("true", "false"):
            return data.lower() == "true"
        self.fail("invalid")


class StrictIntegerField(serializers.IntegerField):
    """A whole number: 3 or "3", never 3.5, true or "3 days"; within the
    database's 64-bit range, so that no lookup overflows."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", -(2**63))
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or (isinstance(data, float) and not data.is_integer()):
            self.fail("invalid")
        return super().to_internal_value(data)


class CategoryRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()


class UnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class NodeRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


# --- Sign-in and the caller ------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(trim_whitespace=False)
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")


class RoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(source="name", choices=Role.Name.choices)
    role_display = serializers.CharField(source="get_name_display")
    node = NodeRefSerializer(allow_null=True, help_text="The tree node the role covers (node-scoped roles).")
    unit = UnitRefSerializer(allow_null=True, help_text="The handling unit (unit-scoped roles).")


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    superuser = serializers.BooleanField(source="is_superuser")
    roles = serializers.SerializerMethodField()

    @extend_schema_field(RoleSerializer(many=True))
    def get_roles(self, user):
        roles = Role.objects.filter(user=user).select_related("node", "unit").order_by("name", "pk")
        return RoleSerializer(roles, many=True).data


# --- Reference data --------------------------------------------------------------


class CategoryChildSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()


class CategoryTreeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    children = CategoryChildSerializer(many=True, source="active_children")


class UnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Unit.Kind.choices)
    kind_display = serializers.CharField(source="get_kind_display")


# --- Intake ------------------------------------------------------------------------


class AppealCreateSerializer(serializers.Serializer):
    """A new request. Give a map position (lat and lng) and/or an address."""

    category = serializers.CharField(help_text="A second-level category code (or a first-level one without children).")
    type = serializers.ChoiceField(choices=AppealType.choices, default=AppealType.HELP)
    title = serializers.CharField(required=False, default="", allow_blank=True, help_text="Up to 100 characters.")
    description = serializers.CharField(allow_blank=True, help_text="Up to 2,000 characters.")
    lat = serializers.FloatField(required=False, default=None, allow_null=True)
    lng = serializers.FloatField(required=False, default=None, allow_null=True)
    address = serializers.CharField(required=False, default="", allow_blank=True)
    contact_name = serializers.CharField(required=False, default="", allow_blank=True)
    contact_phone = serializers.CharField(
        required=False, default="", allow_blank=True,
        help_text="Required unless staff register the request on a resident's behalf.",
    )
    anonymous = serializers.BooleanField(required=False, default=False)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    community = serializers.CharField(
        required=False, default="", allow_blank=True, help_text="Optional tree node code of the community."
    )
    channel = serializers.ChoiceField(
        choices=Appeal.Channel.choices, default=Appeal.Channel.API,
        help_text="hotline, walk_in, patrol and talk_day are for staff registering on a resident's behalf.",
    )
    photos = serializers.ListField(
        child=serializers.FileField(), required=False, default=list,
        help_text="Up to 9 photos (multipart/form-data only).",
    )


class AppealCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tracking_no = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)


# --- Lists and filters -------------------------------------------------------------


class AppealFilterSerializer(serializers.Serializer):
    status = serializers.CharField(required=False, allow_blank=True, help_text="One status or a comma-separated list.")
    category = serializers.CharField(
        required=False, allow_blank=True, help_text="A category code; a first-level code includes its children."
    )
    unit = StrictIntegerField(required=False, help_text="Lead unit id.")
    overdue = StrictBooleanField(required=False, help_text="true: overdue only; false: not overdue.")
    q = serializers.CharField(
        required=False, allow_blank=True,
        help_text="Words of the title, description, address or tracking number; all must occur.",
    )
    created_after = serializers.DateField(required=False, help_text="Submitted on or after this date.")
    created_before = serializers.DateField(required=False, help_text="Submitted on or before this date.")

    def validate_status(self, value):
        statuses = [s.strip() for s in value.split(",") if s.strip()]
        unknown = [s for s in statuses if s not in Status.values]
        if unknown:
            raise serializers.ValidationError(_("Unknown status “%(status)s”.") % {"status": unknown[0]})
        return statuses


class AppealListItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tracking_no = serializers.CharField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_display = serializers.CharField(source="get_status_display")
    category = CategoryRefSerializer()
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    unit = UnitRefSerializer(allow_null=True)
    created_at = serializers.DateTimeField()
    step_due = serializers.DateTimeField(allow_null=True, help_text="When the current step is due.")
    deadline_state = serializers.SerializerMethodField(help_text="overdue, due_soon, ok, or empty (no running step).")

    @extend_schema_field(OpenApiTypes.STR)
    def get_deadline_state(self, appeal):
        return appeal.deadline_state()

    def to_representation(self, appeal):
        # The list is the API's busiest read: the same output as the declared
        # fields give (a test compares them), built directly.
        category, unit = appeal.category, appeal.unit
        return {
            "id": appeal.pk,
            "tracking_no": appeal.tracking_no,
            "title": appeal.title,
            "status": appeal.status,
            "status_display": str(appeal.get_status_display()),
            "category": {"code": category.code, "name": category.name, "name_en": category.name_en},
            "urgency": appeal.urgency,
            "unit": {"id": unit.pk, "name": unit.name} if unit is not None else None,
            "created_at": _DATETIME.to_representation(appeal.created_at),
            "step_due": _DATETIME.to_representation(appeal.step_due) if appeal.step_due else None,
            "deadline_state": appeal.deadline_state(),
        }


_DATETIME = serializers.DateTimeField()
# The columns AppealListItemSerializer reads (the list loads no others).
LIST_COLUMNS = ("id", "tracking_no", "title", "status", "urgency", "created_at", "step_due", "step_warn_at",
                "category__code", "category__name", "category__name_en", "unit__name")


# --- One request -------------------------------------------------------------------


class EventSerializer(serializers.Serializer):
    action = serializers.CharField()
    from_status = serializers.CharField(help_text="Empty on the first event.")
    to_status = serializers.CharField()
    at = serializers.DateTimeField()
    actor = serializers.SerializerMethodField(help_text="The unit's name for handlers, else the username.")
    note = serializers.CharField()
    public = serializers.BooleanField(help_text="Whether the resident sees this event.")

    @extend_schema_field(OpenApiTypes.STR)
    def get_actor(self, event):
        if event.actor_unit_id:
            return event.actor_unit.name
        if event.actor_id is None:
            return ""
        # Residents see staff only as their unit, never by name.
        if self.context.get("staff_view") or event.actor_id == self.context.get("viewer_id"):
            return event.actor.get_username()
        return ""


class DeadlinesSerializer(serializers.Serializer):
    step_due = serializers.DateTimeField(allow_null=True)
    step_warn_at = serializers.DateTimeField(allow_null=True, help_text="From then on the step is due soon.")
    handle_due = serializers.DateTimeField(allow_null=True, help_text="When the reply is due.")
    deadline_state = serializers.SerializerMethodField(help_text="overdue, due_soon, ok, or empty.")
    deadline_estimated = serializers.BooleanField(
        help_text="True when the official calendar did not cover the period (Monday–Friday was assumed)."
    )
    supervise_due = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(OpenApiTypes.STR)
    def get_deadline_state(self, appeal):
        return appeal.deadline_state()


class PhotoSerializer(serializers.Serializer):
    url = serializers.SerializerMethodField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, photo):
        url = photo.image.url
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class ContactSerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()
    masked = serializers.BooleanField(help_text="False only when the full contact was revealed (and logged).")


class ReplySerializer(serializers.Serializer):
    result = serializers.ChoiceField(source="reply_result", choices=Appeal.Result.choices)
    result_display = serializers.CharField(source="get_reply_result_display")
    content = serializers.CharField(source="reply_content")
    replied_at = serializers.DateTimeField(allow_null=True)


class EvaluationSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=Appeal.Rating.choices)
    rating_display = serializers.CharField(source="get_rating_display")
    comment = serializers.CharField(source="rating_comment")
    evaluated_at = serializers.DateTimeField(allow_null=True)


class PendingExtensionSerializer(serializers.Serializer):
    days = serializers.IntegerField(source="pending_extension_days")
    reason = serializers.CharField(source="pending_extension_reason")


class MergedIntoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tracking_no = serializers.CharField()


class AppealDetailSerializer(serializers.Serializer):
    """One request as the viewer may see it."""

    id = serializers.IntegerField()
    tracking_no = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_display = serializers.CharField(source="get_status_display")
    channel = serializers.ChoiceField(choices=Appeal.Channel.choices)
    type = serializers.ChoiceField(choices=AppealType.choices)
    category = CategoryRefSerializer()
    title = serializers.CharField()
    description = serializers.CharField()
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    lat = serializers.FloatField(allow_null=True)
    lng = serializers.FloatField(allow_null=True)
    address = serializers.CharField()
    node = NodeRefSerializer(help_text="The place (grid, compound or community) the request was resolved to.")
    anonymous = serializers.BooleanField()
    contact = serializers.SerializerMethodField()
    unit = UnitRefSerializer(allow_null=True)
    co_units = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    deadlines = DeadlinesSerializer(source="*")
    supervised = serializers.BooleanField()
    reply = serializers.SerializerMethodField()
    evaluation = serializers.SerializerMethodField()
    reject_reason = serializers.CharField()
    merged_into = serializers.SerializerMethodField()
    pending_extension = serializers.SerializerMethodField(help_text="Staff only: an extension awaiting a decision.")
    photos = PhotoSerializer(many=True, source="photos.all")
    timeline = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField(
        help_text="The actions the viewer may take now: POST /api/v1/appeals/{id}/{action}."
    )

    @extend_schema_field(ContactSerializer)
    def get_contact(self, appeal):
        return access.contact_for(self.context["request"].user, appeal, reveal=self.context.get("reveal_contact"))

    @extend_schema_field(UnitRefSerializer(many=True))
    def get_co_units(self, appeal):
        return UnitRefSerializer(appeal.co_units.all(), many=True).data

    @extend_schema_field(ReplySerializer(allow_null=True))
    def get_reply(self, appeal):
        return ReplySerializer(appeal).data if appeal.reply_result else None

    @extend_schema_field(EvaluationSerializer(allow_null=True))
    def get_evaluation(self, appeal):
        return EvaluationSerializer(appeal).data if appeal.rating else None

    @extend_schema_field(MergedIntoSerializer(allow_null=True))
    def get_merged_into(self, appeal):
        return MergedIntoSerializer(appeal.merged_into).data if appeal.merged_into_id else None

    @extend_schema_field(PendingExtensionSerializer(allow_null=True))
    def get_pending_extension(self, appeal):
        if appeal.pending_extension_days is None or not self.context.get("staff_view"):
            return None
        return PendingExtensionSerializer(appeal).data

    @extend_schema_field(EventSerializer(many=True))
    def get_timeline(self, appeal):
        events = appeal.events.select_related("actor", "actor_unit")
        if not self.context.get("staff_view"):
            events = events.filter(public=True)
        return EventSerializer(events, many=True, context=self.context).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, appeal):
        return services.allowed_actions(appeal, self.context["request"].user)


def staff_view(user) -> bool:
    """Staff see the whole timeline with names; residents the public part."""
    return scopes_of(user).is_staff_role


# --- Actions -----------------------------------------------------------------------


def _text(required: bool = True, help_text: str = ""):
    if required:
        return serializers.CharField(allow_blank=True, trim_whitespace=False, help_text=help_text)
    return serializers.CharField(required=False, default="", allow_blank=True, trim_whitespace=False,
                                 help_text=help_text)


class EmptyActionSerializer(serializers.Serializer):
    """No fields."""


class NoteActionSerializer(serializers.Serializer):
    note = _text(False, "An optional note for the timeline.")


class ReasonActionSerializer(serializers.Serializer):
    reason = _text(True, "Shown on the timeline.")


class OptionalReasonActionSerializer(serializers.Serializer):
    reason = _text(False)


class DispatchActionSerializer(serializers.Serializer):
    unit = StrictIntegerField(help_text="The lead unit's id (see GET /api/v1/units).")
    co_units = serializers.ListField(child=StrictIntegerField(), required=False, default=list,
                                     help_text="Ids of co-units.")
    note = _text(False)


class RequestExtensionActionSerializer(serializers.Serializer):
    days = StrictIntegerField(help_text="Working days to add to the reply deadline.")
    reason = _text(True)


class ApproveExtensionActionSerializer(serializers.Serializer):
    approve = StrictBooleanField()
    note = _text(False)


class ReplyActionSerializer(serializers.Serializer):
    result = serializers.ChoiceField(
        choices=Appeal.Result.choices,
        error_messages={"invalid_choice": _("Choose the result: resolved, explained or cannot be solved.")},
    )
    content = _text(True, "The reply to the resident.")


class EvaluateActionSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(
        choices=Appeal.Rating.choices,
        error_messages={"invalid_choice": _("Choose satisfied, basically satisfied or dissatisfied.")},
    )
    comment = _text(False)


class MergeActionSerializer(serializers.Serializer):
    into = StrictIntegerField(help_text="The id of the open request this one duplicates.")


class ContentActionSerializer(serializers.Serializer):
    content = _text(True)


# action -> (input serializer, one-line description). Field names are the
# service functions' keyword arguments.
ACTION_INPUTS: dict[str, tuple[type[serializers.Serializer], str]] = {
    "register": (NoteActionSerializer, "Dispatcher accepts a submitted request."),
    "reject": (ReasonActionSerializer, "Dispatcher refuses a request; the reason is shown to the resident."),
    "dispatch": (DispatchActionSerializer, "Dispatcher assigns the lead unit (and co-units) with deadlines."),
    "sign": (EmptyActionSerializer, "Handler signs for a dispatched request."),
    "return": (ReasonActionSerializer, "Handler returns the request to the dispatcher."),
    "start": (NoteActionSerializer, "Handler starts work."),
    "request-extension": (RequestExtensionActionSerializer, "Handler asks for more working days."),
    "approve-extension": (ApproveExtensionActionSerializer, "Dispatcher approves or refuses the pending extension."),
    "reply": (ReplyActionSerializer, "Handler replies to the resident."),
    "evaluate": (EvaluateActionSerializer, "The resident (or a call-back operator) rates the reply."),
    "reopen": (ReasonActionSerializer, "Dispatcher or supervisor reopens after a dissatisfied rating."),
    "close": (NoteActionSerializer, "Dispatcher closes a replied or evaluated request."),
    "merge": (MergeActionSerializer, "Dispatcher merges a duplicate into another open request."),
    "withdraw": (OptionalReasonActionSerializer, "The resident withdraws the request before the reply."),
    "urge": (ContentActionSerializer, "Supervisor urges the handling unit (internal)."),
    "supervise": (ContentActionSerializer, "Supervisor places the request under formal supervision (internal)."),
    "note": (ContentActionSerializer, "Staff add an internal note."),
}


# --- The public tracking page ------------------------------------------------------


class PublicEventSerializer(serializers.Serializer):
    action = serializers.CharField()
    to_status = serializers.CharField()
    at = serializers.DateTimeField()
    unit = serializers.SerializerMethodField(help_text="The handling unit's name, when a unit acted.")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_unit(self, event):
        return event.actor_unit.name if event.actor_unit_id else None


class PublicReplySerializer(serializers.Serializer):
    result = serializers.ChoiceField(source="reply_result", choices=Appeal.Result.choices)
    result_display = serializers.CharField(source="get_reply_result_display")
    content = serializers.CharField(source="reply_content")
    replied_at = serializers.DateTimeField(allow_null=True)


class TrackSerializer(serializers.Serializer):
    """What anyone holding the tracking number sees: no personal data, no
    internal notes, no staff names."""

    tracking_no = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_display = serializers.CharField(source="get_status_display")
    title = serializers.CharField()
    category = CategoryRefSerializer()
    created_at = serializers.DateTimeField()
    reply = serializers.SerializerMethodField()
    reject_reason = serializers.CharField()
    merged_into = serializers.SerializerMethodField(help_text="The tracking number to follow instead.")
    rating = serializers.CharField(help_text="The rating given, or empty.")
    can_evaluate = serializers.SerializerMethodField()
    can_withdraw = serializers.SerializerMethodField(help_text="The resident may still withdraw it (before the reply).")
    timeline = serializers.SerializerMethodField()

    @extend_schema_field(PublicReplySerializer(allow_null=True))
    def get_reply(self, appeal):
        return PublicReplySerializer(appeal).data if appeal.reply_result else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_merged_into(self, appeal):
        return appeal.merged_into.tracking_no if appeal.merged_into_id else None

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_can_evaluate(self, appeal):
        return appeal.status == Status.REPLIED

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_can_withdraw(self, appeal):
        return appeal.status in services.TRANSITIONS["withdraw"].sources

    @extend_schema_field(PublicEventSerializer(many=True))
    def get_timeline(self, appeal):
        events = appeal.events.filter(public=True).select_related("actor_unit")
        return PublicEventSerializer(events, many=True).data


def _phone_last4():
    return serializers.RegexField(
        r"^\d{4}$", error_messages={"invalid": _("Give the last four digits of your phone number.")},
        help_text="The last four digits of the phone number given with the request: they prove the resident.",
    )


class TrackEvaluateSerializer(serializers.Serializer):
    phone_last4 = _phone_last4()
    rating = serializers.ChoiceField(
        choices=Appeal.Rating.choices,
        error_messages={"invalid_choice": _("Choose satisfied, basically satisfied or dissatisfied.")},
    )
    comment = _text(False)


class TrackWithdrawSerializer(serializers.Serializer):
    phone_last4 = _phone_last4()
    reason = _text(False, "Why the request is withdrawn (optional, up to 200 characters); staff see it.")
