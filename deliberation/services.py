"""Everything that changes a topic, a meeting or an agenda item. Each change
of state locks its row first (select_for_update) and goes through the
transition tables of `workflow.py`: of two organisers putting one topic on two
agendas, deciding one item or making it into a request at once, one wins and
the other is refused (409) — never two requests from one item."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from appeals import intake
from appeals.errors import Conflict, Forbidden, Invalid, WrongState
from appeals.models import Appeal
from appeals.residents import code_refusal
from appeals.workflow import text
from events import services as events
from notifications import codes, sms
from notifications.models import SmsMessage
from organisations.models import Node

from . import access, workflow
from .models import Item, Meeting, Topic

TITLE, DESCRIPTION, NAME, WHERE = 100, 2000, 40, 200
MINUTES, PARTICIPANTS, DECISION = 10000, 1000, 2000
MAX_ATTENDEES = 100_000


def _refuse_unless_organiser(actor, node: Node) -> None:
    if not access.may_manage_node(actor, node):
        raise Forbidden(_("You do not run deliberation in this community."))


def _is_community(node: Node | None) -> bool:
    return node is not None and node.kind == Node.Kind.COMMUNITY


# --- Raising a topic ---------------------------------------------------------------

def clean_phone(phone, *, required: bool = True) -> str:
    """As a sign-up's phone (events), but staff may leave it out."""
    if not required and not intake.clean_phone(phone):
        return ""
    return events.clean_phone(phone)


def clean_topic(title, description, name, phone, *, phone_required: bool) -> dict:
    """A topic's fields, clean, or one refusal carrying every problem."""
    problems, clean = [], {}
    for field, value, label, limit, required in (
            ("title", title, _("a title"), TITLE, True),
            ("description", description, _("a description"), DESCRIPTION, False),
            ("name", name, _("a name"), NAME, True)):
        try:
            clean[field] = text(value, field, label, required=required, max_length=limit)
        except Invalid as exc:
            problems.append(exc)
    try:
        clean["phone"] = clean_phone(phone, required=phone_required)
    except Invalid as exc:
        problems.append(exc)
    if problems:
        raise Invalid.all_of(problems)
    return clean


def send_code(node: Node, phone) -> str:
    """Step 1 of a resident's topic: a one-time code to the phone (the proof an
    event's sign-up and a request's resident give too)."""
    if not _is_community(node):
        raise Invalid(_("Topics are raised in a community."), field="node")
    phone = clean_phone(phone)
    refused = codes.issue(codes.purpose_for_phone(phone), phone)
    if refused:
        raise code_refusal(refused)
    return phone


def raise_topic(node: Node, *, title, description="", name, phone="", code=None, actor=None) -> Topic:
    """A topic for the community's next meetings. A resident (no `actor`) gives
    a name and a phone proved by the code sent to it; a staff member who runs
    the community's deliberation raises one without a code (the phone, a
    resident's they raise it for, may be left out)."""
    if not _is_community(node):
        raise Invalid(_("Topics are raised in a community."), field="node")
    if actor is not None:
        _refuse_unless_organiser(actor, node)
    clean = clean_topic(title, description, name, phone, phone_required=actor is None)
    if actor is None:
        refused = codes.check(codes.purpose_for_phone(clean["phone"]), code)
        if refused:
            raise code_refusal(refused)
    return Topic.objects.create(node=node, title=clean["title"], description=clean["description"],
                                raised_by_name=clean["name"], raised_phone=clean["phone"], raised_by=actor)


def drop_topic(topic: Topic, *, actor) -> Topic:
    """Not taken up, without a meeting (a topic on an agenda is decided there)."""
    _refuse_unless_organiser(actor, topic.node)
    with transaction.atomic():
        topic = Topic.objects.select_for_update().get(pk=topic.pk)
        return workflow.move_topic(topic, "drop")


# --- Meetings ----------------------------------------------------------------------

def _root(path: str) -> str:
    return path.strip("/").split("/")[0]


def _touch(meeting: Meeting, seen) -> Meeting:
    """Locks the meeting and refuses an edit drawn from an older page (409)."""
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if seen is not None and locked.updated_at.isoformat() != str(seen):
        raise Conflict(_("Someone else changed this meeting meanwhile: reload the page and try again."))
    locked.updated_at = timezone.now()
    return locked


