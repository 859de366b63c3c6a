"""From the workbook's rows to a plan: what each row creates or changes, or why
it is refused. Everything is checked in memory against one read of the tables,
so a county of thousands of rows is planned in a second or two.

Rules (each refusal names its sheet, row and column):
1. Codes (node, unit, category) and account names match the rows already
   there; a row changes its match in place, or creates it. Nothing is deleted,
   except a listed person's staff roles that the sheet no longer lists.
2. A node's parent is any node of the sheet (in any row order) or of the
   database; levels follow organisations.models.placement_problem; no node
   ends up under itself. A node without a code is matched by its parent and
   name, else given one made from its parent's code.
3. Units serve nodes that exist; people's roles are scoped as Role.clean says
   (a handler to a unit, the other staff roles to a node); categories have two
   levels; a time limit is one per (step, category, type, urgency).
4. An administrator (not a superuser) touches only their own subtrees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext as _

from appeals.access import mask_phone
from appeals.intake import PHONE_RE
from appeals.models import Category, TimeLimit
from organisations.models import CODE_RE, Node, Role, Unit, new_code, placement_problem

from .layout import CATEGORIES, LIMITS, NODES, PEOPLE, SETUP_ROLES, UNITS, YES, Column, choice_lookup, label_of, normal
from .models import StaffPhone
from .reader import Row, SheetRows
from .report import CHANGED, CREATED, UNCHANGED, Report

SPLIT = re.compile(r"[,，、;；\s]+")
USERNAME_RE = re.compile(UnicodeUsernameValidator.regex)
STAFF = [r.value for r in SETUP_ROLES]


@dataclass
class Plan:
    report: Report
    nodes_new: list[dict] = field(default_factory=list)  # parents before children
    nodes_changed: list[dict] = field(default_factory=list)  # {"pk", "fields", "parent" (a code, when it moves)}
    units_new: list[dict] = field(default_factory=list)
    units_changed: list[dict] = field(default_factory=list)  # {"pk", "fields", "jurisdiction" (codes) or None}
    categories_new: list[dict] = field(default_factory=list)
    categories_changed: list[dict] = field(default_factory=list)
    limits_new: list[dict] = field(default_factory=list)
    limits_changed: list[dict] = field(default_factory=list)
    people_new: list[dict] = field(default_factory=list)  # {"username", "full_name", "phone", "roles"}
    people_changed: list[dict] = field(default_factory=list)  # {"pk", "fields", "phone" or None, "add", "remove"}

    def writes(self) -> int:
        return sum(len(v) for k, v in self.__dict__.items() if k != "report")


class Planner:
    def __init__(self, sheets: dict[str, SheetRows], *, scope_nodes: list[Node] | None = None, progress=None):
        self.sheets = sheets
        self.scope_nodes = scope_nodes  # None: everywhere (a superuser)
        self.progress = progress or (lambda n: None)
        self.done = 0
        self.report = Report()
        self.plan = Plan(self.report)
        self._lookups: dict[int, dict[str, str]] = {}

    # --- helpers ---------------------------------------------------------------

    def refuse(self, sheet, row: Row, column: str | None, message: str, key: str = "") -> None:
        self.report.refuse(sheet, row.number, column, message, key)

    def choice(self, sheet, row: Row, key: str, *, required: bool) -> tuple[str | None, bool]:
        """(the choice's code or '', ok)."""
        column = sheet.column(key)
        raw = row.text(key)
        if not raw:
            if required:
                self.refuse(sheet, row, key, _("This column must be filled in."))
                return None, False
            return "", True
        lookup = self._lookups.get(id(column))
        if lookup is None:
            lookup = self._lookups[id(column)] = choice_lookup(column)
        value = lookup.get(normal(raw))
        if value is None:
            labels = "、".join(label_of(column, v) for v, _label in column.choices())
            self.refuse(sheet, row, key, _("'%(value)s' is not one of: %(choices)s.") % {"value": raw,
                                                                                          "choices": labels})
            return None, False
        return value, True

    def in_scope(self, path: str | None) -> bool:
        """Whether the administrator reaches `path` (None: a node whose own row is refused: not asked twice)."""
        return self.scope_nodes is None or path is None or any(path.startswith(n.path) for n in self.scope_nodes)

    def tick(self, n: int = 1) -> None:
        self.done += n
        if self.done % 200 == 0:
            self.progress(self.done)

    def required_text(self, sheet, row: Row, key: str, longest: int) -> str | None:
        value = row.text(key)
        if not value:
            self.refuse(sheet, row, key, _("This column must be filled in."))
            return None
        if len(value) > longest:
            self.refuse(sheet, row, key, _("At most %(n)s characters.") % {"n": longest})
            return None
        return value

    def code(self, sheet, row: Row, seen: dict[str, int], *, required: bool = True) -> str | None:
        value = row.text("code")
        if not value:
            if required:
                self.refuse(sheet, row, "code", _("This column must be filled in."))
            return None
        if not CODE_RE.match(value) or len(value) > 40:
            self.refuse(sheet, row, "code", _("A code is at most 40 letters, digits, '-' or '_'."), value)
            return None
        if value in seen:
            self.refuse(sheet, row, "code", _("The same code as row %(row)s.") % {"row": seen[value]}, value)
            return None
        seen[value] = row.number
        return value

    def sheet_problems(self, rows: SheetRows) -> bool:
        if rows.missing:
            self.report.problems.append(_("Sheet %(sheet)s has no column %(columns)s: download the template again.")
                                        % {"sheet": rows.sheet.title, "columns": "、".join(rows.missing)})
            return True
        return False

    # --- the run ---------------------------------------------------------------

    def run(self) -> Plan:
        """Reads the tables once, then plans each sheet in the order they depend on each other."""
        self._load()
        for key in ("nodes", "units", "people", "categories", "limits"):
            self.sheet_problems(self.sheets[key])
        self._nodes(self.sheets["nodes"])
        self._units(self.sheets["units"])
        self._categories(self.sheets["categories"])
        self._limits(self.sheets["limits"])
        self._people(self.sheets["people"])
        self.progress(self.done)
        return self.plan

    def _load(self) -> None:
        self.db_nodes = {n["code"]: n for n in Node.objects.values("id", "code", "name", "kind", "parent_id", "lat",
                                                                    "lng", "path")}
        by_id = {n["id"]: n for n in self.db_nodes.values()}
        for n in self.db_nodes.values():
            n["parent"] = by_id[n["parent_id"]]["code"] if n["parent_id"] else ""
        self.db_units = {u["code"]: u for u in Unit.objects.values("id", "code", "name", "kind", "phone", "active")}
        units_by_id = {u["id"]: u for u in self.db_units.values()}
        for u in self.db_units.values():
            u["jurisdiction"] = set()
        for unit_id, node_id in Unit.jurisdiction.through.objects.values_list("unit_id", "node_id"):
            units_by_id[unit_id]["jurisdiction"].add(by_id[node_id]["code"])
        self.db_categories = {c["code"]: c for c in Category.objects.values("id", "code", "name", "name_en",
                                                                             "parent_id", "order", "active")}
        cats_by_id = {c["id"]: c for c in self.db_categories.values()}
        for c in self.db_categories.values():
            c["parent"] = cats_by_id[c["parent_id"]]["code"] if c["parent_id"] else ""
        self.db_limits = {}
        for t in TimeLimit.objects.values("id", "step", "category_id", "appeal_type", "urgency", "amount", "clock"):
            key = (t["step"], cats_by_id[t["category_id"]]["code"] if t["category_id"] else "", t["appeal_type"],
                   t["urgency"])
            self.db_limits.setdefault(key, t)

    # --- 行政区划 ---------------------------------------------------------------

    def _nodes(self, rows: SheetRows) -> None:
        s, seen, items = NODES, {}, []
        for row in rows.rows:
            self.tick()
            item = {"row": row, "code": self.code(s, row, seen, required=False), "ok": True}
            item["blank_code"] = item["code"] is None and not row.text("code")
            item["ok"] &= item["code"] is not None or item["blank_code"]
            item["name"] = self.required_text(s, row, "name", 100)
            item["kind"], ok = self.choice(s, row, "kind", required=True)
            item["parent"] = row.text("parent")
            item["lat"], item["lng"], ok_point = self._point(row)
            item["ok"] &= ok and ok_point and item["name"] is not None
            items.append(item)
        # Nodes without a code: the node already under the same parent with that name, else a new code.
        children = {(n["parent"], n["name"]): n["code"] for n in self.db_nodes.values()}
        used = set(self.db_nodes) | set(seen)
        for item in items:
            if not item["blank_code"]:
                continue
            if not item["parent"]:
                self.refuse(s, item["row"], "code", _("A node at the top of the tree needs its code."))
                item["ok"] = False
                continue
            found = children.get((item["parent"], item["name"]))
            if found and found not in seen:
                item["code"] = found
            else:
                item["code"] = self._new_code(item["parent"], item["kind"], used)
                if len(item["code"]) > 40:
                    self.refuse(s, item["row"], "code", _("The code made from the parent's is too long: give this "
                                                          "node a code of its own."))
                    item["ok"] = False
            used.add(item["code"])
            seen[item["code"]] = item["row"].number
        # The tree once the sheet is applied: the database's nodes with the sheet's rows over them.
        final = {code: {"kind": n["kind"], "parent": n["parent"]} for code, n in self.db_nodes.items()}
        for item in items:
            if item["code"] and item["kind"]:
                final[item["code"]] = {"kind": item["kind"], "parent": item["parent"]}
        self.final_nodes = final
        by_code = {item["code"]: item for item in items if item["code"]}
        sheet_codes = set(by_code)
        for item in items:
            if item["code"] is None or item["kind"] is None:
                continue
            row, code, parent = item["row"], item["code"], item["parent"]
            if parent and parent not in final:
                self.refuse(s, row, "parent", _("No node has the code %(code)s, in this sheet or already.")
                            % {"code": parent}, code)
                item["ok"] = False
                continue
            problem = placement_problem(item["kind"], final[parent]["kind"] if parent else None)
            if problem:
                self.refuse(s, row, "parent" if parent else "kind", problem, code)
                item["ok"] = False
                continue
            chain = self.chain(code)
            if chain is None:
                self.refuse(s, row, "parent", _("This would put the node under itself."), code)
                item["ok"] = False
                continue
            if chain[0] not in final:  # an ancestor's parent is missing: that row's refusal says so
                item["ok"] = False
                continue
            item["path"] = "/" + "/".join(chain) + "/"
            existing = self.db_nodes.get(code)
            if not self.in_scope(item["path"]) or existing and not self.in_scope(existing["path"]):
                self.refuse(s, row, "code", _("This node lies outside your area."), code)
                item["ok"] = False
        # The database's children of a node whose level the sheet changes.
        for code, n in self.db_nodes.items():
            if code in sheet_codes or n["parent"] not in sheet_codes:
                continue
            parent = by_code[n["parent"]]
            if parent["kind"] and parent["ok"] and placement_problem(n["kind"], parent["kind"]):
                self.refuse(s, parent["row"], "kind", _("This node has children of this level or above it: move them "
                                                        "first."), parent["code"])
                parent["ok"] = False
        for item in sorted((i for i in items if i["ok"]), key=lambda i: i["path"].count("/")):
            self._node_outcome(item)

    def chain(self, code: str) -> list[str] | None:
        """The codes from the top down to `code` in the final tree; None when it loops."""
        chain, seen = [], set()
        while code:
            if code in seen:
                return None
            seen.add(code)
            chain.append(code)
            code = self.final_nodes.get(code, {}).get("parent", "")
        return chain[::-1]

    def _new_code(self, parent: str, kind: str | None, used: set[str]) -> str:
        return new_code(parent, kind, used)

    def _point(self, row: Row) -> tuple[float | None, float | None, bool]:
        values = []
        for key, low, high in (("lat", -90, 90), ("lng", -180, 180)):
            raw = row.text(key)
            if not raw:
                values.append(None)
                continue
            try:
                number = float(raw)
            except ValueError:
                number = None
            if number is None or not low <= number <= high:
                self.refuse(NODES, row, key, _("A number from %(low)s to %(high)s.") % {"low": low, "high": high})
                return None, None, False
            values.append(number)
        if (values[0] is None) != (values[1] is None):
            self.refuse(NODES, row, "lng" if values[1] is None else "lat", _("Give both the latitude and the "
                                                                              "longitude, or neither."))
            return None, None, False
        return values[0], values[1], True

    def _node_outcome(self, item: dict) -> None:
        row, code = item["row"], item["code"]
        wanted = {"name": item["name"], "kind": item["kind"], "lat": item["lat"], "lng": item["lng"]}
        existing = self.db_nodes.get(code)
        if existing is None:
            self.plan.nodes_new.append({**wanted, "code": code, "parent": item["parent"]})
            self.report.add("nodes", row.number, CREATED, code)
            return
        fields = {k: v for k, v in wanted.items() if not _same(existing[k], v)}
        notes = [_change(NODES.column(k), existing[k], v) for k, v in fields.items()]
        moved = existing["parent"] != item["parent"]
        if moved:
            notes.append(_change(NODES.column("parent"), existing["parent"], item["parent"]))
        if fields or moved:
            self.plan.nodes_changed.append({"pk": existing["id"], "fields": fields,
                                            "parent": item["parent"] if moved else None, "code": code})
            self.report.add("nodes", row.number, CHANGED, code, message="；".join(notes))
        else:
            self.report.add("nodes", row.number, UNCHANGED, code)

    def node_path(self, code: str) -> str | None:
        """The node's path in the final tree; None when a row above it is refused (it says why)."""
        chain = self.chain(code) if code in self.final_nodes else None
        return "/" + "/".join(chain) + "/" if chain and chain[0] in self.final_nodes else None

    # --- 承办单位 ---------------------------------------------------------------

    def _units(self, rows: SheetRows) -> None:
        s, seen = UNITS, {}
        self.final_units = {code: set(u["jurisdiction"]) for code, u in self.db_units.items()}
        for row in rows.rows:
            self.tick()
            code = self.code(s, row, seen)
            name = self.required_text(s, row, "name", 100)
            kind, ok = self.choice(s, row, "kind", required=True)
            active, ok_active = self.choice(s, row, "active", required=False)
            phone, ok_phone = self.phone(s, row, "phone", 30, row.text("code"))
            served = [c for c in dict.fromkeys(SPLIT.split(row.text("jurisdiction"))) if c]
            if code:
                self.final_units[code] = set(served)
            if not served:
                self.refuse(s, row, "jurisdiction", _("Name at least one node the unit serves."), code or "")
                ok = False
            unknown = [c for c in served if c not in self.final_nodes]
            if unknown:
                self.refuse(s, row, "jurisdiction", _("No node has the code %(code)s, in this sheet or already.")
                            % {"code": "、".join(unknown)}, code or "")
                ok = False
            if not (code and name and ok and ok_active and ok_phone):
                continue
            existing = self.db_units.get(code)
            if not all(self.in_scope(self.node_path(c)) for c in served) or existing and not all(
                    self.in_scope(self.node_path(c)) for c in existing["jurisdiction"]):
                self.refuse(s, row, "jurisdiction", _("This unit serves nodes outside your area."), code)
                continue
            wanted = {"name": name, "kind": kind, "phone": phone, "active": active != "no"}
            if existing is None:
                self.plan.units_new.append({**wanted, "code": code, "jurisdiction": served})
                self.report.add("units", row.number, CREATED, code)
                continue
            fields = {k: v for k, v in wanted.items() if existing[k] != v}
            notes = [_change(s.column(k), _yes_no(existing[k]), _yes_no(v)) for k, v in fields.items()]
            jurisdiction = served if set(served) != existing["jurisdiction"] else None
            if jurisdiction is not None:
                notes.append(_change(s.column("jurisdiction"), ",".join(sorted(existing["jurisdiction"])),
                                     ",".join(served)))
            if fields or jurisdiction is not None:
                self.plan.units_changed.append({"pk": existing["id"], "fields": fields, "jurisdiction": jurisdiction})
                self.report.add("units", row.number, CHANGED, code, message="；".join(notes))
            else:
                self.report.add("units", row.number, UNCHANGED, code)

    def phone(self, sheet, row: Row, key: str, longest: int, name: str = "") -> tuple[str, bool]:
        value = row.text(key).replace(" ", "")
        if value and (len(value) > longest or not PHONE_RE.match(value)):
            self.refuse(sheet, row, key, _("'%(phone)s' is not a phone number (a mobile of 11 digits, or a fixed line "
                                           "such as 0994-4512345).") % {"phone": mask_phone(value)}, name)
            return "", False
        return value, True

    def unit_paths(self, code: str) -> list[str | None]:
        return [self.node_path(c) for c in self.final_units.get(code, ())]

    # --- 诉求分类 and 办理时限 -------------------------------------------------------

    def _categories(self, rows: SheetRows) -> None:
        s, seen, items = CATEGORIES, {}, []
        final = {code: c["parent"] for code, c in self.db_categories.items()}
        for row in rows.rows:
            self.tick()
            code = self.code(s, row, seen)
            item = {"row": row, "code": code, "name": self.required_text(s, row, "name", 60),
                    "name_en": row.text("name_en"), "parent": row.text("parent")}
            ok = True
            if len(item["name_en"]) > 80:
                self.refuse(s, row, "name_en", _("At most %(n)s characters.") % {"n": 80}, code or "")
                ok = False
            order = row.text("order") or "0"
            if not order.isdigit() or int(order) > 2_000_000_000:
                self.refuse(s, row, "order", _("A whole number, 0 or more."), code or "")
                ok = False
            item["order"] = int(order) if ok else 0
            item["active"], ok_active = self.choice(s, row, "active", required=False)
            item["ok"] = ok and ok_active and code is not None and item["name"] is not None
            if code:
                final[code] = item["parent"]
            items.append(item)
        self.final_categories = final
        for item in items:
            code, parent, row = item["code"], item["parent"], item["row"]
            if code is None:
                continue
            if parent and parent not in final:
                self.refuse(s, row, "parent", _("No category has the code %(code)s, in this sheet or already.")
                            % {"code": parent}, code)
                item["ok"] = False
            elif parent and (final[parent] or parent == code or any(p == code for p in final.values())):
                self.refuse(s, row, "parent", _("Categories have two levels only."), code)
                item["ok"] = False
            if not item["ok"]:
                continue
            wanted = {"name": item["name"], "name_en": item["name_en"], "order": item["order"],
                      "active": item["active"] != "no", "parent": parent}
            existing = self.db_categories.get(code)
            if existing is None:
                self.plan.categories_new.append({**wanted, "code": code})
                self.report.add("categories", row.number, CREATED, code)
                continue
            fields = {k: v for k, v in wanted.items() if existing[k] != v}
            if fields:
                self.plan.categories_changed.append({"pk": existing["id"], "fields": fields})
                self.report.add("categories", row.number, CHANGED, code, message="；".join(
                    _change(s.column(k), _yes_no(existing[k]), _yes_no(v)) for k, v in fields.items()))
            else:
                self.report.add("categories", row.number, UNCHANGED, code)

    def _limits(self, rows: SheetRows) -> None:
        s, seen = LIMITS, {}
        for row in rows.rows:
            self.tick()
            step, ok_step = self.choice(s, row, "step", required=True)
            appeal_type, ok_type = self.choice(s, row, "type", required=False)
            urgency, ok_urgency = self.choice(s, row, "urgency", required=False)
            clock, ok_clock = self.choice(s, row, "clock", required=True)
            category = row.text("category")
            ok = ok_step and ok_type and ok_urgency and ok_clock
            if category and category not in self.final_categories:
                self.refuse(s, row, "category", _("No category has the code %(code)s, in this sheet or already.")
                            % {"code": category})
                ok = False
            amount = self._amount(row)
            if not ok or amount is None:
                continue
            key = (step, category, appeal_type, urgency)
            name = "/".join(label_of(s.column(k), v) or "*" for k, v in zip(("step", "category", "type", "urgency"),
                                                                            key, strict=True))
            if key in seen:
                self.refuse(s, row, "step", _("The same step, category, type and urgency as row %(row)s.")
                            % {"row": seen[key]}, name)
                continue
            seen[key] = row.number
            existing = self.db_limits.get(key)
            if existing is None:
                self.plan.limits_new.append({"step": step, "category": category, "appeal_type": appeal_type,
                                             "urgency": urgency, "amount": amount, "clock": clock})
                self.report.add("limits", row.number, CREATED, name)
                continue
            fields = {k: v for k, v in (("amount", amount), ("clock", clock)) if existing[k] != v}
            if fields:
                self.plan.limits_changed.append({"pk": existing["id"], "fields": fields})
                self.report.add("limits", row.number, CHANGED, name, message="；".join(
                    _change(s.column(k), existing[k], v) for k, v in fields.items()))
            else:
                self.report.add("limits", row.number, UNCHANGED, name)

    def _amount(self, row: Row) -> Decimal | None:
        raw = row.text("amount")
        try:
            amount = Decimal(raw)
        except (InvalidOperation, ValueError):
            amount = None
        if amount is None or not amount.is_finite() or amount <= 0 or amount >= 10000 or \
                amount != amount.quantize(Decimal("0.01")):
            message = _("This column must be filled in.") if not raw else _(
                "'%(value)s' is not an amount: a number above 0 and below 10000, at most 2 decimals.") % {"value": raw}
            self.refuse(LIMITS, row, "amount", message)
            return None
        return amount.quantize(Decimal("0.01"))

    # --- 人员 -------------------------------------------------------------------

    def _people(self, rows: SheetRows) -> None:
        s = PEOPLE
        people: dict[str, dict] = {}
        for row in rows.rows:
            self.tick()
            username = row.text("username")
            if not username or len(username) > 150 or not USERNAME_RE.match(username):
                self.refuse(s, row, "username", _("An account name is letters, digits and @ . + - _ (at most 150).")
                            if username else _("This column must be filled in."), username)
                continue
            person = people.setdefault(username, {"rows": [], "full_name": None, "phone": None, "ok": True,
                                                  "roles": {}})
            person["rows"].append(row)
            for key, value, longest in (("full_name", row.text("full_name"), 150),
                                        ("phone", row.text("phone").replace(" ", ""), 20)):
                if key == "phone" and value and not self.phone(s, row, "phone", 20, username)[1]:
                    person["ok"] = False
                    continue
                if len(value) > longest:
                    self.refuse(s, row, key, _("At most %(n)s characters.") % {"n": longest}, username)
                    person["ok"] = False
                elif value and person[key] not in (None, value):
                    self.refuse(s, row, key, _("Not the same as this person's row %(row)s.")
                                % {"row": person["rows"][0].number}, username)
                    person["ok"] = False
                elif value:
                    person[key] = value
            role = self._role(row, username)
            if role is None:
                person["ok"] = False
            elif role in person["roles"]:
                self.refuse(s, row, "role", _("The same role and scope as row %(row)s.")
                            % {"row": person["roles"][role].number}, username)
                person["ok"] = False
            else:
                person["roles"][role] = row
        users = _users(list(people))
        for username, person in people.items():
            first = person["rows"][0]
            user = users.get(username)
            if user is None and not person["full_name"]:
                self.refuse(s, first, "full_name", _("A new person needs their full name."), username)
                continue
            if user is not None and user["is_superuser"]:
                self.refuse(s, first, "username", _("This is a superuser: keep it in the Django admin."), username)
                continue
            if user is not None and not all(self._role_in_scope(r) for r in user["roles"]):
                self.refuse(s, first, "username", _("This person holds roles outside your area."), username)
                continue
            if person["ok"]:
                self._person_outcome(username, person, user)

    def _role(self, row: Row, username: str) -> tuple | None:
        """(role, node code, unit code), or None when refused."""
        s = PEOPLE
        role, ok = self.choice(s, row, "role", required=True)
        if not ok:
            return None
        if role not in STAFF:  # a resident's label typed by hand
            self.refuse(s, row, "role", _("Residents are not set up here: only staff roles."), username)
            return None
        node, unit = row.text("node"), row.text("unit")
        if role in Role.UNIT_ROLES:
            if not unit or node:
                self.refuse(s, row, "unit" if not unit else "node", _("This role is scoped to a handling unit: "
                                                                      "fill in the unit code only."), username)
                return None
            if unit not in self.final_units:
                self.refuse(s, row, "unit", _("No unit has the code %(code)s, in this sheet or already.")
                            % {"code": unit}, username)
                return None
        else:
            if not node or unit:
                self.refuse(s, row, "node" if not node else "unit", _("This role is scoped to a tree node: fill in "
                                                                      "the node code only."), username)
                return None
            if node not in self.final_nodes:
                self.refuse(s, row, "node", _("No node has the code %(code)s, in this sheet or already.")
                            % {"code": node}, username)
                return None
        key = (role, node, unit)
        if not self._role_in_scope(key):
            self.refuse(s, row, "node" if node else "unit", _("This scope lies outside your area."), username)
            return None
        return key

    def _role_in_scope(self, role: tuple) -> bool:
        _name, node, unit = role
        if self.scope_nodes is None:
            return True
        paths = [self.node_path(node)] if node else self.unit_paths(unit)
        return bool(paths) and all(self.in_scope(p) for p in paths)

    def _person_outcome(self, username: str, person: dict, user: dict | None) -> None:
        first = person["rows"][0]
        phone = person["phone"] or ""
        if user is None:
            self.plan.people_new.append({"username": username, "full_name": person["full_name"], "phone": phone,
                                         "roles": list(person["roles"])})
            for row in person["rows"]:
                self.report.add("people", row.number, CREATED, username)
            return
        notes = []
        fields = {}
        if person["full_name"] and user["full_name"] != person["full_name"]:
            fields["first_name"] = person["full_name"]
            notes.append(_change(PEOPLE.column("full_name"), user["full_name"], person["full_name"]))
        new_phone = phone if phone != user["phone"] else None
        if new_phone is not None:
            notes.append(_change(PEOPLE.column("phone"), mask_phone(user["phone"]), mask_phone(phone)))
        have = user["roles"]
        add = [r for r in person["roles"] if r not in have]
        remove = [pk for r, pk in have.items() if r not in person["roles"]]
        for r in have:
            if r not in person["roles"]:
                notes.append(_("role removed: %(role)s") % {"role": _role_text(r)})
        self.plan.people_changed.append({"pk": user["id"], "fields": fields, "phone": new_phone, "add": add,
                                         "remove": remove}) if (fields or new_phone is not None or add or remove) \
            else None
        for role, row in person["roles"].items():
            lines = list(notes) if row is first else []
            if role in add:
                lines.append(_("role added: %(role)s") % {"role": _role_text(role)})
            self.report.add("people", row.number, CHANGED if lines else UNCHANGED, username, message="；".join(lines))


def _users(usernames: list[str]) -> dict[str, dict]:
    """The accounts of these names with their full name, work phone and staff roles ({(role, node, unit): pk})."""
    found = {}
    for i in range(0, len(usernames), 500):
        for u in get_user_model().objects.filter(username__in=usernames[i:i + 500]).values(
                "id", "username", "first_name", "last_name", "is_superuser"):
            u["full_name"] = f"{u['first_name']} {u['last_name']}".strip()
            u["phone"], u["roles"] = "", {}
            found[u["id"]] = u
    ids = list(found)
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        for user_id, phone in StaffPhone.objects.filter(user_id__in=chunk).values_list("user_id", "phone"):
            found[user_id]["phone"] = phone
        for pk, user_id, name, node, unit in Role.objects.filter(user_id__in=chunk, name__in=STAFF).values_list(
                "pk", "user_id", "name", "node__code", "unit__code"):
            found[user_id]["roles"][(name, node or "", unit or "")] = pk
    return {u["username"]: u for u in found.values()}


def _role_text(role: tuple) -> str:
    name, node, unit = role
    return f"{label_of(PEOPLE.column('role'), name)}@{node or unit}"


def _same(old, new) -> bool:
    if isinstance(old, float) or isinstance(new, float):
        return old is not None and new is not None and abs(old - new) < 1e-9 or old is None and new is None
    return old == new


def _yes_no(value):
    if isinstance(value, bool):
        return YES if value else "no"
    return value


def _change(column: Column, old, new) -> str:
    def shown(value):
        if value in (None, ""):
            return _("(empty)")
        if isinstance(value, Decimal):
            return f"{value.normalize():f}"
        return label_of(column, value) if column.choices else str(value)

    from .layout import header_text

    return f"{header_text(column).rstrip('*')}: {shown(old)} → {shown(new)}"
