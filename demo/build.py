"""Builds (and wipes) the demo county's tree, units, categories and accounts.

Requests are made afterwards by `stories.py`, through the real services.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db.models import Q

from appeals.models import Appeal, Category, Question, TimeLimit
from open311 import keys
from open311.models import ApiClient
from organisations.models import Node, PersonalDataView, Role, Unit
from places.models import Place, PlacePhoto

from . import care, care_plan, catalogue, deliberation, events, fund, places, stations, texts

R = Role.Name
ROOT_CODES = [area["code"] for area in places.AREAS.values()]


@dataclass
class Community:
    area: str  # "htb" or "cj"
    node: Node
    town: Node
    county: Node
    grids: list[Node]
    compounds: list[Node]  # every compound, in grid order
    grid_of: dict[int, Node]  # compound pk -> its grid
    streets: list[str]
    landmarks: list[str]


@dataclass
class Demo:
    """Everything the story generator needs, by name."""

    nodes: dict[str, Node] = field(default_factory=dict)
    communities: list[Community] = field(default_factory=list)
    units: dict[str, Unit] = field(default_factory=dict)
    property_of: dict[int, Unit] = field(default_factory=dict)  # compound pk -> property unit
    community_unit: dict[int, Unit] = field(default_factory=dict)  # community pk -> its office
    categories: dict[str, Category] = field(default_factory=dict)
    routes: dict[str, str] = field(default_factory=dict)  # category code -> route
    things: dict[str, str] = field(default_factory=dict)
    weights: dict[str, int] = field(default_factory=dict)
    users: dict[str, object] = field(default_factory=dict)
    handler_of: dict[int, object] = field(default_factory=dict)  # unit pk -> a handler
    gridworker_of: dict[int, object] = field(default_factory=dict)  # community pk -> its grid worker
    residents: list = field(default_factory=list)
    home_of: dict[int, tuple[Community, Node]] = field(default_factory=dict)  # resident pk -> home
    phone_of: dict[int, str] = field(default_factory=dict)  # resident pk -> the mobile they give
    api_client: ApiClient | None = None  # the Open311 client the demo's app requests come from


# --- Accounts ----------------------------------------------------------------

# The accounts the README lists, then the staff that make the queues look real.
NAMED_ACCOUNTS = ["resident", "gridworker", "handler", "dispatcher", "supervisor", "leader", "outsider", "admin",
                  "stationhost", "communitystaff", "carestaff", "canteenhost"]
EXTRA_RESIDENTS = [f"resident{n:02d}" for n in range(2, 11)]


def demo_usernames() -> list[str]:
    """Every account load_demo creates (and a reload deletes)."""
    names = NAMED_ACCOUNTS + EXTRA_RESIDENTS + ["dispatcher_county", "dispatcher_ya", "supervisor_cj", "leader_cj"]
    names += ["caseworker", "federationhead"]  # one person, one plan (demo/care_plan.py)
    for area in places.AREAS.values():
        for community in area["communities"]:
            code = f"{area['code']}-{community[0]}".lower()
            if code != "htb-hc":
                names.append(f"gridworker_{code}")
    names += [f"handler_{code.lower()}" for code in _handled_unit_codes()]
    return names


def _handled_unit_codes() -> list[str]:
    """Units whose handler has a generated account (all but the two named ones)."""
    codes = [f"{area['code']}-{dept[0]}" for area in places.AREAS.values() for dept in places.DEPARTMENTS]
    codes += [p[0] for p in places.PROPERTY_COMPANIES] + [o[0] for o in places.OTHER_UNITS]
    for area in places.AREAS.values():
        for community in area["communities"]:
            codes.append(_community_unit_code(area, community[0]))
    return [c for c in codes if c not in ("HTB-HC-JWH", "CJ-NB-JWH")]


def _community_unit_code(area: dict, community_code: str) -> str:
    return f"{area['code']}-{community_code}-JWH"


# --- Wipe --------------------------------------------------------------------

def wipe() -> None:
    """Deletes the demo's requests, people, units and tree; categories and
    time limits stay (they are upserted by code on the next build)."""
    roots = list(Node.objects.filter(code__in=ROOT_CODES, parent__isnull=True))
    root_q = Q(pk__in=[])
    for root in roots:
        root_q |= Q(path__startswith=root.path)
    unit_codes = set(_handled_unit_codes()) | {"HTB-HC-JWH", "CJ-NB-JWH"}
    units = Unit.objects.filter(code__in=unit_codes)
    appeal_q = Q(unit__in=units)
    for root in roots:
        appeal_q |= Q(node_path__startswith=root.path) | Q(owner_path__startswith=root.path)
    _delete_appeals(set(Appeal.objects.filter(appeal_q).values_list("pk", flat=True)))
    fund.wipe(roots)  # the ledger's entries and projects: their community protects the tree
    care_plan.wipe(roots)  # people with their visits, plans and services: their place protects the tree
    care.wipe(roots)  # orders, plans, recipients, hours, duties, volunteers: they protect places, events' tree
    deliberation.wipe(roots)  # meetings (their agendas with them) and topics: their community protects the tree
    events.wipe(roots)  # events (their sign-ups with them) and plans first: an event's community protects the tree
    place_q = Q(pk__in=[])
    for root in roots:
        place_q |= Q(node__path__startswith=root.path)
    for photo in PlacePhoto.objects.filter(place__in=Place.objects.filter(place_q)):
        photo.image.delete(save=False)
    Place.objects.filter(place_q).delete()

    users = get_user_model().objects.filter(username__in=demo_usernames())
    PersonalDataView.objects.filter(viewer__in=users).delete()
    # Only the demo's own accounts lose their roles: a real person's role on a demo
    # node or unit stays, and then protects that node or unit (the load is refused).
    Role.objects.filter(user__in=users).delete()
    users.delete()
    units.delete()
    # Children before parents: the parent key protects.
    nodes = list(Node.objects.filter(root_q).values_list("pk", "path"))
    for depth in sorted({path.count("/") for _pk, path in nodes}, reverse=True):
        Node.objects.filter(pk__in=[pk for pk, path in nodes if path.count("/") == depth]).delete()


def foreign_data() -> list[str]:
    """What the database holds that the demo did not make (a real county's data)."""
    found = []
    users = get_user_model().objects.exclude(username__in=demo_usernames())
    if users.exists():
        names = list(users.order_by("username").values_list("username", flat=True)[:5])
        found.append(f"{users.count()} accounts ({', '.join(names)}…)")
    roots = [f"/{code}/" for code in ROOT_CODES]
    nodes = Node.objects.exclude(path__regex=r"^(" + "|".join(re.escape(r) for r in roots) + ")")
    if nodes.exists():
        found.append(f"{nodes.count()} places of the tree ({', '.join(nodes.values_list('name', flat=True)[:5])}…)")
    units = Unit.objects.exclude(code__in=set(_handled_unit_codes()) | {"HTB-HC-JWH", "CJ-NB-JWH"})
    if units.exists():
        found.append(f"{units.count()} handling units")
    return found


def demo_exists() -> bool:
    return Node.objects.filter(code__in=ROOT_CODES, parent__isnull=True).exists()


def _delete_appeals(ids: set[int]) -> None:
    """Merged duplicates first: `merged_into` protects its target."""
    while ids:
        targets = set(
            Appeal.objects.filter(pk__in=ids, merged_into__isnull=False).values_list("merged_into_id", flat=True)
        )
        batch = ids - targets
        if not batch:
            break
        Appeal.objects.filter(pk__in=batch).delete()
        ids -= batch


# --- Build -------------------------------------------------------------------

def build_tree(demo: Demo) -> None:
    for key, area in places.AREAS.items():
        county = _node(demo, area["code"], area["name"], Node.Kind.COUNTY, None, area["lat"], area["lng"])
        town_data = area["town"]
        town = _node(demo, f"{area['code']}-{town_data['code']}", town_data["name"], Node.Kind.TOWN, county,
                     town_data["lat"], town_data["lng"])
        for c_code, c_name, lat, lng, grids in area["communities"]:
            community = _node(demo, f"{town.code}-{c_code}", c_name, Node.Kind.COMMUNITY, town, lat, lng)
            entry = Community(key, community, town, county, [], [], {}, area["streets"], area["landmarks"])
            for i, compounds in enumerate(grids):
                grid = _node(demo, f"{community.code}-G{i + 1}", c_name + places.GRID_NAMES[i], Node.Kind.GRID,
                             community, lat + 0.0004 * (i - 1), lng + 0.0005 * (1 - i))
                entry.grids.append(grid)
                for k_code, k_name, d_lat, d_lng in compounds:
                    compound = _node(demo, f"{grid.code}-{k_code}", k_name, Node.Kind.COMPOUND, grid,
                                     round(lat + d_lat, 6), round(lng + d_lng, 6))
                    entry.compounds.append(compound)
                    entry.grid_of[compound.pk] = grid
            demo.communities.append(entry)


def _node(demo: Demo, code, name, kind, parent, lat, lng) -> Node:
    node = Node.objects.create(code=code, name=name, kind=kind, parent=parent, lat=lat, lng=lng)
    demo.nodes[code] = node
    return node


def build_units(demo: Demo) -> None:
    phone = iter(range(10001, 99999, 37))
    for key, area in places.AREAS.items():
        county = demo.nodes[area["code"]]
        for code, name, route in places.DEPARTMENTS:
            unit = _unit(demo, f"{area['code']}-{code}", area["name"] + name, Unit.Kind.DEPARTMENT, [county],
                         places.office_phone(key, next(phone)))
            demo.units[f"{key}:{route}"] = unit
    for code, name, key, compounds in places.PROPERTY_COMPANIES:
        nodes = [demo.nodes[c] for c in compounds]
        unit = _unit(demo, code, name, Unit.Kind.PROPERTY, nodes, places.office_phone(key, next(phone)))
        for node in nodes:
            demo.property_of[node.pk] = unit
    for code, name, key, kind, node_codes in places.OTHER_UNITS:
        unit = _unit(demo, code, name, kind, [demo.nodes[c] for c in node_codes], places.office_phone(key, next(phone)))
        demo.units[f"{key}:{kind}"] = unit
    for key, area in places.AREAS.items():
        for community in demo.communities:
            if community.area != key:
                continue
            suffix = community.node.code.rsplit("-", 1)[1]
            unit = _unit(demo, _community_unit_code(area, suffix), community.node.name + "居委会",
                         Unit.Kind.COMMUNITY, [community.node], places.office_phone(key, next(phone)))
            demo.community_unit[community.node.pk] = unit


def _unit(demo: Demo, code, name, kind, nodes, phone) -> Unit:
    unit = Unit.objects.create(code=code, name=name, kind=kind, phone=phone)
    unit.jurisdiction.set(nodes)
    demo.units[code] = unit
    return unit


def build_categories(demo: Demo) -> None:
    """Upserts the category tree by code, so the admin's own categories stay."""
    for order, (code, name, name_en, children) in enumerate(catalogue.CATEGORIES, start=1):
        parent, _ = Category.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "parent": None, "order": order * 10,
                                 "active": True},
        )
        for i, (c_code, c_name, c_en, route, thing, weight) in enumerate(children, start=1):
            category, _ = Category.objects.update_or_create(
                code=c_code, defaults={"name": c_name, "name_en": c_en, "parent": parent,
                                       "order": order * 10 + i, "active": True},
            )
            demo.categories[c_code] = category
            demo.routes[c_code] = route
            demo.things[c_code] = thing
            demo.weights[c_code] = weight
    for c_code, rows in catalogue.QUESTIONS.items():
        for order, (q_code, text, text_en, datatype, required, hint, options, variable) in enumerate(rows, 1):
            Question.objects.update_or_create(
                category=demo.categories[c_code], code=q_code,
                defaults={"description": text, "description_en": text_en, "datatype": datatype,
                          "required": required, "datatype_description": hint, "options": options,
                          "variable": variable, "order": order, "active": True},
            )
    for code in catalogue.LONG_HANDLING:
        TimeLimit.objects.update_or_create(
            step=TimeLimit.Step.HANDLE, category=demo.categories[code], urgency="", appeal_type="",
            defaults={"amount": Decimal(15), "clock": TimeLimit.Clock.WORK_DAYS},
        )


