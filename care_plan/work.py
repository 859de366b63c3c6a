"""The care plan pages of case workers, community staff and the federation
head: the registry (masked, searchable, filtered), a person's record with its
visits, assessment, plan and services (every view logged; the full contact and
the certificate number on request only, logged), the photos of visits, the job
fairs, the access log and the figures with their monthly report."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, Max, OuterRef, Q, Value
from django.db.models.fields import CharField
from django.db.models.functions import Cast, Concat
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from appeals.access import mask_name, mask_phone
from appeals.errors import ActionError, Forbidden, NotFound
from appeals.photos import serve
from appeals.views.common import page_of
from organisations.access import covers, path_q
from organisations.models import Node, PersonalDataView
from organisations.tree import tree

from . import access, crypto, report, services, workflow
from .figures import figures
from .forms import AssessmentForm, JobFairForm, MoveForm, PersonForm, PlanItemForm, ServiceForm, VisitForm
from .models import Disability, Grade, Person, PlanItem, Service, VisitPhoto

S = PlanItem.State
FIELD_LABELS = {
    "record": gettext_lazy("the record's page"), "name": gettext_lazy("name"), "phone": gettext_lazy("phone"),
    "guardian": gettext_lazy("guardian"), "guardian_phone": gettext_lazy("guardian's phone"),
    "address": gettext_lazy("address"), "certificate": gettext_lazy("certificate number"),
    "photo": gettext_lazy("a visit's photo"),
}


def _person(request, pk, action="see"):
    try:
        return access.get_person_for(request.user, pk, action)
    except NotFound:
        raise Http404 from None
    except Forbidden:
        raise PermissionDenied from None


def _text(request, name: str, limit: int) -> str:
    """A search box's words, without the control characters PostgreSQL refuses in text (NUL)."""
    return "".join(c for c in request.GET.get(name) or "" if c.isprintable()).strip()[:limit]


def _reader(request) -> None:
    if not access.may_any(request.user):
        raise PermissionDenied


# --- The registry ------------------------------------------------------------------------------------

@login_required
@require_GET
def person_list(request):
    _reader(request)
    people = access.people_for(request.user).select_related("node").annotate(
        open_items=Count("plan_items", filter=Q(plan_items__state__in=PlanItem.OPEN), distinct=True),
        last_visit=Max("visits__visited_on"))
    q = _text(request, "q", 40)
    by_number = ""
    if q:
        number = crypto.normalise(q)
        if crypto.SHAPE.fullmatch(number):
            # Found by its digest; the page repeats the number masked only (nor in the language form's link).
            people, by_number, q = people.filter(certificate_digest=crypto.digest(number)), crypto.mask(number), ""
        else:
            people = people.filter(name__contains=q)
    disability = request.GET.get("disability") or ""
    if disability in Disability.values:
        people = people.filter(disability=disability)
    grade = request.GET.get("grade") or ""
    if grade in Grade.values:
        people = people.filter(grade=grade)
    communities = _communities(request.user)
    community = request.GET.get("community") or ""
    chosen = next((c for c in communities if c.code == community), None)
    if chosen is not None:
        people = people.filter(node__path__startswith=chosen.path)
    plan = request.GET.get("plan") or ""
    if plan in ("open", "late"):
        items = PlanItem.objects.filter(person=OuterRef("pk"), state__in=PlanItem.OPEN)
        if plan == "late":
            items = items.filter(due_on__lt=timezone.localdate())
        people = people.filter(Exists(items))
    if request.GET.get("all") != "1":
        people = people.filter(active=True)
    page = page_of(request, people.order_by("node__path", "id"))
    for p in page:
        p.masked_name, p.masked_certificate = mask_name(p.name), p.certificate_masked
    return render(request, "care_plan/list.html", {
        "page": page, "q": q, "disability": disability, "grade": grade, "community": community, "plan": plan,
        "all": request.GET.get("all") == "1", "disabilities": Disability.choices, "grades": Grade.choices,
        "communities": communities, "manage": access.may_any(request.user, "manage"),
        "audit": access.may_audit(request.user), "count": access.may_count(request.user),
        "by_number": by_number, "lang_next": request.path if by_number else None,
    })