def save_meeting(meeting: Meeting, *, actor, seen=None, **fields) -> Meeting:
    """Schedules (`meeting.pk` None) or changes a meeting."""
    node = fields.get("node") or getattr(meeting, "node", None)
    if node is None or not _is_community(node):
        raise Invalid(_("Choose the community."), field="node")
    _refuse_unless_organiser(actor, node)
    if meeting.pk is not None:
        _refuse_unless_organiser(actor, meeting.node)
    problems = []
    try:
        fields["title"] = text(fields.get("title", meeting.title), "title", _("a title"), max_length=TITLE)
    except Invalid as exc:
        problems.append(exc)
    try:
        fields["location"] = text(fields.get("location", meeting.location), "location", _("the place"),
                                  required=False, max_length=WHERE)
    except Invalid as exc:
        problems.append(exc)
    if fields.get("kind", meeting.kind) not in Meeting.Kind.values:
        problems.append(Invalid(_("Choose the kind of meeting."), field="kind"))
    starts, ends = fields.get("starts_at", meeting.starts_at), fields.get("ends_at", meeting.ends_at)
    if starts is None:
        problems.append(Invalid(_("Give the time it starts."), field="starts_at"))
    if ends is None:
        problems.append(Invalid(_("Give the time it ends."), field="ends_at"))
    if starts and ends and ends <= starts:
        problems.append(Invalid(_("The meeting must end after it starts."), field="ends_at"))
    place = fields.get("place", meeting.place if meeting.place_id else None)
    if place is not None and _root(place.node.path) != _root(node.path):
        problems.append(Invalid(_("Choose a place of this county or city."), field="place"))
    if problems:
        raise Invalid.all_of(problems)
    with transaction.atomic():
        if meeting.pk is None:
            for name, value in fields.items():
                setattr(meeting, name, value)
            meeting.created_by = meeting.created_by or actor
            meeting.save()
            return meeting
        locked = _touch(meeting, seen)
        if locked.node_id != node.pk and locked.items.exclude(topic=None).exists():
            raise Invalid(_("This meeting already has the community's topics on its agenda: it stays in that "
                            "community."), field="node")
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save()
    return locked


def _started(meeting: Meeting) -> None:
    if timezone.now() < meeting.starts_at:
        raise WrongState(_("The meeting has not started yet: this is done once it has begun."))


def record(meeting: Meeting, *, actor, minutes="", attendees=None, participants="", seen=None) -> Meeting:
    """The minutes, how many came and who; the meeting counts as held from the
    first record (its minutes may be corrected later)."""
    _refuse_unless_organiser(actor, meeting.node)
    problems = []
    clean = {}
    for field, value, label, limit in (("minutes", minutes, _("the minutes"), MINUTES),
                                       ("participants", participants, _("who came"), PARTICIPANTS)):
        try:
            clean[field] = text(value, field, label, required=False, max_length=limit)
        except Invalid as exc:
            problems.append(exc)
    if attendees is not None and (not isinstance(attendees, int) or not 0 <= attendees <= MAX_ATTENDEES):
        problems.append(Invalid(_("Give the number of people who came (a whole number)."), field="attendees"))
    if problems:
        raise Invalid.all_of(problems)
    if not clean["minutes"] and attendees is None and not clean["participants"]:
        raise Invalid(_("Write the minutes, or say how many came."), field="minutes")
    with transaction.atomic():
        locked = _touch(meeting, seen)
        _started(locked)
        locked.minutes, locked.participants, locked.attendees = clean["minutes"], clean["participants"], attendees
        locked.held_at = locked.held_at or timezone.now()
        locked.save(update_fields=["minutes", "participants", "attendees", "held_at", "updated_at"])
    return locked


# --- The agenda --------------------------------------------------------------------

def _next_order(meeting: Meeting) -> int:
    return (meeting.items.aggregate(n=Max("order"))["n"] or 0) + 1


def add_item(meeting: Meeting, *, actor, topic: Topic | None = None, title="") -> Item:
    """Puts a topic of the community on the agenda (the topic is then on the
    agenda), or a matter raised at the meeting itself (free text)."""
    _refuse_unless_organiser(actor, meeting.node)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if topic is None:
            title = text(title, "title", _("a title"), max_length=TITLE)
            return Item.objects.create(meeting=meeting, title=title, order=_next_order(meeting))
        topic = Topic.objects.select_for_update(of=("self",)).select_related("node").get(pk=topic.pk)
        if not topic.node.path.startswith(meeting.node.path):
            raise Invalid(_("This topic was raised in another community."), field="topic")
        workflow.move_topic(topic, "schedule")
        return Item.objects.create(meeting=meeting, topic=topic, title=topic.title, order=_next_order(meeting))


