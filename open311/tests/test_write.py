"""Filing and following requests through Open311 as a client application does:
form-encoded POSTs with its api_key, answers parsed as XML or JSON."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from appeals import services
from appeals.models import Appeal, AppealEvent, AppealPhoto, Question, Status
from appeals.timeline import public_timeline, staff_timeline
from conftest import deliver
from notifications.models import Notification
from open311 import keys
from open311.models import ApiClient, FiledRequest

from .reading import BASE, error_of, get, json_of, xml_of


@pytest.fixture
def app_key(db):
    return keys.issue(ApiClient(name="热线系统"))


@pytest.fixture
def questions(cast):
    """The lift's questions, one of each datatype and one for information only."""
    rows = [
        ("notice", "如有人被困请先拨打119", Question.Datatype.STRING, False, "", False),
        ("building", "哪栋楼？", Question.Datatype.STRING, True, "", True),
        ("trapped", "有人被困吗？", Question.Datatype.SINGLE, True, "yes=有人被困\nno=没有人被困", True),
        ("floors", "哪些楼层？", Question.Datatype.MULTI, False, "low=低层\nhigh=高层", True),
        ("since", "何时开始？", Question.Datatype.DATETIME, False, "", True),
        ("people", "影响几户？", Question.Datatype.NUMBER, False, "", True),
        ("more", "还有什么情况？", Question.Datatype.TEXT, False, "", True),
    ]
    for order, (code, text, datatype, required, options, variable) in enumerate(rows, start=1):
        Question.objects.create(category=cast.category, code=code, description=text, datatype=datatype,
                                required=required, options=options, variable=variable, order=order)


