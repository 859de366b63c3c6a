"""Template helpers of the Hubiying pages."""

from __future__ import annotations

from html import escape

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from organisations.access import scopes_of
from organisations.models import Role

from ..forms import category_label

register = template.Library()
R = Role.Name


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
    }


# The workbench's hot path builds its repeated markup here: a template loop, or
# format_html, costs several times more per row or option. Every value goes
# through html.escape, which is what Django's escape filter applies.

@register.simple_tag
def options(choices, selected) -> str:
    """The <option>s of a filter select, the selected value marked."""
    return mark_safe("".join(
        f'<option value="{escape(str(value))}"{" selected" if value == selected else ""}>{escape(str(label))}</option>'
        for value, label in choices
    ))


# The markup, to the byte, of the template loop this replaced (the due cell ended
# with the deadline badge's included template and its newline).
_QUEUE_ROW = (
    '\n    <tr data-appeal="{no}" class="deadline-{deadline}">\n'
    '      <td class="c-no"><a href="{url}">{no}</a>{urgent}</td>\n'
    '      <td class="c-title"><a href="{url}">{title}</a></td>\n'
    '      <td class="c-cat">{category}</td>\n'
    '      <td class="c-place">{place}{unit}</td>\n'
    '      <td class="c-status"><span class="status status-{status}">{status_label}</span></td>\n'
    '      <td class="c-due">{due} {badge}\n</td>\n'
    '    </tr>\n  '
)


@register.simple_tag
def queue_rows(appeals) -> str:
    """The rows of a staff queue (templates/work/_rows.html), from what
    appeals.views.work._prepare_rows worked out for each request."""
    urgent = f' <span class="badge badge-urgent">{escape(_("Urgent"))}</span>'
    badges = {
        "overdue": f'<span class="badge badge-overdue" data-deadline="overdue">{escape(_("Overdue"))}</span>',
        "due_soon": f'<span class="badge badge-soon" data-deadline="due_soon">{escape(_("Due soon"))}</span>',
    }
    return mark_safe("".join(
        _QUEUE_ROW.format(
            no=escape(a.tracking_no), deadline=escape(a.deadline), url=escape(a.url),
            urgent=urgent if a.urgency == "urgent" else "", title=escape(a.title),
            category=escape(a.category_label), place=escape(a.place),
            unit=f'<span class="sub">{escape(a.unit_name)}</span>' if a.unit_id else "",
            status=escape(a.status), status_label=escape(a.status_label),
            due=f'<time datetime="{escape(a.due_iso)}">{escape(a.due_short)}</time>' if a.due_iso else "",
            badge=badges.get(a.deadline, ""),
        )
        for a in appeals
    ))