def _communities(user) -> list[Node]:
    """The communities to filter by: those in the user's scope, and the one their grid is in."""
    nodes = access.nodes_for(user)
    qs = Node.objects.filter(kind=Node.Kind.COMMUNITY).order_by("path")
    if nodes is None:
        return list(qs)
    if not nodes:
        return []
    above = [tree().ancestor_of_kind(n, Node.Kind.COMMUNITY) for n in nodes]
    return list(qs.filter(path_q("path", nodes) | Q(pk__in=[n.pk for n in above if n is not None])))


@login_required
@require_http_methods(["GET", "POST"])
def person_new(request):
    if not access.may_any(request.user, "manage"):
        raise PermissionDenied
    form = PersonForm(request.POST or None, nodes=access.nodes_for(request.user, "manage"))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                person = services.save_person(form, actor=request.user)
            except ActionError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.detail)
            else:
                messages.success(request, _("Registered. Next: the home visit and the needs assessment."))
                return redirect("work_care_plan", pk=person.pk)
    return render(request, "care_plan/new.html", {"form": form}, status=status)


# --- A person's record -----------------------------------------------------------------------------------

SECTIONS = {"reveal": "see", "certificate": "see", "details": "manage", "visit": "visit", "assessment": "manage",
            "item": "manage", "move": "manage", "service": "manage"}


@login_required
@require_http_methods(["GET", "POST"])
def person_page(request, pk: int):
    """The record: every render of it is logged; a POST names its section."""
    person = _person(request, pk)
    user = request.user
    section = request.POST.get("section") if request.method == "POST" else None
    if section is not None and section not in SECTIONS:
        section = "unknown"
    elif section is not None and not access.may(user, person, SECTIONS[section]):
        raise PermissionDenied
    manage, visit = access.may(user, person, "manage"), access.may(user, person, "visit")
    fairs = access.fairs_for(user)
    post = request.POST if request.method == "POST" else None
    forms = {
        "details": PersonForm(post if section == "details" else None, instance=person,
                              nodes=access.nodes_for(user, "manage")) if manage else None,
        "visit": VisitForm(post if section == "visit" else None,
                           initial={"visited_on": timezone.localdate()}) if visit else None,
        "assessment": AssessmentForm(post if section == "assessment" else None,
                                     initial={"assessed_on": timezone.localdate()}) if manage else None,
        "item": PlanItemForm(post if section == "item" else None, prefix="item") if manage else None,
        "service": ServiceForm(post if section == "service" else None, person=person, fairs=fairs,
                               initial={"on": timezone.localdate()}) if manage else None,
    }
    revealed = certificate = False
    status = 200
    if section == "reveal":
        services.log_view(person, user=user, fields=services.CONTACT)
        revealed = True
    elif section == "certificate":
        if not access.may_reveal_certificate(user, person):
            raise PermissionDenied
        services.log_view(person, user=user, fields=("certificate",))
        certificate = True
    elif section == "unknown":
        status = 400
    elif section is not None:
        done, status = _write(request, person, section, forms)
        if done is not None:
            return done
        revealed = section == "details"  # the form shows the contact in full: it is a full view
        if revealed:
            services.log_view(person, user=user, fields=services.CONTACT)
    services.log_view(person, user=user)  # every view of the record, whoever, whatever was asked
    return render(request, "care_plan/person.html", {
        **_record(person, user, revealed=revealed, certificate=certificate), "forms": forms, "manage": manage,
        "may_visit": visit, "section": section,
    }, status=status)


