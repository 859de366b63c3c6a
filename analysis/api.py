"""GET /api/v1/stats: the figures of a scope, period and category as JSON."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from appeals.errors import Invalid, NotFound
from appeals.serializers import ErrorSerializer

from .access import scope_from
from .figures import RATES, Query, category_ids
from .summary import COUNTS, stats

PCT = "A percentage rounded to 0.1 point (deployment setting), or null when its denominator is 0."


class RateSerializer(serializers.Serializer):
    percent = serializers.FloatField(allow_null=True, help_text=PCT)
    numerator = serializers.FloatField(help_text="Whole, except the satisfaction rate with a weighted 基本满意.")
    denominator = serializers.IntegerField()


def _figure_fields() -> dict:
    fields = {name: serializers.IntegerField() for name in COUNTS}
    fields.update({name: serializers.FloatField(allow_null=True, help_text=PCT) for name in RATES})
    fields["rates"] = serializers.DictField(child=RateSerializer(), help_text="Each rate with its raw counts.")
    return fields


FiguresSerializer = type("FiguresSerializer", (serializers.Serializer,), _figure_fields())


class ScopeSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="A tree node's id, or unit-<id>.")
    kind = serializers.CharField(help_text="county, town, community, grid, compound or unit.")
    name = serializers.CharField()


class CategoryRowSerializer(FiguresSerializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class UnitRowSerializer(FiguresSerializer):
    id = serializers.IntegerField(allow_null=True, help_text="null: not dispatched yet.")
    name = serializers.CharField()


class ChannelRowSerializer(FiguresSerializer):
    code = serializers.CharField()
    name = serializers.CharField()


class StatsSerializer(FiguresSerializer):
    scope = ScopeSerializer()
    # "from" is a Python keyword: declared below.
    to = serializers.DateField(allow_null=True)
    overdue_now = serializers.IntegerField(help_text="Open requests of the period past their current step's deadline.")
    handling_hours_avg = serializers.FloatField(allow_null=True, help_text="Working hours from receipt to reply.")
    handling_hours_p90 = serializers.FloatField(allow_null=True, help_text="90th percentile (nearest rank).")
    by_category = CategoryRowSerializer(many=True)
    by_unit = UnitRowSerializer(many=True)
    by_channel = ChannelRowSerializer(many=True)


StatsSerializer._declared_fields["from"] = serializers.DateField(allow_null=True)


def _date(value: str | None, field: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid(_("Give the date as YYYY-MM-DD."), field=field) from None


def query_from(params, user) -> Query:
    """The scope, period and category of a request's parameters, checked."""
    scope = scope_from(params.get("scope"), user)
    start, end = _date(params.get("from"), "from"), _date(params.get("to"), "to")
    if start and end and start > end:
        raise Invalid(_("The period's start comes after its end."), field="from")
    code = params.get("category")
    ids = None
    if code:
        ids = category_ids(code)
        if ids is None:
            raise NotFound(_("There is no such category."), field="category")
    return Query(scope, start, end, ids)


class StatsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="The figures (分析研判) of a scope, period and category",
        description=(
            "Requests received in the period (a cohort): a request counts as replied once it has had a reply. "
            "Rates are percentages with their numerators and denominators in `rates`."),
        parameters=[
            OpenApiParameter("scope", str, pattern=r"^(unit-)?[0-9]+$",
                             description="A tree node's id, or unit-<id>; default: the caller's own scope. "
                             "Out of the caller's scope: 403."),
            OpenApiParameter("from", date, description="First day received (YYYY-MM-DD), inclusive."),
            OpenApiParameter("to", date, description="Last day received (YYYY-MM-DD), inclusive."),
            OpenApiParameter("category", str, description="A category code (a first-level code covers its children)."),
        ],
        responses={200: StatsSerializer, **{c: OpenApiResponse(ErrorSerializer) for c in (400, 401, 403, 404)}},
        tags=["figures"],
    )
    def get(self, request):
        return Response(stats(query_from(request.query_params, request.user)))
