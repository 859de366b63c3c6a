"""The figures of community life on the leaders' dashboard, per community of
the scope and period: events held and who came, volunteer hours (from
confirmed work only), care orders done on time, meals delivered and eaten at
the canteens. Four grouped queries, whatever the number of communities."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, time

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from organisations.models import Node
from organisations.tree import tree


@dataclass
class Life:
    node: Node | None
    events: int = 0  # held: ended in the period, not called off
    attended: int = 0
    no_shows: int = 0
    minutes: int = 0  # volunteer service
    orders: int = 0  # care orders needing a volunteer, of the period, due by now or done already
    on_time: int = 0  # of those, done by their time
    delivered: int = 0  # meals delivered home
    dine_in: int = 0  # meals eaten at a canteen

    COUNTS = ("events", "attended", "no_shows", "minutes", "orders", "on_time", "delivered", "dine_in")

    @property
    def hours(self) -> str:
        return f"{self.minutes / 60:.1f}"

    @property
    def on_time_percent(self) -> float | None:
        return round(100 * self.on_time / self.orders, 1) if self.orders else None

    def add(self, other: Life) -> None:
        for name in self.COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self) if f.name != "node")


def _bounds(first: date | None, last: date | None):
    tz = timezone.get_current_timezone()
    start = datetime.combine(first, time.min, tzinfo=tz) if first else None
    end = datetime.combine(last, time.max, tzinfo=tz) if last else None
    return start, end


def figures(scope: Node, first: date | None, last: date | None) -> tuple[Life, list[Life]]:
    """The scope's total and one row per community under it (those with anything to count)."""
    from care.models import Kind, Order, Plan
    from events.models import Event, Signup
    from volunteers.models import HoursEntry

    now = timezone.now()
    start, end = _bounds(first, last)
    nodes = tree()
    rows: dict[int, Life] = {}

    def row(node_id: int | None) -> Life | None:
        node = nodes.by_id.get(node_id)
        community = node if node is None or node.kind == Node.Kind.COMMUNITY else \
            nodes.ancestor_of_kind(node, Node.Kind.COMMUNITY)
        if community is None:
            return None
        return rows.setdefault(community.pk, Life(community))

    events = Event.objects.filter(node__path__startswith=scope.path, cancelled_at__isnull=True, ends_at__lt=now)
    if start:
        events = events.filter(ends_at__gte=start)
    if end:
        events = events.filter(ends_at__lte=end)
    for r in events.values("node_id").annotate(
            n=Count("id", distinct=True),
            attended=Count("signups", filter=Q(signups__state=Signup.State.ATTENDED)),
            no_shows=Count("signups", filter=Q(signups__state=Signup.State.NO_SHOW))):
        if (life := row(r["node_id"])) is not None:
            life.events += r["n"]
            life.attended += r["attended"]
            life.no_shows += r["no_shows"]

    hours = HoursEntry.objects.filter(volunteer__node__path__startswith=scope.path)
    if first:
        hours = hours.filter(on__gte=first)
    if last:
        hours = hours.filter(on__lte=last)
    for r in hours.values("volunteer__node_id").annotate(m=Sum("minutes")):
        if (life := row(r["volunteer__node_id"])) is not None:
            life.minutes += r["m"] or 0

    orders = Order.objects.filter(recipient__node__path__startswith=scope.path).exclude(state=Order.State.CANCELLED)
    if first:
        orders = orders.filter(day__gte=first)
    if last:
        orders = orders.filter(day__lte=last)
    finished = Q(state__in=Order.FINISHED)
    served = ~Q(mode=Plan.Mode.DINE_IN)
    for r in orders.values("recipient__node_id").annotate(
            due=Count("id", filter=served & (Q(due_at__lte=now) | finished)),
            on_time=Count("id", filter=served & finished & Q(done_at__lte=F("due_at"))),
            delivered=Count("id", filter=Q(kind=Kind.MEAL, mode=Plan.Mode.DELIVERY) & finished),
            dine_in=Count("id", filter=Q(kind=Kind.MEAL, mode=Plan.Mode.DINE_IN, due_at__lte=now))):
        if (life := row(r["recipient__node_id"])) is not None:
            life.orders += r["due"]
            life.on_time += r["on_time"]
            life.delivered += r["delivered"]
            life.dine_in += r["dine_in"]

    total = Life(scope)
    out = sorted((life for life in rows.values() if not life.empty), key=lambda life: life.node.path)
    for life in out:
        total.add(life)
    return total, out


def table(total: Life, rows: list[Life]) -> tuple[list[str], list[list]]:
    """The Excel table: one line a community, the scope's total last."""
    from django.utils.translation import gettext as _

    header = [_("Community"), _("Events held"), _("Came"), _("Did not come"), _("Volunteer hours"),
              _("Care orders"), _("Done on time"), _("Done on time (%)"), _("Meals delivered"),
              _("Meals at the canteen")]

    def line(life: Life, label: str) -> list:
        pct = life.on_time_percent
        return [label, life.events, life.attended, life.no_shows, float(life.hours), life.orders, life.on_time,
                pct if pct is not None else "—", life.delivered, life.dine_in]

    return header, [line(life, life.node.name) for life in rows] + [line(total, _("Total"))]
