"""The figures the article reports (访视摸排+科学评估+一人一案: devices fitted,
people in rehabilitation, job fairs, people newly employed, households
visited and the support given), per community of a scope and a period,
counted from the records in three grouped queries whatever the number of
communities. A job fair held by a town or the county is counted on its own row."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from organisations.models import Node
from organisations.tree import tree

from .models import HomeVisit, JobFair, Service

ZERO = Decimal("0.00")
K = Service.Kind


@dataclass
class Figures:
    node: Node | None
    visits: int = 0  # home visits (访视) made
    visited: int = 0  # people visited at home
    devices: int = 0  # assistive devices fitted
    rehab_people: int = 0  # people with a rehabilitation session
    rehab_sessions: int = 0
    job_fairs: int = 0  # held (not only announced)
    fair_attendance: int = 0  # people's attendances at job fairs
    placements: int = 0  # people placed in a job
    accessibility: int = 0  # homes made accessible
    households: int = 0  # households visited with support (走访慰问)
    support: Decimal = field(default=ZERO)  # yuan given on those visits

    COUNTS = ("visits", "visited", "devices", "rehab_people", "rehab_sessions", "job_fairs", "fair_attendance",
              "placements", "accessibility", "households")

    def add(self, other: Figures) -> None:
        for name in self.COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.support += other.support

    @property
    def empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self) if f.name != "node")


def _within(qs, name: str, first: date | None, last: date | None):
    if first:
        qs = qs.filter(**{f"{name}__gte": first})
    if last:
        qs = qs.filter(**{f"{name}__lte": last})
    return qs


def figures(scope: Node, first: date | None, last: date | None) -> tuple[Figures, list[Figures]]:
    """The scope's total and one row per community under it with anything to count."""
    nodes = tree()
    rows: dict[int, Figures] = {}

    def row(node_id: int) -> Figures | None:
        node = nodes.by_id.get(node_id)
        if node is None:
            return None
        community = node if node.kind == Node.Kind.COMMUNITY else nodes.ancestor_of_kind(node, Node.Kind.COMMUNITY)
        home = community or node  # a town's or the county's own job fair
        return rows.setdefault(home.pk, Figures(home))

    under = {"person__node__path__startswith": scope.path}
    visits = _within(HomeVisit.objects.filter(**under), "visited_on", first, last)
    for r in visits.values("person__node_id").annotate(n=Count("id"), people=Count("person", distinct=True)):
        if (f := row(r["person__node_id"])) is not None:
            f.visits += r["n"]
            f.visited += r["people"]

    services = _within(Service.objects.filter(**under), "on", first, last)
    for r in services.values("person__node_id").annotate(
            devices=Sum("quantity", filter=Q(kind=K.DEVICE)),
            rehab_people=Count("person", filter=Q(kind=K.REHAB), distinct=True),
            rehab_sessions=Count("id", filter=Q(kind=K.REHAB)),
            attendance=Count("id", filter=Q(kind=K.JOB_FAIR)),
            placements=Count("id", filter=Q(kind=K.PLACEMENT)),
            accessibility=Count("id", filter=Q(kind=K.ACCESSIBILITY)),
            households=Count("person", filter=Q(kind=K.VISIT), distinct=True),
            support=Sum("amount", filter=Q(kind=K.VISIT))):
        if (f := row(r["person__node_id"])) is not None:
            f.devices += r["devices"] or 0
            f.rehab_people += r["rehab_people"]
            f.rehab_sessions += r["rehab_sessions"]
            f.fair_attendance += r["attendance"]
            f.placements += r["placements"]
            f.accessibility += r["accessibility"]
            f.households += r["households"]
            f.support += r["support"] or ZERO

    fairs = _within(JobFair.objects.filter(node__path__startswith=scope.path, held_on__lte=timezone.localdate()),
                    "held_on", first, last)
    for r in fairs.values("node_id").annotate(n=Count("id")):
        if (f := row(r["node_id"])) is not None:
            f.job_fairs += r["n"]

    total = Figures(scope)
    out = sorted((f for f in rows.values() if not f.empty), key=lambda f: f.node.path)
    for f in out:
        total.add(f)
    total.support = total.support.quantize(ZERO)
    for f in out:
        f.support = f.support.quantize(ZERO)
    return total, out
