"""The staff workbench: queues, registering on a resident's behalf, the
request page with one small form per allowed action, and the overdue view.

Every request is loaded through `appeals.access`; every change goes through
`services.ACTIONS`, which refuses what the user may not do.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, QuerySet
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from organisations.access import path_q, scopes_of
from organisations.models import Role

from .. import services
from ..access import contact_for, may_see_contact, visible_appeals
from ..errors import ActionError
from ..forms import ACTION_FORMS, StaffIntakeForm, category_label
from ..models import TERMINAL, Appeal, AppealPhoto, Category, Status
from .common import appeal_or_404, bound, map_config, page_of, safe_next, staff_required
from .timeline import ACTION_BUTTONS, ACTION_DONE, staff_timeline

R = Role.Name
S = Status
LIST_RELATED = ("category", "category__parent", "node", "unit")

# The order of the action forms on the request page: the usual next step first;
# the rest fold away on a phone.
MAIN_ACTIONS = ["register", "dispatch", "sign", "reply", "approve-extension", "evaluate", "close",
                "reopen", "urge", "supervise"]
OTHER_ACTIONS = ["start", "note", "request-extension", "return", "reject", "merge"]


@dataclass
class Queue:
    key: str
    label: str
    where: Q
    count: int = 0

    def select(self, qs: QuerySet) -> QuerySet:
        return qs.filter(self.where)


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
        mine = _none()
        if dispatcher:
            mine |= owned
        if handler:
            mine |= in_unit
    T = services.TRANSITIONS

    def where(q: Q, statuses) -> Q:
        return q & Q(status__in=sorted(statuses))

    queues: list[Queue] = []
    if dispatcher:
        queues += [
            Queue("register", gettext_lazy("To register"), where(owned, T["register"].sources)),
            Queue("dispatch", gettext_lazy("To dispatch"), where(owned, T["dispatch"].sources)),
        ]
    if handler:
        queues += [
            Queue("sign", gettext_lazy("To sign for"), where(in_unit, T["sign"].sources)),
            Queue("in_hand", gettext_lazy("In hand"), where(in_unit, [S.SIGNED, S.IN_PROGRESS])),
        ]
    if dispatcher:
        queues.append(Queue(
            "approval", gettext_lazy("Awaiting approval"),
            where(owned & Q(pending_extension_days__isnull=False), T["approve-extension"].sources),
        ))
    if dispatcher or handler:
        queues.append(Queue("replied", gettext_lazy("Replied"), where(mine, [S.REPLIED, S.EVALUATED])))
    if scopes.has(R.GRID_WORKER) and not superuser:
        queues.append(Queue("mine", gettext_lazy("Registered by me"), Q(created_by=user)))
    queues.append(Queue("overdue", gettext_lazy("Overdue"), OPEN_Q & Q(step_due__lt=now)))
    queues.append(Queue("open", gettext_lazy("All open"), OPEN_Q))
    return queues


def count_queues(base: QuerySet, queues: list[Queue]) -> None:
    """All tab counts in one aggregate over the open requests in scope (the
    partial index on open requests keeps it small); 'registered by me' also
    counts finished requests, so it has its own query."""
    open_tabs = [q for q in queues if q.key != "mine"]
    counts = base.filter(OPEN_Q).aggregate(**{q.key: Count("pk", filter=q.where) for q in open_tabs})
    for queue in queues:
        queue.count = counts[queue.key] if queue.key in counts else queue.select(base).count()


def _category_filter_choices() -> list[tuple[str, str]]:
    rows = list(Category.objects.filter(active=True).order_by("order", "code"))
    out = []
    for parent in (r for r in rows if not r.parent_id):
        out.append((parent.code, category_label(parent)))
        out += [(r.code, "\u2003" + category_label(r)) for r in rows if r.parent_id == parent.pk]
    return out


def _filtered(request, qs: QuerySet) -> tuple[QuerySet, dict]:
    text = (request.GET.get("q") or "").strip()[:100]
    category = (request.GET.get("category") or "").strip()
    status = (request.GET.get("status") or "").strip()
    if text:
        qs = qs.filter(Q(tracking_no__icontains=text) | Q(title__icontains=text) | Q(address__icontains=text))
    if category:
        qs = qs.filter(Q(category__code=category) | Q(category__parent__code=category))
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
    queues = queues_for(user)
    count_queues(base, queues)
    by_key = {q.key: q for q in queues}
    current = by_key.get(request.GET.get("tab") or "")
    if current is None:
        current = next((q for q in queues if q.count and q.key not in ("overdue", "open")), queues[-1])
    rows, filters = _filtered(request, current.select(base))
    rows = rows.select_related(*LIST_RELATED).order_by(F("step_due").asc(nulls_last=True), "-created_at")
    return render(request, "work/workbench.html", {
        "queues": queues, "current": current, "page": page_of(request, rows), "filters": filters,
        "categories": _category_filter_choices(), "statuses": S.choices, "now": timezone.now(),
    })


def _may_register(scopes) -> bool:
    return scopes.has(R.GRID_WORKER, R.DISPATCHER, R.HANDLER)


@staff_required
@require_http_methods(["GET", "POST"])
def work_new(request):
    """Staff register a request for a resident (hotline, walk-in, patrol, talk
    day), or register and resolve a small matter on the spot (即接即办)."""
    user = request.user
    scopes = scopes_of(user)
    if not _may_register(scopes):
        raise PermissionDenied
    channel = Appeal.Channel.PATROL if scopes.has(R.GRID_WORKER) and not scopes.superuser else Appeal.Channel.HOTLINE
    form = StaffIntakeForm(*bound(request), initial={"channel": channel})
    may_resolve = scopes.has(R.GRID_WORKER, R.HANDLER)
    if not may_resolve:
        for name in ("on_the_spot", "result", "reply"):
            del form.fields[name]
    if request.method == "POST" and form.is_valid():
        data, cleaned = form.service_data(), form.cleaned_data
        photos = request.FILES.getlist("photos")
        try:
            if may_resolve and cleaned.get("on_the_spot"):
                appeal = services.quick_resolve(data, actor=user, channel=cleaned["channel"],
                                                result=cleaned.get("result") or "", content=cleaned.get("reply"),
                                                photos=photos)
            else:
                appeal, _created = services.create_appeal(data, actor=user, channel=cleaned["channel"],
                                                          photos=photos)
        except ActionError as exc:
            form.add_service_error(exc)
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


def _detail(request, appeal: Appeal, *, reveal: bool = False):
    user = request.user
    contact = contact_for(user, appeal, reveal=reveal)
    main, other = _action_forms(appeal, user)
    user.notifications.filter(event__appeal=appeal, read_at__isnull=True).update(read_at=timezone.now())
    return render(request, "work/appeal.html", {
        "appeal": appeal,
        "timeline": staff_timeline(appeal),
        "photos": list(appeal.photos.all()),
        "co_units": list(appeal.co_units.all()),
        "contact": contact,
        "may_reveal": contact["masked"] and bool(appeal.contact_phone) and may_see_contact(user, appeal),
        "main_actions": main,
        "other_actions": other,
        "map_config": map_config(),
        "now": timezone.now(),
        # After a POST (the revealed phone) the language switch returns to the plain page.
        "lang_next": reverse("appeal_detail", args=[appeal.pk]),
    })


@login_required
def appeal_detail(request, pk: int):
    appeal = appeal_or_404(request.user, pk)
    if not scopes_of(request.user).is_staff_role:
        # A resident follows their own request on its public page (no internal notes there).
        return redirect("track", tracking_no=appeal.tracking_no)
    return _detail(request, appeal)


@staff_required
@require_POST
def appeal_contact(request, pk: int):
    """Shows the full phone to whoever must call the resident; each view is logged."""
    appeal = appeal_or_404(request.user, pk)
    if not may_see_contact(request.user, appeal):
        messages.error(request, _("You may not see this resident's full phone number."))
        return redirect("appeal_detail", pk=appeal.pk)
    return _detail(request, appeal, reveal=True)


@staff_required
@require_POST
def appeal_action(request, pk: int, action: str):
    """One action through its service function; a refusal changes nothing."""
    if action not in ACTION_FORMS:
        raise Http404
    user = request.user
    appeal = appeal_or_404(user, pk)
    form = ACTION_FORMS[action](request.POST, appeal=appeal, user=user)
    back = reverse("appeal_detail", args=[appeal.pk])
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(safe_next(request, back))
    try:
        services.ACTIONS[action](appeal, actor=user, **form.service_kwargs())
    except ActionError as exc:
        messages.error(request, exc.detail)
        return redirect(safe_next(request, back))
    messages.success(request, ACTION_DONE[action])
    if not visible_appeals(user).filter(pk=appeal.pk).exists():
        back = reverse("workbench")
    return redirect(safe_next(request, back))


@staff_required
def appeal_photo(request, pk: int, token: str):
    """Photos are shown only to those who may see the request."""
    appeal = appeal_or_404(request.user, pk)
    photo = get_object_or_404(AppealPhoto, appeal=appeal, token=token)
    response = FileResponse(photo.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@staff_required
def overdue(request):
    """Every overdue or soon-due open request in scope, the most urgent first."""
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
    return render(request, "work/overdue.html", {"page": page, "now": now})
