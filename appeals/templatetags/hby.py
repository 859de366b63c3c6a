"""Template helpers of the Hubiying pages."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils import timezone

from organisations.access import scopes_of
from organisations.models import Role

from ..forms import category_label

register = template.Library()
R = Role.Name


@register.filter
def money(value) -> str:
    """An amount in yuan as people read it in a ledger: 38,000.00 (exact: the Decimal is never a float)."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value):,.2f}"


@register.filter
def category_name(category) -> str:
    """'物业管理 › 电梯故障' (or the English names when the page is in English)."""
    if category is None:
        return ""
    if category.parent_id:
        return f"{category_label(category.parent)} › {category_label(category)}"
    return category_label(category)


@register.inclusion_tag("includes/deadline_badge.html")
def deadline_badge(appeal, now=None):
    return {"state": appeal.deadline_state(now or timezone.now()), "appeal": appeal}


@register.simple_tag(takes_context=True)
def staff_menu(context) -> dict:
    """Which staff links the header shows to the current user."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scopes = scopes_of(user)
    return {
        "staff": scopes.is_staff_role,
        "new": scopes.has(R.GRID_WORKER, R.DISPATCHER, R.HANDLER),
        "overdue": scopes.has(R.SUPERVISOR, R.DISPATCHER, R.LEADER),
        "admin": user.is_staff,
        "figures": _reads_figures(user),
        "places": _keeps_places(user),
        "coverage": scopes.has(R.COMMUNITY_STAFF, R.ADMIN, R.LEADER),
        "events": scopes.has(R.COMMUNITY_STAFF, R.ADMIN),
        "deliberation": scopes.has(R.COMMUNITY_STAFF, R.ADMIN),
        "volunteers": scopes.has(R.COMMUNITY_STAFF, R.ADMIN),
        "care": scopes.has(R.COMMUNITY_STAFF, R.ADMIN, R.GRID_WORKER),
        "meals": _counts_meals(user),
        "fund": _reads_funds(user),
        "setup": _sets_up(user),
    }


def _sets_up(user) -> bool:
    """Administrators and superusers: the county set-up workbook (the county_setup app decides)."""
    from county_setup.access import may_set_up

    return may_set_up(user)


def _reads_figures(user) -> bool:
    """Dashboard readers (the analysis app decides): a case worker keeps their figures on their own page."""
    from analysis.access import is_reader

    return is_reader(user)


def _reads_funds(user) -> bool:
    """Staff over a community's micro-fund, and its committee's members (the fund app decides)."""
    from fund.access import may_read_any

    return may_read_any(user)


def _counts_meals(user) -> bool:
    """Staff who care for recipients, and a canteen's hosts (the care app decides)."""
    from care.access import may_count_meals

    return may_count_meals(user)


def _keeps_places(user) -> bool:
    """A station host, or staff who manage places (the places app decides)."""
    from places.access import editable_places, may_create

    return may_create(user) or editable_places(user).exists()
