"""The JSON API (/api/v1/): thin views over `appeals.services`, `appeals.access`
and `appeals.residents`. Every state change is a service call; every error is
{"code", "detail"} (see api_errors). No GET writes anything.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from datetime import time as dtime

from django.contrib.auth import authenticate
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.authtoken.models import Token
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from hubiying import ratelimit
from hubiying.paging import CappedPaginator
from organisations.access import dispatchable_units

from . import access, photos, residents, search, services
from . import serializers as s
from .access import get_appeal_for, visible_appeals
from .catalogue import catalogue
from .errors import Forbidden, Invalid, NotFound
from .models import TERMINAL, Appeal, AppealPhoto, Category, EvaluationChannel

ERR = s.ErrorSerializer


def errors(*codes: int) -> dict:
    return {code: OpenApiResponse(ERR) for code in codes}


def limit(request, scope: str, ident: str | None = None) -> None:
    """Counts one use of a rate-limited endpoint; 429 with Retry-After beyond it."""
    verdict = ratelimit.hit(scope, ident or ratelimit.client_of(request))
    if not verdict.allowed:
        raise exceptions.Throttled(
            wait=verdict.retry_after, code="too_many_requests",
            detail=_("Too many requests from here. Try again in %(s)d seconds.") % {"s": verdict.retry_after},
        )


class Pagination(PageNumberPagination):
    """DRF's page-number pages, with the total counted up to 10,000 (hubiying.paging):
    `count_exact` is false when more requests match; narrow the filters to reach them."""

    page_size_query_param = "page_size"
    max_page_size = 100
    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_exact"] = self.page.paginator.count_exact
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count"]["description"] = "Matching requests, counted up to 10,000."
        schema["properties"]["count_exact"] = {
            "type": "boolean", "description": "False when more than 10,000 requests match.",
        }
        schema["required"] = [*schema.get("required", []), "count_exact"]
        return schema

    def get_schema_operation_parameters(self, view):
        return []  # declared with the filters (AppealFilterSerializer), with their ranges


# --- Sign-in and the caller --------------------------------------------------------


class TokenView(APIView):
    """Exchange a username and password for an API token."""

    authentication_classes: list = []  # a stale token header must not block signing in
    permission_classes = [AllowAny]

    @extend_schema(request=s.TokenRequestSerializer, responses={200: s.TokenSerializer, **errors(400, 403, 429)},
                   auth=[], tags=["auth"], description="20 attempts in 5 minutes from one client, 10 in "
                   "15 minutes for one account name; beyond that 429 with Retry-After.")
    def post(self, request):
        data = s.TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        username = data.validated_data["username"]
        limit(request, "sign-in")
        limit(request, "sign-in-user", username.lower())
        user = authenticate(request._request, username=username, password=data.validated_data["password"])
        if user is None or not user.is_active:
            raise Forbidden(_("The username or password is not right."), code="invalid_credentials")
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: s.MeSerializer, **errors(401)}, tags=["auth"])
    def get(self, request):
        return Response(s.MeSerializer(request.user).data)


# --- Reference data --------------------------------------------------------------


class CategoryListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=s.CategoryTreeSerializer(many=True), tags=["reference"])
    def get(self, request):
        roots = Category.objects.filter(parent__isnull=True, active=True).prefetch_related(
            Prefetch("children", queryset=Category.objects.filter(active=True), to_attr="active_children")
        )
        return Response(s.CategoryTreeSerializer(roots, many=True).data)


class UnitListView(APIView):
    """The handling units the caller may dispatch to (empty for non-dispatchers)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: s.UnitSerializer(many=True), **errors(401)}, tags=["reference"])
    def get(self, request):
        return Response(s.UnitSerializer(dispatchable_units(request.user), many=True).data)


# --- Requests: list and intake -------------------------------------------------------


EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


def _day_start(day) -> datetime:
    """The start of `day` on the county's clock; a date far outside any request's
    (year 1, year 9999) is a bound that lets every request through."""
    try:
        return min(max(timezone.make_aware(datetime.combine(day, dtime.min)), EARLIEST), LATEST)
    except (OverflowError, ValueError):
        return EARLIEST if day.year < 1900 else LATEST


