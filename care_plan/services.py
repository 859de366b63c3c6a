"""Everything that writes a care plan record, each in one transaction: the
registry, home visits with their photos, assessments (whose needs become plan
items), plan item moves on the locked row (of two people moving one item at
once one wins), services delivered and job fairs; and the log of every view of
a person's record (organisations.PersonalDataView)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from appeals.errors import Forbidden, Invalid, NotFound
from appeals.photos import clean_photos
from organisations.models import PersonalDataView

from . import access, workflow
from .models import Area, Assessment, HomeVisit, JobFair, Need, Person, PlanItem, PlanStep, Service, VisitPhoto

S = PlanItem.State
CONTACT = ("name", "phone", "guardian", "guardian_phone", "address")  # what "show in full" shows
PAGE = "record"  # the field of the log row every view of the record's page writes


# --- The log ---------------------------------------------------------------------------------

def log_view(person: Person, *, user, fields=(PAGE,)) -> None:
    """One row per field seen: the page itself ("record"), each contact field
    shown in full, the certificate number, a photo."""
    PersonalDataView.objects.bulk_create([
        PersonalDataView(viewer=user, subject=person.subject, field=f) for f in fields
        if f in (PAGE, "certificate", "photo") or getattr(person, f, "")])


# --- The registry --------------------------------------------------------------------------------

def save_person(form, *, actor) -> Person:
    """A PersonForm's person, new or changed (the certificate number encrypted
    by the form); a number registered meanwhile by someone else is refused."""
    creating = form.instance.pk is None
    if creating:
        form.instance.created_by = actor
    try:
        with transaction.atomic():
            return form.save()
    except IntegrityError:
        if creating:
            form.instance.pk = None
        raise Invalid(_("This certificate number is registered already."), field="certificate") from None


# --- Visits and assessments --------------------------------------------------------------------------

def _not_ahead(day: date, field: str) -> None:
    if day > timezone.localdate():
        raise Invalid(_("This date has not come yet."), field=field)


def add_visit(person: Person, *, actor, visited_on: date, findings: str, companions: str = "",
              uploads=()) -> HomeVisit:
    """A home visit with up to nine photos, each checked by its content and
    re-encoded without its metadata (GPS) before anything is written."""
    if not access.may(actor, person, "visit"):
        raise Forbidden(_("You do not visit people here."))
    _not_ahead(visited_on, "visited_on")
    if not findings.strip():
        raise Invalid(_("Write down what the visit found."), field="findings")
    cleaned = clean_photos(uploads)  # at most MAX_PHOTOS, refused before anything is written
    with transaction.atomic():
        visit = HomeVisit.objects.create(person=person, visited_on=visited_on, visitor=actor,
                                         companions=companions[:100], findings=findings[:2000])
        for content, width, height, token in cleaned:
            VisitPhoto.objects.create(visit=visit, image=content, width=width, height=height, token=token)
    return visit


def add_assessment(person: Person, *, actor, assessed_on: date, needs: list[tuple[str, str, str]],
                   note: str = "") -> Assessment:
    """The needs found on `assessed_on`; each need of an area the plan has no open
    item for becomes a plan item waiting to be arranged."""
    _manager(actor, person)
    _not_ahead(assessed_on, "assessed_on")
    if not needs and not note.strip():
        raise Invalid(_("Mark at least one need, or write in the note that none was found."), field=None)
    with transaction.atomic():
        assessment = Assessment.objects.create(person=person, assessed_on=assessed_on, assessor=actor, note=note[:500])
        Need.objects.bulk_create([Need(assessment=assessment, area=area, priority=priority, detail=detail[:200])
                                  for area, priority, detail in needs])
        open_areas = set(person.plan_items.filter(state__in=PlanItem.OPEN).values_list("area", flat=True))
        with translation.override(settings.LANGUAGE_CODE):  # the record in one language, whoever's page
            labels = {area: str(label) for area, label in Area.choices}
        for area, _priority, detail in needs:
            if area not in open_areas:
                add_item(person, actor=actor, area=area, what=detail or labels[area])
    return assessment


# --- The plan --------------------------------------------------------------------------------------------

def _manager(actor, person: Person) -> None:
    if not access.may(actor, person, "manage"):
        raise Forbidden(_("Only the case worker keeps this plan."))


def add_item(person: Person, *, actor, area: str, what: str, by_whom: str = "", due_on: date | None = None) -> PlanItem:
    _manager(actor, person)
    if area not in Area.values:
        raise Invalid(_("Choose what the item is about."), field="area")
    if not what.strip():
        raise Invalid(_("Say what is to be done."), field="what")
    with transaction.atomic():
        item = PlanItem.objects.create(person=person, area=area, what=what.strip()[:200], by_whom=by_whom[:100],
                                       due_on=due_on, created_by=actor)
        PlanStep.objects.create(item=item, action="create", to_state=S.NEED, actor=actor)
    return item


def move_item(item: PlanItem, action: str, *, actor, note: str = "", by_whom: str = "",
              due_on: date | None = None, done_on: date | None = None) -> PlanItem:
    """Moves a plan item by `action` (workflow.TRANSITIONS), on its locked row.

    1. The row is locked (select_for_update): a second move waits, then sees the
       state the first one left, and the table refuses it if it no longer applies.
    2. Arranging names who does it; finishing says on which day (today by default,
       never ahead); giving up or reopening says why.
    3. One PlanStep row records who moved it, when, from where to where.
    """
    note = (note or "").strip()[:200]
    with transaction.atomic():
        locked = PlanItem.objects.select_for_update(of=("self",)).select_related("person__node").filter(
            pk=item.pk).first()
        if locked is None:
            raise NotFound(_("No such plan item."))
        _manager(actor, locked.person)
        if action not in workflow.LABELS:
            raise Invalid(_("No such action."), field="action")
        source = locked.state
        fields = {}
        if action == "arrange":
            by_whom = (by_whom or locked.by_whom).strip()
            if not by_whom:
                raise Invalid(_("Say who will do it."), field="by_whom")
            fields.update(by_whom=by_whom[:100], due_on=due_on or locked.due_on)
        elif action == "finish":
            done_on = done_on or timezone.localdate()
            if workflow.allowed(action, source):
                _not_ahead(done_on, "done_on")
            fields["done_on"] = done_on
        elif action in ("cancel", "reopen") and not note and workflow.allowed(action, source):
            raise Invalid(_("Say why."), field="note")
        if action == "reopen":
            fields["done_on"] = None
        workflow.move(locked, action, **fields)
        PlanStep.objects.create(item=locked, action=action, from_state=source, to_state=locked.state, actor=actor,
                                note=note)
    return locked


# --- Services and job fairs -------------------------------------------------------------------------------

def add_service(person: Person, *, actor, kind: str, on: date, detail: str = "", quantity: int = 1, amount=None,
                fair: JobFair | None = None, plan_item: PlanItem | None = None, provider: str = "") -> Service:
    """A service delivered (the form has checked each kind's own fields)."""
    _manager(actor, person)
    _not_ahead(on, "on")
    if plan_item is not None and plan_item.person_id != person.pk:
        raise NotFound(_("No such plan item."))
    return Service.objects.create(person=person, kind=kind, on=on, detail=detail[:200], quantity=quantity or 1,
                                  amount=amount, fair=fair, plan_item=plan_item, provider=provider[:100],
                                  recorded_by=actor)


def add_fair(*, actor, node, held_on: date, title: str, place: str = "", employers: int | None = None) -> JobFair:
    if not access.may_manage_node(actor, node):
        raise Forbidden(_("Only the case worker keeps this plan."))
    return JobFair.objects.create(node=node, held_on=held_on, title=title[:100], place=place[:100],
                                  employers=employers, created_by=actor)
