"""The public JSON API of community events (/api/v1/events…): the published
events, soonest first, by community and dates; one event; and the resident's
sign-up by name, phone and one-time code, seen and cancelled with the private
token. Thin views over `events.services` and `events.access`: every refusal is
an ActionError the project's exception handler answers as {"code", "detail"}.
No answer holds anyone's name or phone."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from datetime import timezone as dt_timezone

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from appeals import intake
from appeals.api import errors, limit
from appeals.errors import Invalid, NotFound
from appeals.serializers import PHONE_PATTERN, GivenMeansGiven, StrictIntegerField
from appeals.track_api import code_field
from hubiying.paging import page_answer
from organisations.access import path_q
from organisations.models import Node

from . import access, services
from .models import Event, Signup

MAX_PAGE = 100
S = Signup.State
AUDIENCES = ", ".join(Event.Audience.values)
STATES = ", ".join(S.values)
NAME_LENGTH = 40  # services.sign_up's
NAME_PATTERN = r"^[^\x00]*\S[^\x00]*$"  # something besides spaces (no NUL: DRF refuses it in any text)


# --- Query ---------------------------------------------------------------------------

# RFC 3339's full-date and date-time (a "t", a "z", a leap second's :60 and any digits of a
# fraction taken), and the same moment without its offset or its seconds (the server's time). A
# query string's "+" arrives as a space unless the client encoded it: 10:00 08:00 is 10:00+08:00.
MOMENT = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})"
    r"(?:[Tt ](?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?P<f>\.\d+)?)?"
    r"(?P<tz>[Zz]|(?P<sign>[-+ ])(?P<oh>\d{2}):?(?P<om>\d{2}))?)?",
    re.ASCII,
)
# Beyond them a bound would not fit a datetime once moved to UTC: an earlier one is as good as
# 1900 (no event is that old), a later one as the end of 9998.
YEARS = (1900, 9998)
EARLIEST, LATEST = date(YEARS[0], 1, 1), date(YEARS[1], 12, 31)


@extend_schema_field({"oneOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}]})
class MomentField(GivenMeansGiven, serializers.Field):
    """A day (2026-06-01: the whole day, in the server's time zone) or a moment
    (2026-06-01T10:00:00+08:00; without an offset, the server's time). Any date the schema
    takes is taken: those before 1900 count as 1900, those after 9998 as its last day."""

    default_error_messages = {"invalid": gettext_lazy("Enter a valid date/time.")}

    def to_internal_value(self, data):
        found = MOMENT.fullmatch(data) if isinstance(data, str) else None
        if found is None:
            self.fail("invalid")
        n = {k: int(v) for k, v in found.groupdict().items() if v and v.isdigit()}
        year, seconds = n["y"], n.get("s", 0)
        seconds = 59 if seconds == 60 else seconds  # a leap second
        try:
            date(year or 2000, n["mo"], n["d"])  # the year 0 had a 29 February, like 2000
            if found["h"] is not None:
                time(n["h"], n["mi"], seconds)
            if found["oh"] is not None and (n["oh"] > 23 or n["om"] > 59):
                raise ValueError
        except ValueError:
            self.fail("invalid")
        if year < YEARS[0]:
            return EARLIEST
        if year > YEARS[1]:
            return LATEST
        if found["h"] is None:
            return date(year, n["mo"], n["d"])
        fraction = int((found["f"] or ".0")[1:7].ljust(6, "0"))
        moment = datetime(year, n["mo"], n["d"], n["h"], n["mi"], seconds, fraction)
        if found["tz"] is None:
            return timezone.make_aware(moment)
        if found["tz"] in ("Z", "z"):
            return moment.replace(tzinfo=UTC)
        offset = timedelta(hours=n["oh"], minutes=n["om"])
        return moment.replace(tzinfo=dt_timezone(-offset if found["sign"] == "-" else offset))

    def to_representation(self, value):
        return value.isoformat()


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class EventFilterSerializer(serializers.Serializer):
    community = StrictIntegerField(required=False, help_text="A tree node's id: the events of that node and of "
                                                             "every node under it.")
    # `from` is a Python keyword: declared through the class namespace.
    locals().update({
        "from": MomentField(required=False, help_text="Events starting at or after this day or moment "
                                                      "(default: now, i.e. the upcoming events)."),
        "to": MomentField(required=False, help_text="Events starting by this moment, or by the end of this day."),
    })
    page = StrictIntegerField(required=False, min_value=1, default=1)
    page_size = StrictIntegerField(required=False, min_value=1, max_value=MAX_PAGE, default=20)


# --- Shapes --------------------------------------------------------------------------


class EventPlaceRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class EventCommunitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class EventListItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = EventPlaceRefSerializer(allow_null=True, help_text="The service place it is held at, if any.")
    location = serializers.CharField(help_text="Where, as a resident reads it: the place's name and the room, "
                                               "or the location given.")
    community = EventCommunitySerializer(help_text="The tree node organising it.")
    audience = serializers.CharField(help_text=f"Whom it is for: one of {AUDIENCES}.")
    capacity = serializers.IntegerField(allow_null=True, help_text="Places; null: no limit and no sign-up needed.")
    taken = serializers.IntegerField(help_text="Places taken (signed up, came or did not come).")
    waitlist = serializers.IntegerField(help_text="Residents on the waiting list.")
    signup_open = serializers.BooleanField(help_text="Whether one can sign up now.")
    cancelled = serializers.BooleanField(help_text="Called off by the organiser.")
    url = serializers.CharField(help_text="The event's public page.")


class EventDetailSerializer(EventListItemSerializer):
    description = serializers.CharField()
    theme = serializers.CharField(allow_null=True, help_text="The title of the month's theme it belongs to.")
    signup_closes_at = serializers.DateTimeField(allow_null=True, help_text="Null: sign-up closes when it starts.")


class EventPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = EventListItemSerializer(many=True)


def phone_field(help_text: str) -> serializers.RegexField:
    # The services' own rule (and sentence): an 11-digit mobile or a landline.
    return serializers.RegexField(
        PHONE_PATTERN, max_length=intake.PHONE,
        error_messages={"invalid": gettext_lazy("The phone number does not look right: give an 11-digit mobile or a "
                                                "landline.")},
        help_text=help_text)


class SignupCodeSerializer(serializers.Serializer):
    phone = phone_field("An 11-digit mobile or a landline: the code is sent to it by SMS.")


class SignupCodeSentSerializer(serializers.Serializer):
    sent = serializers.BooleanField()


class SignupCreateSerializer(serializers.Serializer):
    name = serializers.RegexField(
        NAME_PATTERN, max_length=NAME_LENGTH, trim_whitespace=False,
        error_messages={"invalid": gettext_lazy("Give your name.")},
        help_text="Up to 40 characters (the organiser sees it).")
    phone = phone_field("The phone the code was sent to.")
    code = code_field()


class EventSignupSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField(help_text=f"One of {STATES}.")
    position = serializers.IntegerField(allow_null=True, help_text="On the waiting list: 1 for the first; "
                                                                   "otherwise null.")
    token = serializers.CharField(help_text="The sign-up's private token (to see or cancel it).")
    url = serializers.CharField(help_text="The sign-up's private page.")


class SignupEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    starts_at = serializers.DateTimeField()


class SignupStatusSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField(help_text=f"One of {STATES}.")
    position = serializers.IntegerField(allow_null=True, help_text="On the waiting list: 1 for the first; "
                                                                   "otherwise null.")
    event = SignupEventSerializer()


class SignupTokenQuerySerializer(serializers.Serializer):
    # Any text: a token of another shape is a wrong one (404), like a token of another sign-up.
    token = serializers.CharField(trim_whitespace=False,
                                  help_text="The sign-up's private token (from the sign-up, or its SMS link).")


class SignupCancelSerializer(serializers.Serializer):
    token = serializers.CharField(trim_whitespace=False, help_text="The sign-up's private token.")


class SignupCancelledSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField(help_text=f"One of {STATES}.")


# --- Answers -------------------------------------------------------------------------


def _row(request, event: Event, detail: bool = False) -> dict:
    node = event.node
    row = {
        "id": event.pk, "title": event.title, "starts_at": event.starts_at, "ends_at": event.ends_at,
        "place": {"id": event.place.pk, "name": event.place.name} if event.place_id else None,
        "location": event.where,
        "community": {"id": node.pk, "code": node.code, "name": node.name},
        "audience": event.audience, "capacity": event.capacity,
        "taken": event.n_taken, "waitlist": event.n_waiting,
        "signup_open": services.signup_refusal(event) is None,
        "cancelled": event.cancelled_at is not None,
        "url": request.build_absolute_uri(reverse("event_detail", args=[event.pk])),
    }
    if detail:
        row.update(description=event.description, theme=event.theme.title if event.theme_id else None,
                   signup_closes_at=event.signup_closes_at)
    return row


def _signup_of(signup_id: int, token) -> Signup:
    """The sign-up whose private token this is; the same 404 for a wrong token and no sign-up."""
    signup = Signup.objects.select_related("event").filter(pk=signup_id).first()
    if signup is None or not services.token_matches(signup, token):
        raise NotFound(_("No sign-up has this private link."))
    return signup


def _valid(form: serializers.Serializer) -> dict:
    """The body's data, or every field's problem at once (the first leads), as the services tell theirs."""
    if form.is_valid():
        return form.validated_data
    raise Invalid.all_of([Invalid(str(messages[0]), field=None if field == api_settings.NON_FIELD_ERRORS_KEY
                                  else field) for field, messages in form.errors.items()])


class PublicView(APIView):
    """The resident's endpoints: no account (and so no session's CSRF check)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]