def filter_appeals(qs, params: dict):
    """Applies the validated list filters (AppealFilterSerializer)."""
    if params.get("status"):
        qs = qs.filter(status__in=sorted(params["status"]))
    code = params.get("category")
    if code:
        ids = catalogue().with_children(code)
        qs = qs.filter(category_id__in=ids or [])  # an unknown code matches nothing
    if "unit" in params:
        qs = qs.filter(unit_id=params["unit"])
    if "overdue" in params:
        now = timezone.now()
        late = Q(step_due__lt=now) & ~Q(status__in=TERMINAL)
        qs = qs.filter(late) if params["overdue"] else qs.exclude(late)
    qs = search.matching(qs, params.get("q") or "")
    if params.get("created_after"):
        qs = qs.filter(created_at__gte=_day_start(params["created_after"]))
    if params.get("created_before"):
        before = params["created_before"]
        qs = qs.filter(created_at__lt=_day_start(before + timedelta(days=1)) if before.year < 9000 else LATEST)
    return qs


REFERENCE_FIELDS = {"category", "community"}  # codes of rows: unknown ones are not found (404)


class AppealListView(generics.ListAPIView):
    # GET: the requests the caller may see. POST: a new request (no sign-in needed).

    serializer_class = s.AppealListItemSerializer
    pagination_class = Pagination
    parser_classes = [JSONParser, MultiPartParser]

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    def get_queryset(self):
        params = s.AppealFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        qs = visible_appeals(self.request.user).select_related("category", "unit").only(*s.LIST_COLUMNS)
        return filter_appeals(qs, params.validated_data)

    @extend_schema(parameters=[s.AppealFilterSerializer], responses={200: s.AppealListItemSerializer(many=True),
                   **errors(400, 401, 404)}, tags=["appeals"],
                   description="The requests the caller may see, newest first, with filters.")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request={"application/json": s.AppealCreateSerializer, "multipart/form-data": s.AppealCreateFormSerializer},
        parameters=[OpenApiParameter(
            "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
            description="Makes a retry safe: the same key with the same body answers 201 with the first "
                        "request's id and creates nothing; the same key with another body answers 409.",
        )],
        responses={201: s.AppealCreatedSerializer, **errors(400, 403, 404, 409, 429)},
        description="A new request. A signed-in resident's request is linked to their account. Staff may "
                    "register on a resident's behalf with channel hotline, walk_in, patrol or talk_day. "
                    "Without signing in, 60 requests an hour from one client; signed in as a resident, 20 an hour "
                    "per account; staff registering requests are not limited.",
        tags=["appeals"],
    )
    def post(self, request, *args, **kwargs):
        form = (s.AppealCreateFormSerializer if request.content_type.startswith("multipart/")
                else s.AppealCreateSerializer)(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        photos = data.pop("photos", [])
        channel = data["channel"]
        actor = request.user if request.user.is_authenticated else None
        counted = access.intake_limit(request.user)
        if counted:
            limit(request, *counted)
        key = request.headers.get("Idempotency-Key") or None
        try:
            appeal, _created = services.create_appeal(data, actor=actor, channel=channel, photos=photos,
                                                      idempotency_key=key)
        except Invalid as exc:
            # The body had the right shape but names a category, community or question that does not
            # exist (as a place to file under): the schema cannot know which do, so this is a 404, not a 400.
            if all(f in REFERENCE_FIELDS or f in exc.references for f, _detail in exc.errors):
                raise NotFound(exc.detail, code=exc.code, field=exc.field) from None
            raise
        # A replay answers exactly as the first call did (201, same body): AppealCreatedSerializer's fields.
        own = appeal.created_by_id is None  # not registered by staff: the caller is the resident
        body = {"id": appeal.pk, "tracking_no": appeal.tracking_no, "status": appeal.status,
                "token": residents.token_for(appeal) if own else None,
                "track_url": residents.private_url(appeal) if own else None}
        return Response(body, status=status.HTTP_201_CREATED)


# --- One request ------------------------------------------------------------------


def detail_response(request, appeal: Appeal, http_status: int = 200, contact: dict | None = None) -> Response:
    context = {"request": request, "staff_view": access.is_staff(request.user), "contact": contact}
    appeal = (
        Appeal.objects.select_related("category", "unit", "node", "merged_into")
        .prefetch_related("photos").get(pk=appeal.pk)
    )
    return Response(s.AppealDetailSerializer(appeal, context=context).data, status=http_status)


class AppealDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: s.AppealDetailSerializer, **errors(401, 404)}, tags=["appeals"])
    def get(self, request, pk: int):
        return detail_response(request, get_appeal_for(request.user, pk))


