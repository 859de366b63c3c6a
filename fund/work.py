"""The fund's work pages: the funds in one's scope (and opening one for a
community that has none), and one fund's page — record a donation (then print
its receipt), propose an expenditure, an advance or a repayment with its
evidence, the committee's approvals, reversals, projects and the committee."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from appeals.errors import ActionError, NotFound
from appeals.models import Appeal
from appeals.photos import serve
from appeals.views.common import bound, page_of
from organisations.access import path_q
from organisations.models import Node, Role
from organisations.tree import tree

from . import access, ledger, services
from .forms import DecisionForm, DonationForm, ProjectForm, ProposalForm, ReverseForm
from .models import Entry, Evidence, Fund, Proposal
from .views import mark, projects_of

P = Proposal.State


def _reader(request):
    if not access.may_read_any(request.user):
        raise PermissionDenied


def _fund_for(request, pk) -> Fund:
    try:
        return access.get_fund_for(request.user, pk)
    except NotFound:
        raise Http404 from None


def _communities_without_fund(user) -> list[Node]:
    nodes = access.managing_nodes(user)
    if nodes is not None and not nodes:
        return []
    with_fund = set(Fund.objects.values_list("node_id", flat=True))
    found = [n for n in tree().by_id.values() if n.kind == Node.Kind.COMMUNITY and n.pk not in with_fund
             and (nodes is None or any(n.path.startswith(s.path) for s in nodes))]
    return sorted(found, key=lambda n: n.path)[:200]


@login_required
@require_http_methods(["GET", "POST"])
def fund_list(request):
    _reader(request)
    if request.method == "POST":
        node = tree().by_id.get(int(request.POST.get("node") or 0) if (request.POST.get("node") or "").isdigit()
                                else 0)
        try:
            if node is None:
                raise NotFound(_("Choose a community."))
            fund = services.open_fund(node, by=request.user)
        except ActionError as exc:
            messages.error(request, exc.detail)
            return redirect("work_funds")
        messages.success(request, _("The micro-fund is open: record its first donation."))
        return redirect("work_fund", pk=fund.pk)
    funds = list(access.funds_for(request.user).select_related("node__parent"))
    waiting = dict(Proposal.objects.filter(fund__in=funds, state=P.PROPOSED).values_list("fund").annotate(
        n=Count("id")).values_list("fund", "n"))
    for fund in funds:
        fund.waiting = waiting.get(fund.pk, 0)
    return render(request, "fund/work_list.html", {"funds": funds,
                                                   "communities": _communities_without_fund(request.user)})


SECTIONS = ("donation", "propose", "approve", "reject", "withdraw", "reverse", "project", "committee")


@login_required
@require_http_methods(["GET", "POST"])
def fund_page(request, pk: int):
    fund = _fund_for(request, pk)  # a fund one may not read does not exist for them (404), as a request
    manage = access.may_manage(request.user, fund)
    forms = {
        "donation": DonationForm(fund=fund, auto_id="donation_%s"),
        "propose": ProposalForm(fund=fund, auto_id="propose_%s"),
        "project": ProjectForm(fund=fund, auto_id="project_%s"),
    }
    status = 200
    if request.method == "POST":
        section = request.POST.get("section")
        if section not in SECTIONS:
            messages.error(request, _("Nothing was changed: choose what to do."))
            return redirect("work_fund", pk=fund.pk)
        done = _act(request, fund, section, forms)
        if done:
            return redirect(done)
        status = 400
    proposals = list(fund.proposals.select_related("project", "proposed_by", "decided_by")
                     .prefetch_related("evidence").order_by("-proposed_at", "-id")[:30])
    member = access.is_committee_member(request.user, fund)
    for p in proposals:
        p.may_decide = member and p.state == P.PROPOSED and p.proposed_by_id != request.user.pk
        p.may_withdraw = p.state == P.PROPOSED and (p.proposed_by_id == request.user.pk or manage)
    entries = page_of(request, fund.entries.select_related("project", "posted_by", "approved_by", "reverses")
                      .order_by("-number"), 30)
    mark(fund, entries)
    for entry in entries:
        if entry.kind == Entry.Kind.DONATION:
            entry.receipt_url = reverse("fund_receipt", args=[entry.pk, ledger.receipt_token(entry)])
    return render(request, "fund/work_fund.html", {
        "fund": fund, "manage": manage, "member": member, "forms": forms, "proposals": proposals,
        "entries": entries, "owed": ledger.advances_owed(fund), "projects": projects_of(fund),
        "committee": fund.committee.order_by("username"),
        "candidates": _candidates(fund).exclude(fund_committees=fund) if manage else [],
        "open_section": request.POST.get("section") if status != 200 else request.GET.get("open"),
    }, status=status)


def _candidates(fund: Fund):
    """Who may sit on the committee: the people working for the community (a role on it or under it)."""
    roles = Role.objects.filter(path_q("node__path", [fund.node]))
    return get_user_model().objects.filter(roles__in=roles, is_active=True).distinct().order_by("username")


def _act(request, fund: Fund, section: str, forms: dict) -> str | None:
    """One action; the page to go to when it succeeded, None when a form shows its errors."""
    here = reverse("work_fund", args=[fund.pk])
    user = request.user
    try:
        if section == "donation":
            form = forms["donation"] = DonationForm(*bound(request), fund=fund, auto_id="donation_%s")
            if not form.is_valid():
                return None
            d = form.cleaned_data
            entry = services.record_donation(
                fund, by=user, amount=d["amount"], on=d["on"], donor_name=d["donor_name"],
                donor_kind=d["donor_kind"], anonymous=d["anonymous"], purpose=d["purpose"], project=d["project"],
                receipt_no=d["receipt_no"])
            messages.success(request, _("Donation of %(amount)s yuan recorded, receipt %(no)s: print it below.")
                             % {"amount": entry.amount, "no": entry.receipt_no})
            return f"{here}#entry-{entry.pk}"
        if section == "propose":
            form = forms["propose"] = ProposalForm(*bound(request), fund=fund, auto_id="propose_%s")
            if not form.is_valid():
                return None
            d = form.cleaned_data
            services.propose(fund, by=user, kind=d["kind"], amount=d["amount"], on=d["on"], purpose=d["purpose"],
                             counterparty=d["counterparty"], project=d["project"], photos=d.get("photos") or [])
            messages.success(request, _("Proposed: a member of the committee approves it."))
            return f"{here}#proposals"
        if section in ("approve", "reject", "withdraw"):
            proposal = fund.proposals.filter(pk=_int(request.POST.get("proposal"))).first()
            if proposal is None:
                raise NotFound(_("No such proposal."))
            form = DecisionForm(*bound(request))
            form.is_valid()
            note = form.cleaned_data.get("note") or ""
            if section == "approve":
                entry = services.approve(proposal, by=user, note=note)
                messages.success(request, _("Approved and posted as entry %(n)s.") % {"n": entry.number})
            elif section == "reject":
                services.reject(proposal, by=user, note=note)
                messages.success(request, _("Turned down."))
            else:
                services.withdraw(proposal, by=user)
                messages.success(request, _("Withdrawn."))
            return f"{here}#proposals"
        if section == "reverse":
            entry = fund.entries.filter(pk=_int(request.POST.get("entry"))).first()
            if entry is None:
                raise NotFound(_("No such entry."))
            form = ReverseForm(*bound(request))
            form.is_valid()
            reversal = services.reverse(entry, by=user, reason=form.cleaned_data.get("reason") or "")
            messages.success(request, _("Entry %(n)s is reversed by entry %(r)s.")
                             % {"n": entry.number, "r": reversal.number})
            return f"{here}#entry-{reversal.pk}"
        if section == "project":
            return _save_project(request, fund, forms)
        return _committee(request, fund)
    except ActionError as exc:
        form = forms.get(section)  # the donation, proposal and project forms show it by its field
        if form is not None and form.is_bound and hasattr(form, "cleaned_data"):
            form.add_service_error(exc)
            return None
        messages.error(request, exc.detail)
        anchor = "proposals" if section in ("approve", "reject", "withdraw") else "ledger"
        return f"{here}#{anchor}" if section != "reverse" else f"{here}#entry-{_int(request.POST.get('entry'))}"


def _int(value) -> int:
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 12 else 0


def _save_project(request, fund: Fund, forms: dict) -> str | None:
    form = forms["project"] = ProjectForm(*bound(request), fund=fund, auto_id="project_%s")
    if not form.is_valid():
        return None
    d = form.cleaned_data
    project = None
    if request.POST.get("project"):
        project = fund.projects.filter(pk=_int(request.POST.get("project"))).first()
        if project is None:
            raise NotFound(_("No such project."))
    appeal = None
    if d["appeal"]:
        appeal = Appeal.objects.filter(tracking_no=d["appeal"].strip().upper()).first()
        if appeal is None or not appeal.node_path.startswith(fund.node.path):
            form.add_error("appeal", _("No request of this community has that tracking number."))
            return None
    project = services.save_project(fund, by=request.user, title=d["title"], description=d["description"],
                                    budget=d["budget"], appeal=appeal, topic=d["topic"], project=project,
                                    closed=d["closed"])
    messages.success(request, _("Project “%(title)s” saved.") % {"title": project.title})
    return reverse("work_fund", args=[fund.pk]) + "#projects"


def _committee(request, fund: Fund) -> str:
    access.check_manage(request.user, fund, _("Only the community's staff choose the committee."))
    user = _candidates(fund).filter(pk=_int(request.POST.get("user"))).first()
    if user is None:
        raise NotFound(_("Choose someone who works for this community."))
    if request.POST.get("remove"):
        fund.committee.remove(user)
        messages.success(request, _("%(name)s has left the committee.") % {"name": user.get_full_name() or user})
    else:
        fund.committee.add(user)
        messages.success(request, _("%(name)s is on the committee.") % {"name": user.get_full_name() or user})
    return reverse("work_fund", args=[fund.pk]) + "#committee"


@login_required
def evidence(request, pk: int, token: str):
    item = Evidence.objects.select_related("proposal__fund__node").filter(token=token, proposal__fund_id=pk).first()
    if item is None or not access.funds_for(request.user).filter(pk=pk).exists():
        raise Http404
    return serve(item)
