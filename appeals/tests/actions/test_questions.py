"""A category's extra questions: one check of the answers (appeals.questions)
for every channel, the answers stored with the request and read back."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from appeals import questions, services
from appeals.errors import Invalid
from appeals.models import Appeal, Question

D = Question.Datatype


@pytest.fixture
def asked(cast):
    def ask(code, datatype, *, required=False, options="", variable=True, order=None, active=True):
        return Question.objects.create(
            category=cast.category, code=code, description=f"问题{code}", datatype=datatype, required=required,
            options=options, variable=variable, active=active,
            order=order or Question.objects.filter(category=cast.category).count() + 1)

    ask("notice", D.STRING, variable=False)
    ask("building", D.STRING, required=True)
    ask("trapped", D.SINGLE, required=True, options="yes=有人被困\nno=没有人被困")
    ask("floors", D.MULTI, options="low=低层\nhigh=高层")
    ask("since", D.DATETIME)
    ask("people", D.NUMBER)
    ask("more", D.TEXT)
    ask("old", D.STRING, required=True, active=False)
    return ask


GOOD = {"building": "3号楼", "trapped": "yes"}


def test_every_datatype_is_checked_and_stored_in_its_form(cast, asked):
    clean = questions.clean(cast.category, {
        **GOOD, "floors": ["high", "low", "high"], "since": "2026-12-01T08:30", "people": "1,200", "more": "焦糊味"})
    assert clean == {"building": "3号楼", "trapped": "yes", "floors": ["high", "low"],
                     "since": "2026-12-01T08:30+08:00", "people": "1200", "more": "焦糊味"}
    assert questions.clean(cast.category, {**GOOD, "people": 3, "floors": "low"})["floors"] == ["low"]


@pytest.mark.parametrize(("answers", "field"), [
    ({"trapped": "yes"}, "answers.building"),  # required, missing
    ({**GOOD, "building": "   "}, "answers.building"),  # spaces are no answer
    ({**GOOD, "trapped": "perhaps"}, "answers.trapped"),
    ({**GOOD, "trapped": ["yes", "no"]}, "answers.trapped"),
    ({**GOOD, "floors": ["low", "attic"]}, "answers.floors"),
    ({**GOOD, "since": "last tuesday"}, "answers.since"),
    ({**GOOD, "people": "a dozen"}, "answers.people"),
    ({**GOOD, "people": "NaN"}, "answers.people"),
    ({**GOOD, "building": "楼" * 201}, "answers.building"),
    ({**GOOD, "more": "字" * 2001}, "answers.more"),
    ({**GOOD, "notice": "informational questions take no answer"}, "answers.notice"),
    ({**GOOD, "old": "an inactive question is not asked"}, "answers.old"),
    ({**GOOD, "building": {"nested": "no"}}, "answers.building"),
])
def test_a_wrong_or_missing_answer_is_refused_with_its_field(cast, asked, answers, field):
    with pytest.raises(Invalid) as refused:
        questions.clean(cast.category, answers)
    assert field in [f for f, _detail in refused.value.errors]


def test_every_problem_is_reported_at_once(cast, asked):
    with pytest.raises(Invalid) as refused:
        questions.clean(cast.category, {"trapped": "perhaps", "colour": "red"})
    assert {f for f, _d in refused.value.errors} == {"answers.building", "answers.trapped", "answers.colour"}


def test_staff_registering_for_a_resident_may_leave_required_answers(cast, asked):
    assert questions.clean(cast.category, {}, required=False) == {}
    with pytest.raises(Invalid):  # but what they give is checked
        questions.clean(cast.category, {"trapped": "perhaps"}, required=False)


def test_the_intake_stores_the_answers_and_refuses_without_storing(cast, asked):
    resident = cast.fresh(cast.resident)
    with pytest.raises(Invalid) as refused:
        services.create_appeal(cast.intake_data(answers={"trapped": "yes"}), actor=resident)
    assert "answers.building" in [f for f, _d in refused.value.errors]
    assert not Appeal.objects.exists()
    appeal, _ = services.create_appeal(cast.intake_data(answers=GOOD), actor=resident)
    appeal.refresh_from_db()
    assert appeal.answers == GOOD
    # A category without questions takes none.
    with pytest.raises(Invalid):
        services.create_appeal(cast.intake_data(category="SZ-LD", answers=GOOD), actor=resident)


def test_the_answers_read_as_people_read_them(cast, asked):
    shown = questions.shown(cast.category, {"trapped": "no", "building": "3号楼", "floors": ["low", "high"],
                                            "since": "2026-12-01T08:30+08:00", "gone": "旧问题的回答"})
    assert shown == [("问题building", "3号楼"), ("问题trapped", "没有人被困"), ("问题floors", "低层、高层"),
                     ("问题since", "2026-12-01 08:30"), ("gone", "旧问题的回答")]


def test_the_admin_checks_a_questions_choices(cast):
    def check(**fields):
        Question(category=cast.category, **{"code": "q", "description": "问题", **fields}).full_clean()

    check(datatype=D.SINGLE, options="yes=是\nno=否")
    for bad in [dict(datatype=D.SINGLE, options=""), dict(datatype=D.STRING, options="yes=是"),
                dict(datatype=D.MULTI, options="a=甲\na=乙"), dict(datatype=D.STRING, code="has space")]:
        with pytest.raises(ValidationError):
            check(**bad)