class AppealContactView(APIView):
    """The resident's full name and phone, for whoever must call them; each
    such view is logged (a POST: it writes the log)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: s.ContactSerializer, **errors(401, 403, 404)}, tags=["appeals"])
    def post(self, request, pk: int):
        appeal = get_appeal_for(request.user, pk)
        if not access.may_see_contact(request.user, appeal):
            raise Forbidden(_("You may not see this resident's full phone number."))
        return Response(access.contact_for(request.user, appeal, reveal=True))


class AppealPhotoView(APIView):
    """A photo of a request, for those who may see the request."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={(200, "image/jpeg"): OpenApiTypes.BINARY, **errors(401, 404)}, tags=["appeals"])
    def get(self, request, pk: int, token: str):
        appeal = get_appeal_for(request.user, pk)
        return photo_response(appeal, token)


def photo_response(appeal: Appeal, token: str):
    photo = AppealPhoto.objects.filter(appeal=appeal, token=token).first()
    if photo is None:
        raise NotFound(_("No such photo."))
    return photos.serve(photo)


class AppealActionView(APIView):
    # POST /api/v1/appeals/{id}/{action}: one subclass per action (make_action_view),
    # so that each action has its own input shape in the schema.

    permission_classes = [IsAuthenticated]
    action_name = ""
    input_serializer = s.EmptyActionSerializer

    form_serializer = None  # the input with photos, for multipart/form-data

    def post(self, request, pk: int):
        appeal = get_appeal_for(request.user, pk)
        multipart = request.content_type.startswith("multipart/") and self.form_serializer is not None
        form = (self.form_serializer if multipart else self.input_serializer)(data=request.data)
        if not form.is_valid():
            # Someone who may not act at all hears that (403/409), not how to fill the fields.
            if self.action_name not in services.allowed_actions(appeal, request.user):
                services.guard(appeal, request.user, self.action_name)
            raise exceptions.ValidationError(form.errors)
        data = dict(form.validated_data)
        if hasattr(form, "to_service"):
            data = form.to_service(data)
        if self.action_name == "evaluate":
            data["channel"] = EvaluationChannel.API
        services.ACTIONS[self.action_name](appeal, actor=request.user, **data)
        return detail_response(request, appeal)


ACTION_DESCRIPTION = (
    "Answers the request as GET /api/v1/appeals/{id} shows it. Refusals: 400 a field is wrong (\"field\" "
    "names it), 403 the caller may not take this action, 404 the caller may not see the request (or a unit "
    "or request named in the body), 409 the request is not in a state that allows it or someone else acted "
    "first."
)
MULTIPART_ACTIONS = {"reply": s.ReplyFormActionSerializer}  # actions that take photos


def make_action_view(action: str) -> type[AppealActionView]:
    serializer, summary = s.ACTION_INPUTS[action]
    form = MULTIPART_ACTIONS.get(action)
    request_shape = {"application/json": serializer, "multipart/form-data": form} if form else serializer

    # extend_schema marks the function it decorates, so each action needs its own.
    def post(self, request, pk: int):
        return AppealActionView.post(self, request, pk)

    post = extend_schema(
        operation_id="appeals_" + action.replace("-", "_"), summary=summary, request=request_shape,
        responses={200: s.AppealDetailSerializer, **errors(400, 401, 403, 404, 409)}, tags=["actions"],
        description=ACTION_DESCRIPTION,
    )(post)
    name = "Appeal" + action.title().replace("-", "") + "View"
    attributes = {"action_name": action, "input_serializer": serializer, "form_serializer": form, "post": post}
    if form:
        attributes["parser_classes"] = [JSONParser, MultiPartParser]
    return type(name, (AppealActionView,), attributes)


ACTION_VIEWS = {action: make_action_view(action) for action in services.ACTIONS}
