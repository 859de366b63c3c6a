"""The public events API: the list by community and dates with its counts, one
event, and a resident's sign-up by one-time code — the waiting list, the same
phone twice, cancellation with the private token moving the first waiting
resident up."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from appeals.tests.api.conftest import assert_error
from events import services
from events.models import Event, Signup
from notifications import sms
from notifications.models import OneTimeCode, SmsMessage
from places.tests.spots import make_spots

pytestmark = pytest.mark.django_db
S = Signup.State
T = SmsMessage.Template
PHONES = ("13899900001", "13899900002", "13899900003")


def noon_in(days: int):
    """Noon (local time) `days` from today: far from any day's edge."""
    return timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0) + timedelta(days=days)


def event(node, title="邻里文化节", days=3, **extra) -> Event:
    starts = noon_in(days)
    extra.setdefault("capacity", 2)
    return Event.objects.create(node=node, title=title, starts_at=starts, ends_at=starts + timedelta(hours=2),
                                **extra)


def get(client, url, params=None):
    return client.get(url, params or {}, secure=True)


def post(client, url, body):
    return client.post(url, body, content_type="application/json", secure=True)


def sent_code(phone: str) -> str:
    from conftest import deliver

    deliver()
    return [m for m in sms.outbox if m["template"] == T.ONE_TIME_CODE and m["phone"] == phone][-1]["params"]["code"]


def ask_code(client, ev: Event, phone: str) -> str:
    response = post(client, f"/api/v1/events/{ev.pk}/signups/code", {"phone": phone})
    assert response.status_code == 202 and response.json() == {"sent": True}, response.json()
    return sent_code(phone)


def sign_up(client, ev: Event, phone: str, name: str = "王秀兰"):
    code = ask_code(client, ev, phone)
    return post(client, f"/api/v1/events/{ev.pk}/signups", {"name": name, "phone": phone, "code": code})


