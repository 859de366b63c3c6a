from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appeals.models import Appeal
from notifications import outbox


def tabs(response) -> dict[str, int]:
    return {q.key: q.count for q in response.context["queues"]}


def rows(response) -> list[str]:
    return [a.tracking_no for a in response.context["page"].object_list]


def test_the_dispatcher_finds_a_new_request_to_register(as_user, cast):
    appeal = cast.submit()
    response = as_user(cast.dispatcher).get(reverse("workbench"))
    assert response.status_code == 200
    assert tabs(response)["register"] == 1
    assert response.context["current"].key == "register"
    assert rows(response) == [appeal.tracking_no]
    body = response.content.decode()
    assert f'data-appeal="{appeal.tracking_no}"' in body and "电梯停运三天" in body and "花城小区" in body


def test_each_queue_holds_what_its_role_may_act_on(as_user, cast):
    returned = cast.appeal_in("returned")
    dispatched = cast.appeal_in("dispatched")
    in_hand = cast.appeal_in("in_progress")
    replied = cast.appeal_in("replied")
    dispatcher = as_user(cast.dispatcher).get(reverse("workbench"), {"tab": "dispatch"})
    assert rows(dispatcher) == [returned.tracking_no]
    handler = as_user(cast.handler)
    assert rows(handler.get(reverse("workbench"), {"tab": "sign"})) == [dispatched.tracking_no]
    assert rows(handler.get(reverse("workbench"), {"tab": "in_hand"})) == [in_hand.tracking_no]
    assert rows(handler.get(reverse("workbench"), {"tab": "replied"})) == [replied.tracking_no]
    assert "register" not in tabs(handler.get(reverse("workbench")))


def test_an_extension_request_waits_in_the_dispatchers_approval_queue(as_user, cast):
    from appeals import services

    appeal = cast.appeal_in("signed")
    services.request_extension(appeal, actor=cast.fresh(cast.handler), days=2, reason="需要等配件")
    response = as_user(cast.dispatcher).get(reverse("workbench"), {"tab": "approval"})
    assert rows(response) == [appeal.tracking_no]


def test_the_outsider_sees_none_of_the_other_towns_requests(as_user, cast):
    for status in ("submitted", "dispatched", "replied"):
        cast.appeal_in(status)
    response = as_user(cast.outsider).get(reverse("workbench"))
    assert set(tabs(response).values()) == {0}
    assert "HBY-" not in response.content.decode()
    other = as_user(cast.other_dispatcher).get(reverse("workbench"), {"tab": "open"})
    assert rows(other) == []


def test_overdue_and_due_soon_rows_carry_their_badges(as_user, cast):
    late, soon = cast.appeal_in("dispatched"), cast.appeal_in("dispatched")
    now = timezone.now()
    Appeal.objects.filter(pk=late.pk).update(step_due=now - timedelta(hours=2), step_warn_at=now - timedelta(hours=5))
    Appeal.objects.filter(pk=soon.pk).update(step_due=now + timedelta(hours=2), step_warn_at=now - timedelta(hours=1))
    response = as_user(cast.handler).get(reverse("workbench"), {"tab": "sign"})
    assert tabs(response)["overdue"] == 1
    assert rows(response)[0] == late.tracking_no  # the most urgent first
    body = response.content.decode()
    assert body.count('data-deadline="overdue"') == 1 and body.count('data-deadline="due_soon"') == 1


def test_the_filters_narrow_the_list(as_user, cast):
    lift = cast.submit()
    light = cast.submit(category="SZ-LD", title="路灯不亮", description="花城小区门口路灯不亮")
    client = as_user(cast.dispatcher)
    assert rows(client.get(reverse("workbench"), {"tab": "open", "q": "路灯"})) == [light.tracking_no]
    assert rows(client.get(reverse("workbench"), {"tab": "open", "q": lift.tracking_no})) == [lift.tracking_no]
    assert rows(client.get(reverse("workbench"), {"tab": "open", "category": "WY"})) == [lift.tracking_no]
    assert rows(client.get(reverse("workbench"), {"tab": "open", "category": "SZ-LD"})) == [light.tracking_no]
    assert rows(client.get(reverse("workbench"), {"tab": "open", "status": "registered"})) == []
    assert len(rows(client.get(reverse("workbench"), {"tab": "open", "status": "submitted"}))) == 2


def test_long_queues_are_paginated(as_user, cast):
    for _ in range(23):
        cast.submit()
    client = as_user(cast.dispatcher)
    first = client.get(reverse("workbench"), {"tab": "register"})
    second = client.get(reverse("workbench"), {"tab": "register", "page": 2})
    assert len(rows(first)) == 20 and len(rows(second)) == 3
    assert set(rows(first)).isdisjoint(rows(second))
    assert "page=2" in first.content.decode()


def test_the_number_of_queries_does_not_grow_with_the_rows(as_user, cast):
    client = as_user(cast.dispatcher)
    cast.appeal_in("dispatched")
    client.get(reverse("workbench"), {"tab": "open"})  # warm up the session and content types

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("workbench"), {"tab": "open"}).status_code == 200
        return len(captured)

    few = queries()
    for _ in range(6):
        cast.appeal_in("dispatched")
    # Their submissions wait in the outbox, which the next page would deliver (a
    # few statements for the whole batch, tested in notifications): drain it first.
    outbox.deliver_pending()
    assert queries() == few


def test_a_logged_in_resident_sees_their_own_requests(as_user, cast):
    mine = cast.submit()
    client = as_user(cast.resident)
    response = client.get(reverse("workbench"))
    assert response.status_code == 200
    assert f'href="{reverse("track", args=[mine.tracking_no])}"' in response.content.decode()
    # Their request's staff page sends them to the public one (no internal notes).
    detail = client.get(reverse("appeal_detail", args=[mine.pk]))
    assert detail.status_code == 302 and detail["Location"] == reverse("track", args=[mine.tracking_no])
