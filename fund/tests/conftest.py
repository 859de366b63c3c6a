"""A micro-fund of 花城社区 beside the shared cast: two community staff on its
committee (each approves what the other proposes), staff of the other city,
and helpers that post through the services."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from fund import services
from fund.models import DonorKind, Fund
from organisations.models import Role

R = Role.Name


def staff_of(node, username: str, name: str = ""):
    user = get_user_model().objects.create_user(username, password="pw", first_name=name)
    Role.objects.create(user=user, name=R.COMMUNITY_STAFF, node=node)
    return user


@pytest.fixture
def staff(cast):
    return staff_of(cast.community, "hcstaff", "李慧")


@pytest.fixture
def member(cast):
    return staff_of(cast.community, "hcmember", "张敏")


@pytest.fixture
def other_staff(cast):
    return staff_of(cast.other_community, "bjstaff", "赵强")


@pytest.fixture
def fund(cast, staff, member) -> Fund:
    fund = services.open_fund(cast.community, by=staff, opened_on=timezone.localdate() - timedelta(days=60))
    fund.committee.add(staff, member)
    return fund


def give(fund, by, amount="1000.00", donor="鑫源超市", anonymous=False, on: date | None = None, **kw):
    return services.record_donation(fund, by=by, amount=Decimal(amount), on=on or timezone.localdate(),
                                    donor_name=donor, donor_kind=kw.pop("donor_kind", DonorKind.SHOP),
                                    anonymous=anonymous, **kw)


def spend(fund, by, approver, amount="300.00", kind="expenditure", **kw):
    proposal = services.propose(fund, by=by, kind=kind, amount=Decimal(amount),
                                on=kw.pop("on", timezone.localdate()), purpose=kw.pop("purpose", "楼道灯维修"),
                                counterparty=kw.pop("counterparty", "明亮电器"), **kw)
    return services.approve(proposal, by=approver)