# --- Endpoints -----------------------------------------------------------------------


class EventListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(parameters=[EventFilterSerializer], responses={200: EventPageSerializer, **errors(400)},
                   tags=["events"], operation_id="events_list",
                   description="Published events (called-off ones too, marked), by start time; by default the "
                               "upcoming ones. An unknown community gives an empty list.")
    def get(self, request):
        params = EventFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        p = params.validated_data
        events = access.public_events()
        if "community" in p:
            node = Node.objects.filter(pk=p["community"]).first()
            events = events.filter(path_q("node__path", [node])) if node else events.none()
        start = p.get("from", timezone.now())
        events = events.filter(starts_at__gte=start if isinstance(start, datetime) else _day_start(start))
        if "to" in p:
            end = p["to"]
            events = (events.filter(starts_at__lte=end) if isinstance(end, datetime)
                      else events.filter(starts_at__lt=_day_start(end + timedelta(days=1))))
        events = services.counted(events.select_related("node", "place")).order_by("starts_at", "id")

        return Response(page_answer(request, events, p["page"], p["page_size"], lambda e: _row(request, e)))


class EventDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: EventDetailSerializer, **errors(404)}, tags=["events"],
                   operation_id="events_retrieve", description="A published event, with its description.")
    def get(self, request, pk: int):
        event = access.get_event_for(request.user, pk)
        event = services.counted(Event.objects.select_related("node", "place", "theme")).get(pk=event.pk)
        return Response(_row(request, event, detail=True))


