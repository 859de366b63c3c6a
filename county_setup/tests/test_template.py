"""The template: five sheets with Chinese headers, an example row, drop-downs
for the columns of fixed values; uploaded untouched, it changes nothing."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from county_setup import workbook

from .conftest import run, snapshot


def test_the_template_has_the_five_sheets_with_chinese_headers_and_an_example(admin_client):
    response = admin_client.get("/work/setup/template.xlsx", secure=True)
    assert response.status_code == 200
    assert response["Content-Type"] == workbook.XLSX
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["行政区划", "承办单位", "人员", "诉求分类", "办理时限"]
    nodes = book["行政区划"]
    assert [c.value for c in nodes[1]] == ["编码", "名称*", "层级*", "上级编码", "纬度", "经度"]
    assert [c.value for c in nodes[2]][:4] == ["EX", "示例县", "县/市", None]
    assert [c.value for c in book["人员"][1]][:4] == ["账号*", "姓名", "手机", "角色*"]
    assert "密码" not in str([c.value for c in book["人员"][1]])


def test_the_columns_of_fixed_values_have_drop_downs(admin_client):
    book = load_workbook(io.BytesIO(admin_client.get("/work/setup/template.xlsx", secure=True).content))
    lists = {sheet: [(str(v.sqref), v.formula1) for v in book[sheet].data_validations.dataValidation]
             for sheet in book.sheetnames}
    assert ("C2:C20000", '"县/市,镇/街道,社区/村,网格,小区"') in lists["行政区划"]
    assert any(ref.startswith("D2") and "网格员" in f and "管理员" in f and "居民" not in f for ref, f in lists["人员"])
    assert any(ref.startswith("F2") and f == '"是,否"' for ref, f in lists["承办单位"])
    assert any(ref.startswith("A2") and "办理答复" in f for ref, f in lists["办理时限"])
    assert any(ref.startswith("F2") and "工作日" in f for ref, f in lists["办理时限"])
    assert any(ref.startswith("D2") and "紧急" in f for ref, f in lists["办理时限"])


def test_the_untouched_template_imports_as_nothing(cast):
    before = snapshot()
    outcome = run(workbook.template())
    assert outcome.report["counts"]["totals"] == {"created": 0, "changed": 0, "unchanged": 0, "refused": 0}
    assert snapshot() == before
