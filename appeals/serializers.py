"""Declared input and output shapes of the JSON API (/api/v1/).

Input serializers state every constraint the server checks that a schema can
say (required text is non-empty, lengths, enums, ranges, formats), so that a
client generated from the OpenAPI schema sends only what the server takes;
the rules beyond that (who may, in which state) stay in `appeals.services`
and `appeals.intake`, whose refusals the API passes on. Output serializers
read model instances; the view puts the viewer into the context (`request`,
`staff_view`).
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.utils import html

from organisations.models import Role, Unit

from . import access, intake, questions, services, suggestions, timeline
from .models import Appeal, AppealType, EvaluationChannel, Question, Status, Urgency
from .photos import MAX_PHOTOS

# --- Shared pieces -----------------------------------------------------------

# More than white space, and (as every text field of DRF) no NUL character.
NOT_BLANK = RegexValidator(r"^[^\x00]*[^\s\x00][^\x00]*$", message=_("This may not be empty."))


def text(max_length: int, *, required: bool = True, help_text: str = "", **kwargs) -> serializers.CharField:
    """Text as the services take it: refused, never cut, when too long
    (counted as sent); when required, it holds more than white space."""
    if required:
        return serializers.CharField(trim_whitespace=False, max_length=max_length, validators=[NOT_BLANK],
                                     help_text=help_text, **kwargs)
    return serializers.CharField(trim_whitespace=False, max_length=max_length, required=False, default="",
                                 allow_blank=True, help_text=help_text, **kwargs)


class ErrorItemSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True)
    detail = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    """The body of every error answer."""

    code = serializers.CharField(help_text="A stable code for programs, e.g. wrong_state, not_found, invalid.")
    detail = serializers.CharField(help_text="A sentence for people, in the request's language.")
    field = serializers.CharField(required=False, help_text="The input field at fault, when there is one.")
    errors = ErrorItemSerializer(many=True, required=False,
                                 help_text="Every problem found, when there are several (each with its field).")


class GivenMeansGiven:
    """In a query string or form data, DRF takes an empty value (`?page_size=`)
    for an absent one; the schema does not, so neither do these fields."""

    def get_value(self, dictionary):
        if html.is_html_input(dictionary) and self.field_name in dictionary:
            return dictionary.get(self.field_name)
        return super().get_value(dictionary)


class StrictBooleanField(GivenMeansGiven, serializers.BooleanField):
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


class StrictDateField(GivenMeansGiven, serializers.DateField):
    pass


class StrictIntegerField(GivenMeansGiven, serializers.IntegerField):
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


def object_id(**kwargs) -> StrictIntegerField:
    """The id of a row: 1 or more."""
    return StrictIntegerField(min_value=1, **kwargs)


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
    username = serializers.CharField(trim_whitespace=False, min_length=1, max_length=150)
    password = serializers.CharField(trim_whitespace=False, min_length=1, max_length=128,
                                     style={"input_type": "password"})


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


class QuestionValueSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()


class QuestionSerializer(serializers.Serializer):
    """An extra question of a category; answer it in `answers` of POST /api/v1/appeals."""

    code = serializers.CharField()
    description = serializers.CharField(help_text="The question.")
    description_en = serializers.CharField()
    datatype = serializers.ChoiceField(choices=Question.Datatype.choices)
    datatype_description = serializers.CharField(help_text="A hint on the answer.")
    variable = serializers.BooleanField(help_text="false: information only, not answered.")
    required = serializers.BooleanField()
    order = serializers.IntegerField()
    values = serializers.SerializerMethodField(help_text="The choices of a list question.")

    @extend_schema_field(QuestionValueSerializer(many=True))
    def get_values(self, question):
        return [{"key": k, "name": n} for k, n in question.values()]


class CategoryChildSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    questions = serializers.SerializerMethodField(help_text="The extra questions asked for this category.")

    @extend_schema_field(QuestionSerializer(many=True))
    def get_questions(self, category):
        return QuestionSerializer(questions.of(category), many=True).data


class CategoryTreeSerializer(CategoryChildSerializer):
    children = CategoryChildSerializer(many=True, source="active_children")


class UnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Unit.Kind.choices)
    kind_display = serializers.CharField(source="get_kind_display")


# --- Intake ------------------------------------------------------------------------

@extend_schema_field({"oneOf": [{"type": "string"}, {"type": "number"},
                                {"type": "array", "items": {"type": "string"}}]})
class AnswerField(serializers.Field):
    """One answer: text, a number, or the keys ticked (appeals.questions checks it against its question)."""

    default_error_messages = {"invalid": _("Give an answer as text, a number or a list of choices.")}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not (
            isinstance(data, (str, int, float)) or isinstance(data, list) and all(isinstance(v, str) for v in data)
        ):
            self.fail("invalid")
        return data

    def to_representation(self, value):
        return value


# The channels a native API client may name (Open311 apps file through /open311/v2/).
INTAKE_CHANNELS = [c for c in Appeal.Channel.choices if c[0] != Appeal.Channel.OPEN311]
PHONE_PATTERN = r"^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8}|[0-9]{7,8})$"


class AppealCreateSerializer(serializers.Serializer):
    """A new request. Give a map position (lat and lng, both), an address, or a community."""

    category = serializers.CharField(
        max_length=40, validators=[NOT_BLANK],
        help_text="The code of a category requests are filed under (GET /api/v1/categories): one without "
                  "subcategories. An unknown one answers 404.",
    )
    type = serializers.ChoiceField(choices=AppealType.choices, default=AppealType.HELP)
    title = text(intake.TITLE, required=False, help_text="Up to 100 characters; the description's start if empty.")
    description = text(intake.DESCRIPTION, help_text="Up to 4,000 characters of plain text (no HTML tags).")
    lat = serializers.FloatField(required=False, min_value=-90, max_value=90, help_text="Latitude (with lng).")
    lng = serializers.FloatField(required=False, min_value=-180, max_value=180, help_text="Longitude (with lat).")
    address = text(intake.ADDRESS, required=False)
    contact_name = text(intake.NAME, required=False)
    contact_phone = serializers.RegexField(
        PHONE_PATTERN, required=False, default="", allow_blank=True, max_length=intake.PHONE,
        error_messages={"invalid": _("The phone number does not look right: give an 11-digit mobile or a "
                                     "landline.")},
        help_text="An 11-digit mobile or a landline. Required unless staff register the request on a "
                  "resident's behalf; the private link is sent to it by SMS.",
    )
    anonymous = serializers.BooleanField(required=False, default=False)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    community = serializers.CharField(
        required=False, max_length=40, validators=[NOT_BLANK],
        help_text="The tree node code of the community, when the resident knows it (an unknown one answers 404).",
    )
    channel = serializers.ChoiceField(
        choices=INTAKE_CHANNELS, default=Appeal.Channel.API,
        help_text="hotline, walk_in, patrol and talk_day are for staff registering on a resident's behalf.",
    )
    answers = serializers.DictField(
        required=False, default=dict, child=AnswerField(),
        help_text="Answers to the category's extra questions (GET /api/v1/categories: `questions`), by "
                  "question code: text, or a list of keys for a multivaluelist question.",
    )


def photos_field(help_text: str) -> serializers.ListField:
    return serializers.ListField(child=serializers.FileField(), required=False, default=list, max_length=MAX_PHOTOS,
                                 help_text=help_text)


class AppealCreateFormSerializer(AppealCreateSerializer):
    """A new request with photos (multipart/form-data)."""

    photos = photos_field("Up to 9 photos (JPEG, PNG, WebP or GIF), each at most 10 MB.")


class AppealCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tracking_no = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    token = serializers.CharField(
        allow_null=True, help_text="The resident's private token (a resident's own submission; null when staff "
                                   "register on a resident's behalf, whose phone gets it by SMS). With it the "
                                   "resident reads and acts on the request: GET /api/v1/track/{tracking_no}?token=…")
    track_url = serializers.CharField(allow_null=True, help_text="The private page for the resident, or null.")


# --- Lists and filters -------------------------------------------------------------


class AppealFilterSerializer(serializers.Serializer):
    status = serializers.MultipleChoiceField(
        choices=Status.choices, required=False, help_text="One or more statuses (repeat the parameter).",
        error_messages={"invalid_choice": _("Unknown status “{input}”.")},
    )
    category = serializers.CharField(
        required=False, allow_blank=True, max_length=40,
        help_text="A category code; a first-level code includes its children.",
    )
    unit = object_id(required=False, help_text="Lead unit id.")
    overdue = StrictBooleanField(required=False, help_text="true: overdue only; false: not overdue.")
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=100,
        help_text="Words of the title, description, address or tracking number; all must occur.",
    )
    created_after = StrictDateField(required=False, help_text="Submitted on or after this date.")
    created_before = StrictDateField(required=False, help_text="Submitted on or before this date.")
    page = StrictIntegerField(required=False, min_value=1, help_text="The page, from 1.")
    page_size = StrictIntegerField(required=False, min_value=1, max_value=100, help_text="1 to 100 (default 20).")


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

    @extend_schema_field(serializers.ChoiceField(choices=["overdue", "due_soon", "ok", ""]))
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


class EventNames(serializers.Serializer):
    """What an event is called and which unit it names (appeals.timeline), for every timeline answer."""

    label = serializers.SerializerMethodField()
    unit = serializers.SerializerMethodField(help_text="The handling unit that acted (or was dispatched to).")

    @extend_schema_field(OpenApiTypes.STR)
    def get_label(self, event):
        return timeline.label(event.action)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_unit(self, event):
        return timeline.unit_of(event) or None


class EventSerializer(EventNames):
    action = serializers.CharField()
    from_status = serializers.CharField(help_text="Empty on the first event.")
    to_status = serializers.CharField()
    at = serializers.DateTimeField()
    actor = serializers.SerializerMethodField(
        help_text="Who acted, as the viewer may know it: staff by name to staff, the resident only as "
                  "“the resident”, a handling unit by its name to residents.")
    note = serializers.CharField()
    public = serializers.BooleanField(help_text="Whether the resident sees this event.")

    @extend_schema_field(OpenApiTypes.STR)
    def get_actor(self, event):
        return access.actor_name(event, self.context["appeal"], staff=self.context.get("staff_view", False))


class DeadlinesSerializer(serializers.Serializer):
    step_due = serializers.DateTimeField(allow_null=True)
    step_warn_at = serializers.DateTimeField(allow_null=True, help_text="From then on the step is due soon.")
    handle_due = serializers.DateTimeField(allow_null=True, help_text="When the reply is due.")
    deadline_state = serializers.SerializerMethodField(help_text="overdue, due_soon, ok, or empty.")
    deadline_estimated = serializers.BooleanField(
        help_text="True when the official calendar did not cover the period (Monday–Friday was assumed)."
    )
    supervise_due = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(serializers.ChoiceField(choices=["overdue", "due_soon", "ok", ""]))
    def get_deadline_state(self, appeal):
        return appeal.deadline_state()


class PhotoSerializer(serializers.Serializer):
    url = serializers.SerializerMethodField(help_text="The photo, for those who may see the request (signed in).")
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    with_reply = serializers.SerializerMethodField(help_text="Sent with the reply (the “after” picture).")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, photo):
        url = reverse("api-appeal-photo", args=[photo.appeal_id, photo.token])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_with_reply(self, photo):
        return photo.event_id is not None and photo.event_id in self.context.get("reply_events", set())


class ContactSerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()
    masked = serializers.BooleanField(help_text="False only when the full contact was revealed (and logged).")


class ReplySerializer(serializers.Serializer):
    result = serializers.ChoiceField(source="reply_result", choices=Appeal.Result.choices)
    result_display = serializers.CharField(source="get_reply_result_display")
    content = serializers.CharField(source="reply_content")
    replied_at = serializers.DateTimeField(allow_null=True)
    on_time = serializers.BooleanField(source="reply_on_time", allow_null=True)


class EvaluationSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=Appeal.Rating.choices)
    rating_display = serializers.CharField(source="get_rating_display")
    comment = serializers.CharField(source="rating_comment")
    evaluated_at = serializers.DateTimeField(allow_null=True)
    via = serializers.ChoiceField(source="evaluated_via", choices=EvaluationChannel.choices,
                                  help_text="page, api (the resident) or callback (staff recorded it).")


class PendingExtensionSerializer(serializers.Serializer):
    days = serializers.IntegerField(source="pending_extension_days")
    reason = serializers.CharField(source="pending_extension_reason")


class MergedIntoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tracking_no = serializers.CharField()


class CoUnitPartSerializer(serializers.Serializer):
    unit = UnitRefSerializer()
    signed_at = serializers.DateTimeField(allow_null=True)
    replied_at = serializers.DateTimeField(allow_null=True)
    content = serializers.CharField(help_text="The co-unit's part, for the lead unit.")


class UrgesSerializer(serializers.Serializer):
    count = serializers.IntegerField(source="urge_count")
    last_at = serializers.DateTimeField(source="last_urged_at", allow_null=True)


class AnswerSerializer(serializers.Serializer):
    question = serializers.CharField()
    answer = serializers.CharField()


class _SuggestedCategory(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class SuggestionSerializer(serializers.Serializer):
    """按责交办, assisted: a category and a handling unit proposed for dispatch (made by the routing app)."""

    category = _SuggestedCategory()
    unit = UnitRefSerializer(allow_null=True, help_text="The proposed lead unit; null when the history knows none.")
    co_units = UnitRefSerializer(many=True)
    confidence = serializers.FloatField(min_value=0, max_value=1,
                                        help_text="1 for a routing rule; the classifier's probability otherwise.")
    words = serializers.ListField(child=serializers.CharField(),
                                  help_text="The words of the text that drove the classifier (empty for a rule).")
    source = serializers.ChoiceField(choices=[("rule", "a routing rule"), ("model", "the classifier")])


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
    contact = serializers.SerializerMethodField(
        help_text="Masked; POST /api/v1/appeals/{id}/contact shows it in full to those who must call (logged).")
    unit = UnitRefSerializer(allow_null=True)
    co_units = serializers.SerializerMethodField(help_text="The co-units' parts.")
    created_at = serializers.DateTimeField()
    deadlines = DeadlinesSerializer(source="*")
    supervised = serializers.BooleanField()
    urges = UrgesSerializer(source="*")
    reply = serializers.SerializerMethodField()
    evaluation = serializers.SerializerMethodField()
    reject_reason = serializers.CharField()
    merged_into = serializers.SerializerMethodField()
    pending_extension = serializers.SerializerMethodField(help_text="Staff only: an extension awaiting a decision.")
    answers = serializers.SerializerMethodField(help_text="The answers to the category's extra questions.")
    photos = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField(
        help_text="The actions the viewer may take now: POST /api/v1/appeals/{id}/{action}."
    )
    suggestion = serializers.SerializerMethodField(
        help_text="For a viewer who may dispatch the request now: the proposed category and handling unit "
                  "(routing rules first, else the classifier); null otherwise or when nothing is proposed."
    )

    @extend_schema_field(SuggestionSerializer(allow_null=True))
    def get_suggestion(self, appeal):
        return suggestions.for_viewer(self.context["request"].user, appeal)

    @extend_schema_field(AnswerSerializer(many=True))
    def get_answers(self, appeal):
        return [{"question": q, "answer": a} for q, a in questions.shown(appeal.category, appeal.answers)]

    @extend_schema_field(ContactSerializer)
    def get_contact(self, appeal):
        return self.context.get("contact") or access.contact_for(self.context["request"].user, appeal)

    @extend_schema_field(CoUnitPartSerializer(many=True))
    def get_co_units(self, appeal):
        return CoUnitPartSerializer(access.co_parts(appeal), many=True).data

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

    @extend_schema_field(PhotoSerializer(many=True))
    def get_photos(self, appeal):
        replies = set(appeal.events.filter(action="reply").values_list("pk", flat=True))
        return PhotoSerializer(appeal.photos.all(), many=True,
                               context={**self.context, "reply_events": replies}).data

    @extend_schema_field(EventSerializer(many=True))
    def get_timeline(self, appeal):
        events = appeal.events.select_related("actor", "actor_unit")
        if not self.context.get("staff_view"):
            events = events.filter(public=True)
        return EventSerializer(events, many=True, context={**self.context, "appeal": appeal}).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, appeal):
        return services.allowed_actions(appeal, self.context["request"].user)


# --- Actions -----------------------------------------------------------------------

REASON = services.REASON


class EmptyActionSerializer(serializers.Serializer):
    """No fields."""


class NoteActionSerializer(serializers.Serializer):
    note = text(2000, required=False, help_text="An optional note for the timeline.")


class ReasonActionSerializer(serializers.Serializer):
    reason = text(REASON, help_text="Shown on the timeline.")


class OptionalReasonActionSerializer(serializers.Serializer):
    reason = text(REASON, required=False)


class DispatchActionSerializer(serializers.Serializer):
    unit = object_id(help_text="The lead unit's id (see GET /api/v1/units).")
    co_units = serializers.ListField(child=object_id(), required=False, default=list, max_length=20,
                                     help_text="Ids of co-units (协办), who sign for and reply to their part.")
    note = text(2000, required=False, help_text="Instructions for the unit.")


class RequestExtensionActionSerializer(serializers.Serializer):
    days = StrictIntegerField(min_value=1, max_value=3, help_text="Working days to add to the reply deadline.")
    reason = text(REASON)


class ApproveExtensionActionSerializer(serializers.Serializer):
    approve = StrictBooleanField()
    note = text(REASON, required=False)


class ReplyActionSerializer(serializers.Serializer):
    result = serializers.ChoiceField(
        choices=Appeal.Result.choices,
        error_messages={"invalid_choice": _("Choose the result: resolved, explained or cannot be solved.")},
    )
    content = text(2000, help_text="The reply to the resident.")
    co_note = text(REASON, required=False, help_text="Why the reply goes without a co-unit's part (required "
                                                      "while a co-unit has not replied).")


class ReplyFormActionSerializer(ReplyActionSerializer):
    """The reply with photos of the result (multipart/form-data)."""

    photos = photos_field("Up to 9 photos of the result.")


class CoReplyActionSerializer(serializers.Serializer):
    content = text(2000, help_text="The co-unit's part, for the lead unit.")


class EvaluateActionSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(
        choices=Appeal.Rating.choices,
        error_messages={"invalid_choice": _("Choose satisfied, basically satisfied or dissatisfied.")},
    )
    comment = text(REASON, required=False)


CALLBACK_OUTCOMES = [*Appeal.Rating.choices, ("unreached", _("Could not be reached"))]


class CallbackActionSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=CALLBACK_OUTCOMES,
        help_text="The resident's rating on the phone, or unreached when the call did not reach them.",
    )
    comment = text(REASON, required=False)

    def to_service(self, data: dict) -> dict:
        if data["outcome"] == "unreached":
            return {"reached": False, "comment": data["comment"]}
        return {"reached": True, "rating": data["outcome"], "comment": data["comment"]}


class MergeActionSerializer(serializers.Serializer):
    into = object_id(help_text="The id of the open request this one duplicates.")


class ContentActionSerializer(serializers.Serializer):
    content = text(REASON)


class NoteContentActionSerializer(serializers.Serializer):
    content = text(2000)


# action -> (input serializer, one-line description). Field names are the
# service functions' keyword arguments (or to_service() makes them).
ACTION_INPUTS: dict[str, tuple[type[serializers.Serializer], str]] = {
    "register": (NoteActionSerializer, "Dispatcher accepts a submitted request."),
    "reject": (ReasonActionSerializer, "Dispatcher refuses a request; the reason is shown to the resident."),
    "dispatch": (DispatchActionSerializer, "Dispatcher assigns the lead unit (and co-units) with deadlines."),
    "sign": (EmptyActionSerializer, "Handler signs for a dispatched request."),
    "return": (ReasonActionSerializer, "Handler returns the request to the dispatcher."),
    "start": (NoteActionSerializer, "Handler starts work."),
    "request-extension": (RequestExtensionActionSerializer, "Handler asks for more working days."),
    "approve-extension": (ApproveExtensionActionSerializer, "Dispatcher approves or refuses the pending extension."),
    "co-sign": (EmptyActionSerializer, "A co-unit's handler signs for the unit's part."),
    "co-reply": (CoReplyActionSerializer, "A co-unit's handler replies to the unit's part, for the lead unit."),
    "reply": (ReplyActionSerializer, "Handler of the lead unit replies to the resident."),
    "evaluate": (EvaluateActionSerializer, "The signed-in resident rates the reply."),
    "callback": (CallbackActionSerializer, "A dispatcher or supervisor records the resident's answer by phone."),
    "reopen": (ReasonActionSerializer, "Dispatcher or supervisor reopens after a dissatisfied rating."),
    "close": (NoteActionSerializer, "Dispatcher closes a request whose resident was asked (call-back or rating)."),
    "merge": (MergeActionSerializer, "Dispatcher merges a duplicate into another open request."),
    "withdraw": (OptionalReasonActionSerializer, "The signed-in resident withdraws the request before the reply."),
    "urge": (ContentActionSerializer, "Supervisor urges the handling unit (internal)."),
    "supervise": (ContentActionSerializer, "Supervisor places the request under formal supervision (internal)."),
    "note": (NoteContentActionSerializer, "Staff add an internal note."),
}
