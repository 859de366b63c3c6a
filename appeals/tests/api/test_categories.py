"""GET /api/v1/categories."""

from __future__ import annotations

from appeals.models import Category


def test_categories_are_a_two_level_tree_of_active_ones(cast, api):
    Category.objects.create(code="WY-OLD", name="旧分类", parent=cast.category.parent, active=False)
    Category.objects.create(code="OLD", name="停用大类", active=False)
    body = api().get("/api/v1/categories").json()
    assert [c["code"] for c in body] == ["SZ", "WY"]
    property_ = body[1]
    assert property_["name"] == "物业管理" and property_["name_en"] == "Property management"
    assert property_["children"] == [{"code": "WY-DT", "name": "电梯故障", "name_en": "Lift fault",
                                     "questions": []}]
