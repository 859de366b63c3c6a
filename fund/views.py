"""The public ledger: every community's fund with its balance (/fund/), and one
fund's page — balance, advances owed, the year's statement, its projects and
every entry, newest first — its Excel workbook, and a donation's receipt by its
private link. No account needed; nothing written on a GET; donors who asked
are 匿名, and no page names who posted or approved an entry."""

from __future__ import annotations

from django.db.models import Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from appeals.views.common import page_of
from hubiying import tokens

from . import ledger, receipt, statement
from .models import CENT, Entry, Fund

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
K = Entry.Kind


def _fund(pk: int) -> Fund:
    fund = Fund.objects.select_related("node__parent").filter(pk=pk).first()
    if fund is None:
        raise Http404
    return fund


def _year(request, fund: Fund) -> int:
    years = statement.years_of(fund)
    asked = request.GET.get("year") or ""
    return int(asked) if asked.isdigit() and int(asked) in years else years[0]


def index(request):
    funds = Fund.objects.select_related("node__parent").order_by("node__path")
    return render(request, "fund/index.html", {"funds": funds})


def projects_of(fund: Fund) -> list:
    """The fund's projects, each with what was given to it and spent on it (reversals included)."""
    projects = list(fund.projects.select_related("appeal", "topic").order_by("closed", "-created_at", "-id"))
    def by_project(kind) -> dict:
        rows = (Entry.objects.filter(fund=fund, project__isnull=False)
                .filter(Q(kind=kind) | Q(kind=K.REVERSAL, reverses__kind=kind))
                .values_list("project").annotate(t=Sum("amount")).values_list("project", "t"))
        return dict(rows)

    given, spent = by_project(K.DONATION), by_project(K.EXPENDITURE)
    for project in projects:
        project.given = (given.get(project.pk) or ledger.ZERO).quantize(CENT)
        project.spent = -(spent.get(project.pk) or ledger.ZERO).quantize(CENT)
    return projects


def mark(fund: Fund, entries) -> None:
    """Marks each entry of a page: whether a reversal undid it, and who gave or was paid."""
    reversed_ids = set(Entry.objects.filter(fund=fund, reverses__in=[e.pk for e in entries]).values_list(
        "reverses", flat=True))
    for entry in entries:
        entry.reversed = entry.pk in reversed_ids
        entry.who = statement.counterparty(entry)


def ledger_page(request, pk: int):
    fund = _fund(pk)
    year = _year(request, fund)
    entries = page_of(request, Entry.objects.filter(fund=fund).select_related("project", "reverses")
                      .order_by("-number"), 50)
    mark(fund, entries)
    return render(request, "fund/ledger.html", {
        "fund": fund, "entries": entries, "year": year, "years": statement.years_of(fund),
        "statement": statement.statement(fund, year), "owed": ledger.advances_owed(fund),
        "projects": projects_of(fund), "today": timezone.localdate(),
    })


def workbook(request, pk: int, year: int):
    fund = _fund(pk)
    if year not in statement.years_of(fund):
        raise Http404
    response = HttpResponse(statement.workbook(fund, year), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="fund-{fund.node.code}-{year}.xlsx"'
    return response


def receipt_pdf(request, pk: int, token: str):
    entry = Entry.objects.select_related("fund__node__parent", "project").filter(pk=pk, kind=K.DONATION).first()
    if entry is None or not tokens.matches(ledger.receipt_token(entry), token):
        raise Http404
    url = request.build_absolute_uri(reverse("fund_ledger", args=[entry.fund_id]))
    response = HttpResponse(receipt.receipt_pdf(entry, ledger_url=url), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{entry.receipt_no}.pdf"'
    return response
