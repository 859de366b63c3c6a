"""The administrative tree, the handling units beside it, and people's roles.

Every node stores its materialised `path` ("/county/town/community/") so that
"this node's subtree" is one indexed prefix query, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

CODE_RE = re.compile(r"^[A-Za-z0-9_-]+$")


class Node(models.Model):
    class Kind(models.TextChoices):
        COUNTY = "county", _("County / city")
        TOWN = "town", _("Town / subdistrict")
        COMMUNITY = "community", _("Community / village")
        GRID = "grid", _("Grid")
        COMPOUND = "compound", _("Compound")

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        verbose_name=_("parent"),
    )
    path = models.CharField(max_length=400, db_index=True, editable=False)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("tree node")
        verbose_name_plural = _("administrative tree")

    def related_to(self, other: Node) -> bool:
        """One lies in the other's subtree (a volunteer of a community and an order in its compound)."""
        return self.path.startswith(other.path) or other.path.startswith(self.path)

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not CODE_RE.match(self.code or ""):
            raise ValidationError({"code": _("Use letters, digits, '-' or '_' only.")})
        if self.parent_id and self.pk and self.parent.path.startswith(self.path or "\0"):
            raise ValidationError({"parent": _("A node cannot be moved under itself.")})

    def save(self, *args, **kwargs) -> None:
        """Moving a node (a new parent or code) moves its whole subtree, and
        every copy of its paths elsewhere (signals.node_moved), in one transaction."""
        old_path = self.path
        self.path = (self.parent.path if self.parent_id else "/") + self.code + "/"
        with transaction.atomic():
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                Node.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                    path=Concat(models.Value(self.path), Substr("path", len(old_path) + 1))
                )
                from .signals import node_moved

                node_moved.send(sender=Node, node=self, old_path=old_path, new_path=self.path)

    def contains(self, other: Node | None) -> bool:
        return other is not None and other.path.startswith(self.path)


# Where a node may sit: a town under a county, a community under a town, a grid
# under a community, a compound under a grid or directly under its community.
# The admin's form and the county set-up import both ask `placement_problem`.
LEVEL = {kind: i for i, kind in enumerate(Node.Kind.values)}
_K = Node.Kind
PARENT_KINDS = {_K.TOWN: {_K.COUNTY}, _K.COMMUNITY: {_K.TOWN}, _K.GRID: {_K.COMMUNITY},
                _K.COMPOUND: {_K.GRID, _K.COMMUNITY}}
# The letter of a generated code's last part: HTB-Z-HC-G2 is 花城社区's second grid.
CODE_PREFIX = {_K.TOWN: "T", _K.COMMUNITY: "C", _K.GRID: "G", _K.COMPOUND: "X"}


def placement_problem(kind: str, parent_kind: str | None) -> str | None:
    """Why a node of `kind` may not sit under a node of `parent_kind` (None: at the top), or None."""
    if parent_kind is None:
        return None if kind == _K.COUNTY else str(_("Only a county or city can be at the top of the tree."))
    if parent_kind not in PARENT_KINDS.get(kind, set()):
        allowed = "、".join(str(_K(k).label) for k in sorted(PARENT_KINDS.get(kind, ()), key=LEVEL.get))
        return str(_("A %(kind)s cannot be placed under a %(parent)s: it belongs under a %(allowed)s.") % {
            "kind": _K(kind).label, "parent": _K(parent_kind).label, "allowed": allowed or "—"})
    return None


def new_code(parent_code: str, kind: str, taken) -> str:
    """A code for a new node from its parent's: the parent's, the kind's letter and the first free number."""
    prefix = f"{parent_code}-{CODE_PREFIX.get(kind, 'N')}"
    n = 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"


class Unit(models.Model):
    """A handling unit (承办单位): a department, property company, police post,
    partner organisation or a community office."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Department")
        PROPERTY = "property", _("Property company")
        POLICE = "police", _("Police post")
        PARTNER = "partner", _("Partner organisation")
        COMMUNITY = "community", _("Community")

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    jurisdiction = models.ManyToManyField(
        Node, related_name="units", verbose_name=_("jurisdiction"),
        help_text=_("The tree nodes (and their subtrees) this unit serves."),
    )
    phone = models.CharField(_("office phone"), max_length=30, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("handling unit")
        verbose_name_plural = _("handling units")

    def __str__(self) -> str:
        return self.name


class Role(models.Model):
    """One role of one person, scoped to a tree node or to a unit."""

    class Name(models.TextChoices):
        RESIDENT = "resident", _("Resident")
        GRID_WORKER = "grid_worker", _("Grid worker")
        HANDLER = "handler", _("Handler")
        DISPATCHER = "dispatcher", _("Dispatcher")
        SUPERVISOR = "supervisor", _("Supervisor")
        LEADER = "leader", _("Leader")
        ADMIN = "admin", _("Administrator")
        COMMUNITY_STAFF = "community_staff", _("Community staff")
        CASE_WORKER = "case_worker", _("Case worker")  # 残联专干: one person, one plan (care_plan)
        FEDERATION_HEAD = "federation_head", _("Federation head")  # 残联负责人: reads the care plans' access log

    UNIT_ROLES = {Name.HANDLER}
    NODE_ROLES = {
        Name.GRID_WORKER, Name.DISPATCHER, Name.SUPERVISOR, Name.LEADER, Name.ADMIN, Name.COMMUNITY_STAFF,
        Name.CASE_WORKER, Name.FEDERATION_HEAD,
    }

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles",
        verbose_name=_("user"),
    )
    name = models.CharField(_("role"), max_length=16, choices=Name.choices)
    node = models.ForeignKey(
        Node, null=True, blank=True, on_delete=models.PROTECT, related_name="roles",
        verbose_name=_("scope node"),
    )
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="roles",
        verbose_name=_("unit"),
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "name", "node", "unit"], name="role_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_name_display()} @ {self.unit or self.node or '-'}"

    def clean(self) -> None:
        if self.name in self.UNIT_ROLES and not self.unit_id:
            raise ValidationError({"unit": _("This role is scoped to a handling unit.")})
        if self.name in self.NODE_ROLES and not self.node_id:
            raise ValidationError({"node": _("This role is scoped to a tree node.")})


class PersonalDataView(models.Model):
    """Every full view of someone's personal data is logged here (PIPL)."""

    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    # Someone without an account who saw it (a volunteer on their order: "volunteer:12").
    viewer_label = models.CharField(max_length=40, blank=True, default="")
    subject = models.CharField(max_length=100)  # e.g. "appeal:42"
    field = models.CharField(max_length=40)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("personal data view")
        verbose_name_plural = _("personal data views")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.viewer_id or self.viewer_label} {self.subject} {self.field} {self.at:%Y-%m-%d %H:%M}"
