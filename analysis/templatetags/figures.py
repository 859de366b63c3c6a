"""How the dashboard writes its numbers: a rate with no denominator is "—"."""

from django import template

from appeals.models import Appeal

from ..figures import RATES

register = template.Library()


@register.filter
def pct(value) -> str:
    return "—" if value is None else f"{value}%"


@register.filter
def signed(value) -> str:
    if value is None:
        return ""
    return f"+{value}" if value > 0 else f"{value}"


@register.filter
def get(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def numerator_column(_rate, name: str) -> str:
    """The count whose requests a rate's link lists (its numerator)."""
    return "satisfied" if name == "satisfaction_rate" else RATES[name][0]


@register.filter
def channel_label(code: str) -> str:
    return str(dict(Appeal.Channel.choices).get(code, code))