def build_accounts(demo: Demo, password: str, rng: random.Random) -> None:
    User = get_user_model()
    hashed = make_password(password)  # hashed once: every demo account shares it
    n = demo.nodes
    hc = _community(demo, "HTB-HTBZ-HC")

    def user(username, *roles, superuser=False, **extra):
        person = User(username=username, password=hashed, is_staff=superuser, is_superuser=superuser,
                      first_name=extra.get("first_name") or texts.person_name(rng))
        person.save()
        for name, node, unit in roles:
            Role.objects.create(user=person, name=name, node=node, unit=unit)
        demo.users[username] = person
        return person

    resident = user("resident", (R.RESIDENT, None, None), first_name="张永良")
    demo.residents.append(resident)
    demo.home_of[resident.pk] = (hc, n["HTB-HTBZ-HC-G1-C1"])
    demo.phone_of[resident.pk] = texts.mobile(rng)
    weights = [c for c in demo.communities for _ in range(3 if c.area == "htb" else 1)]
    for username in EXTRA_RESIDENTS:
        person = user(username, (R.RESIDENT, None, None))
        community = rng.choice(weights)
        demo.residents.append(person)
        demo.home_of[person.pk] = (community, rng.choice(community.compounds))
        demo.phone_of[person.pk] = texts.mobile(rng)

    demo.gridworker_of[hc.node.pk] = user("gridworker", (R.GRID_WORKER, hc.grids[0], None))
    for community in demo.communities:
        if community.node.pk not in demo.gridworker_of:
            username = "gridworker_" + (community.county.code + "-" + community.node.code.rsplit("-", 1)[1]).lower()
            demo.gridworker_of[community.node.pk] = user(username, (R.GRID_WORKER, community.grids[0], None))

    units = demo.units
    demo.handler_of[units["HTB-HC-JWH"].pk] = user("handler", (R.HANDLER, None, units["HTB-HC-JWH"]))
    demo.handler_of[units["CJ-NB-JWH"].pk] = user("outsider", (R.HANDLER, None, units["CJ-NB-JWH"]))
    for code in _handled_unit_codes():
        unit = units[code]
        demo.handler_of[unit.pk] = user(f"handler_{code.lower()}", (R.HANDLER, None, unit))

    user("dispatcher", (R.DISPATCHER, n["HTB-HTBZ"], None))
    user("dispatcher_county", (R.DISPATCHER, n["HTB"], None))
    user("dispatcher_ya", (R.DISPATCHER, n["CJ-YABL"], None))
    user("supervisor", (R.SUPERVISOR, n["HTB"], None))
    user("supervisor_cj", (R.SUPERVISOR, n["CJ"], None))
    user("leader", (R.LEADER, n["HTB"], None))
    user("leader_cj", (R.LEADER, n["CJ"], None))
    user("admin", superuser=True, first_name="管理员")
    # One person, one plan (care_plan): the town's case worker (残联专干) keeps the records of 花城社区
    # (demo/care_plan.py); the county federation's head (残联负责人) reads them, their access log and figures.
    # Named here, so that no name is drawn from `rng` (the stories' draws stay as they were).
    user("caseworker", (R.CASE_WORKER, n["HTB-HTBZ"], None), first_name="马晓燕")
    user("federationhead", (R.FEDERATION_HEAD, n["HTB"], None), first_name="周建平")