def remove_item(item: Item, *, actor) -> None:
    """Takes an item not decided yet off the agenda (its topic waits again)."""
    _refuse_unless_organiser(actor, item.meeting.node)
    with transaction.atomic():
        item = Item.objects.select_for_update().get(pk=item.pk)
        if item.outcome != Item.Outcome.PENDING:
            raise WrongState(_("This item is decided: it stays on the agenda."))
        if item.topic_id:
            workflow.move_topic(Topic.objects.select_for_update().get(pk=item.topic_id), "unschedule")
        item.delete()


def _move_topic_of(item: Item, action: str) -> None:
    """What deciding the item does to its topic, through the topic's table (an
    item agreed and then made into a request leaves its decided topic as it is)."""
    if not item.topic_id:
        return
    topic = Topic.objects.select_for_update().get(pk=item.topic_id)
    topic_action = workflow.TOPIC_ACTION_OF[action]
    if workflow.topic_allowed(topic_action, topic.state):
        workflow.move_topic(topic, topic_action)
        if topic.state != Topic.State.OPEN and topic.raised_phone and topic.raised_by_id is None:
            _tell_raiser(topic, item)


def _tell_raiser(topic: Topic, item: Item) -> None:
    """The resident who raised the topic learns what came of it (the meeting's public page)."""
    with translation.override(settings.LANGUAGE_CODE):
        outcome = str(item.get_outcome_display())
    link = settings.HUBIYING_SITE_URL.rstrip("/") + reverse("deliberation_meeting", args=[item.meeting_id])
    sms.queue(topic.raised_phone, SmsMessage.Template.TOPIC_DECIDED,
              {"topic": topic.title, "meeting": item.meeting.title, "outcome": outcome, "link": link})


def decide(item: Item, *, actor, outcome, decision="") -> Item:
    """The meeting's decision on an item: agreed, again next time, or not taken up."""
    _refuse_unless_organiser(actor, item.meeting.node)
    action = workflow.DECISIONS.get(outcome)
    if action is None:
        raise Invalid(_("Choose the outcome: agreed, again next time, or not taken up."), field="outcome")
    decision = text(decision, "decision", _("the decision"), required=False, max_length=DECISION)
    with transaction.atomic():
        item = Item.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=item.pk)
        _started(item.meeting)
        workflow.move_item(item, action, decision=decision)
        _move_topic_of(item, action)
    return item


def referral_data(item: Item, data: dict) -> dict:
    """What appeals.intake needs for a request made from `item`: its title, the
    description (the organiser's, else the decision, the topic's or the title),
    the meeting's community, the address and category the organiser gives, and
    the resident who raised the topic as its contact."""
    topic = item.topic
    description = (data.get("description") or "").strip() if isinstance(data.get("description"), str) else ""
    fallback = item.decision or (topic.description if topic else "") or item.title
    out = {
        "title": item.title, "description": description or fallback,
        "community": item.meeting.node.code, "address": data.get("address") or "",
        "category": data.get("category") or "", "type": data.get("type") or Appeal.Type.HELP,
        "urgency": Appeal.Urgency.URGENT if data.get("urgent") else Appeal.Urgency.NORMAL,
    }
    if topic is not None and topic.raised_phone:  # a resident's topic: they hear from the request
        out.update(contact_name=topic.raised_by_name, contact_phone=topic.raised_phone)
    return out


def refer(item: Item, actor, data: dict) -> Item:
    """Makes the item into a request (channel: resident talk day) registered at
    once, and links it: the item's outcome is then "made into a request" (a
    decision already written stays) and its topic decided. One request per
    item, whoever clicks at the same time."""
    _refuse_unless_organiser(actor, item.meeting.node)
    with transaction.atomic():
        item = (Item.objects.select_for_update(of=("self",)).select_related("meeting", "meeting__node", "topic")
                .get(pk=item.pk))
        _started(item.meeting)
        if not workflow.item_allowed("refer", item.outcome):
            raise WrongState(_("This item is “%(outcome)s”: it cannot be made into a request now.")
                             % {"outcome": item.get_outcome_display()})
        appeal, _created = intake.create_appeal(referral_data(item, data), actor=actor,
                                                channel=Appeal.Channel.TALK_DAY)
        workflow.move_item(item, "refer", appeal=appeal)
        _move_topic_of(item, "refer")
    return item
