"""POST /api/v1/appeals: a new request, with or without an account."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from appeals import residents
from appeals.models import Appeal, AppealPhoto

from .conftest import assert_error


def jpeg(name: str = "lift.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def test_anyone_may_submit_without_an_account(cast, api):
    response = api().post("/api/v1/appeals", cast.intake_data(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    appeal = Appeal.objects.get()
    assert body == {"id": appeal.pk, "tracking_no": appeal.tracking_no, "status": "submitted",
                    "token": residents.token_for(appeal), "track_url": residents.private_url(appeal)}
    assert appeal.channel == "api" and appeal.submitted_by is None
    assert appeal.contact_phone == "13899912345" and appeal.node == cast.compound
    assert appeal.events.get().action == "submit"


def test_a_signed_in_residents_request_is_linked_to_their_account(cast, api):
    response = api(cast.resident).post("/api/v1/appeals", cast.intake_data(), format="json")
    assert response.status_code == 201
    assert Appeal.objects.get().submitted_by == cast.resident


def test_map_position_without_address_is_enough(cast, api):
    data = cast.intake_data(address="", lat=44.1911, lng=86.9011, anonymous=True, urgency="urgent")
    response = api().post("/api/v1/appeals", data, format="json")
    assert response.status_code == 201, response.json()
    appeal = Appeal.objects.get()
    assert appeal.node == cast.compound and appeal.anonymous and appeal.urgency == "urgent"


def test_community_code_places_the_request(cast, api):
    response = api().post("/api/v1/appeals", cast.intake_data(address="北门", community="HTB-Z-HC"), format="json")
    assert response.status_code == 201
    assert Appeal.objects.get().node == cast.community


def test_staff_register_a_hotline_call_at_once(cast, api):
    data = cast.intake_data(channel="hotline", contact_phone="")
    response = api(cast.grid_worker).post("/api/v1/appeals", data, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "registered"
    appeal = Appeal.objects.get()
    assert appeal.channel == "hotline" and appeal.created_by == cast.grid_worker and appeal.submitted_by is None


@pytest.mark.parametrize("who", [None, "resident"])
def test_only_staff_may_use_a_staff_channel(cast, api, who):
    client = api(getattr(cast, who) if who else None)
    response = client.post("/api/v1/appeals", cast.intake_data(channel="walk_in"), format="json")
    assert_error(response, 403, "forbidden")
    assert not Appeal.objects.exists()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"type": "rumour"}, "type"),
        ({"urgency": "asap"}, "urgency"),
        ({"description": ""}, "description"),
        ({"description": "长" * 4001}, "description"),
        ({"description": "<b>电梯</b>坏了"}, "description"),
        ({"title": "标" * 101}, "title"),
        ({"contact_phone": "12345"}, "contact_phone"),
        ({"contact_phone": ""}, "contact_phone"),
        ({"address": "", "lat": 44.19}, "lat"),
        ({"address": ""}, "address"),
        ({"lat": "north", "lng": 86.9}, "lat"),
        ({"lat": 95, "lng": 86.9}, "lat"),
        ({"anonymous": "maybe"}, "anonymous"),
        ({"title": ["not", "text"]}, "title"),
        ({"channel": "fax"}, "channel"),
    ],
)
def test_bad_fields_are_named_and_nothing_is_stored(cast, api, overrides, field):
    response = api().post("/api/v1/appeals", cast.intake_data(**overrides), format="json")
    assert_error(response, 400, "invalid", field)
    assert not Appeal.objects.exists()


@pytest.mark.parametrize("overrides", [{"category": "NOPE"}, {"category": "WY"}, {"community": "NOWHERE"}])
def test_a_category_or_community_that_does_not_exist_is_404_and_named(cast, api, overrides):
    """The body had the right shape (the schema cannot know which codes exist): not a 400.
    A first-level category with children is no place to file a request either."""
    response = api().post("/api/v1/appeals", cast.intake_data(**overrides), format="json")
    field = next(iter(overrides))
    assert_error(response, 404, f"unknown_{field}", field)
    assert not Appeal.objects.exists()


def test_staff_registering_get_no_token_the_resident_gets_it_by_sms(cast, api):
    body = api(cast.grid_worker).post("/api/v1/appeals", cast.intake_data(channel="walk_in"), format="json").json()
    assert body["token"] is None and body["track_url"] is None


def test_missing_category_is_named(cast, api):
    data = cast.intake_data()
    del data["category"]
    assert_error(api().post("/api/v1/appeals", data, format="json"), 400, "invalid", "category")


def test_bad_json_is_400(cast, api):
    response = api().post("/api/v1/appeals", data='{"category": ', content_type="application/json")
    assert_error(response, 400, "parse_error")
    assert not Appeal.objects.exists()


def test_same_idempotency_key_twice_creates_one_request(cast, api):
    client = api()
    first = client.post("/api/v1/appeals", cast.intake_data(), format="json", HTTP_IDEMPOTENCY_KEY="k-42")
    again = client.post("/api/v1/appeals", cast.intake_data(), format="json", HTTP_IDEMPOTENCY_KEY="k-42")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert Appeal.objects.count() == 1


def test_same_key_with_a_different_body_is_409(cast, api):
    client = api()
    client.post("/api/v1/appeals", cast.intake_data(), format="json", HTTP_IDEMPOTENCY_KEY="k-42")
    response = client.post("/api/v1/appeals", cast.intake_data(title="另一件事"), format="json",
                           HTTP_IDEMPOTENCY_KEY="k-42")
    assert_error(response, 409, "idempotency_key_reused")
    assert Appeal.objects.count() == 1


def test_different_keys_create_two_requests(cast, api):
    client = api()
    client.post("/api/v1/appeals", cast.intake_data(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    client.post("/api/v1/appeals", cast.intake_data(), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert Appeal.objects.count() == 2


def test_multipart_with_photos(cast, api):
    data = {**cast.intake_data(), "photos": [jpeg("a.jpg"), jpeg("b.jpg")]}
    response = api(cast.resident).post("/api/v1/appeals", data, format="multipart")
    assert response.status_code == 201, response.json()
    appeal = Appeal.objects.get()
    assert appeal.photos.count() == 2 and appeal.submitted_by == cast.resident


def test_multipart_replay_matches_the_json_body(cast, api):
    client = api()
    client.post("/api/v1/appeals", cast.intake_data(), format="json", HTTP_IDEMPOTENCY_KEY="k-7")
    response = client.post("/api/v1/appeals", cast.intake_data(), format="multipart", HTTP_IDEMPOTENCY_KEY="k-7")
    assert response.status_code == 201 and Appeal.objects.count() == 1


def test_ten_photos_are_refused(cast, api):
    data = {**cast.intake_data(), "photos": [jpeg(f"{i}.jpg") for i in range(10)]}
    assert_error(api().post("/api/v1/appeals", data, format="multipart"), 400, "invalid", "photos")
    assert not Appeal.objects.exists() and not AppealPhoto.objects.exists()


def test_a_file_that_is_not_a_photo_is_refused(cast, api):
    fake = SimpleUploadedFile("lift.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    data = {**cast.intake_data(), "photos": [fake]}
    assert_error(api().post("/api/v1/appeals", data, format="multipart"), 400, "invalid", "photos")
    assert not Appeal.objects.exists()


def test_a_signed_in_resident_is_limited_per_account_staff_are_not(cast, api, settings):
    settings.HUBIYING_RATE_LIMITS = {**settings.HUBIYING_RATE_LIMITS, "intake-account": (2, 3600), "intake": (2, 3600)}
    resident = api(cast.resident)
    for _ in range(2):
        assert resident.post("/api/v1/appeals", cast.intake_data(), format="json").status_code == 201
    refused = resident.post("/api/v1/appeals", cast.intake_data(), format="json")
    assert_error(refused, 429, "too_many_requests")
    assert int(refused["Retry-After"]) > 0 and Appeal.objects.count() == 2
    # A grid worker registering walk-ins at a station is not a script.
    worker = api(cast.grid_worker)
    for _ in range(3):
        assert worker.post("/api/v1/appeals", cast.intake_data(channel="walk_in"), format="json").status_code == 201


def test_the_categorys_questions_are_answered_in_the_api(cast, api):
    from appeals.models import Question

    Question.objects.create(category=cast.category, code="trapped", description="有人被困吗？",
                            datatype=Question.Datatype.SINGLE, required=True, options="yes=有人被困\nno=没有人被困")
    listed = api().get("/api/v1/categories").json()
    [lift] = [c for c in listed[1]["children"] if c["code"] == "WY-DT"]
    assert lift["questions"][0]["code"] == "trapped"
    assert lift["questions"][0]["values"] == [{"key": "yes", "name": "有人被困"}, {"key": "no", "name": "没有人被困"}]
    missing = api().post("/api/v1/appeals", cast.intake_data(), format="json")
    assert_error(missing, 400, field="answers.trapped")
    assert not Appeal.objects.exists()
    made = api().post("/api/v1/appeals", cast.intake_data(answers={"trapped": "no"}), format="json")
    assert made.status_code == 201, made.json()
    appeal = Appeal.objects.get()
    assert appeal.answers == {"trapped": "no"}
    detail = api(cast.dispatcher).get(f"/api/v1/appeals/{appeal.pk}").json()
    assert detail["answers"] == [{"question": "有人被困吗？", "answer": "没有人被困"}]
    # Multipart (with photos): answers.<code> fields.
    form = {**cast.intake_data(), "answers.trapped": "yes", "photos": [jpeg()]}
    assert api().post("/api/v1/appeals", form, format="multipart").status_code == 201
    assert Appeal.objects.latest("pk").answers == {"trapped": "yes"}


def test_a_question_the_category_does_not_ask_is_not_found_and_a_malformed_answer_is_refused(cast, api):
    unknown = api().post("/api/v1/appeals", cast.intake_data(answers={"colour": "red"}), format="json")
    assert_error(unknown, 404, code="unknown_question", field="answers.colour")
    for wrong in ({"colour": None}, {"colour": {"nested": 1}}, {"colour": [1, 2]}, {"colour": True}):
        assert_error(api().post("/api/v1/appeals", cast.intake_data(answers=wrong), format="json"), 400)
    assert not Appeal.objects.exists()
