"""The resident's side of the API (/api/v1/track/…): the public progress by
tracking number, the request as its resident sees it with the private token,
one-time codes for the token, and finding one's requests by phone. None of
these endpoints needs an account; each is limited per client (hubiying.ratelimit)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from . import access, intake, residents, services, timeline, tracking
from .api import errors, limit, photo_response
from .errors import Forbidden, Invalid, NotFound
from .intake import clean_phone
from .models import Appeal, EvaluationChannel, Status
from .serializers import PHONE_PATTERN, REASON, CategoryRefSerializer, EventNames, text

# --- Shapes ------------------------------------------------------------------------


class PublicEventSerializer(EventNames):
    action = serializers.CharField()
    to_status = serializers.CharField()
    at = serializers.DateTimeField()
    text = serializers.SerializerMethodField(
        help_text="The reply or a refusal's reason; for the proven resident also their own comment.")

    @extend_schema_field(OpenApiTypes.STR)
    def get_text(self, event):
        if event.action in ("reply", "reject"):
            return event.note
        if self.context.get("resident") and event.action in timeline.RESIDENT_TEXT:
            return event.note
        return ""


class PublicReplySerializer(serializers.Serializer):
    result = serializers.ChoiceField(source="reply_result", choices=Appeal.Result.choices)
    result_display = serializers.CharField(source="get_reply_result_display")
    content = serializers.CharField(source="reply_content")
    replied_at = serializers.DateTimeField(allow_null=True)


class TrackSerializer(serializers.Serializer):
    """What anyone holding the tracking number sees: the category, the area,
    the dates, the states, the units and the reply. Nothing the resident wrote,
    no personal data, no internal notes, no staff names."""

    tracking_no = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_display = serializers.CharField(source="get_status_display")
    category = CategoryRefSerializer()
    area = serializers.SerializerMethodField(help_text="The community the request is in.")
    created_at = serializers.DateTimeField()
    reply = serializers.SerializerMethodField()
    reject_reason = serializers.CharField()
    merged_into = serializers.SerializerMethodField(help_text="The tracking number to follow instead.")
    rating = serializers.CharField(help_text="The rating given, or empty.")
    can_evaluate = serializers.SerializerMethodField(help_text="The reply waits for the resident's evaluation.")
    can_withdraw = serializers.SerializerMethodField(help_text="The resident may still withdraw it (before the reply).")
    proven = serializers.SerializerMethodField(help_text="Whether the caller gave the request's private token.")
    timeline = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_area(self, appeal):
        return timeline.public_place(appeal).name

    @extend_schema_field(PublicReplySerializer(allow_null=True))
    def get_reply(self, appeal):
        return PublicReplySerializer(appeal).data if appeal.reply_result else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_merged_into(self, appeal):
        return appeal.merged_into.tracking_no if appeal.merged_into_id else None

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_can_evaluate(self, appeal):
        return appeal.status in services.TRANSITIONS["evaluate"].sources

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_can_withdraw(self, appeal):
        return appeal.status in services.TRANSITIONS["withdraw"].sources

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_proven(self, appeal):
        return bool(self.context.get("resident"))

    @extend_schema_field(PublicEventSerializer(many=True))
    def get_timeline(self, appeal):
        events = appeal.events.filter(public=True).select_related("actor_unit")
        return PublicEventSerializer(events, many=True, context=self.context).data


class TrackPhotoSerializer(serializers.Serializer):
    url = serializers.SerializerMethodField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, photo):
        appeal = self.context["appeal"]
        url = reverse("api-track-photo", args=[appeal.tracking_no, photo.token])
        url += "?token=" + residents.token_for(appeal)
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class TrackResidentSerializer(TrackSerializer):
    """The request as its own resident sees it, once proven by the private token."""

    title = serializers.CharField()
    description = serializers.CharField()
    address = serializers.CharField()
    rating_comment = serializers.CharField()
    photos = serializers.SerializerMethodField()

    @extend_schema_field(TrackPhotoSerializer(many=True))
    def get_photos(self, appeal):
        return TrackPhotoSerializer(appeal.photos.all(), many=True, context={**self.context, "appeal": appeal}).data


TOKEN_PATTERN = r"^[a-z2-7]{24}$"


def token_field(**kwargs) -> serializers.RegexField:
    return serializers.RegexField(
        TOKEN_PATTERN, error_messages={"invalid": gettext_lazy("This is not a private link's key.")},
        help_text="The request's private token: given at submission (and by SMS), or for a one-time code "
                  "(POST /api/v1/track/{tracking_no}/verify).", **kwargs)


def code_field() -> serializers.RegexField:
    return serializers.RegexField(
        r"^[0-9]{6}$", error_messages={"invalid": gettext_lazy("The code has 6 digits.")},
        help_text="The six-digit code sent by SMS.")


class TrackQuerySerializer(serializers.Serializer):
    token = token_field(required=False)


class CodeSentSerializer(serializers.Serializer):
    sent_to = serializers.CharField(help_text="The last four digits of the phone the code went to.")
    expires_in = serializers.IntegerField(help_text="Seconds the code is valid.")


class TrackVerifySerializer(serializers.Serializer):
    code = code_field()


class TrackTokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    track_url = serializers.CharField(help_text="The private page for the resident.")


class TrackEvaluateSerializer(serializers.Serializer):
    token = token_field()
    rating = serializers.ChoiceField(
        choices=Appeal.Rating.choices,
        error_messages={"invalid_choice": gettext_lazy("Choose satisfied, basically satisfied or dissatisfied.")},
    )
    comment = text(REASON, required=False)


class TrackWithdrawSerializer(serializers.Serializer):
    token = token_field()
    reason = text(services.TRACKING_REASON_LENGTH, required=False,
                  help_text="Why the request is withdrawn (optional, up to 200 characters); staff see it.")


def _phone_field() -> serializers.RegexField:
    return serializers.RegexField(
        PHONE_PATTERN, max_length=intake.PHONE,
        error_messages={"invalid": gettext_lazy("The phone number does not look right: give an 11-digit mobile or a "
                                     "landline.")},
        help_text="The phone given with the requests.")


class LookupCodeSerializer(serializers.Serializer):
    phone = _phone_field()


class LookupSerializer(serializers.Serializer):
    phone = _phone_field()
    code = code_field()


class LookupItemSerializer(serializers.Serializer):
    tracking_no = serializers.CharField()
    token = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_display = serializers.CharField(source="get_status_display")
    category = CategoryRefSerializer()
    title = serializers.CharField()
    created_at = serializers.DateTimeField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_token(self, appeal):
        return residents.token_for(appeal)


TRACKING_NO_HELP = "The tracking number, e.g. HBY-20261201-K7M3QX (the HBY- prefix and dashes are optional)."
TRACKING_SHAPE = tracking.SHAPE


# --- Endpoints ---------------------------------------------------------------------

TRACKING_PARAM = OpenApiParameter("tracking_no", str, OpenApiParameter.PATH, description=TRACKING_NO_HELP,
                                  pattern=f"^{TRACKING_SHAPE}$")


def _tracked(tracking_no: str) -> Appeal:
    number = tracking.normalise(tracking_no)
    appeal = None
    if number:
        appeal = Appeal.objects.select_related("category", "merged_into", "node").filter(tracking_no=number).first()
    if appeal is None:
        raise NotFound(_("No request has this tracking number."))
    return appeal


def _proven(appeal: Appeal, token: str | None) -> bool:
    if token is None:
        return False
    if not residents.token_matches(appeal, token):
        raise Forbidden(_("This private link is not the one of this request."), code="wrong_token", field="token")
    return True


def track_answer(request, appeal: Appeal, token: str | None) -> Response:
    appeal = Appeal.objects.select_related("category", "merged_into", "node").get(pk=appeal.pk)
    if _proven(appeal, token):
        return Response(TrackResidentSerializer(appeal, context={"request": request, "resident": True}).data)
    return Response(TrackSerializer(appeal, context={"request": request}).data)


class PublicView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]


class TrackView(PublicView):
    """A request's public progress, for anyone holding its tracking number;
    with the private token, the request as its resident sees it."""

    @extend_schema(parameters=[TRACKING_PARAM, TrackQuerySerializer],
                   responses={200: TrackResidentSerializer, **errors(400, 403, 404, 429)}, auth=[], tags=["track"],
                   description="Without a token: the public fields only (TrackSerializer's). 120 reads a minute "
                               "from one client.")
    def get(self, request, tracking_no: str):
        limit(request, "track")
        query = TrackQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return track_answer(request, _tracked(tracking_no), query.validated_data.get("token"))


class TrackPhotoView(PublicView):
    """A photo of the request, for its resident (the private token)."""

    @extend_schema(parameters=[TRACKING_PARAM, TrackQuerySerializer],
                   responses={(200, "image/jpeg"): OpenApiTypes.BINARY, **errors(400, 403, 404, 429)}, auth=[],
                   tags=["track"])
    def get(self, request, tracking_no: str, photo: str):
        limit(request, "track")
        query = TrackQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        appeal = _tracked(tracking_no)
        if not _proven(appeal, query.validated_data.get("token")):
            raise Forbidden(_("Only the request's resident sees its photos."), code="wrong_token", field="token")
        return photo_response(appeal, photo)


class TrackCodeView(PublicView):
    """Sends a one-time code to the phone left with the request (to get its private token)."""

    @extend_schema(parameters=[TRACKING_PARAM], request=None,
                   responses={202: CodeSentSerializer, **errors(404, 409, 429)}, auth=[], tags=["track"],
                   description="One code a minute and five an hour per request; 10 an hour from one client.")
    def post(self, request, tracking_no: str):
        appeal = _tracked(tracking_no)
        limit(request, "code-send")
        try:
            residents.send_code(appeal)
        except Invalid as exc:  # no phone on record: nothing a client could have sent differently
            exc.status = 409
            raise
        return Response({"sent_to": access.phone_tail(appeal.contact_phone),
                         "expires_in": residents.codes.CODE_MINUTES * 60}, status=status.HTTP_202_ACCEPTED)


class TrackVerifyView(PublicView):
    """Exchanges the one-time code for the request's private token."""

    @extend_schema(parameters=[TRACKING_PARAM], request=TrackVerifySerializer,
                   responses={200: TrackTokenSerializer, **errors(400, 403, 404, 409, 429)}, auth=[],
                   tags=["track"], description="A wrong code answers 403 with the tries left; five wrong "
                                               "codes end it (429 until a new one may be asked for).")
    def post(self, request, tracking_no: str):
        appeal = _tracked(tracking_no)
        form = TrackVerifySerializer(data=request.data)
        form.is_valid(raise_exception=True)
        limit(request, "code-check")
        token = _checked(lambda: residents.verify_code(appeal, form.validated_data["code"]))
        return Response({"token": token, "track_url": residents.private_url(appeal)})


