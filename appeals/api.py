"""The JSON API (/api/v1/): thin views over `appeals.services`, `appeals.access`
and `organisations.access`. Every state change is a service call; every error
is {"code", "detail"} (see api_errors).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from datetime import time as dtime

from django.contrib.auth import authenticate
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.authtoken.models import Token
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from hubiying.paging import CappedPaginator
from organisations.access import dispatchable_units

from . import phoneproof, search, services
from . import serializers as s
from .access import get_appeal_for, visible_appeals
from .catalogue import catalogue
from .errors import Forbidden, Invalid, NotFound
from .models import TERMINAL, Appeal, Category

ERR = s.ErrorSerializer


def errors(*codes: int) -> dict:
    return {code: OpenApiResponse(ERR) for code in codes}


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


# --- Sign-in and the caller --------------------------------------------------------


class TokenView(APIView):
    """Exchange a username and password for an API token."""

    authentication_classes: list = []  # a stale token header must not block signing in
    permission_classes = [AllowAny]

    @extend_schema(request=s.TokenRequestSerializer, responses={200: s.TokenSerializer, **errors(400)},
                   auth=[], tags=["auth"])
    def post(self, request):
        data = s.TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request._request, username=data.validated_data["username"],
                            password=data.validated_data["password"])
        if user is None or not user.is_active:
            raise Invalid(_("The username or password is not right."), code="invalid_credentials")
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


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, dtime.min))


def filter_appeals(qs, params: dict):
    """Applies the validated list filters (AppealFilterSerializer)."""
    if params.get("status"):
        qs = qs.filter(status__in=params["status"])
    code = params.get("category")
    if code:
        ids = catalogue().with_children(code)
        if ids is None:
            raise Invalid(_("Unknown category “%(code)s”.") % {"code": code}, field="category")
        qs = qs.filter(category_id__in=ids)
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
        qs = qs.filter(created_at__lt=_day_start(params["created_before"] + timedelta(days=1)))
    return qs


class AppealListView(generics.ListAPIView):
    # GET: the requests the caller may see. POST: a new request (no sign-in needed).

    serializer_class = s.AppealListItemSerializer
    pagination_class = Pagination

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
        request={"application/json": s.AppealCreateSerializer, "multipart/form-data": s.AppealCreateSerializer},
        parameters=[OpenApiParameter(
            "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
            description="Makes a retry safe: the same key with the same body answers 201 with the first "
                        "request's id and creates nothing; the same key with another body answers 409.",
        )],
        responses={201: s.AppealCreatedSerializer, **errors(400, 403, 409)},
        description="A new request. A signed-in resident's request is linked to their account. Staff may "
                    "register on a resident's behalf with channel hotline, walk_in, patrol or talk_day.",
        tags=["appeals"],
    )
    def post(self, request, *args, **kwargs):
        form = s.AppealCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        photos = data.pop("photos", [])
        channel = data["channel"]
        actor = request.user if request.user.is_authenticated else None
        key = request.headers.get("Idempotency-Key") or None
        appeal, _created = services.create_appeal(data, actor=actor, channel=channel, photos=photos,
                                                  idempotency_key=key)
        # A replay answers exactly as the first call did (201, same body): AppealCreatedSerializer's fields.
        body = {"id": appeal.pk, "tracking_no": appeal.tracking_no, "status": appeal.status}
        return Response(body, status=status.HTTP_201_CREATED)


# --- One request ------------------------------------------------------------------


def detail_response(request, appeal: Appeal, http_status: int = 200) -> Response:
    context = {
        "request": request,
        "viewer_id": request.user.pk,
        "staff_view": s.staff_view(request.user),
        "reveal_contact": request.query_params.get("reveal") == "contact",
    }
    appeal = (
        Appeal.objects.select_related("category", "unit", "node", "merged_into")
        .prefetch_related("co_units", "photos").get(pk=appeal.pk)
    )
    return Response(s.AppealDetailSerializer(appeal, context=context).data, status=http_status)


class AppealDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter(
            "reveal", str, enum=["contact"], required=False,
            description="reveal=contact shows the full phone to those who may see it (each view is logged).",
        )],
        responses={200: s.AppealDetailSerializer, **errors(401, 404)},
        tags=["appeals"],
    )
    def get(self, request, pk: int):
        return detail_response(request, get_appeal_for(request.user, pk))


class AppealActionView(APIView):
    # POST /api/v1/appeals/{id}/{action}: one subclass per action (make_action_view),
    # so that each action has its own input shape in the schema.

    permission_classes = [IsAuthenticated]
    action_name = ""
    input_serializer = s.EmptyActionSerializer

    def post(self, request, pk: int):
        appeal = get_appeal_for(request.user, pk)
        form = self.input_serializer(data=request.data)
        if not form.is_valid():
            # Someone who may not act at all hears that (403/409), not how to fill the fields.
            if self.action_name not in services.allowed_actions(appeal, request.user):
                services._guard(appeal, request.user, self.action_name)
            raise exceptions.ValidationError(form.errors)
        services.ACTIONS[self.action_name](appeal, actor=request.user, **form.validated_data)
        return detail_response(request, appeal)


ACTION_DESCRIPTION = (
    "Answers the request as GET /api/v1/appeals/{id} shows it. Refusals: 400 a field is wrong (\"field\" "
    "names it), 403 the caller may not take this action, 404 the caller may not see the request, 409 the "
    "request is not in a state that allows it or someone else acted first."
)


def make_action_view(action: str) -> type[AppealActionView]:
    serializer, summary = s.ACTION_INPUTS[action]

    # extend_schema marks the function it decorates, so each action needs its own.
    def post(self, request, pk: int):
        return AppealActionView.post(self, request, pk)

    post = extend_schema(
        operation_id="appeals_" + action.replace("-", "_"), summary=summary, request=serializer,
        parameters=[OpenApiParameter("reveal", str, enum=["contact"], required=False,
                                     description="As for GET /api/v1/appeals/{id}.")],
        responses={200: s.AppealDetailSerializer, **errors(400, 401, 403, 404, 409)}, tags=["actions"],
        description=ACTION_DESCRIPTION,
    )(post)
    name = "Appeal" + action.title().replace("-", "") + "View"
    return type(name, (AppealActionView,), {"action_name": action, "input_serializer": serializer, "post": post})


ACTION_VIEWS = {action: make_action_view(action) for action in services.ACTIONS}


# --- The public tracking page ------------------------------------------------------


TRACKING_NO_RE = re.compile(r"^[A-Za-z0-9-]{1,24}$")


def _tracked(tracking_no: str) -> Appeal:
    appeal = None
    if TRACKING_NO_RE.match(tracking_no):
        appeal = Appeal.objects.select_related("category", "merged_into").filter(tracking_no=tracking_no).first()
    if appeal is None:
        raise NotFound(_("No request has this tracking number."))
    return appeal


class TrackView(APIView):
    """A request's public progress, for anyone holding its tracking number."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(responses={200: s.TrackSerializer, **errors(404)}, auth=[], tags=["track"])
    def get(self, request, tracking_no: str):
        return Response(s.TrackSerializer(_tracked(tracking_no)).data)