class SignupCodeView(PublicView):
    """Sends a one-time code to the phone, to sign up with it."""

    @extend_schema(request=SignupCodeSerializer, responses={202: SignupCodeSentSerializer,
                   **errors(400, 404, 409, 429)}, auth=[], tags=["events"], operation_id="events_signup_code",
                   description="One code a minute and five an hour per phone; 10 an hour from one client. 409 "
                               "when sign-up is closed (or not needed).")
    def post(self, request, pk: int):
        event = access.get_event_for(request.user, pk)
        data = _valid(SignupCodeSerializer(data=request.data))
        limit(request, "code-send")
        services.send_code(event, data["phone"])
        return Response({"sent": True}, status=status.HTTP_202_ACCEPTED)


class SignupView(PublicView):
    """Signs up (or onto the waiting list) the holder of the phone, proved by the code."""

    @extend_schema(request=SignupCreateSerializer,
                   responses={201: EventSignupSerializer, 200: EventSignupSerializer,
                              **errors(400, 404, 409, 429)},
                   auth=[], tags=["events"], operation_id="events_signup",
                   description="201: a new sign-up, confirmed while places are free, on the waiting list "
                               "otherwise; 200: the phone's existing sign-up. A wrong code answers 400 with the "
                               "tries left; five wrong codes end it (429 until a new one may be asked for).")
    def post(self, request, pk: int):
        event = access.get_event_for(request.user, pk)
        data = _valid(SignupCreateSerializer(data=request.data))
        limit(request, "code-check")
        signup, new = services.sign_up(event, name=data["name"], phone=data["phone"], code=data["code"])
        return Response({
            "id": signup.pk, "state": signup.state, "position": services.waiting_position(signup),
            "token": services.token_for(signup),
            "url": request.build_absolute_uri(services.private_path(signup)),
        }, status=status.HTTP_201_CREATED if new else status.HTTP_200_OK)


class SignupStatusView(PublicView):
    """A sign-up as its resident sees it, with its private token."""

    @extend_schema(parameters=[SignupTokenQuerySerializer], responses={200: SignupStatusSerializer,
                   **errors(400, 404)}, auth=[], tags=["events"], operation_id="events_signup_retrieve",
                   description="404 for a wrong token as for no sign-up.")
    def get(self, request, signup_id: int):
        query = SignupTokenQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        signup = _signup_of(signup_id, query.validated_data["token"])
        event = signup.event
        return Response({"id": signup.pk, "state": signup.state, "position": services.waiting_position(signup),
                         "event": {"id": event.pk, "title": event.title, "starts_at": event.starts_at}})


class SignupCancelView(PublicView):
    """The resident cancels their sign-up; a place they held goes to the first on the waiting list."""

    @extend_schema(request=SignupCancelSerializer, responses={200: SignupCancelledSerializer,
                   **errors(400, 404, 409)}, auth=[], tags=["events"], operation_id="events_signup_cancel",
                   description="404 for a wrong token as for no sign-up; 409 once it is cancelled, or once the "
                               "event has begun for a confirmed place.")
    def post(self, request, signup_id: int):
        data = _valid(SignupCancelSerializer(data=request.data))
        signup = services.cancel(_signup_of(signup_id, data["token"]))
        return Response({"id": signup.pk, "state": signup.state})