def _checked(call):
    """A code's refusal as the API tells it: a wrong code is a failed proof (403),
    no code to check a conflict with the state (409)."""
    try:
        return call()
    except Invalid as exc:
        exc.status = 403 if exc.code == "wrong_code" else 409
        raise


class TrackResidentActionView(PublicView):
    """Base of the resident's actions by tracking number and private token."""

    input_serializer: type

    def act(self, appeal: Appeal, data: dict) -> None:
        raise NotImplementedError

    def post(self, request, tracking_no: str):
        appeal = _tracked(tracking_no)
        form = self.input_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        limit(request, "track-act")
        token = form.validated_data["token"]
        _proven(appeal, token)
        self.act(appeal, form.validated_data)
        return track_answer(request, appeal, token)


class TrackEvaluateView(TrackResidentActionView):
    """The resident rates the reply."""

    input_serializer = TrackEvaluateSerializer

    def act(self, appeal: Appeal, data: dict) -> None:
        services.evaluate(appeal, token=data["token"], rating=data["rating"], comment=data["comment"],
                          channel=EvaluationChannel.API)

    @extend_schema(parameters=[TRACKING_PARAM], request=TrackEvaluateSerializer,
                   responses={200: TrackResidentSerializer, **errors(400, 403, 404, 409, 429)}, auth=[],
                   tags=["track"])
    def post(self, request, tracking_no: str):
        return super().post(request, tracking_no)


