"""A backup is only as good as its restore: deploy/backup.sh dumps the database
with pg_dump while it serves, deploy/restore.sh restores it into an empty one,
and the restored database holds the same requests, timelines and ledger — and
still refuses to edit a posted ledger entry (its triggers came along)."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from appeals import services
from fund import services as fund_services

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [
    pytest.mark.django_db(transaction=True),  # pg_dump sees only what was committed
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the backup tools are PostgreSQL's"),
    pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed here"),
]
TABLES = ("appeals_appeal", "appeals_appealevent", "fund_entry", "fund_line", "organisations_node", "auth_user")


def url_of(name: str) -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgresql://{auth}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{name}"


def counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as db:
        return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}  # noqa: S608 — fixed names


@pytest.fixture
def empty_database():
    name = connection.settings_dict["NAME"] + "_restored"
    with psycopg.connect(url_of("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield url_of(name)
    with psycopg.connect(url_of("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_into_an_empty_database_with_every_row_and_the_ledgers_guard(cast, tmp_path,
                                                                                        empty_database):
    appeal, _ = services.create_appeal(cast.intake_data(), actor=None)
    services.register(appeal, actor=cast.fresh(cast.dispatcher))
    fund = fund_services.open_fund(cast.community, by=cast.admin)
    fund_services.record_donation(fund, by=cast.admin, amount=Decimal("880.00"), on=timezone.localdate(),
                                  donor_name="鑫源超市", donor_kind="shop", anonymous=False, purpose="邻里广场")
    source = url_of(connection.settings_dict["NAME"])

    made = subprocess.run([str(ROOT / "deploy" / "backup.sh"), source, str(tmp_path)], capture_output=True,
                          text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    dump = Path(made.stdout.strip())
    assert dump.is_file() and dump.stat().st_size > 0 and not list(tmp_path.glob("*.part"))

    restored = subprocess.run([str(ROOT / "deploy" / "restore.sh"), str(dump), empty_database],
                              capture_output=True, text=True, timeout=300)
    assert restored.returncode == 0, restored.stderr
    assert counts(empty_database) == counts(source)
    with psycopg.connect(empty_database) as db:
        row = db.execute("SELECT tracking_no, status FROM appeals_appeal WHERE id = %s", [appeal.pk]).fetchone()
        appeal.refresh_from_db()
        assert row == (appeal.tracking_no, appeal.status)
        balance = db.execute("SELECT balance FROM fund_fund WHERE id = %s", [fund.pk]).fetchone()[0]
        assert balance == Decimal("880.00")
        with pytest.raises(psycopg.Error):
            db.execute("UPDATE fund_entry SET amount = 1")  # the ledger's trigger was restored too
