"""The dry run: every broken row is reported with its sheet, row, column and a
Chinese message, and nothing at all is written — not even the good rows."""

from __future__ import annotations

import io

from county_setup.apply import import_workbook
from county_setup.reader import BadWorkbook

from .conftest import book, lines_of, run, snapshot

BROKEN = book(
    nodes=[
        {"code": "HTB-Z-XG", "name": "新港社区", "kind": "社区/村", "parent": "HTB-Z"},  # fine
        {"code": "HTB-Z-XG", "name": "重复社区", "kind": "community", "parent": "HTB-Z"},  # duplicate code
        {"code": "HTB-Q", "name": "无上级网格", "kind": "grid", "parent": "NOPE"},  # unknown parent
        {"code": "HTB-Z-BAD", "name": "镇下小区", "kind": "town", "parent": "HTB-Z"},  # town under town
        {"code": "坏 编码", "name": "坏编码", "kind": "grid", "parent": "HTB-Z-HC"},  # bad code
        {"code": "HTB-Z-P", "name": "半个坐标", "kind": "grid", "parent": "HTB-Z-HC", "lat": 44.1},
    ],
    units=[
        {"code": "U-NEW", "name": "新单位", "kind": "职能部门", "jurisdiction": "HTB,NOWHERE", "phone": "12"},
    ],
    people=[
        {"username": "zhang", "full_name": "张三", "phone": "138000012345", "role": "网格员", "node": "HTB-Z-HC-G1"},
        {"username": "li", "full_name": "李四", "role": "承办人", "node": "HTB-Z"},  # handler needs a unit
        {"username": "wang", "full_name": "王五", "role": "厨师", "node": "HTB"},  # unknown role
        {"username": "zhao", "full_name": "赵六", "role": "居民"},  # residents are not staff
        {"username": "admin", "full_name": "超管", "role": "leader", "node": "HTB"},  # the superuser
    ],
    categories=[{"code": "WY-DT-X", "name": "三级分类", "parent": "WY-DT"}],
    limits=[
        {"step": "办理答复", "category": "WY-DT", "amount": 0, "clock": "工作日"},
        {"step": "handle", "category": "NOPE", "amount": "2.555", "clock": "work_days"},
        {"step": "sign", "amount": 1, "clock": "work_days"},
        {"step": "签收或退单", "amount": 2, "clock": "工作日"},  # the same key as the row above
    ],
)


def test_a_dry_run_reports_each_broken_row_and_writes_nothing(cast):
    before = snapshot()
    outcome = run(BROKEN, dry_run=True)
    report = outcome.report
    assert not outcome.applied and report["refused"]
    refused = lines_of(report, "refused")
    expected = [
        ("nodes", 3, "编码", "与第 2 行编码重复。"),
        ("nodes", 4, "上级编码", "本表和系统中都没有编码为 NOPE 的节点。"),
        ("nodes", 5, "上级编码", "“镇/街道”不能放在“镇/街道”下面，应放在“县/市”下面。"),
        ("nodes", 6, "编码", "编码最多 40 个字符，只能用字母、数字、“-”或“_”。"),
        ("nodes", 7, "经度", "纬度和经度须同时填写或同时留空。"),
        ("units", 2, "辖区（节点编码）", "本表和系统中都没有编码为 NOWHERE 的节点。"),
        ("people", 3, "承办单位编码", "此角色的范围是承办单位：只填写承办单位编码。"),
        ("people", 6, "账号", "这是超级用户，请在管理后台维护。"),
        ("categories", 2, "上级编码", "分类最多只有两级。"),
        ("limits", 3, "分类编码", "本表和系统中都没有编码为 NOPE 的分类。"),
        ("limits", 5, "环节", "环节、分类、类型和紧急程度与第 4 行重复。"),
    ]
    for line in expected:
        assert line in refused, (line, refused)
    messages = {(s, r, c): m for s, r, c, m in refused}
    assert messages[("units", 2, "办公电话")].startswith("“12”不是电话号码") or "不是电话号码" in messages[
        ("units", 2, "办公电话")]
    assert "不是电话号码" in messages[("people", 2, "手机")] and "138000012345" not in messages[("people", 2, "手机")]
    assert messages[("people", 4, "角色")].startswith("“厨师”不是可选值之一")
    assert messages[("people", 5, "角色")].startswith("“居民”不是可选值之一")
    assert messages[("limits", 2, "时长")].startswith("“0”不是有效时长")
    assert messages[("limits", 3, "时长")].startswith("“2.555”不是有效时长")
    assert ("nodes", 2) not in {(s, r) for s, r, _c, _m in refused}  # the good row stays good
    assert report["counts"]["totals"]["refused"] == 15
    assert snapshot() == before


def test_refused_rows_mean_nothing_is_written_even_when_applying(cast):
    before = snapshot()
    outcome = run(BROKEN, dry_run=False)
    assert not outcome.applied and outcome.report["refused"]
    assert snapshot() == before


def test_a_file_that_is_not_a_workbook_is_refused_in_chinese(cast):
    for data in (b"not a workbook", b"PK\x03\x04broken", b""):
        try:
            import_workbook(io.BytesIO(data), dry_run=True)
        except BadWorkbook as error:
            assert "Excel" in str(error)
        else:
            raise AssertionError(data)


def test_a_sheet_without_a_required_column_is_refused(cast):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "行政区划"
    wb.active.append(["编码", "名称"])
    wb.active.append(["HTB-X", "某社区"])
    out = io.BytesIO()
    wb.save(out)
    before = snapshot()
    report = run(out.getvalue()).report
    assert report["refused"] and "层级" in report["problems"][0]
    assert snapshot() == before


def test_a_node_whose_children_would_sit_too_high_is_refused(cast):
    # A grid may sit under a community, but 花城社区's own grids would then sit beside it.
    data = book(nodes=[{"code": "HTB-Z-HC", "name": "花城社区", "kind": "grid", "parent": "CJ-YA-BJ"}])
    before = snapshot()
    refused = lines_of(run(data).report, "refused")
    assert refused == [("nodes", 2, "层级", "这个节点下有同级或更高级别的下级节点，请先把它们移走。")]
    assert snapshot() == before


def test_labels_and_codes_are_both_taken(cast):
    data = book(limits=[{"step": "Handle and reply", "urgency": "URGENT", "amount": "1.5", "clock": "天(连续计算)"}])
    outcome = run(data, dry_run=True)
    totals = outcome.report["counts"]["totals"]  # the default urgent limit for handling is there: changed
    assert totals["refused"] == 0 and totals["changed"] == 1, outcome.report