class TrackResidentActionView(APIView):
    """Base of the resident's actions by tracking number: the resident proves
    themselves by the last four digits of the contact phone. After 5 wrong
    tries (all such actions, pages included: appeals.phoneproof) the request is
    locked for the rest of the hour (429). Subclasses name the input and call the service."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    input_serializer: type

    def act(self, appeal: Appeal, data: dict) -> None:
        raise NotImplementedError

    def post(self, request, tracking_no: str):
        appeal = _tracked(tracking_no)
        if phoneproof.locked(appeal):
            raise exceptions.Throttled(
                wait=phoneproof.retry_after(appeal),
                detail=_("Too many wrong phone numbers for this request. Try again later."),
                code="too_many_attempts",
            )
        form = self.input_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        if not phoneproof.matches(appeal, form.validated_data["phone_last4"]):
            raise Forbidden(_("The last four digits do not match the phone number given with the request."),
                            code="phone_mismatch", field="phone_last4")
        self.act(appeal, form.validated_data)
        return Response(s.TrackSerializer(_tracked(tracking_no)).data)


class TrackEvaluateView(TrackResidentActionView):
    """The resident rates the reply, proven by the phone's last four digits."""

    input_serializer = s.TrackEvaluateSerializer

    def act(self, appeal: Appeal, data: dict) -> None:
        services.evaluate(appeal, actor=None, rating=data["rating"], comment=data["comment"], via_tracking=True)

    @extend_schema(request=s.TrackEvaluateSerializer, responses={200: s.TrackSerializer, **errors(400, 403, 404,
                   409, 429)}, auth=[], tags=["track"])
    def post(self, request, tracking_no: str):
        return super().post(request, tracking_no)


class TrackWithdrawView(TrackResidentActionView):
    """The resident withdraws the request before the reply, proven by the
    phone's last four digits. 409 once the request is replied to or closed."""

    input_serializer = s.TrackWithdrawSerializer

    def act(self, appeal: Appeal, data: dict) -> None:
        services.withdraw(appeal, actor=None, reason=data["reason"], via_tracking=True)

    @extend_schema(request=s.TrackWithdrawSerializer, responses={200: s.TrackSerializer, **errors(400, 403, 404,
                   409, 429)}, auth=[], tags=["track"])
    def post(self, request, tracking_no: str):
        return super().post(request, tracking_no)
