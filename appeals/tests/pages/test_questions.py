"""A category's extra questions (appeals.questions) on the resident's form and
the staff intake page, and the answers shown back: to staff, and to the
resident on their private page, never on the public tracking page."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from appeals import residents, services
from appeals.models import Appeal, AppealEvent, Question

from .test_submit import form_data

D = Question.Datatype
BUILDING = "answer__WY-DT__building"
TRAPPED = "answer__WY-DT__trapped"
SINCE = "answer__WY-DT__since"
FLOORS = "answer__WY-DT__floors"
HOW_MANY = "answer__WY-DT__how_many"
LAMPS = "answer__SZ-LD__lamps"


@pytest.fixture
def asked(cast):
    """The lift-fault questions of the demo, and one of the street lights'."""

    def ask(category, order, code, description, description_en, datatype=D.STRING, **more):
        return Question.objects.create(category=category, order=order, code=code, description=description,
                                       description_en=description_en, datatype=datatype, **more)

    lift = cast.category
    ask(lift, 1, "notice", "如有人被困，请先拨打119。", "If someone is trapped, call 119 first.", variable=False)
    ask(lift, 2, "building", "哪栋楼、哪个单元的电梯？", "Which building and entrance?", required=True,
        datatype_description="例如：3号楼2单元")
    ask(lift, 3, "trapped", "现在有人被困吗？", "Is anyone trapped now?", D.SINGLE, required=True,
        options="yes=有人被困\nno=没有人被困")
    ask(lift, 4, "since", "从什么时候开始停运？", "Since when?", D.DATETIME)
    ask(lift, 5, "floors", "哪些楼层停不了？", "Which floors?", D.MULTI, options="low=1–6层\nmid=7–12层\nhigh=13层以上")
    ask(lift, 6, "how_many", "几部电梯停运？", "How many lifts are out?", D.NUMBER)
    ask(cast.category_lights, 1, "lamps", "有几盏灯不亮？", "How many lamps are out?", D.NUMBER)
    return cast


def answered(**overrides):
    data = form_data(**{BUILDING: "7号楼东单元", TRAPPED: "no", SINCE: "2026-12-01T08:30", FLOORS: ["low", "high"]})
    data.update(overrides)
    return data


def field_html(body: str, name: str) -> str:
    """The markup of one field (includes/field.html's <div id="field-...">)."""
    start = body.rindex("<div ", 0, body.index(f'id="field-{name}"'))
    return body[start:body.index('<div class="field', start + 1)]


def test_the_submit_page_asks_each_categorys_questions_right_after_the_category(client, asked):
    body = client.get(reverse("submit")).content.decode()
    lift = body[body.index('data-questions-for="WY-DT"'):body.index('id="field-type"')]
    # Named, for a page read without JavaScript where every category's questions show.
    assert "<legend>A few questions about “Property management › Lift fault”</legend>" in lift
    assert '<p class="question-info">If someone is trapped, call 119 first.</p>' in lift  # information, no field
    assert 'name="answer__WY-DT__notice"' not in body
    assert re.search(rf'<input type="text" name="{BUILDING}"[^>]*data-maxlength="200"', lift)
    assert "例如：3号楼2单元" in lift  # the hint
    assert re.search(rf'<input type="radio" name="{TRAPPED}" value="yes"', lift) and "没有人被困" in lift
    assert re.search(rf'<input type="datetime-local" name="{SINCE}"', lift)
    assert re.search(rf'<input type="checkbox" name="{FLOORS}" value="high"', lift)
    assert re.search(rf'<input type="text" name="{HOW_MANY}"[^>]*inputmode="decimal"', lift)
    # The required ones carry the same mark as the other required fields.
    assert " required" in field_html(body, BUILDING).split(">")[0] and 'aria-required="true"' in lift
    assert " required" in field_html(body, TRAPPED).split(">")[0] and "*" in field_html(body, TRAPPED)
    assert " required" not in field_html(body, SINCE).split(">")[0]
    assert 'data-questions-for="SZ-LD"' in body and f'name="{LAMPS}"' in body
    # Where: under the category, before the kind of request.
    assert body.index('id="field-category"') < body.index('data-questions-for="WY-DT"') < body.index('id="field-type"')


def test_the_form_asks_no_question_of_a_category_without_any(client, cast):
    body = client.get(reverse("submit")).content.decode()
    assert "data-questions-for" not in body and "answer__" not in body


def test_the_answers_of_the_chosen_category_are_stored_with_the_request(client, asked):
    # Without JavaScript every category's fields are sent: the chosen one's alone count.
    response = client.post(reverse("submit"), answered(**{HOW_MANY: "2", LAMPS: "3"}))
    assert response.status_code == 302, response.context["form"].errors
    appeal = Appeal.objects.get()
    assert set(appeal.answers) == {"building", "trapped", "since", "floors", "how_many"}
    assert appeal.answers["building"] == "7号楼东单元" and appeal.answers["trapped"] == "no"
    assert appeal.answers["floors"] == ["low", "high"] and appeal.answers["how_many"] == "2"
    assert appeal.answers["since"].startswith("2026-12-01T08:30")  # as the browser's datetime-local sent it


