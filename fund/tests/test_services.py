"""Who may do what with a fund: the community's staff record and propose, a
member of the committee — never the proposer — decides, and people elsewhere
can do nothing; a refused action changes nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from appeals.errors import Forbidden, Invalid, WrongState
from fund import services
from fund.models import Entry, Fund, Proposal

from .conftest import give


def propose(fund, by, amount="100.00", **kw):
    return services.propose(fund, by=by, kind=kw.pop("kind", "expenditure"), amount=Decimal(amount),
                            on=timezone.localdate(), purpose="楼道灯维修", counterparty="明亮电器", **kw)


def test_one_fund_per_community_opened_by_its_staff(cast, fund, staff, other_staff):
    with pytest.raises(Invalid) as refused:
        services.open_fund(cast.community, by=staff)
    assert refused.value.code == "exists"
    with pytest.raises(Forbidden):
        services.open_fund(cast.community, by=other_staff)
    with pytest.raises(Invalid):  # a town has no micro-fund
        services.open_fund(cast.town, by=cast.admin)
    assert fund.name == "花城社区微基金" and Fund.objects.count() == 1


def test_staff_elsewhere_cannot_record_or_propose(fund, other_staff, cast):
    for person in (other_staff, cast.grid_worker, cast.leader, cast.resident):
        with pytest.raises(Forbidden):
            give(fund, person)
        with pytest.raises(Forbidden):
            propose(fund, person)
    assert not Entry.objects.exists() and not Proposal.objects.exists()


def test_the_proposer_never_approves_their_own_proposal(fund, staff, member):
    give(fund, staff, "500.00")
    proposal = propose(fund, staff)
    with pytest.raises(Forbidden) as refused:
        services.approve(proposal, by=staff)
    assert refused.value.code == "own_proposal"
    entry = services.approve(proposal, by=member, note="议事会通过")
    proposal.refresh_from_db()
    assert proposal.state == "approved" and proposal.decided_by == member and proposal.decision_note == "议事会通过"
    assert entry.proposal == proposal and entry.approved_at == proposal.decided_at
    assert entry.amount == Decimal("-100.00")


def test_someone_off_the_committee_cannot_decide(fund, staff, cast):
    give(fund, staff, "500.00")
    proposal = propose(fund, staff)
    staff_not_on_it = cast.admin  # a superuser too: the committee decides, not the administrator
    for person in (staff_not_on_it, cast.leader):
        with pytest.raises(Forbidden) as refused:
            services.approve(proposal, by=person)
        assert refused.value.code == "not_committee"
    proposal.refresh_from_db()
    assert proposal.state == "proposed" and not Entry.objects.filter(kind="expenditure").exists()


def test_a_proposal_is_decided_once(fund, staff, member):
    give(fund, staff, "500.00")
    proposal = propose(fund, staff)
    services.approve(proposal, by=member)
    with pytest.raises(WrongState):
        services.approve(proposal, by=member)
    with pytest.raises(WrongState):
        services.reject(proposal, by=member, note="晚了")
    with pytest.raises(WrongState):
        services.withdraw(proposal, by=staff)
    assert Entry.objects.filter(kind="expenditure").count() == 1


def test_turning_down_needs_a_reason_and_posts_nothing(fund, staff, member):
    proposal = propose(fund, staff, "100.00")
    with pytest.raises(Invalid):
        services.reject(proposal, by=member, note="")
    services.reject(proposal, by=member, note="不属于居民需求")
    proposal.refresh_from_db()
    assert proposal.state == "rejected" and not Entry.objects.exists()


def test_approval_the_fund_cannot_pay_changes_nothing(fund, staff, member):
    give(fund, staff, "50.00")
    proposal = propose(fund, staff, "80.00")
    with pytest.raises(Invalid):
        services.approve(proposal, by=member)
    proposal.refresh_from_db()
    assert proposal.state == "proposed" and proposal.decided_by is None
    assert Fund.objects.get(pk=fund.pk).balance == Decimal("50.00")


def test_every_problem_of_a_donation_is_told_at_once(fund, staff):
    with pytest.raises(Invalid) as refused:
        services.record_donation(fund, by=staff, amount="1.234", on=None, donor_name=" ", donor_kind="x",
                                 anonymous=False)
    assert {field for field, _ in refused.value.errors} == {"amount", "on", "donor_name", "donor_kind"}
    assert not Entry.objects.exists()


def test_a_receipt_number_is_generated_or_must_be_unique(fund, staff):
    first = give(fund, staff)
    assert first.receipt_no == f"WJJ{timezone.localdate():%Y}00001"
    give(fund, staff, receipt_no="HC-001")
    with pytest.raises(Invalid) as refused:
        give(fund, staff, receipt_no="HC-001")
    assert refused.value.code == "receipt_used" and Entry.objects.count() == 2


def test_a_future_or_too_early_date_is_refused(fund, staff):
    for day in (timezone.localdate() + timedelta(days=1), fund.opened_on - timedelta(days=1)):
        with pytest.raises(Invalid):
            give(fund, staff, on=day)


def test_a_project_of_another_fund_cannot_be_paid(cast, fund, staff, other_staff):
    other = services.open_fund(cast.other_community, by=other_staff)
    project = services.save_project(other, by=other_staff, title="北京南路广场")
    with pytest.raises(Invalid):
        give(fund, staff, project=project)
