"""propose(): routing rules first, the classifier where none holds."""

from __future__ import annotations

from appeals.models import Status
from routing.models import Rule
from routing.services import MODEL, RULE, propose

LIGHTS = {"title": "花城小区路灯不亮", "description": "花城小区的路灯不亮已经一周了，晚上走路看不见，请尽快处理。"}


def test_a_rule_for_the_category_wins_over_the_model(cast, served):
    rule = Rule.objects.create(category=cast.category, area=cast.town, unit=cast.department)
    rule.co_units.add(cast.property)
    appeal = cast.submit(**LIGHTS)  # filed as a lift fault, reads like street lights
    assert served.predict(appeal.title, appeal.description).label == "SZ-LD"
    s = propose(appeal)
    assert (s.source, s.category, s.unit, s.co_units, s.confidence, s.words) == \
        (RULE, cast.category, cast.department, [cast.property], 1.0, [])


def test_the_narrowest_place_wins_among_rules_of_one_order(cast):
    Rule.objects.create(category=cast.category, area=cast.county, unit=cast.department)
    Rule.objects.create(category=cast.category, area=cast.community, compound=cast.compound, unit=cast.property)
    Rule.objects.create(category=cast.category, unit=cast.other_unit)  # everywhere
    assert propose(cast.submit()).unit == cast.property


def test_a_lower_order_wins_over_a_narrower_place(cast):
    Rule.objects.create(category=cast.category, compound=cast.compound, unit=cast.property, order=100)
    Rule.objects.create(category=cast.category, area=cast.town, unit=cast.community_unit, order=1)
    assert propose(cast.submit()).unit == cast.community_unit


def test_rules_elsewhere_inactive_or_for_inactive_units_do_not_hold(cast, served):
    Rule.objects.create(category=cast.category, area=cast.other_town, unit=cast.other_unit)
    Rule.objects.create(category=cast.category, area=cast.town, unit=cast.department, active=False)
    cast.property.active = False
    cast.property.save()
    Rule.objects.create(category=cast.category, area=cast.town, unit=cast.property)
    s = propose(cast.submit())
    assert s.source == MODEL and s.category == cast.category


def test_the_model_proposes_a_category_and_the_usual_unit_of_the_area(cast, served):
    cast.appeal_in(Status.DISPATCHED, category="SZ-LD", **LIGHTS)  # history: lights go to the community office
    s = propose(title="路灯坏了", description="文化广场路灯不亮，晚上很黑。", node=cast.compound)
    assert s.source == MODEL and s.category == cast.category_lights and s.unit == cast.community_unit
    assert 0.0 <= s.confidence <= 1.0 and s.co_units == []
    assert "路灯" in s.words


def test_the_usual_unit_is_looked_for_in_the_nearest_area_that_has_one(cast, served):
    cast.appeal_in(Status.DISPATCHED, category="SZ-LD", **LIGHTS)
    assert propose(title="路灯不亮", description="", node=cast.county).unit == cast.community_unit
    assert propose(title="路灯不亮", description="", node=cast.other_community).unit is None


def test_a_rule_for_the_proposed_category_names_the_unit(cast, served):
    Rule.objects.create(category=cast.category_lights, area=cast.county, unit=cast.department)
    s = propose(title="路灯不亮", description="路灯坏了一周了。", node=cast.compound)
    assert (s.source, s.category, s.unit) == (MODEL, cast.category_lights, cast.department)


def test_nothing_is_proposed_without_a_rule_or_a_model(cast):
    assert propose(cast.submit()) is None


def test_a_proposed_category_that_was_removed_is_not_proposed(cast, served):
    cast.category_lights.active = False
    cast.category_lights.save()
    assert propose(title="路灯不亮", description="路灯坏了。", node=cast.compound) is None