def _write(request, person, section: str, forms: dict):
    """One write of the record's page: (a redirect, 200) when it was done, else (None, the status)."""
    user = request.user
    anchors = {"details": "record", "visit": "visits", "assessment": "assessment", "item": "plan", "move": "plan",
               "service": "services"}
    here = reverse("work_care_plan", args=[person.pk]) + f"#{anchors[section]}"
    form = forms.get(section)
    try:
        if section == "move":
            move = MoveForm(request.POST)
            if not move.is_valid():
                raise NotFound(_("No such plan item."))
            data = move.cleaned_data
            item = person.plan_items.filter(pk=data["item"]).first()
            if item is None:
                raise NotFound(_("No such plan item."))
            services.move_item(item, data["action"], actor=user, note=data["note"], by_whom=data["by_whom"],
                               due_on=data["due_on"], done_on=data["done_on"])
            messages.success(request, _("The plan item is now: %(state)s.") % {
                "state": PlanItem.objects.get(pk=item.pk).get_state_display()})
            return redirect(here), 200
        if not form.is_valid():
            return None, 400
        data = form.cleaned_data
        if section == "details":
            services.save_person(form, actor=user)
            messages.success(request, _("Saved."))
        elif section == "visit":
            services.add_visit(person, actor=user, visited_on=data["visited_on"], findings=data["findings"],
                               companions=data["companions"], uploads=request.FILES.getlist("photos"))
            messages.success(request, _("The visit is recorded."))
        elif section == "assessment":
            services.add_assessment(person, actor=user, assessed_on=data["assessed_on"], needs=form.needs(),
                                    note=data["note"])
            messages.success(request, _("The assessment is recorded; each new need is in the plan, to be arranged."))
        elif section == "item":
            services.add_item(person, actor=user, area=data["area"], what=data["what"], by_whom=data["by_whom"],
                              due_on=data["due_on"])
            messages.success(request, _("The item is added to the plan."))
        elif section == "service":
            services.add_service(person, actor=user, kind=data["kind"], on=data["on"], detail=data["detail"],
                                 quantity=data["quantity"] or 1, amount=data["amount"], fair=data["fair"],
                                 plan_item=data["plan_item"], provider=data["provider"])
            messages.success(request, _("The service is recorded."))
        return redirect(here), 200
    except ActionError as exc:
        if form is not None and section != "move":
            for field, detail in exc.errors:
                form.add_error(field if field in form.fields else None, detail)
        else:
            messages.error(request, exc.detail)
        return None, exc.status


def _record(person, user, *, revealed: bool, certificate: bool) -> dict:
    """What the record's page shows: masked unless revealed."""
    today = timezone.localdate()
    items = list(person.plan_items.prefetch_related("steps__actor").order_by("state", "due_on", "id"))
    order = {s: i for i, s in enumerate([S.NEED, S.PLANNED, S.IN_PROGRESS, S.DONE, S.CANCELLED])}
    items.sort(key=lambda i: (order[i.state], i.due_on or date.max, i.pk))
    for item in items:
        item.actions = [(a, workflow.LABELS[a]) for a in workflow.actions_from(item.state)]
        item.late = item.is_late(today)
    assessment = person.assessments.prefetch_related("needs").select_related("assessor").first()
    show = (lambda value: value) if revealed else mask_name
    return {
        "person": person,
        "revealed": revealed,
        "name": person.name if revealed else mask_name(person.name),
        "phone": person.phone if revealed else mask_phone(person.phone),
        "guardian": show(person.guardian),
        "guardian_phone": person.guardian_phone if revealed else mask_phone(person.guardian_phone),
        "address": person.address if revealed else "",
        "certificate_shown": person.certificate if certificate else person.certificate_masked,
        "certificate_revealed": certificate,
        "may_reveal_certificate": access.may_reveal_certificate(user, person) and bool(person.certificate_cipher),
        "visits": list(person.visits.select_related("visitor").prefetch_related("photos")[:30]),
        "assessment": assessment,
        "earlier_assessments": list(person.assessments.values_list("assessed_on", flat=True)[1:10]),
        "items": items,
        "open_items": sum(1 for i in items if i.is_open),
        "services": list(person.services.select_related("fair", "plan_item")[:50]),
        "support_total": sum((s.amount for s in person.services.filter(kind=Service.Kind.VISIT)
                              if s.amount is not None), start=Decimal("0.00")),
    }


@login_required
@require_GET
def photo(request, pk: int, token: str):
    """A visit's photo, to those who see the record; each view logged."""
    person = _person(request, pk)
    picture = VisitPhoto.objects.filter(visit__person=person, token=token).first()
    if picture is None:
        raise Http404
    services.log_view(person, user=request.user, fields=("photo",))
    return serve(picture)


