"""The header's and the care plan pages' links, as the care plan's access rules decide them."""

from django import template

from care_plan import access

register = template.Library()


@register.simple_tag(takes_context=True)
def care_plan_links(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"see": access.may_any(user), "count": access.may_count(user), "audit": access.may_audit(user)}