def build_places(demo: Demo, rng: random.Random) -> None:
    """The service places, a station host who keeps one of them (驿站负责人) and
    the community staff member of that station's community (宁边路社区) who manages its places; the
    staff member who looks after the first canteen's community's care recipients, and its cook."""
    named = stations.build(demo, rng, places.office_phone)
    User = get_user_model()
    password = demo.users["resident"].password
    host = User.objects.create(username="stationhost", password=password, first_name="马丽娜")
    named["station"].hosts.add(host)
    staff = User.objects.create(username="communitystaff", password=password, first_name="李慧")
    Role.objects.create(user=staff, name=R.COMMUNITY_STAFF, node=named["station"].node)
    # Care for 一老一小 (the care app): the staff of the first canteen's community, and the canteen's cook.
    canteen = named["canteen"]
    carer = User.objects.create(username="carestaff", password=password, first_name="王芳")
    Role.objects.create(user=carer, name=R.COMMUNITY_STAFF, node=canteen.node)
    cook = User.objects.create(username="canteenhost", password=password, first_name="古丽")
    canteen.hosts.add(cook)
    demo.users.update(stationhost=host, communitystaff=staff, carestaff=carer, canteenhost=cook)


def build_events(demo: Demo, rng: random.Random, today) -> None:
    """The communities' quarter: plans, monthly themes, weekly events and sign-ups (events app)."""
    events.build(demo, rng, today)