# --- Job fairs ----------------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def fairs(request):
    _reader(request)
    manage = access.may_any(request.user, "manage")
    form = JobFairForm(request.POST if request.method == "POST" else None,
                       nodes=access.nodes_for(request.user, "manage")) if manage else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.add_fair(actor=request.user, node=data["node"], held_on=data["held_on"], title=data["title"],
                                  place=data["place"], employers=data["employers"])
            except ActionError as exc:
                form.add_error(None, exc.detail)
                status = exc.status
            else:
                messages.success(request, _("The job fair is added: record who went on their records."))
                return redirect("work_care_plan_fairs")
    rows = access.fairs_for(request.user).select_related("node").annotate(
        went=Count("services", filter=Q(services__kind=Service.Kind.JOB_FAIR))).order_by("-held_on", "-id")
    return render(request, "care_plan/fairs.html", {"page": page_of(request, rows), "form": form}, status=status)


# --- The access log ---------------------------------------------------------------------------------------

@login_required
@require_GET
def access_log(request):
    """Who viewed whose record, when and what: for the federation head of the scope."""
    if not access.may_audit(request.user):
        raise PermissionDenied
    nodes = access.audit_nodes(request.user)
    people = Person.objects.all() if nodes is None else Person.objects.filter(path_q("node__path", nodes))
    asked = _text(request, "person", 12)
    if asked.isdigit():
        people = people.filter(pk=int(asked))
    subjects = people.annotate(subject_key=Concat(Value("care_plan_person:"), Cast("pk", CharField()),
                                                  output_field=CharField())).values("subject_key")
    rows = PersonalDataView.objects.filter(subject__in=subjects).select_related("viewer").order_by("-at", "-id")
    viewer = _text(request, "viewer", 150)
    if viewer:
        rows = rows.filter(viewer__username=viewer)
    page = page_of(request, rows)
    ids = {int(r.subject.rsplit(":", 1)[1]) for r in page}
    whom = {p.pk: p for p in Person.objects.filter(pk__in=ids).select_related("node")}
    for r in page:
        p = whom.get(int(r.subject.rsplit(":", 1)[1]))
        r.person, r.masked = p, mask_name(p.name) if p else "?"
        r.what = FIELD_LABELS.get(r.field, r.field)
    return render(request, "care_plan/access_log.html", {"page": page, "person": asked, "viewer": viewer,
                                                         "query": _without_page(request)})


def _without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# --- Figures ------------------------------------------------------------------------------------------------

@login_required
@require_GET
def figures_page(request):
    """The figures of a scope the user counts (case workers, the federation head) by month, and its monthly report."""
    if not access.may_count(request.user):
        raise PermissionDenied
    nodes = access.count_nodes(request.user)
    own = sorted(nodes, key=lambda n: n.path.count("/")) if nodes else list(Node.objects.filter(
        parent__isnull=True).order_by("path"))
    scope = own[0] if own else None
    asked = Node.objects.filter(code=_text(request, "scope", 40)).first()
    if asked is not None and covers(nodes, asked):
        scope = asked
    if scope is None:
        raise Http404
    month = request.GET.get("month") or timezone.localdate().strftime("%Y-%m")
    first, last, label, problem = _month(month)
    if problem:
        messages.error(request, problem)
    total, rows = figures(scope, first, last)
    if request.GET.get("export") == "xlsx":
        return report.response(scope.name, label, total, rows)
    return render(request, "care_plan/figures.html", {
        "scope": scope, "scopes": own, "month": label if first else "all", "label": label, "total": total,
        "rows": rows})


def _month(value: str):
    """(first day, last day, label, problem): a month YYYY-MM, or everything for "all"."""
    if value == "all":
        return None, None, _("everything"), None
    try:
        year, month = (int(part) for part in value.split("-"))
        first = date(year, month, 1)
    except (ValueError, TypeError):
        today = timezone.localdate()
        first, problem = today.replace(day=1), _("The month could not be read (YYYY-MM): showing this month.")
    else:
        problem = None
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, following - timedelta(days=1), f"{first:%Y-%m}", problem
