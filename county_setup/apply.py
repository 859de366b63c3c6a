"""Writing a clean plan, all or nothing: `import_workbook` reads, checks and (unless
a dry run, or any row is refused) writes in one transaction.

Bulk writes keep a county of thousands of rows to a few seconds; what the
per-row `save()` would have done is done here: a new node's `path` is its
parent's path and its code (parents are created first); a node that moves goes
through `Node.save()` itself (its subtree and the requests' copies of its path
follow, signals.node_moved); the per-process copies of the reference tables
are told (hubiying.refdata) once the transaction commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from appeals.models import Category, TimeLimit
from hubiying import refdata
from organisations.models import Node, Role, Unit

from . import reader
from .models import StaffPhone
from .plan import Plan, Planner

BATCH = 500


@dataclass
class Outcome:
    report: dict  # Report.stored()
    applied: bool
    created_users: list[int] = field(default_factory=list)


def import_workbook(file, *, dry_run: bool, scope_nodes: list[Node] | None = None, progress=None) -> Outcome:
    """1. Reads the workbook (BadWorkbook: nothing read).
    2. Plans every row against the tables as they are now, inside the transaction.
    3. Refused rows, or a dry run: nothing written. Otherwise writes the plan."""
    sheets = reader.read(file)
    with transaction.atomic():
        plan = Planner(sheets, scope_nodes=scope_nodes, progress=progress).run()
        if dry_run or plan.report.refused:
            return Outcome(plan.report.stored(), applied=False)
        created = write(plan)
    return Outcome(plan.report.stored(), applied=True, created_users=created)


def write(plan: Plan) -> list[int]:
    """Writes the plan (inside the caller's transaction); returns the ids of the people it created."""
    _nodes(plan)
    _units(plan)
    _categories(plan)
    _limits(plan)
    created = _people(plan)
    if plan.writes():
        for reference in refdata._ALL:  # bulk writes send no save signals: every process reads its copies again
            reference.changed()
    return created


def _nodes(plan: Plan) -> None:
    if not (plan.nodes_new or plan.nodes_changed):
        return
    moves = [c for c in plan.nodes_changed if c["parent"] is not None]
    pk_of = dict(Node.objects.values_list("code", "id"))
    for change in moves:  # a new parent created by this sheet comes first
        if change["parent"] not in pk_of:
            _create_nodes(plan, pk_of, until=change["parent"])
        node = Node.objects.get(pk=change["pk"])
        node.parent = Node.objects.get(pk=pk_of[change["parent"]])
        node.save()  # moves the subtree and every copy of its paths
    _create_nodes(plan, pk_of)
    _update_in_bulk(Node, plan.nodes_changed, ["name", "kind", "lat", "lng"])


def _update_in_bulk(model, changes: list[dict], fields: list[str]) -> None:
    """The plan's changed rows of `model` ({"pk", "fields": {name: value}}), written in batches."""
    changed = [c for c in changes if c["fields"]]
    if not changed:
        return
    rows = model.objects.in_bulk([c["pk"] for c in changed])
    for change in changed:
        for name, value in change["fields"].items():
            setattr(rows[change["pk"]], name, value)
    model.objects.bulk_update(list(rows.values()), fields, batch_size=BATCH)


def _create_nodes(plan: Plan, pk_of: dict[str, int], until: str | None = None) -> None:
    """Creates the plan's new nodes not yet made, level by level, parents first
    (up to and including `until`, when a move needs it)."""
    waiting = [n for n in plan.nodes_new if n["code"] not in pk_of]
    if until is not None:
        needed, code = set(), until
        by_code = {n["code"]: n for n in waiting}
        while code in by_code:
            needed.add(code)
            code = by_code[code]["parent"]
        waiting = [n for n in waiting if n["code"] in needed]
    path_of = dict(Node.objects.values_list("code", "path"))
    while waiting:
        level = [n for n in waiting if not n["parent"] or n["parent"] in pk_of]
        rows = [Node(code=n["code"], name=n["name"], kind=n["kind"], lat=n["lat"], lng=n["lng"],
                     parent_id=pk_of.get(n["parent"]),
                     path=(path_of[n["parent"]] if n["parent"] else "/") + n["code"] + "/") for n in level]
        for node in Node.objects.bulk_create(rows, batch_size=BATCH):
            pk_of[node.code], path_of[node.code] = node.pk, node.path
        made = {n["code"] for n in level}
        waiting = [n for n in waiting if n["code"] not in made]


def _units(plan: Plan) -> None:
    if not (plan.units_new or plan.units_changed):
        return
    node_pk = dict(Node.objects.values_list("code", "id"))
    made = Unit.objects.bulk_create([Unit(code=u["code"], name=u["name"], kind=u["kind"], phone=u["phone"],
                                          active=u["active"]) for u in plan.units_new], batch_size=BATCH)
    served = {unit.pk: new["jurisdiction"] for unit, new in zip(made, plan.units_new, strict=True)}
    _update_in_bulk(Unit, plan.units_changed, ["name", "kind", "phone", "active"])
    moved = {c["pk"]: c["jurisdiction"] for c in plan.units_changed if c["jurisdiction"] is not None}
    through = Unit.jurisdiction.through
    through.objects.filter(unit_id__in=list(moved)).delete()
    served.update(moved)
    through.objects.bulk_create([through(unit_id=unit_id, node_id=node_pk[code])
                                 for unit_id, codes in served.items() for code in codes], batch_size=BATCH)


def _categories(plan: Plan) -> None:
    if not (plan.categories_new or plan.categories_changed):
        return
    # Made without their parents first (a parent may be a row further down), then given them.
    made = Category.objects.bulk_create([Category(code=c["code"], name=c["name"], name_en=c["name_en"],
                                                  order=c["order"], active=c["active"])
                                         for c in plan.categories_new], batch_size=BATCH)
    pk_of = dict(Category.objects.values_list("code", "id"))
    rows = []
    for category, new in zip(made, plan.categories_new, strict=True):
        if new["parent"]:
            category.parent_id = pk_of[new["parent"]]
            rows.append(category)
    existing = Category.objects.in_bulk([c["pk"] for c in plan.categories_changed])
    for change in plan.categories_changed:
        category = existing[change["pk"]]
        for name, value in change["fields"].items():
            if name == "parent":
                category.parent_id = pk_of[value] if value else None
            else:
                setattr(category, name, value)
        rows.append(category)
    Category.objects.bulk_update(rows, ["name", "name_en", "order", "active", "parent"], batch_size=BATCH)


def _limits(plan: Plan) -> None:
    if not (plan.limits_new or plan.limits_changed):
        return
    pk_of = dict(Category.objects.values_list("code", "id"))
    TimeLimit.objects.bulk_create([TimeLimit(step=t["step"], category_id=pk_of.get(t["category"]),
                                             appeal_type=t["appeal_type"], urgency=t["urgency"], amount=t["amount"],
                                             clock=t["clock"]) for t in plan.limits_new], batch_size=BATCH)
    existing = TimeLimit.objects.in_bulk([c["pk"] for c in plan.limits_changed])
    for change in plan.limits_changed:
        for name, value in change["fields"].items():
            setattr(existing[change["pk"]], name, value)
    TimeLimit.objects.bulk_update(list(existing.values()), ["amount", "clock"], batch_size=BATCH)


def _people(plan: Plan) -> list[int]:
    if not (plan.people_new or plan.people_changed):
        return []
    node_pk = dict(Node.objects.values_list("code", "id"))
    unit_pk = dict(Unit.objects.values_list("code", "id"))
    User = get_user_model()
    # Never a password from the sheet: an unusable one, until the person opens their first-login link.
    made = User.objects.bulk_create([User(username=p["username"], first_name=p["full_name"],
                                          password=make_password(None)) for p in plan.people_new], batch_size=BATCH)
    roles, phones = [], []
    for user, new in zip(made, plan.people_new, strict=True):
        roles += [Role(user_id=user.pk, name=name, node_id=node_pk.get(node), unit_id=unit_pk.get(unit))
                  for name, node, unit in new["roles"]]
        if new["phone"]:
            phones.append(StaffPhone(user_id=user.pk, phone=new["phone"]))
    named = [c for c in plan.people_changed if c["fields"]]
    if named:
        users = User.objects.in_bulk([c["pk"] for c in named])
        for change in named:
            for name, value in change["fields"].items():
                setattr(users[change["pk"]], name, value)
        User.objects.bulk_update(list(users.values()), ["first_name"], batch_size=BATCH)
    Role.objects.filter(pk__in=[pk for c in plan.people_changed for pk in c["remove"]]).delete()
    for change in plan.people_changed:
        roles += [Role(user_id=change["pk"], name=name, node_id=node_pk.get(node), unit_id=unit_pk.get(unit))
                  for name, node, unit in change["add"]]
    rephoned = {c["pk"]: c["phone"] for c in plan.people_changed if c["phone"] is not None}
    StaffPhone.objects.filter(user_id__in=list(rephoned)).delete()
    phones += [StaffPhone(user_id=pk, phone=phone) for pk, phone in rephoned.items() if phone]
    Role.objects.bulk_create(roles, batch_size=BATCH)
    StaffPhone.objects.bulk_create(phones, batch_size=BATCH)
    return [user.pk for user in made]
