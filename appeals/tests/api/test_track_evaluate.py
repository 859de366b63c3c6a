"""POST /api/v1/track/{tracking_no}/evaluate: rating by tracking number and phone digits."""

from __future__ import annotations

from appeals.models import Status

from .conftest import assert_error


def evaluate(api, appeal, **body):
    data = {"phone_last4": "2345", "rating": "satisfied", **body}
    return api().post(f"/api/v1/track/{appeal.tracking_no}/evaluate", data, format="json")


def test_right_phone_digits_record_the_rating_and_close(cast, api):
    appeal = cast.appeal_in(Status.REPLIED)
    response = evaluate(api, appeal, comment="修得很快")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "closed" and response.json()["rating"] == "satisfied"
    appeal.refresh_from_db()
    assert appeal.status == Status.CLOSED and appeal.rating == "satisfied" and appeal.rating_comment == "修得很快"
    event = appeal.events.get(action="evaluate")
    assert event.actor is None and event.data["callback"] is False


def test_dissatisfied_rating_waits_for_the_dispatcher(cast, api):
    appeal = cast.appeal_in(Status.REPLIED)
    assert evaluate(api, appeal, rating="dissatisfied").json()["status"] == "evaluated"
    appeal.refresh_from_db()
    assert appeal.status == Status.EVALUATED


def test_wrong_phone_digits_are_403_and_change_nothing(cast, api):
    appeal = cast.appeal_in(Status.REPLIED)
    assert_error(evaluate(api, appeal, phone_last4="1234"), 403, "phone_mismatch")
    appeal.refresh_from_db()
    assert appeal.status == Status.REPLIED and not appeal.events.filter(action="evaluate").exists()


def test_five_wrong_tries_lock_the_number_for_the_hour(cast, api):
    appeal = cast.appeal_in(Status.REPLIED)
    for _ in range(5):
        assert_error(evaluate(api, appeal, phone_last4="0000"), 403, "phone_mismatch")
    response = evaluate(api, appeal)  # even the right digits now
    assert_error(response, 429, "too_many_attempts")
    assert int(response["Retry-After"]) > 0
    appeal.refresh_from_db()
    assert appeal.status == Status.REPLIED


def test_wrong_tries_on_one_request_do_not_lock_another(cast, api):
    locked, other = cast.appeal_in(Status.REPLIED), cast.appeal_in(Status.REPLIED)
    for _ in range(5):
        evaluate(api, locked, phone_last4="0000")
    assert evaluate(api, other).status_code == 200


def test_a_request_not_yet_replied_cannot_be_rated(cast, api):
    appeal = cast.appeal_in(Status.IN_PROGRESS)
    assert_error(evaluate(api, appeal), 409, "wrong_state")


def test_bad_fields_are_named(cast, api):
    appeal = cast.appeal_in(Status.REPLIED)
    assert_error(evaluate(api, appeal, rating="great"), 400, "invalid", "rating")
    assert_error(evaluate(api, appeal, phone_last4="23"), 400, "invalid", "phone_last4")
    assert_error(evaluate(api, appeal, phone_last4="23a5"), 400, "invalid", "phone_last4")
    appeal.refresh_from_db()
    assert appeal.status == Status.REPLIED


def test_a_request_without_a_phone_cannot_be_rated_this_way(cast, api):
    appeal = cast.appeal_in(Status.REPLIED)
    appeal.__class__.objects.filter(pk=appeal.pk).update(contact_phone="")
    assert_error(evaluate(api, appeal, phone_last4="0000"), 403, "phone_mismatch")


def test_unknown_number_is_404(db, api):
    response = api().post("/api/v1/track/HBY-20260101-9999/evaluate", {"phone_last4": "1234", "rating": "satisfied"},
                          format="json")
    assert_error(response, 404, "not_found")
