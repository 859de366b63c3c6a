import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from appeals import residents
from appeals.models import Appeal, AppealEvent, AppealPhoto, Status

from .conftest import png


def form_data(**overrides):
    data = {
        "contact_name": "王秀兰", "contact_phone": "13899912345", "category": "WY-DT", "type": "help",
        "urgency": "normal", "description": "花城小区3号楼电梯已经停运三天，老人上下楼很困难。",
        "address": "花城小区3号楼", "lat": "", "lng": "", "community": "",
    }
    data.update(overrides)
    return data


def errors_for(response, field: str) -> list[str]:
    return response.context["form"].errors.get(field, [])


def test_the_form_groups_categories_under_their_parent(client, cast):
    response = client.get(reverse("submit"))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<optgroup label="Property management">' in body  # English page: the English names
    assert '<option value="WY-DT">Lift fault</option>' in body
    assert 'name="photos"' in body and "multiple" in body


def test_the_map_is_drawn_without_tiles_when_none_are_configured(client, cast, settings):
    settings.MAP_TILE_URL = ""
    body = client.get(reverse("submit")).content.decode()
    assert '"tiles": ""' in body and "leaflet/leaflet.js" in body
    # Without JavaScript the map stays hidden and the address field does the job.
    assert "data-map-pick hidden" in body and 'name="address"' in body


def test_a_resident_submits_and_sees_the_tracking_number(client, cast):
    response = client.post(reverse("submit"), {**form_data(), "photos": [png("a.png"), png("b.png")]})
    appeal = Appeal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("submit_thanks", args=[appeal.tracking_no, residents.token_for(appeal)])
    assert appeal.status == Status.SUBMITTED and appeal.channel == Appeal.Channel.WEB
    assert appeal.contact_phone == "13899912345" and appeal.submitted_by is None
    assert appeal.node == cast.compound  # 花城小区 named in the address
    assert appeal.photos.count() == 2
    thanks = client.get(response["Location"]).content.decode()
    assert appeal.tracking_no in thanks
    # The private link, to keep: it alone speaks for the request.
    assert "data-private-link" in thanks and residents.private_path(appeal) in thanks
    assert "138****2345" in thanks  # it goes by text message too


def test_a_map_pin_places_the_request(client, cast):
    client.post(reverse("submit"), form_data(address="", lat="44.1911", lng="86.9012"))
    appeal = Appeal.objects.get()
    assert (appeal.lat, appeal.lng) == (44.1911, 86.9012)
    assert appeal.node == cast.compound


def test_a_logged_in_resident_owns_what_they_submit(as_user, cast):
    as_user(cast.resident).post(reverse("submit"), form_data())
    assert Appeal.objects.get().submitted_by == cast.resident


def test_the_chosen_community_places_the_request(client, cast):
    client.post(reverse("submit"), form_data(address="3号楼", community="HTB-Z-HC"))
    assert Appeal.objects.get().node == cast.community


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"description": ""}, "description"),
        ({"contact_phone": ""}, "contact_phone"),
        ({"contact_phone": "12345"}, "contact_phone"),
        ({"category": ""}, "category"),
        ({"category": "WY"}, "category"),  # a parent, not a leaf
        ({"address": "", "lat": "", "lng": ""}, "address"),
        ({"address": "", "lat": "444", "lng": "86.9"}, "address"),
    ],
)
def test_bad_input_is_shown_next_to_its_field_and_nothing_is_stored(client, cast, overrides, field):
    response = client.post(reverse("submit"), form_data(**overrides))
    assert response.status_code == 400
    assert errors_for(response, field), response.context["form"].errors
    assert f'data-error-for="{field}"' in response.content.decode()
    assert not Appeal.objects.exists() and not AppealEvent.objects.exists()


def test_what_the_resident_typed_is_kept_after_a_refusal(client, cast):
    response = client.post(reverse("submit"), form_data(contact_phone="12345"))
    body = response.content.decode()
    assert "花城小区3号楼电梯已经停运三天" in body and 'value="王秀兰"' in body


def test_a_file_that_is_not_a_photo_is_refused(client, cast):
    fake = SimpleUploadedFile("lift.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    response = client.post(reverse("submit"), {**form_data(), "photos": [fake]})
    assert response.status_code == 400
    assert errors_for(response, "photos")
    assert not Appeal.objects.exists() and not AppealPhoto.objects.exists()


def test_ten_photos_are_too_many(client, cast):
    response = client.post(reverse("submit"), {**form_data(), "photos": [png(f"{i}.png") for i in range(10)]})
    assert errors_for(response, "photos")
    assert not Appeal.objects.exists()


def test_user_text_is_escaped_on_the_page(client, cast):
    response = client.post(reverse("submit"), form_data(contact_phone="x", description="<script>alert(1)</script>"))
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_the_thanks_page_needs_the_private_token(client, cast):
    assert client.get(reverse("submit_thanks", args=["HBY-20260101-ZZZZZZ", "a" * 24])).status_code == 404
    appeal = cast.submit()
    assert client.get(reverse("submit_thanks", args=[appeal.tracking_no, "a" * 24])).status_code == 404


def test_an_empty_form_lists_every_missing_field_at_once(client, cast):
    response = client.post(reverse("submit"), {})
    assert response.status_code == 400
    assert {"contact_phone", "category", "description", "address"} <= set(response.context["form"].errors)
    assert not Appeal.objects.exists()


@pytest.mark.parametrize("signed_in", [False, True])
def test_too_many_requests_get_the_page_that_says_when_to_try_again(client, cast, settings, signed_in):
    settings.HUBIYING_RATE_LIMITS = {**settings.HUBIYING_RATE_LIMITS, "intake": (2, 3600), "intake-account": (2, 3600)}
    if signed_in:
        client.force_login(cast.resident)  # an account does not lift the limit
    for _ in range(2):
        assert client.post(reverse("submit"), form_data()).status_code == 302
    refused = client.post(reverse("submit"), form_data())
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert Appeal.objects.count() == 2