def build_care(demo: Demo, rng: random.Random, today, now=None) -> dict[str, int]:
    """The communities' volunteers, teams and event duties; the canteens' care
    recipients, their plans, orders and the hours earned (volunteers and care apps)."""
    return care.build(demo, rng, today, now)


def build_deliberation(demo: Demo, rng: random.Random, today) -> dict[str, int]:
    """The communities' talk days and councils, their agendas and minutes, and the topics residents raised
    (deliberation app); after the stories, as it links a request they made."""
    return deliberation.build(demo, rng, today)


def build_fund(demo: Demo, rng: random.Random, today) -> dict[str, int]:
    """A community's micro-fund with a year of donations, projects and spending (fund app);
    after the stories and the deliberation, as a project links what asked for it."""
    return fund.build(demo, rng, today)


def build_care_plan(demo: Demo, rng: random.Random, today) -> dict[str, int]:
    """A community's disabled residents with their visits, assessments, plans and services (care_plan app)."""
    return care_plan.build(demo, rng, today)


DEMO_API_KEY = "demo-open311-key"  # the README lists it with the demo accounts


def build_api_client(demo: Demo) -> None:
    """The demo's Open311 client application (its key is public: a demo only)."""
    client = ApiClient.objects.filter(key_hash=keys.digest(DEMO_API_KEY)).first() or ApiClient()
    client.name, client.contact, client.active = "演示客户端 (demo client)", "demo", True
    keys.issue(client, DEMO_API_KEY)
    demo.api_client = client


def _community(demo: Demo, code: str) -> Community:
    return next(c for c in demo.communities if c.node.code == code)
