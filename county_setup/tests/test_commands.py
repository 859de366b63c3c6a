"""`export_setup` and `import_setup [--dry-run]`: exit 0 when the workbook applies
(or would) cleanly, 1 with the row-by-row report when any row is refused."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from county_setup.generate import county_workbook
from organisations.models import Node

from .conftest import book, snapshot


def test_export_then_dry_run_and_import(cast, tmp_path, capsys):
    target = tmp_path / "setup.xlsx"
    call_command("export_setup", str(target))
    assert target.stat().st_size > 0
    call_command("import_setup", str(target), "--dry-run")
    assert "新建 0 · 修改 0 · 不变" in capsys.readouterr().out


def test_a_dry_run_writes_nothing_and_an_import_prints_the_first_login_links(cast, tmp_path, capsys):
    target = tmp_path / "county.xlsx"
    target.write_bytes(county_workbook(towns=1, communities=2, grids=2, units=2, people=3))
    before = snapshot()
    call_command("import_setup", str(target), "--dry-run")
    assert snapshot() == before
    call_command("import_setup", str(target))
    out = capsys.readouterr().out
    assert Node.objects.filter(code="GEN").exists()
    assert "gen_p1\thttp" in out and "/work/setup/welcome/" in out


def test_refused_rows_exit_1_with_the_report(cast, tmp_path, capsys):
    target = tmp_path / "bad.xlsx"
    target.write_bytes(book(nodes=[{"code": "HTB-Q", "name": "无上级", "kind": "grid", "parent": "NOPE"}]))
    before = snapshot()
    for args in ((), ("--dry-run",)):
        with pytest.raises(SystemExit) as exit_:
            call_command("import_setup", str(target), *args)
        assert exit_.value.code == 1
        assert "行政区划 第 2 行「上级编码」列 HTB-Q: 本表和系统中都没有编码为 NOPE 的节点。" in capsys.readouterr().out
    assert snapshot() == before


def test_a_file_that_is_not_a_workbook_exits_1(cast, tmp_path, capsys):
    target = tmp_path / "notes.xlsx"
    target.write_text("hello")
    with pytest.raises(SystemExit) as exit_:
        call_command("import_setup", str(target))
    assert exit_.value.code == 1
    assert "Excel" in capsys.readouterr().err