def test_a_missing_required_answer_is_shown_next_to_its_question_and_nothing_is_stored(client, asked):
    response = client.post(reverse("submit"), answered(**{BUILDING: "", SINCE: "2026-12-01T08:30"}))
    assert response.status_code == 400
    assert response.context["form"].errors[BUILDING] == ["Please answer “Which building and entrance?”."]
    body = response.content.decode()
    building = field_html(body, BUILDING)
    assert "has-error" in building and f'data-error-for="{BUILDING}"' in building
    assert "Please answer “Which building and entrance?”." in building
    assert f'href="#field-{BUILDING}"' in body  # the summary links to it
    assert not Appeal.objects.exists() and not AppealEvent.objects.exists()
    # What the resident answered is kept.
    assert re.search(rf'<input type="radio" name="{TRAPPED}" value="no"[^>]*checked', body)
    assert re.search(rf'name="{SINCE}" value="2026-12-01T08:30"', body)
    assert re.search(rf'name="{FLOORS}" value="high"[^>]*checked', body)


def test_on_the_chinese_page_the_message_names_the_question_in_chinese(client, asked):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    response = client.post(reverse("submit"), answered(**{TRAPPED: ""}))
    assert response.status_code == 400
    (message,) = response.context["form"].errors[TRAPPED]
    assert "现在有人被困吗？" in message
    assert message in field_html(response.content.decode(), TRAPPED)
    assert not Appeal.objects.exists()


def test_a_wrong_answer_is_shown_next_to_its_question(client, asked):
    response = client.post(reverse("submit"), answered(**{HOW_MANY: "two", TRAPPED: "maybe"}))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "How many lifts are out?" in errors[HOW_MANY][0] and "“maybe”" in errors[TRAPPED][0]
    assert not Appeal.objects.exists()


def test_staff_are_asked_the_questions_but_may_leave_them(as_user, asked):
    client = as_user(asked.dispatcher)
    body = client.get(reverse("work_new")).content.decode()
    assert 'data-questions-for="WY-DT"' in body and f'name="{BUILDING}"' in body
    assert body.index('id="field-category"') < body.index('data-questions-for="WY-DT"') < body.index('id="field-type"')
    assert 'aria-required="true"' not in field_html(body, BUILDING)  # not required of staff
    data = {"channel": "hotline", "category": "WY-DT", "type": "help", "description": "电梯停运",
            "address": "花城小区", TRAPPED: "yes"}
    wrong = client.post(reverse("work_new"), {**data, HOW_MANY: "two"})
    assert wrong.status_code == 400 and "How many lifts are out?" in wrong.context["form"].errors[HOW_MANY][0]
    assert client.post(reverse("work_new"), data).status_code == 302
    assert Appeal.objects.get().answers == {"trapped": "yes"}


def lift_request(cast) -> Appeal:
    appeal, _ = services.create_appeal(cast.intake_data(answers={
        "building": "7号楼东单元", "trapped": "no", "since": "2026-12-01T08:30", "floors": ["low", "high"]}))
    return appeal


def test_the_staff_page_shows_the_answers(as_user, asked):
    appeal = lift_request(asked)
    body = as_user(asked.dispatcher).get(reverse("appeal_detail", args=[appeal.pk])).content.decode()
    answers = body[body.index("data-answers"):body.index("</dl>", body.index("data-answers"))]
    assert "<dt>Which building and entrance?</dt><dd>7号楼东单元</dd>" in answers
    assert "<dt>Is anyone trapped now?</dt><dd>没有人被困</dd>" in answers  # the choice's name, not its key
    assert "<dd>1–6层、13层以上</dd>" in answers
    assert "<dt>Since when?</dt><dd>2026-12-01 08:30</dd>" in answers  # a time as people write it


def test_the_public_tracking_page_never_shows_the_answers(client, asked):
    appeal = lift_request(asked)
    body = client.get(reverse("track", args=[appeal.tracking_no])).content.decode()
    assert body.count(appeal.tracking_no) and "data-answers" not in body
    for secret in ("7号楼东单元", "Which building", "没有人被困", "13层以上"):
        assert secret not in body, secret


def test_the_residents_private_page_shows_their_answers(client, asked):
    appeal = lift_request(asked)
    body = client.get(residents.private_path(appeal)).content.decode()
    mine = body[body.index("data-what-i-wrote"):body.index("</section>", body.index("data-what-i-wrote"))]
    assert "<dt>Which building and entrance?</dt><dd>7号楼东单元</dd>" in mine
    assert "<dd>1–6层、13层以上</dd>" in mine


def test_a_long_list_of_choices_is_a_list_to_pick_from(client, cast):
    brands = "\n".join(f"b{i}=品牌{i}" for i in range(6))
    Question.objects.create(category=cast.category, order=1, code="brand", description="电梯品牌",
                            description_en="Brand", datatype=D.SINGLE, options=brands)
    body = client.get(reverse("submit")).content.decode()
    assert re.search(r'<select name="answer__WY-DT__brand"[^>]*>\s*<option value="" selected>Choose one</option>', body)
    response = client.post(reverse("submit"), form_data(**{"answer__WY-DT__brand": "b5"}))
    assert response.status_code == 302 and Appeal.objects.get().answers == {"brand": "b5"}