class TrackWithdrawView(TrackResidentActionView):
    """The resident withdraws the request before the reply. 409 once it is replied to or closed."""

    input_serializer = TrackWithdrawSerializer

    def act(self, appeal: Appeal, data: dict) -> None:
        services.withdraw(appeal, token=data["token"], reason=data["reason"])

    @extend_schema(parameters=[TRACKING_PARAM], request=TrackWithdrawSerializer,
                   responses={200: TrackResidentSerializer, **errors(400, 403, 404, 409, 429)}, auth=[],
                   tags=["track"])
    def post(self, request, tracking_no: str):
        return super().post(request, tracking_no)


class LookupCodeView(PublicView):
    """Sends a one-time code to a phone, to list the requests left with it.
    The answer is the same whether or not the phone left any."""

    @extend_schema(request=LookupCodeSerializer, responses={202: None, **errors(400, 429)}, auth=[],
                   tags=["track"])
    def post(self, request):
        form = LookupCodeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        limit(request, "code-send")
        residents.send_lookup_code(clean_phone(form.validated_data["phone"]))
        return Response(status=status.HTTP_202_ACCEPTED)


class LookupView(PublicView):
    """The requests left with a phone (newest first, at most 50), each with its
    private token, for the one-time code sent to it."""

    @extend_schema(request=LookupSerializer, responses={200: LookupItemSerializer(many=True),
                   **errors(400, 403, 409, 429)}, auth=[], tags=["track"])
    def post(self, request):
        form = LookupSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        limit(request, "code-check")
        found = _checked(lambda: residents.lookup(clean_phone(form.validated_data["phone"]),
                                                  form.validated_data["code"]))
        return Response(LookupItemSerializer(found, many=True).data)
