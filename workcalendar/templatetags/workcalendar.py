"""The warning the administrators see while a year's official schedule is missing."""

from django import template
from django.utils import timezone

from ..calendar import missing_years

register = template.Library()


@register.inclusion_tag("workcalendar/warning.html")
def calendar_warning():
    return {"years": missing_years(timezone.localdate())}
