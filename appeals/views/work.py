"""The staff workbench: queues, registering on a resident's behalf, the
request page with one small form per allowed action, and the overdue view.

Every request is loaded through `appeals.access`; every change goes through
`services.ACTIONS`, which refuses what the user may not do.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from functools import reduce

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template import engines
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from organisations.access import dispatchable_units, path_q, scopes_of
from organisations.models import Role
from organisations.tree import forget as forget_places
from organisations.tree import tree, unit_names

from .. import access, intake, photos, questions, search, services, suggestions
from ..access import contact_for, may_see_contact, visible_appeals
from ..catalogue import catalogue
from ..catalogue import forget as forget_categories
from ..errors import ActionError
from ..forms import ACTION_BUTTONS, ACTION_DONE, ACTION_FORMS, StaffIntakeForm, category_label
from ..models import TERMINAL, Appeal, AppealPhoto, CoUnit, Status
from ..templatetags.hby import category_name
from ..timeline import staff_timeline
from .common import Counted, appeal_or_404, bound, limited, map_config, page_of, safe_next, staff_required

R = Role.Name
S = Status
LIST_RELATED = ("category", "category__parent", "node", "unit")
# What a queue row reads of a request (templates/jinja2/work/queue.html); the names of
# its category, place and unit come from ROW_NAMES, not from joins.
QUEUE_ROW_FIELDS = (
    "tracking_no", "title", "urgency", "status", "step_due", "step_warn_at",
    "category", "node", "unit",
)

# The order of the action forms on the request page: the usual next step first;
# the rest fold away on a phone.
MAIN_ACTIONS = ["register", "dispatch", "sign", "co-sign", "co-reply", "reply", "approve-extension", "callback",
                "close", "reopen", "urge", "supervise"]
OTHER_ACTIONS = ["start", "note", "request-extension", "return", "reject", "merge"]


@dataclass
class Queue:
    """One tab of the workbench: open requests in `statuses` (any open state
    when None) that match `where`; 'Registered by me' (`open_only=False`) also
    lists finished requests."""

    key: str
    label: str
    statuses: tuple[str, ...] | None = None
    where: Q = field(default_factory=Q)
    open_only: bool = True
    count: int = 0

    def __post_init__(self):
        if self.statuses is not None and TERMINAL.intersection(self.statuses):
            raise ValueError(f"The queue {self.key!r} lists open requests only.")

    def select(self, qs: QuerySet) -> QuerySet:
        """Exactly the rows `count_queues` counts for this tab. (The states of a
        tab are open ones: repeating OPEN_Q would only blur the planner's estimate.)"""
        if not self.open_only:
            return qs.filter(self.where)
        return qs.filter(OPEN_Q if self.statuses is None else Q(status__in=self.statuses), self.where)


def _none() -> Q:
    return Q(pk__in=[])


OPEN_Q = ~Q(status__in=sorted(TERMINAL))


def queues_for(user, now=None) -> list[Queue]:
    """The tabs of the workbench, by the user's roles: each is a filter on the
    requests the user may see."""
    now = now or timezone.now()
    scopes = scopes_of(user)
    superuser = scopes.superuser
    dispatcher, handler = scopes.has(R.DISPATCHER), scopes.has(R.HANDLER)
    owned = Q() if superuser else path_q("owner_path", scopes.nodes.get(R.DISPATCHER, []))
    in_unit = Q() if superuser else Q(unit_id__in=scopes.unit_ids())
    if superuser:
        mine = Q()
    else:
        # Built from the same Q objects, so that count_queues counts equal conditions once.
        parts = [q for q, held in ((owned, dispatcher), (in_unit, handler)) if held]
        mine = reduce(operator.or_, parts) if parts else _none()
    T = services.TRANSITIONS

    def states(*statuses) -> tuple[str, ...]:
        return tuple(sorted(statuses))

    queues: list[Queue] = []
    if dispatcher:
        queues += [
            Queue("register", gettext_lazy("To register"), states(*T["register"].sources), owned),
            Queue("dispatch", gettext_lazy("To dispatch"), states(*T["dispatch"].sources), owned),
        ]
    if handler:
        queues += [
            Queue("sign", gettext_lazy("To sign for"), states(*T["sign"].sources), in_unit),
            Queue("in_hand", gettext_lazy("In hand"), states(S.SIGNED, S.IN_PROGRESS), in_unit),
        ]
        if not superuser:
            part_waiting = CoUnit.objects.filter(appeal_id=OuterRef("pk"), unit_id__in=scopes.unit_ids(),
                                                 replied_at__isnull=True)
            queues.append(Queue("assist", gettext_lazy("Our part (co-unit)"), states(*T["co-reply"].sources),
                                Q(Exists(part_waiting))))
    if dispatcher:
        queues.append(Queue(
            "approval", gettext_lazy("Awaiting approval"), states(*T["approve-extension"].sources),
            Q(pending_extension_days__isnull=False) & owned,
        ))
    if dispatcher or handler:
        queues.append(Queue("replied", gettext_lazy("Replied"), states(S.REPLIED, S.EVALUATED), mine))
    if scopes.has(R.GRID_WORKER) and not superuser:
        queues.append(Queue("mine", gettext_lazy("Registered by me"), where=Q(created_by=user), open_only=False))
    queues.append(Queue("overdue", gettext_lazy("Overdue"), where=Q(step_due__lt=now)))
    queues.append(Queue("open", gettext_lazy("All open")))
    return queues


def count_queues(base: QuerySet, queues: list[Queue]) -> None:
    """All tab counts of open requests in one pass over the open requests in
    scope, index-only on the partial index `appeal_open`: one row per state with
    a count for each distinct condition of the tabs, summed here over each tab's
    states. 'Registered by me' also counts finished requests: its own query."""
    conditions: list[Q] = []
    for queue in queues:
        if queue.open_only and queue.where not in conditions:
            conditions.append(queue.where)
    # COUNT(status), not COUNT(id): the index holds the status, not the id.
    columns = {f"n{i}": Count("status", filter=q) if q else Count("status") for i, q in enumerate(conditions)}
    per_state = base.filter(OPEN_Q).order_by().values("status").annotate(**columns) if columns else []
    by_state = {row.pop("status"): row for row in per_state}
    for queue in queues:
        if not queue.open_only:
            queue.count = queue.select(base).count()
            continue
        column = f"n{conditions.index(queue.where)}"
        queue.count = sum(row[column] for state, row in by_state.items()
                          if queue.statuses is None or state in queue.statuses)


def _category_filter_choices() -> list[tuple[str, str]]:
    # Labels per request: they follow the page's language.
    return [(c.code, "\u2003" + category_label(c) if child else category_label(c))
            for c, child in catalogue().filter_order]


def _filtered(request, qs: QuerySet) -> tuple[QuerySet, dict]:
    text = (request.GET.get("q") or "").strip()[:100]
    category = (request.GET.get("category") or "").strip()
    status = (request.GET.get("status") or "").strip()
    qs = search.matching(qs, text)
    if category:
        qs = qs.filter(category_id__in=catalogue().with_children(category) or [])
    if status in S.values:
        qs = qs.filter(status=status)
    return qs, {"q": text, "category": category, "status": status}


@login_required
def workbench(request):
    """The queues of the user's roles; a resident who logged in sees their own
    requests, each linking to its public page."""
    user = request.user
    base = visible_appeals(user)
    if not scopes_of(user).is_staff_role:
        rows = base.select_related(*LIST_RELATED).order_by("-created_at")
        return render(request, "work/mine.html", {"page": page_of(request, rows)})
    now = timezone.now()
    queues = queues_for(user, now)
    count_queues(base, queues)
    by_key = {q.key: q for q in queues}
    current = by_key.get(request.GET.get("tab") or "")
    if current is None:
        current = next((q for q in queues if q.count and q.key not in ("overdue", "open")), queues[-1])
    rows, filters = _filtered(request, current.select(base))
    rows = rows.only(*QUEUE_ROW_FIELDS).order_by(F("step_due").asc(nulls_last=True), "-created_at")
    if not any(filters.values()):
        rows = Counted(rows, current.count)  # the tab's count is this queryset's: no second COUNT
    page = page_of(request, rows)
    _prepare_rows(page.object_list, now, user)
    queue = {"queues": queues, "current": current, "rows": page.object_list, "filters": filters,
             "categories": _category_filter_choices(), "statuses": S.choices, "t": _words(page.paginator.count)}
    return render(request, "work/workbench.html", {"page": page, "queues": queues, "current": current,
                                                   "queue": render_queue(queue)})


def _words(count: int) -> dict:
    """The words of the queue template, in the page's language."""
    return {
        "queues": _("Queues"), "search": _("Search"), "search_hint": _("Number, title or address"),
        "category": _("Category"), "all_categories": _("All categories"), "status": _("Status"),
        "all_states": _("All states"), "filter": _("Filter"), "tracking_no": _("Tracking number"),
        "title": _("Title"), "place": _("Place"), "due": _("Due"), "urgent": _("Urgent"), "overdue": _("Overdue"),
        "due_soon": _("Due soon"), "nothing": _("Nothing here."), "suggested": _("Suggested:"),
        "suggested_help": _("Proposed for dispatch (routing rules, else the text classifier), with its confidence"),
        "count": ngettext("%(n)s request", "%(n)s requests", count) % {"n": count},
    }


def render_queue(context: dict) -> str:
    """The queue's HTML from its Jinja2 template (autoescaped, so safe to insert)."""
    return mark_safe(engines["jinja2"].get_template("work/queue.html").render(context))


def _prepare_rows(appeals, now, user=None) -> None:
    """What each queue row shows (templates/jinja2/work/queue.html), worked out here
    once per row rather than through tags and filters in the template."""
    appeals = list(appeals)
    proposed = suggestions.for_rows(user, appeals) if user is not None else {}
    categories, places, units = catalogue().by_id, tree().by_id, unit_names()
    if not all(a.category_id in categories and a.node_id in places and (a.unit_id is None or a.unit_id in units)
               for a in appeals):  # named something added since they were read: read them again
        forget_categories()
        forget_places()
        categories, places, units = catalogue().by_id, tree().by_id, unit_names()
    status_labels: dict[str, str] = {}  # each label translated once per page
    category_labels: dict[int, str] = {}
    for appeal in appeals:
        appeal.url = reverse("appeal_detail", args=[appeal.pk])
        appeal.deadline = appeal.deadline_state(now)
        if appeal.status not in status_labels:
            status_labels[appeal.status] = appeal.get_status_display()
        appeal.status_label = status_labels[appeal.status]
        if appeal.category_id not in category_labels:
            category_labels[appeal.category_id] = category_name(categories.get(appeal.category_id))
        appeal.category_label = category_labels[appeal.category_id]
        place = places.get(appeal.node_id)
        appeal.place = place.name if place else ""
        appeal.unit_name = units.get(appeal.unit_id, "") if appeal.unit_id else ""
        due = timezone.localtime(appeal.step_due) if appeal.step_due and appeal.is_open() else None
        # As the date filter shows it: ISO 8601 ("c") and "m-d H:i", in local time.
        appeal.due_iso = due.isoformat() if due else ""
        appeal.due_short = f"{due:%m-%d %H:%M}" if due else ""
        appeal.suggestion = proposed.get(appeal.pk)


@staff_required
@require_http_methods(["GET", "POST"])
def work_new(request):
    """Staff register a request for a resident (hotline, walk-in, patrol, talk
    day), or register and resolve a small matter on the spot (即接即办). The
    place defaults to the person's own area."""
    user = request.user
    scopes = scopes_of(user)
    if not access.may_register(user):
        raise PermissionDenied
    channel = Appeal.Channel.PATROL if scopes.has(R.GRID_WORKER) and not scopes.superuser else Appeal.Channel.HOTLINE
    area = intake.staff_area(user)
    community = tree().ancestor_of_kind(area, "community") if area else None
    form = StaffIntakeForm(*bound(request), initial={"channel": channel},
                           community_initial=community.code if community else "")
    may_resolve = access.may_resolve_on_the_spot(user)
    if not may_resolve:
        for name in ("on_the_spot", "result", "reply"):
            del form.fields[name]
    if request.method == "POST" and form.is_valid():
        data, cleaned = form.service_data(), form.cleaned_data
        photos_sent = request.FILES.getlist("photos")
        try:
            if may_resolve and cleaned.get("on_the_spot"):
                appeal = services.quick_resolve(data, actor=user, channel=cleaned["channel"],
                                                result=cleaned.get("result") or "", content=cleaned.get("reply"),
                                                photos=photos_sent)
            else:
                appeal, _created = services.create_appeal(data, actor=user, channel=cleaned["channel"],
                                                          photos=photos_sent)
        except ActionError as exc:
            form.add_service_error(exc)
            form.photos_dropped = len(photos_sent)
        else:
            messages.success(request, _("Registered as %(no)s.") % {"no": appeal.tracking_no})
            if visible_appeals(user).filter(pk=appeal.pk).exists():
                return redirect("appeal_detail", pk=appeal.pk)
            return redirect("workbench")
    return render(request, "work/new.html", {"form": form, "map_config": map_config()},
                  status=400 if form.errors else 200)


def _action_forms(appeal: Appeal, user) -> tuple[list, list]:
    allowed = set(services.allowed_actions(appeal, user))
    built = {}
    for action in allowed & set(ACTION_FORMS):
        form = ACTION_FORMS[action](appeal=appeal, user=user, auto_id=f"id_{action}_%s")
        built[action] = {"action": action, "form": form, "button": ACTION_BUTTONS[action]}
    main = [built[a] for a in MAIN_ACTIONS if a in built]
    other = [built[a] for a in OTHER_ACTIONS if a in built]
    return main, other


def _suggestion(user, appeal: Appeal) -> dict | None:
    """The proposed category and unit for the dispatcher (appeals.suggestions), with what the page needs:
    the confidence in percent, whether it names another category, whether one tap may dispatch it."""
    found = suggestions.for_viewer(user, appeal)
    if not found:
        return None
    unit = found.get("unit")
    return {**found, "percent": round(found["confidence"] * 100),
            "other_category": found["category"]["code"] != appeal.category.code,
            "may_accept": bool(unit) and dispatchable_units(user).filter(pk=unit["id"]).exists()}


def _detail(request, appeal: Appeal, *, contact: dict | None = None):
    user = request.user
    contact = contact or contact_for(user, appeal)
    main, other = _action_forms(appeal, user)
    # The resident's photos here; the reply's photos are shown with the reply on the timeline.
    submitted = [p for p in appeal.photos.select_related("event") if p.event_id is None or p.event.action == "submit"]
    return render(request, "work/appeal.html", {
        "appeal": appeal,
        "timeline": staff_timeline(appeal),
        "photos": submitted,
        "co_parts": access.co_parts(appeal),
        "answers": questions.shown(appeal.category, appeal.answers),
        "contact": contact,
        "may_reveal": contact["masked"] and bool(appeal.contact_phone) and may_see_contact(user, appeal),
        "main_actions": main,
        "other_actions": other,
        "suggestion": _suggestion(user, appeal),
        "map_config": map_config(),
        "now": timezone.now(),
        # After a POST (the revealed phone) the language switch returns to the plain page.
        "lang_next": reverse("appeal_detail", args=[appeal.pk]),
    })


@login_required
def appeal_detail(request, pk: int):
    appeal = appeal_or_404(request.user, pk)
    if not scopes_of(request.user).is_staff_role:
        # A resident follows their own request on its own page (no internal notes there).
        return redirect("track", tracking_no=appeal.tracking_no)
    return _detail(request, appeal)


@staff_required
@require_POST
def appeal_contact(request, pk: int):
    """Shows the full name and phone to whoever must call the resident; each view is logged."""
    appeal = appeal_or_404(request.user, pk)
    if not may_see_contact(request.user, appeal):
        messages.error(request, _("You may not see this resident's full phone number."))
        return redirect("appeal_detail", pk=appeal.pk)
    return _detail(request, appeal, contact=contact_for(request.user, appeal, reveal=True))


@staff_required
@require_POST
def appeal_action(request, pk: int, action: str):
    """One action through its service function; a refusal changes nothing."""
    if action not in ACTION_FORMS:
        raise Http404
    user = request.user
    appeal = appeal_or_404(user, pk)
    form = ACTION_FORMS[action](request.POST, request.FILES, appeal=appeal, user=user)
    back = reverse("appeal_detail", args=[appeal.pk])
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(safe_next(request, back))
    kwargs = form.service_kwargs()
    if form.takes_photos:
        kwargs["photos"] = request.FILES.getlist("photos")
    try:
        services.ACTIONS[action](appeal, actor=user, **kwargs)
    except ActionError as exc:
        for _field, detail in exc.errors:
            messages.error(request, detail)
        return redirect(safe_next(request, back))
    messages.success(request, ACTION_DONE[action])
    if not visible_appeals(user).filter(pk=appeal.pk).exists():
        back = reverse("workbench")
    return redirect(safe_next(request, back))


@staff_required
def appeal_photo(request, pk: int, token: str):
    """Photos are shown only to those who may see the request."""
    appeal = appeal_or_404(request.user, pk)
    return photos.serve(get_object_or_404(AppealPhoto, appeal=appeal, token=token))


@staff_required
def overdue(request):
    """Every overdue or soon-due open request in scope, the most urgent first.
    An urge or a supervision notice from here comes back to the same card."""
    user = request.user
    scopes = scopes_of(user)
    if not scopes.has(R.SUPERVISOR, R.DISPATCHER, R.LEADER):
        raise PermissionDenied
    now = timezone.now()
    base = visible_appeals(user)
    rows = (base.overdue(now) | base.due_soon(now)).select_related(*LIST_RELATED).order_by("step_due", "pk")
    page = page_of(request, rows)
    for appeal in page.object_list:
        allowed = services.allowed_actions(appeal, user)
        appeal.may_urge = "urge" in allowed
        appeal.may_supervise = "supervise" in allowed
        appeal.urge_refusal = access.urge_refusal(appeal, now) if "urge" not in allowed else None
    return render(request, "work/overdue.html", {"page": page, "now": now})


class LoginView(auth_views.LoginView):
    """Staff sign-in, limited per client and per account name (429 beyond)."""

    redirect_authenticated_user = True
    CARE_PLAN_ONLY = {Role.Name.CASE_WORKER, Role.Name.FEDERATION_HEAD}

    def get_default_redirect_url(self):
        """A case worker or the federation's head handles no requests: they start at the care plans."""
        scopes = scopes_of(self.request.user)
        if not scopes.superuser and scopes.names and scopes.names <= self.CARE_PLAN_ONLY:
            return reverse("work_care_plans")
        return super().get_default_redirect_url()

    def post(self, request, *args, **kwargs):
        username = (request.POST.get("username") or "").strip().lower()[:150]
        too_many = limited(request, "sign-in") or (username and limited(request, "sign-in-user", username))
        return too_many or super().post(request, *args, **kwargs)
