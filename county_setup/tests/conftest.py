"""Set-up fixtures: an administrator of the cast's county, workbooks built from
row dicts in the template's keys, and a snapshot of every table an import writes."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from appeals.models import Category, TimeLimit
from county_setup.apply import import_workbook
from county_setup.models import StaffPhone
from county_setup.workbook import write_rows
from organisations.models import Node, Role, Unit


def book(**sheets) -> bytes:
    """A workbook with these rows (template keys, codes or Chinese labels) and nothing else."""
    return write_rows(sheets, example=False)


def run(data: bytes, *, dry_run: bool = False, scope_nodes=None):
    return import_workbook(io.BytesIO(data), dry_run=dry_run, scope_nodes=scope_nodes)


def snapshot() -> tuple:
    """Every row an import may write, as plain values."""
    return (
        list(Node.objects.order_by("pk").values_list("code", "name", "kind", "parent_id", "path", "lat", "lng")),
        list(Unit.objects.order_by("pk").values_list("code", "name", "kind", "phone", "active")),
        list(Unit.jurisdiction.through.objects.order_by("pk").values_list("unit_id", "node_id")),
        list(get_user_model().objects.order_by("pk").values_list("username", "first_name", "password")),
        list(Role.objects.order_by("pk").values_list("user_id", "name", "node_id", "unit_id")),
        list(StaffPhone.objects.order_by("pk").values_list("user_id", "phone")),
        list(Category.objects.order_by("pk").values_list("code", "name", "name_en", "parent_id", "order", "active")),
        list(TimeLimit.objects.order_by("pk").values_list("step", "category_id", "appeal_type", "urgency", "amount",
                                                          "clock")),
    )


@pytest.fixture
def county_admin(cast):
    """An administrator (the `admin` role) of 呼图壁县, not a superuser."""
    user = get_user_model().objects.create_user("countyadmin", password="pw", first_name="马主任")
    Role.objects.create(user=user, name=Role.Name.ADMIN, node=cast.county)
    return user


@pytest.fixture
def admin_client(cast):
    client = Client()
    client.force_login(cast.admin)
    return client


def lines_of(report: dict, outcome: str | None = None) -> list[tuple]:
    """(sheet, row, column, message) of the report's lines (of one outcome)."""
    return [(line["sheet"], line["row"], line["column"], line["message"]) for line in report["lines"]
            if outcome is None or line["outcome"] == outcome]