def titles(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [r["title"] for r in response.json()["results"]]


# --- The list ------------------------------------------------------------------------


def test_the_list_has_the_upcoming_published_events_soonest_first(client, cast):
    event(cast.community, "三天后", days=3)
    event(cast.community, "明天", days=1)
    event(cast.compound, "小区里后天", days=2)
    event(cast.community, "昨天", days=-1)
    event(cast.community, "未发布", days=1, published=False)
    event(cast.other_community, "昌吉的活动", days=4)
    assert titles(get(client, "/api/v1/events")) == ["明天", "小区里后天", "三天后", "昌吉的活动"]


def test_a_community_lists_its_subtree_and_an_unknown_one_nothing(client, cast):
    event(cast.community, "社区的", days=1)
    event(cast.compound, "小区的", days=2)
    event(cast.other_community, "昌吉的", days=3)
    assert titles(get(client, "/api/v1/events", {"community": cast.community.pk})) == ["社区的", "小区的"]
    assert titles(get(client, "/api/v1/events", {"community": cast.compound.pk})) == ["小区的"]
    assert titles(get(client, "/api/v1/events", {"community": cast.county.pk})) == ["社区的", "小区的"]
    assert get(client, "/api/v1/events", {"community": 999999}).json()["count"] == 0


def test_a_community_that_is_no_number_is_refused_in_chinese(client, cast):
    body = assert_error(get(client, "/api/v1/events", {"community": "x"}), 400, "invalid", "community")
    assert "整数" in body["detail"]
    assert_error(get(client, "/api/v1/events", {"community": ""}), 400, "invalid", "community")


def test_from_and_to_take_days_and_moments(client, cast):
    event(cast.community, "昨天", days=-1)
    one, two = event(cast.community, "明天", days=1), event(cast.community, "后天", days=2)
    event(cast.community, "三天后", days=3)
    day = lambda ev: timezone.localtime(ev.starts_at).date().isoformat()  # noqa: E731
    assert titles(get(client, "/api/v1/events", {"from": day(two), "to": day(two)})) == ["后天"]
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert titles(get(client, "/api/v1/events", {"from": yesterday, "to": day(one)})) == ["昨天", "明天"]
    # A moment, with its offset (and the "+" of an unencoded query string read as a space).
    moment = timezone.localtime(two.starts_at)
    assert titles(get(client, "/api/v1/events", {"from": moment.isoformat()})) == ["后天", "三天后"]
    spaced = moment.strftime("%Y-%m-%dT%H:%M:%S") + " 08:00"
    if moment.utcoffset() == timedelta(hours=8):
        assert titles(get(client, "/api/v1/events", {"to": spaced})) == ["明天", "后天"]
    # Without an offset: the server's time.
    assert titles(get(client, "/api/v1/events", {"to": moment.strftime("%Y-%m-%dT%H:%M")})) == ["明天", "后天"]


@pytest.mark.parametrize("value", ["tomorrow", "2026-13-01", "2026-02-30T10:00", "2026-02-29", "2026-06-01T24:00",
                                   "2026-06-01T10:00+24:00", " 2026-06-01", "２０２６-06-01", "2026-6-1", ""])
def test_a_date_that_is_no_date_is_refused(client, cast, value):
    assert_error(get(client, "/api/v1/events", {"from": value}), 400, "invalid", "from")
    assert_error(get(client, "/api/v1/events", {"to": value}), 400, "invalid", "to")


def test_every_date_and_moment_the_schema_allows_is_taken(client, cast):
    event(cast.community, "明天", days=1)
    # Years no datetime could hold once moved to UTC count as 1900 and the end of 9998.
    assert titles(get(client, "/api/v1/events", {"from": "0000-02-29", "to": "9999-12-31"})) == ["明天"]
    assert titles(get(client, "/api/v1/events", {"from": "0001-01-01T00:00:00+14:00",
                                                 "to": "9999-12-31T23:59:59-23:59"})) == ["明天"]
    assert titles(get(client, "/api/v1/events", {"from": "9999-01-01"})) == []
    assert titles(get(client, "/api/v1/events", {"to": "1899-12-31"})) == []
    # RFC 3339's small letters, a leap second and a fraction of any length.
    for value in ("2016-12-31t23:59:60z", "2016-12-31T23:59:59.123456789+08:00", "2016-12-31 23:59:59Z"):
        assert get(client, "/api/v1/events", {"from": value}).json()["count"] == 1, value


def test_the_list_counts_the_places_taken_and_the_waiting_list(client, cast):
    spots = make_spots(cast)
    ev = event(cast.community, "一起来摊玩", days=1, place=spots.station, location="二楼活动室",
               audience=Event.Audience.ELDERLY)
    for phone, state in zip(("13899900001", "13899900002", "13899900003", "13899900004", "13899900005"),
                            (S.CONFIRMED, S.ATTENDED, S.WAITING, S.CANCELLED, S.WAITING), strict=True):
        Signup.objects.create(event=ev, name="居民", phone=phone, state=state)
    event(cast.community, "取消了", days=2, capacity=None, cancelled_at=timezone.now())
    response = get(client, "/api/v1/events")
    first, second = response.json()["results"]
    assert first == {
        "id": ev.pk, "title": "一起来摊玩", "starts_at": first["starts_at"], "ends_at": first["ends_at"],
        "place": {"id": spots.station.pk, "name": "红星超市社区服务驿站"},
        "location": "红星超市社区服务驿站 二楼活动室",
        "community": {"id": cast.community.pk, "code": "HTB-Z-HC", "name": "花城社区"},
        "audience": "elderly", "capacity": 2, "taken": 2, "waitlist": 2, "signup_open": True, "cancelled": False,
        "url": f"https://testserver/events/{ev.pk}/",
    }
    assert datetime.fromisoformat(first["starts_at"]) == ev.starts_at
    assert second["capacity"] is None and second["place"] is None and second["cancelled"] is True
    assert second["signup_open"] is False and second["taken"] == 0
    assert "1389990000" not in response.content.decode() and "居民" not in response.content.decode()


def test_the_list_comes_in_pages(client, cast):
    for n in range(5):
        event(cast.community, f"第{n}场", days=n + 1)
    page = get(client, "/api/v1/events", {"page_size": 2}).json()
    assert page["count"] == 5 and page["previous"] is None and [r["title"] for r in page["results"]] == ["第0场",
                                                                                                          "第1场"]
    second = client.get(page["next"], secure=True).json()
    assert [r["title"] for r in second["results"]] == ["第2场", "第3场"] and second["previous"]
    last = get(client, "/api/v1/events", {"page_size": 2, "page": 3}).json()
    assert [r["title"] for r in last["results"]] == ["第4场"] and last["next"] is None
    assert get(client, "/api/v1/events", {"page_size": 2, "page": 9}).json()["results"] == []
    assert_error(get(client, "/api/v1/events", {"page_size": 101}), 400, "invalid", "page_size")
    assert_error(get(client, "/api/v1/events", {"page": "x"}), 400, "invalid", "page")


# --- One event -----------------------------------------------------------------------


def test_an_event_has_its_description_theme_and_closing(client, cast):
    from events.models import Programme

    theme = Programme.objects.create(node=cast.community, period=Programme.Period.MONTH,
                                     starts_on=timezone.localdate().replace(day=1), title="邻里文化节")
    ev = event(cast.community, "包饺子", days=2, description="一起包饺子", theme=theme,
               signup_closes_at=noon_in(1))
    body = get(client, f"/api/v1/events/{ev.pk}").json()
    assert body["description"] == "一起包饺子" and body["theme"] == "邻里文化节"
    assert datetime.fromisoformat(body["signup_closes_at"]) == ev.signup_closes_at
    assert body["taken"] == 0 and body["signup_open"] is True and body["location"] == ""
    plain = get(client, f"/api/v1/events/{event(cast.community).pk}").json()
    assert plain["theme"] is None and plain["signup_closes_at"] is None


def test_an_unpublished_or_unknown_event_is_not_found(client, cast):
    hidden = event(cast.community, published=False)
    assert_error(get(client, f"/api/v1/events/{hidden.pk}"), 404, "not_found")
    assert_error(get(client, "/api/v1/events/999999"), 404, "not_found")
    assert_error(post(client, f"/api/v1/events/{hidden.pk}/signups/code", {"phone": PHONES[0]}), 404, "not_found")
    assert_error(post(client, f"/api/v1/events/{hidden.pk}/signups",
                      {"name": "王秀兰", "phone": PHONES[0], "code": "123456"}), 404, "not_found")


# --- Signing up ----------------------------------------------------------------------


def test_two_places_then_the_waiting_list(client, cast):
    ev = event(cast.community)
    answers = [sign_up(client, ev, phone) for phone in PHONES]
    assert [a.status_code for a in answers] == [201, 201, 201]
    bodies = [a.json() for a in answers]
    assert [(b["state"], b["position"]) for b in bodies] == [("confirmed", None), ("confirmed", None),
                                                             ("waiting", 1)]
    third = Signup.objects.get(pk=bodies[2]["id"])
    assert bodies[2]["token"] == services.token_for(third)
    assert bodies[2]["url"] == "https://testserver" + services.private_path(third)
    assert set(bodies[0]) == {"id", "state", "position", "token", "url"}
    assert SmsMessage.objects.filter(template=T.EVENT_SIGNED_UP).count() == 2
    assert SmsMessage.objects.filter(template=T.EVENT_WAITING, phone=PHONES[2]).count() == 1
    listed = get(client, f"/api/v1/events/{ev.pk}").json()
    assert (listed["taken"], listed["waitlist"]) == (2, 1)


def test_a_wrong_code_is_refused_with_its_field(client, cast):
    ev = event(cast.community)
    code = ask_code(client, ev, PHONES[0])
    wrong = "000000" if code != "000000" else "111111"
    body = assert_error(post(client, f"/api/v1/events/{ev.pk}/signups",
                             {"name": "王秀兰", "phone": PHONES[0], "code": wrong}), 400, "wrong_code", "code")
    assert "4" in body["detail"]
    assert not Signup.objects.exists()
    ok = post(client, f"/api/v1/events/{ev.pk}/signups", {"name": "王秀兰", "phone": PHONES[0], "code": code})
    assert ok.status_code == 201


def test_name_and_phone_are_checked_together(client, cast):
    ev = event(cast.community)
    body = assert_error(post(client, f"/api/v1/events/{ev.pk}/signups",
                             {"name": " ", "phone": "12", "code": "123456"}), 400, "invalid", "name")
    assert [e["field"] for e in body["errors"]] == ["name", "phone"]
    assert_error(post(client, f"/api/v1/events/{ev.pk}/signups", {"name": "王秀兰", "phone": PHONES[0]}), 400,
                 "invalid", "code")
    assert_error(post(client, f"/api/v1/events/{ev.pk}/signups/code", {"phone": "abc"}), 400, "invalid",
                 "phone")
    assert_error(post(client, f"/api/v1/events/{ev.pk}/signups/code", {"phone": ["13899900001"]}), 400,
                 "invalid", "phone")
    assert_error(post(client, f"/api/v1/events/{ev.pk}/signups/code", {}), 400, "invalid", "phone")
    response = client.post(f"/api/v1/events/{ev.pk}/signups/code", "{not json", content_type="application/json",
                           secure=True)
    assert_error(response, 400, "parse_error")


def test_a_second_code_too_soon_answers_429_with_retry_after(client, cast):
    ev = event(cast.community)
    ask_code(client, ev, PHONES[0])
    response = post(client, f"/api/v1/events/{ev.pk}/signups/code", {"phone": PHONES[0]})
    assert_error(response, 429, "code_too_soon")
    assert 0 < int(response["Retry-After"]) <= 60


def test_the_same_phone_again_gets_its_sign_up(client, cast):
    ev = event(cast.community)
    first = sign_up(client, ev, PHONES[0])
    OneTimeCode.objects.update(created_at=F("created_at") - timedelta(minutes=2))  # a new code may be asked for
    again = sign_up(client, ev, PHONES[0], name="王秀兰")
    assert first.status_code == 201 and again.status_code == 200
    assert again.json() == first.json()
    assert Signup.objects.count() == 1


def test_closed_or_unneeded_sign_up_is_a_conflict(client, cast):
    closed = event(cast.community, signup_closes_at=timezone.now() - timedelta(hours=1))
    assert_error(post(client, f"/api/v1/events/{closed.pk}/signups/code", {"phone": PHONES[0]}), 409,
                 "signup_closed")
    assert get(client, f"/api/v1/events/{closed.pk}").json()["signup_open"] is False
    # A code the phone got for another event proves the phone, but the sign-up is closed all the same.
    code = ask_code(client, event(cast.community), PHONES[0])
    assert_error(post(client, f"/api/v1/events/{closed.pk}/signups",
                      {"name": "王秀兰", "phone": PHONES[0], "code": code}), 409, "signup_closed")
    free = event(cast.community, capacity=None)
    assert_error(post(client, f"/api/v1/events/{free.pk}/signups/code", {"phone": PHONES[1]}), 409,
                 "signup_closed")
    assert not Signup.objects.exists()


# --- The resident's sign-up ----------------------------------------------------------


def test_the_sign_up_seen_with_its_token(client, cast):
    ev = event(cast.community, capacity=1)
    sign_up(client, ev, PHONES[0])
    waiting = sign_up(client, ev, PHONES[1]).json()
    response = get(client, f"/api/v1/events/signups/{waiting['id']}", {"token": waiting["token"]})
    assert response.status_code == 200
    assert response.json() == {"id": waiting["id"], "state": "waiting", "position": 1,
                               "event": {"id": ev.pk, "title": ev.title,
                                         "starts_at": response.json()["event"]["starts_at"]}}
    assert PHONES[1] not in response.content.decode() and "王秀兰" not in response.content.decode()


def test_a_wrong_token_and_no_sign_up_are_the_same_404(client, cast):
    ev = event(cast.community)
    mine = sign_up(client, ev, PHONES[0]).json()
    other = sign_up(client, ev, PHONES[1]).json()
    for signup_id, token in ((mine["id"], other["token"]), (mine["id"], "x" * 24), (mine["id"], "中文"),
                             (999999, mine["token"])):
        wrong = assert_error(get(client, f"/api/v1/events/signups/{signup_id}", {"token": token}), 404,
                             "not_found")
        cancel = assert_error(post(client, f"/api/v1/events/signups/{signup_id}/cancel", {"token": token}), 404,
                              "not_found")
        assert wrong == cancel
    assert_error(get(client, f"/api/v1/events/signups/{mine['id']}"), 400, "invalid", "token")
    assert_error(post(client, f"/api/v1/events/signups/{mine['id']}/cancel", {"token": 7}), 404)
    assert Signup.objects.get(pk=mine["id"]).state == S.CONFIRMED


def test_cancelling_moves_the_first_waiting_resident_up(client, cast):
    ev = event(cast.community)
    first, _, third = (sign_up(client, ev, phone).json() for phone in PHONES)
    assert third["state"] == "waiting"
    response = post(client, f"/api/v1/events/signups/{first['id']}/cancel", {"token": first["token"]})
    assert response.status_code == 200 and response.json() == {"id": first["id"], "state": "cancelled"}
    assert Signup.objects.get(pk=third["id"]).state == S.CONFIRMED
    assert SmsMessage.objects.filter(template=T.EVENT_PROMOTED, phone=PHONES[2]).count() == 1
    seen = get(client, f"/api/v1/events/signups/{third['id']}", {"token": third["token"]}).json()
    assert seen["state"] == "confirmed" and seen["position"] is None
    # Once cancelled, cancelled it stays.
    assert_error(post(client, f"/api/v1/events/signups/{first['id']}/cancel", {"token": first["token"]}), 409,
                 "wrong_state")


def test_a_place_cannot_be_given_back_once_the_event_has_begun(client, cast):
    ev = event(cast.community)
    mine = sign_up(client, ev, PHONES[0]).json()
    Event.objects.filter(pk=ev.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    assert_error(post(client, f"/api/v1/events/signups/{mine['id']}/cancel", {"token": mine["token"]}), 409,
                 "wrong_state")


def test_the_schema_names_every_events_operation(db, tmp_path):
    import yaml
    from django.core.management import call_command

    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    paths = yaml.safe_load(out.read_text())["paths"]
    ids = {op["operationId"] for path, item in paths.items() if path.startswith("/api/v1/events")
           for op in item.values()}
    assert ids == {"events_list", "events_retrieve", "events_signup_code", "events_signup", "events_signup_retrieve",
                   "events_signup_cancel"}