def form(key, **overrides):
    data = {
        "api_key": key, "service_code": "WY-DT",
        "description": "花城小区3号楼电梯已经停运三天，老人上下楼很困难。",
        "address_string": "花城小区3号楼", "first_name": "秀兰", "last_name": "王", "phone": "13899912345",
        "email": "wang@example.org", "device_id": "device-1", "account_id": "acct-9",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def post(client, path, data, fmt="json", **extra):
    return client.post(f"{BASE}{path}.{fmt}", data, **extra)


def filed_json(response):
    assert response.status_code == 200, response.content
    [answer] = json_of(response)
    return answer


# --- POST requests ------------------------------------------------------------------

def test_a_request_filed_in_json_goes_through_the_intake_and_can_be_followed(client, cast, app_key):
    answer = filed_json(post(client, "requests", form(app_key)))
    appeal = Appeal.objects.get(tracking_no=answer["service_request_id"])
    assert appeal.channel == Appeal.Channel.OPEN311 and appeal.status == Status.SUBMITTED
    assert appeal.category == cast.category and appeal.address == "花城小区3号楼"
    assert appeal.node == cast.compound  # routed by the same intake: the compound named in the address
    assert appeal.contact_name == "王秀兰" and appeal.contact_phone == "13899912345"
    assert appeal.tracking_no in answer["service_notice"] and answer["account_id"] == "acct-9"
    filed = FiledRequest.objects.get(appeal=appeal)
    assert (filed.email, filed.device_id, filed.account_id) == ("wang@example.org", "device-1", "acct-9")
    assert filed.client.last_used_at is not None
    # The dispatchers hear of it, as of any new request.
    deliver()
    assert Notification.objects.filter(user=cast.dispatcher, event__appeal=appeal).exists()
    # Followed by id and by token, without any personal data in the answers.
    [shown] = json_of(get(client, f"requests/{appeal.tracking_no}.json"))
    assert shown["status"] == "open" and shown["service_code"] == "WY-DT"
    tokens = json_of(get(client, f"tokens/{answer['token']}.json"))
    assert tokens == [{"service_request_id": appeal.tracking_no, "token": answer["token"]}]


def test_a_request_filed_in_xml_answers_in_xml(client, cast, app_key):
    root = xml_of(post(client, "requests", form(app_key, address_string=None, lat="44.1911", long="86.9012"),
                       fmt="xml"))
    assert root.tag == "service_requests"
    number = root.findtext("request/service_request_id")
    assert root.findtext("request/token") and root.findtext("request/service_notice")
    appeal = Appeal.objects.get(tracking_no=number)
    assert (appeal.lat, appeal.lng) == (44.1911, 86.9012) and appeal.node == cast.compound
    token = xml_of(get(client, f"tokens/{root.findtext('request/token')}.xml"))
    assert token.findtext("request/service_request_id") == number


def test_address_id_is_a_place_code_of_the_tree(client, cast, app_key):
    answer = filed_json(post(client, "requests", form(app_key, address_string=None, address_id=cast.compound.code)))
    assert Appeal.objects.get(tracking_no=answer["service_request_id"]).node == cast.compound
    refused = error_of(post(client, "requests", form(app_key, address_string=None, address_id="NOWHERE")), 400)
    assert refused[0][1].startswith("address_id:")


def test_without_a_valid_key_nothing_is_filed(client, cast, app_key):
    ApiClient.objects.create(name="停用的应用", key_hash=keys.digest("old-key"), active=False)
    for key in (None, "", "wrong", "old-key"):
        for fmt in ("xml", "json"):
            assert error_of(post(client, "requests", form(key), fmt=fmt), 403)
    assert not Appeal.objects.exists()


def test_every_problem_comes_back_under_its_open311_name_and_nothing_is_stored(client, cast, app_key, questions):
    response = post(client, "requests", form(
        app_key, service_code="WY-DT", address_string=None, phone="12345", description="<b>电梯</b>坏了",
        **{"attribute[trapped]": "maybe", "attribute[colour]": "red"}))
    problems = [text for _code, text in error_of(response, 400)]
    names = {text.split(":")[0] for text in problems}
    assert {"description", "phone", "address_string", "attribute[trapped]", "attribute[colour]",
            "attribute[building]"} <= names, problems
    assert not Appeal.objects.exists() and not FiledRequest.objects.exists()


@pytest.mark.parametrize(("overrides", "name"), [
    ({"service_code": "NOPE"}, "service_code"),
    ({"service_code": "WY"}, "service_code"),  # a group, not a service
    ({"description": "长" * 4001}, "description"),
    ({"description": ""}, "description"),
    ({"lat": "44.19", "address_string": None}, "lat"),  # lat without long
    ({"lat": "north", "long": "86.9"}, "lat"),
    ({"email": "not-an-address"}, "email"),
    ({"media_url": "javascript:alert(1)"}, "media_url"),
    ({"first_name": "名" * 101}, "first_name"),
])
def test_bad_fields_are_400s(client, cast, app_key, overrides, name):
    problems = error_of(post(client, "requests", form(app_key, **overrides)), 400)
    assert any(name in text for _code, text in problems), problems
    assert not Appeal.objects.exists()


def test_a_description_of_4000_characters_is_taken(client, cast, app_key):
    answer = filed_json(post(client, "requests", form(app_key, description="电" * 4000)))
    assert len(Appeal.objects.get(tracking_no=answer["service_request_id"]).description) == 4000


def test_attributes_are_answered_and_stored(client, cast, app_key, questions):
    data = form(app_key, **{"attribute[building]": "3号楼", "attribute[trapped]": "no",
                            "attribute[floors][]": ["low", "high"], "attribute[since]": "2026-12-01T08:30:00+08:00",
                            "attribute[people]": "12", "attribute[more]": "电梯间有焦糊味"})
    appeal = Appeal.objects.get(tracking_no=filed_json(post(client, "requests", data))["service_request_id"])
    assert appeal.answers == {"building": "3号楼", "trapped": "no", "floors": ["low", "high"],
                              "since": "2026-12-01T08:30+08:00", "people": "12", "more": "电梯间有焦糊味"}
    # The answers are the staff's and the resident's to read, never public output.
    shown = get(client, f"requests/{appeal.tracking_no}.json", extensions="true").content.decode()
    assert "电梯间有焦糊味" not in shown


@pytest.mark.parametrize(("code", "value"), [
    ("people", "twelve"), ("since", "yesterday"), ("floors", "middle"), ("trapped", ["yes", "no"]),
    ("building", "楼" * 201),
])
def test_a_wrong_answer_is_refused(client, cast, app_key, questions, code, value):
    data = form(app_key, **{"attribute[building]": "3号楼", "attribute[trapped]": "no", f"attribute[{code}]": value})
    problems = error_of(post(client, "requests", data), 400)
    assert any(text.startswith(f"attribute[{code}]:") for _c, text in problems), problems


def test_a_photo_uploaded_as_media_is_stored(client, cast, app_key):
    from appeals.tests.pages.conftest import png

    answer = filed_json(post(client, "requests", {**form(app_key), "media": png("lift.png")}))
    assert AppealPhoto.objects.filter(appeal__tracking_no=answer["service_request_id"]).count() == 1
    bad = SimpleUploadedFile("lift.png", b"not an image", content_type="image/png")
    assert any(t.startswith("media:") for _c, t in error_of(post(client, "requests", {**form(app_key), "media": bad}),
                                                            400))


def test_the_media_url_is_kept_but_not_published(client, cast, app_key):
    answer = filed_json(post(client, "requests", form(app_key, media_url="https://img.example.org/lift.jpg")))
    assert FiledRequest.objects.get().media_url == "https://img.example.org/lift.jpg"
    body = get(client, f"requests/{answer['service_request_id']}.json").content.decode()
    assert "img.example.org" not in body


def test_each_client_has_its_own_write_limit(client, cast, app_key):
    ApiClient.objects.update(hourly_limit=2)
    other = keys.issue(ApiClient(name="另一个应用"))
    for _ in range(2):
        filed_json(post(client, "requests", form(app_key)))
    assert error_of(post(client, "requests", form(app_key)), 429)
    filed_json(post(client, "requests", form(other)))  # another client is not held back
    assert Appeal.objects.count() == 3


def test_a_foreign_jurisdiction_is_a_404_for_posts_too(client, cast, app_key):
    assert error_of(post(client, "requests", form(app_key, jurisdiction_id="elsewhere.gov")), 404)
    assert not Appeal.objects.exists()


def test_unknown_tokens_are_404(client, db):
    assert error_of(get(client, "tokens/nothing-here.json"), 404)
    assert error_of(get(client, "tokens/" + "x" * 300 + ".xml"), 404)


# --- Service definitions --------------------------------------------------------------

def test_a_service_with_questions_has_metadata_and_its_attributes(client, cast, questions):
    services_ = {s["service_code"]: s for s in json_of(get(client, "services.json"))}
    assert services_["WY-DT"]["metadata"] is True and services_["SZ-LD"]["metadata"] is False
    definition = json_of(get(client, "services/WY-DT.json"))
    attributes = definition["attributes"]
    assert [a["order"] for a in attributes] == [1, 2, 3, 4, 5, 6, 7]
    assert {a["code"]: a["datatype"] for a in attributes} == {
        "notice": "string", "building": "string", "trapped": "singlevaluelist", "floors": "multivaluelist",
        "since": "datetime", "people": "number", "more": "text"}
    notice = attributes[0]
    assert notice["variable"] is False and notice["required"] is False
    trapped = next(a for a in attributes if a["code"] == "trapped")
    assert trapped["required"] is True and trapped["values"] == [{"key": "yes", "name": "有人被困"},
                                                                 {"key": "no", "name": "没有人被困"}]
    root = xml_of(get(client, "services/WY-DT.xml"))
    assert root.tag == "service_definition"
    xml_trapped = next(a for a in root.findall("attributes/attribute") if a.findtext("code") == "trapped")
    assert [v.findtext("key") for v in xml_trapped.findall("values/value")] == ["yes", "no"]
    assert xml_trapped.findtext("required") == "true" and xml_trapped.findtext("variable") == "true"


# --- servicerequestupdates ----------------------------------------------------------

@pytest.fixture
def filed(client, cast, app_key):
    """A request the app filed, walked to its reply by the staff."""
    number = filed_json(post(client, "requests", form(app_key)))["service_request_id"]
    appeal = Appeal.objects.get(tracking_no=number)
    services.register(appeal, actor=cast.fresh(cast.dispatcher))
    services.dispatch(appeal, actor=cast.fresh(cast.dispatcher), unit=cast.community_unit.pk)
    return appeal


def update(client, key, appeal, fmt="json", **fields):
    return post(client, "servicerequestupdates", {"api_key": key, "service_request_id": appeal.tracking_no,
                                                  **fields}, fmt=fmt)


def test_a_residents_comment_reaches_the_timeline_and_the_unit(client, cast, app_key, filed):
    response = update(client, app_key, filed, status="OPEN", description="电梯今天又困人了", update_id="fms-1")
    [answer] = json_of(response)
    event = AppealEvent.objects.get(pk=int(answer["update_id"]))
    assert event.action == "comment" and event.note == "电梯今天又困人了"
    staff = [e for e in staff_timeline(filed) if e.action == "comment"]
    assert staff and staff[0].text == "电梯今天又困人了" and "热线系统" in " ".join(staff[0].details)
    assert staff[0].actor in ("the resident", "居民本人")  # not "the platform"
    # The public reads that the resident added something, never what.
    public = [e for e in public_timeline(filed) if e.action == "comment"]
    assert public and public[0].text == ""
    deliver()
    assert Notification.objects.filter(user=cast.handler, event=event).exists()
    # Posted again (a retry), the same update stands and nothing is added.
    again = json_of(update(client, app_key, filed, status="OPEN", description="电梯今天又困人了", update_id="fms-1"))
    assert again == [answer]
    assert AppealEvent.objects.filter(appeal=filed, action="comment").count() == 1


def test_reopen_after_the_reply_is_a_dissatisfied_evaluation(client, cast, app_key, filed):
    assert error_of(update(client, app_key, filed, status="REOPEN", description="还是坏的"), 400)  # not replied yet
    services.sign_for(filed, actor=cast.fresh(cast.handler))
    services.reply(filed, actor=cast.fresh(cast.handler), result="resolved", content="已修好。")
    root = xml_of(update(client, app_key, filed, fmt="xml", status="REOPEN", description="还是坏的"))
    assert root.tag == "service_request_updates" and root.findtext("request_update/update_id")
    filed.refresh_from_db()
    assert filed.status == Status.EVALUATED and filed.rating == Appeal.Rating.DISSATISFIED
    assert filed.rating_comment == "还是坏的" and filed.evaluated_via == "api"
    event = AppealEvent.objects.get(appeal=filed, action="evaluate")
    assert event.data["proof"] == "client"


def test_fixed_after_the_reply_is_a_satisfied_evaluation_that_closes(client, cast, app_key, filed):
    services.sign_for(filed, actor=cast.fresh(cast.handler))
    services.reply(filed, actor=cast.fresh(cast.handler), result="resolved", content="已修好。")
    json_of(update(client, app_key, filed, status="fixed"))
    filed.refresh_from_db()
    assert filed.status == Status.CLOSED and filed.rating == Appeal.Rating.SATISFIED
    # Closed: no more comments.
    assert error_of(update(client, app_key, filed, status="OPEN", description="谢谢"), 400)


def test_only_the_app_that_filed_a_request_may_post_its_updates(client, cast, app_key, filed):
    other = keys.issue(ApiClient(name="另一个应用"))
    assert error_of(update(client, other, filed, description="冒充的评论"), 403)
    assert error_of(update(client, "", filed, description="没有钥匙"), 403)
    staff_made = cast.appeal_in(Status.DISPATCHED)  # not filed through Open311 at all
    assert error_of(update(client, app_key, staff_made, description="评论"), 403)
    assert error_of(post(client, "servicerequestupdates", {"api_key": app_key, "service_request_id": "NOPE",
                                                           "description": "x"}), 404)
    assert error_of(update(client, app_key, filed, status="PAUSED", description="x"), 400)
    assert error_of(update(client, app_key, filed, description=""), 400)
    assert not AppealEvent.objects.filter(action="comment").exists()


def test_updates_are_listed_by_time_without_personal_data(client, cast, app_key, filed):
    update(client, app_key, filed, description="电梯今天又困人了")
    got = json_of(get(client, "servicerequestupdates.json", api_key=app_key))
    mine = [u for u in got if u["service_request_id"] == filed.tracking_no]
    assert [u["external_status_code"] for u in mine] == ["submitted", "registered", "dispatched", "dispatched"]
    assert all(u["status"] == "open" and u["updated_datetime"].endswith("+08:00") for u in mine)
    assert "电梯今天又困人了" not in get(client, "servicerequestupdates.json", api_key=app_key).content.decode()
    assert [int(u["update_id"]) for u in got] == sorted(int(u["update_id"]) for u in got)
    root = xml_of(get(client, "servicerequestupdates.xml", api_key=app_key, page_size="2", page="2"))
    assert root.tag == "service_request_updates" and len(root.findall("request_update")) == 2
    # Without a key, and with the public list off, the updates are not listed in bulk.
    assert error_of(get(client, "servicerequestupdates.json"), 403)
    later = json_of(get(client, "servicerequestupdates.json", api_key=app_key,
                        start_date="2999-01-01T00:00:00+08:00", end_date="2999-01-02"))
    assert later == []
