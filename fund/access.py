"""Who may see and do what with a micro-fund, through the same scopes as requests
(organisations.access). The ledger itself is public: anyone sees every fund's
balance, entries, projects and donors (those who asked stay 匿名).

- community staff and administrators scoped over a fund's community open its
  fund, record donations, propose expenditures, advances and repayments,
  reverse entries and keep its projects;
- a member of the fund's committee approves or turns down a proposal — never
  one they proposed themselves;
- leaders and supervisors over it read the work pages, the proposals and the
  evidence;
- nobody edits or deletes a posted entry."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from appeals.errors import Forbidden, NotFound
from organisations.access import covers, path_q, role_nodes
from organisations.models import Role

from .models import Fund, Proposal

R = Role.Name
MANAGERS = (R.COMMUNITY_STAFF, R.ADMIN)
READERS = (R.COMMUNITY_STAFF, R.ADMIN, R.LEADER, R.SUPERVISOR)


def reading_nodes(user):
    return role_nodes(user, READERS)


def managing_nodes(user):
    return role_nodes(user, MANAGERS)


def may_read_any(user) -> bool:
    nodes = reading_nodes(user)
    return nodes is None or bool(nodes) or is_committee_member(user)


def is_committee_member(user, fund: Fund | None = None) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if fund is None:
        return user.fund_committees.exists()
    return fund.committee.filter(pk=user.pk).exists()


def funds_for(user):
    """The funds whose work pages `user` reads: those in their scope and those on whose committee they sit."""
    nodes = reading_nodes(user)
    if nodes is None:
        return Fund.objects.all()
    if not getattr(user, "is_authenticated", False):
        return Fund.objects.none()
    return Fund.objects.filter(path_q("node__path", nodes) | Q(committee=user)).distinct()


def may_manage(user, fund: Fund) -> bool:
    return covers(managing_nodes(user), fund.node)


def get_fund_for(user, pk) -> Fund:
    fund = funds_for(user).select_related("node").filter(pk=pk).first()
    if fund is None:  # none, or not one they may read: the same answer
        raise NotFound(_("No such fund."))
    return fund


def check_manage(user, fund: Fund, message: str) -> None:
    if not may_manage(user, fund):
        raise Forbidden(message)


def check_decide(user, proposal: Proposal, message_member: str, message_own: str) -> None:
    if not is_committee_member(user, proposal.fund):
        raise Forbidden(message_member, code="not_committee")
    if proposal.proposed_by_id == user.pk:
        raise Forbidden(message_own, code="own_proposal")
