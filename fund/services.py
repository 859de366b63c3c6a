"""What people do with a fund: open it, record a donation, propose an
expenditure, an advance or a repayment, decide a proposal (which posts it),
reverse an entry, keep the projects. Each checks who asks (access) and what is
asked, and changes nothing when it refuses; the ledger posts on the locked fund
row, and a proposal is decided on its locked row, so of two people deciding it
at once one does and the other is told it was decided."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from appeals.errors import Forbidden, Invalid, NotFound
from appeals.photos import clean_photos
from hubiying import transitions
from organisations.access import covers
from organisations.models import Node

from . import access, ledger
from .models import DonorKind, Entry, Evidence, Fund, Project, Proposal

P = Proposal.State
MOVES = {
    ("approve", P.PROPOSED): P.APPROVED,
    ("reject", P.PROPOSED): P.REJECTED,
    ("withdraw", P.PROPOSED): P.WITHDRAWN,
}
STAMPS = {"approve": "decided_at", "reject": "decided_at", "withdraw": "decided_at"}
MAX_EVIDENCE = 6


def _text(value, field: str, message: str, length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise Invalid(message, field=field)
    if len(value) > length:
        raise Invalid(_("At most %(n)d characters.") % {"n": length}, field=field)
    return value


def _day(fund: Fund, on) -> date:
    if not isinstance(on, date):
        raise Invalid(_("Enter the date."), field="on")
    if on > timezone.localdate():
        raise Invalid(_("The date cannot be in the future."), field="on")
    if on < fund.opened_on:
        raise Invalid(_("The fund was opened on %(day)s: the date cannot be earlier.")
                      % {"day": f"{fund.opened_on:%Y-%m-%d}"}, field="on")
    return on


def _project(fund: Fund, project) -> Project | None:
    if project is None:
        return None
    if project.fund_id != fund.pk:
        raise Invalid(_("That project belongs to another fund."), field="project")
    if project.closed:
        raise Invalid(_("That project is closed."), field="project")
    return project


@transaction.atomic
def open_fund(node: Node, *, by, opened_on: date | None = None) -> Fund:
    if not covers(access.managing_nodes(by), node):
        raise Forbidden(_("Only the community's staff open its micro-fund."))
    if node.kind != Node.Kind.COMMUNITY:
        raise Invalid(_("A micro-fund belongs to a community."), field="node")
    if Fund.objects.filter(node=node).exists():
        raise Invalid(_("This community has a micro-fund already."), code="exists", field="node")
    try:
        with transaction.atomic():
            return Fund.objects.create(node=node, name=f"{node.name}微基金",
                                       opened_on=opened_on or timezone.localdate())
    except IntegrityError:
        raise Invalid(_("This community has a micro-fund already."), code="exists", field="node") from None


def record_donation(fund: Fund, *, by, amount, on, donor_name: str, donor_kind: str, anonymous: bool,
                    purpose: str = "", project: Project | None = None, receipt_no: str = "") -> Entry:
    access.check_manage(by, fund, _("Only the community's staff record donations."))
    problems = []
    checks = [
        lambda: ledger.clean_amount(amount),
        lambda: _day(fund, on),
        lambda: _text(donor_name, "donor_name", _("Enter the donor's name (it stays hidden if they asked)."), 100),
        lambda: _project(fund, project),
    ]
    for check in checks:
        try:
            check()
        except Invalid as exc:
            problems.append(exc)
    if donor_kind not in DonorKind.values:
        problems.append(Invalid(_("Choose who gave it."), field="donor_kind"))
    receipt_no = (receipt_no or "").strip()
    if len(receipt_no) > 30:
        problems.append(Invalid(_("At most %(n)d characters.") % {"n": 30}, field="receipt_no"))
    elif receipt_no and Entry.objects.filter(fund=fund, receipt_no=receipt_no).exists():
        problems.append(Invalid(_("Receipt number %(no)s is used already.") % {"no": receipt_no},
                                code="receipt_used", field="receipt_no"))
    if problems:
        raise Invalid.all_of(problems)
    with translation.override(settings.LANGUAGE_CODE):  # the ledger's own words are in the platform's language
        default = project.title if project else _("Donation to the fund")
    purpose = (purpose or "").strip()[:200] or default
    try:
        with transaction.atomic():
            return ledger.post(fund, Entry.Kind.DONATION, amount, by=by, on=on, purpose=purpose,
                               project=project, donor_name=donor_name.strip(), donor_kind=donor_kind,
                               anonymous=bool(anonymous), receipt_no=receipt_no)
    except IntegrityError:  # the same receipt number, posted at the same moment
        raise Invalid(_("Receipt number %(no)s is used already.") % {"no": receipt_no}, code="receipt_used",
                      field="receipt_no") from None


@transaction.atomic
def propose(fund: Fund, *, by, kind: str, amount, on, purpose: str, counterparty: str,
            project: Project | None = None, photos=()) -> Proposal:
    access.check_manage(by, fund, _("Only the community's staff propose spending."))
    problems = []
    checks = [
        lambda: ledger.clean_amount(amount),
        lambda: _day(fund, on),
        lambda: _text(purpose, "purpose", _("Say what it is for."), 200),
        lambda: _text(counterparty, "counterparty", _("Say who is paid, or who lends the money."), 100),
        lambda: _project(fund, project),
        lambda: _evidence(photos),
    ]
    cleaned = {}
    for name, check in zip(("amount", "on", "purpose", "counterparty", "project", "photos"), checks, strict=True):
        try:
            cleaned[name] = check()
        except Invalid as exc:
            problems.append(exc)
    if kind not in Proposal.Kind.values:
        problems.append(Invalid(_("Choose what is proposed."), field="kind"))
    if problems:
        raise Invalid.all_of(problems)
    proposal = Proposal.objects.create(
        fund=fund, kind=kind, amount=cleaned["amount"], on=cleaned["on"], purpose=cleaned["purpose"],
        counterparty=cleaned["counterparty"], project=cleaned["project"], proposed_by=by)
    for content, _w, _h, token in cleaned["photos"]:
        evidence = Evidence(proposal=proposal, token=token)
        evidence.image.save(f"{token}.jpg", content, save=False)
        evidence.save()
    return proposal


def _evidence(photos) -> list:
    if len(photos) > MAX_EVIDENCE:
        raise Invalid(_("At most %(n)d photos of evidence.") % {"n": MAX_EVIDENCE}, field="photos")
    return clean_photos(photos)


def _locked(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update(of=("self",)).select_related("fund__node").get(pk=proposal.pk)


@transaction.atomic
def approve(proposal: Proposal, *, by, note: str = "") -> Entry:
    """Approves the proposal and posts it; refused (nothing changes) when the fund cannot pay it."""
    proposal = _locked(proposal)
    access.check_decide(by, proposal, _("Only a member of the fund's committee approves."),
                        _("You proposed this: another member of the committee approves it."))
    transitions.apply(proposal, MOVES, STAMPS, "approve", _("This proposal is %(state)s: it cannot be approved."),
                      decided_by=by, decision_note=(note or "").strip()[:200])
    return ledger.post(proposal.fund, proposal.kind, proposal.amount, by=by, on=proposal.on,
                       purpose=proposal.purpose, project=proposal.project, counterparty=proposal.counterparty,
                       proposal=proposal, approved_by=by, approved_at=proposal.decided_at)


@transaction.atomic
def reject(proposal: Proposal, *, by, note: str) -> Proposal:
    proposal = _locked(proposal)
    access.check_decide(by, proposal, _("Only a member of the fund's committee turns a proposal down."),
                        _("You proposed this: withdraw it instead."))
    note = _text(note, "note", _("Say why it is turned down."), 200)
    return transitions.apply(proposal, MOVES, STAMPS, "reject",
                             _("This proposal is %(state)s: it cannot be turned down."), decided_by=by,
                             decision_note=note)


@transaction.atomic
def withdraw(proposal: Proposal, *, by) -> Proposal:
    proposal = _locked(proposal)
    if proposal.proposed_by_id != by.pk and not access.may_manage(by, proposal.fund):
        raise Forbidden(_("Only its proposer or the community's staff withdraw a proposal."))
    return transitions.apply(proposal, MOVES, STAMPS, "withdraw",
                             _("This proposal is %(state)s: it cannot be withdrawn."), decided_by=by)


def reverse(entry: Entry, *, by, reason: str) -> Entry:
    access.check_manage(by, entry.fund, _("Only the community's staff reverse an entry."))
    return ledger.reverse(entry, by=by, reason=reason)


def save_project(fund: Fund, *, by, title: str, description: str = "", budget=None, appeal=None, topic=None,
                 project: Project | None = None, closed: bool = False) -> Project:
    access.check_manage(by, fund, _("Only the community's staff keep the fund's projects."))
    problems = []
    try:
        title = _text(title, "title", _("Give the project a title."), 100)
    except Invalid as exc:
        problems.append(exc)
    if budget not in (None, ""):
        try:
            budget = ledger.clean_amount(budget, field="budget")
        except Invalid as exc:
            problems.append(exc)
    else:
        budget = None
    if problems:
        raise Invalid.all_of(problems)
    project = project or Project(fund=fund)
    if project.fund_id != fund.pk:
        raise NotFound(_("No such project."))
    project.title, project.description, project.budget = title, (description or "").strip(), budget
    project.appeal, project.topic, project.closed = appeal, topic, closed
    project.save()
    return project
