"""The public ledger as JSON (/api/v1/funds…): every community's fund with its
balance, and a fund's entries, oldest first, each signed by its effect on the
balance so that they add up to it; a donor's public name or 匿名. Amounts are
decimal strings ("1200.00"), never JSON numbers. Nothing here needs an account
or shows anything a public ledger page does not."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from appeals.api import errors
from appeals.errors import NotFound
from appeals.serializers import StrictIntegerField
from hubiying.paging import page_answer

from .models import Entry, Fund

MAX_PAGE = 100


class PageQuerySerializer(serializers.Serializer):
    page = StrictIntegerField(required=False, min_value=1, default=1)
    page_size = StrictIntegerField(required=False, min_value=1, max_value=MAX_PAGE, default=50)


class CommunityRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class FundSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    community = CommunityRefSerializer()
    balance = serializers.CharField(help_text="Yuan, two decimal places: the sum of the fund's entries.")
    opened_on = serializers.DateField()


class FundPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = FundSerializer(many=True)


class EntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField(help_text="The entry's number in its fund: 1, 2, …")
    posted_at = serializers.DateTimeField()
    on = serializers.DateField(help_text="The day the money came in or went out.")
    kind = serializers.ChoiceField(choices=Entry.Kind.choices)
    amount = serializers.CharField(help_text="Yuan as a decimal string, signed: + into the fund, − out of it. "
                                             "The entries add up to the fund's balance.")
    reverses = serializers.IntegerField(allow_null=True, help_text="The id of the entry this one reverses.")
    purpose = serializers.CharField()
    project = serializers.CharField(allow_null=True, help_text="The project's title.")
    donor = serializers.CharField(allow_null=True, help_text="A donation's donor as the public sees them "
                                                             "(匿名 when they asked); null for other kinds.")


class EntryPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = EntrySerializer(many=True)


def fund_row(fund: Fund) -> dict:
    return {
        "id": fund.pk, "name": fund.name, "balance": f"{fund.balance:.2f}", "opened_on": fund.opened_on,
        "community": {"id": fund.node_id, "code": fund.node.code, "name": fund.node.name},
    }


def entry_row(entry: Entry) -> dict:
    return {
        "id": entry.pk, "number": entry.number, "posted_at": entry.posted_at, "on": entry.on, "kind": entry.kind,
        "amount": f"{entry.amount:.2f}", "reverses": entry.reverses_id, "purpose": entry.purpose,
        "project": entry.project.title if entry.project_id else None,
        "donor": entry.public_donor or None,
    }


def _page(request) -> dict:
    params = PageQuerySerializer(data=request.query_params)
    params.is_valid(raise_exception=True)
    return params.validated_data


class FundListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(parameters=[PageQuerySerializer], responses={200: FundPageSerializer, **errors(400)},
                   auth=[], tags=["funds"], operation_id="funds_list",
                   description="Every community's micro-fund, by the community's place in the tree.")
    def get(self, request):
        p = _page(request)
        funds = Fund.objects.select_related("node").order_by("node__path", "id")
        return Response(page_answer(request, funds, p["page"], p["page_size"], fund_row))


class FundEntriesView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(parameters=[PageQuerySerializer], responses={200: EntryPageSerializer, **errors(400, 404)},
                   auth=[], tags=["funds"], operation_id="funds_entries",
                   description="A fund's posted entries, oldest first. Entries are never edited or deleted: a "
                               "correction is a reversal that points at the entry it undoes.")
    def get(self, request, pk: int):
        if not Fund.objects.filter(pk=pk).exists():
            raise NotFound(_("No such fund."))
        p = _page(request)
        entries = Entry.objects.filter(fund_id=pk).select_related("project").order_by("number")
        return Response(page_answer(request, entries, p["page"], p["page_size"], entry_row))
