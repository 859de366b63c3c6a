from django.urls import reverse

from appeals.models import Appeal, AppealEvent, Status


def url(appeal):
    return reverse("track_evaluate", args=[appeal.tracking_no])


def test_the_resident_evaluates_with_the_last_four_digits_of_the_phone(client, cast):
    appeal = cast.appeal_in("replied")
    response = client.post(url(appeal), {"phone_digits": "2345", "rating": "satisfied", "comment": "很快"})
    assert response.status_code == 302
    assert response["Location"] == reverse("track", args=[appeal.tracking_no])
    appeal.refresh_from_db()
    assert appeal.status == Status.CLOSED
    assert appeal.rating == Appeal.Rating.SATISFIED and appeal.rating_comment == "很快"
    event = appeal.events.get(action="evaluate")
    assert event.data["rating"] == "satisfied" and event.actor is None
    page = client.get(response["Location"]).content.decode()
    assert "Your evaluation is recorded." in page and 'data-status="closed"' in page


def test_a_dissatisfied_rating_leaves_the_request_for_the_dispatcher(client, cast):
    appeal = cast.appeal_in("replied")
    client.post(url(appeal), {"phone_digits": "2345", "rating": "dissatisfied"})
    appeal.refresh_from_db()
    assert appeal.status == Status.EVALUATED and appeal.rating == Appeal.Rating.DISSATISFIED


def test_wrong_digits_are_refused_and_change_nothing(client, cast):
    appeal = cast.appeal_in("replied")
    events = AppealEvent.objects.count()
    response = client.post(url(appeal), {"phone_digits": "1234", "rating": "satisfied"})
    assert response.status_code == 400
    assert response.context["form"].errors["phone_digits"]
    appeal.refresh_from_db()
    assert appeal.status == Status.REPLIED and not appeal.rating
    assert AppealEvent.objects.count() == events


def test_after_five_wrong_tries_even_the_right_digits_wait_an_hour(client, cast):
    appeal = cast.appeal_in("replied")
    for _ in range(5):
        client.post(url(appeal), {"phone_digits": "0000", "rating": "satisfied"})
    response = client.post(url(appeal), {"phone_digits": "2345", "rating": "satisfied"})
    assert response.status_code == 429
    assert "Too many wrong tries" in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.status == Status.REPLIED


def test_the_guard_counts_per_request(client, cast):
    first, second = cast.appeal_in("replied"), cast.appeal_in("replied")
    for _ in range(5):
        client.post(url(first), {"phone_digits": "0000", "rating": "satisfied"})
    client.post(url(second), {"phone_digits": "2345", "rating": "satisfied"})
    second.refresh_from_db()
    assert second.status == Status.CLOSED


def test_a_rating_is_required(client, cast):
    appeal = cast.appeal_in("replied")
    response = client.post(url(appeal), {"phone_digits": "2345"})
    assert response.context["form"].errors["rating"]
    appeal.refresh_from_db()
    assert appeal.status == Status.REPLIED


def test_a_request_not_yet_replied_cannot_be_evaluated(client, cast):
    appeal = cast.appeal_in("signed")
    page = client.get(url(appeal))
    assert page.status_code == 200 and 'data-form="evaluate"' not in page.content.decode()
    response = client.post(url(appeal), {"phone_digits": "2345", "rating": "satisfied"})
    assert response.status_code == 400
    assert "not waiting for your evaluation" in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.status == Status.SIGNED and not appeal.rating
