"""The workbench's line about care: today's orders past their time, for those who look after them."""

from django import template
from django.utils import timezone

from care import access, services

register = template.Library()


@register.inclusion_tag("care/_alert.html", takes_context=True)
def care_alert(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not access.may_care(user):
        return {"missed": 0}
    return {"missed": services.missed(access.orders_for(user).filter(day=timezone.localdate())).count()}
