"""The public ledger as JSON: funds with their balances, and a fund's entries
oldest first, signed and as decimal strings, adding up to the balance."""

from __future__ import annotations

from decimal import Decimal

from django.test import Client

from fund import ledger

from .conftest import give, spend


def get(url):
    return Client().get(url, secure=True)


def test_funds_and_their_entries_add_up(fund, staff, member):
    give(fund, staff, "1000.00")
    give(fund, staff, "0.10", donor="王秀英", anonymous=True)
    paid = spend(fund, staff, member, "333.33")
    ledger.reverse(paid, by=staff, reason="付错")
    funds = get("/api/v1/funds").json()
    assert funds["results"] == [{"id": fund.pk, "name": "花城社区微基金", "balance": "1000.10",
                                 "opened_on": fund.opened_on.isoformat(),
                                 "community": {"id": fund.node_id, "code": "HTB-Z-HC", "name": "花城社区"}}]
    entries = get(f"/api/v1/funds/{fund.pk}/entries?page_size=3").json()
    assert entries["count"] == 4 and entries["next"].endswith("page=2")
    rows = entries["results"] + get(f"/api/v1/funds/{fund.pk}/entries?page_size=3&page=2").json()["results"]
    assert [r["amount"] for r in rows] == ["1000.00", "0.10", "-333.33", "333.33"]
    assert all(isinstance(r["amount"], str) for r in rows)
    assert sum(Decimal(r["amount"]) for r in rows) == Decimal("1000.10")
    assert [r["donor"] for r in rows] == ["鑫源超市", "匿名", None, None]
    assert rows[3]["reverses"] == rows[2]["id"] and rows[3]["kind"] == "reversal"
    assert "王秀英" not in str(rows)


def test_an_unknown_fund_and_a_bad_page_are_told(fund):
    missing = get("/api/v1/funds/999999/entries")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    bad = get(f"/api/v1/funds/{fund.pk}/entries?page_size=1000")
    assert bad.status_code == 400


def test_the_schema_describes_the_funds():
    schema = Client().get("/api/v1/schema", secure=True, HTTP_ACCEPT="application/json")
    text = schema.content.decode()
    assert "/api/v1/funds" in text and "/api/v1/funds/{id}/entries" in text
