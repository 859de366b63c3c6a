"""Signing up with a code to the phone, the waiting list, cancelling by the
private link, check-in at the door and by the organiser, and the attendance."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from appeals.errors import Invalid, WrongState
from events import services, workflow
from events.models import Signup
from notifications import sms
from notifications.models import OneTimeCode, SmsMessage

pytestmark = pytest.mark.django_db
S = Signup.State
T = SmsMessage.Template


def code_for(event, phone) -> str:
    from conftest import deliver

    # Each test's codes as if asked for minutes apart (one a minute per phone).
    OneTimeCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    services.send_code(event, phone)
    deliver()
    return [m for m in sms.outbox if m["template"] == T.ONE_TIME_CODE and m["phone"] == phone][-1]["params"]["code"]


def join(event, phone, name="王阿姨"):
    return services.sign_up(event, name=name, phone=phone, code=code_for(event, phone))[0]


def test_the_first_take_the_places_and_the_rest_wait_in_order(make_event):
    event = make_event(capacity=2)
    first, second, third, fourth = (join(event, f"1390000000{i}") for i in range(4))
    assert [s.state for s in (first, second, third, fourth)] == [S.CONFIRMED, S.CONFIRMED, S.WAITING, S.WAITING]
    assert services.waiting_position(third) == 1 and services.waiting_position(fourth) == 2
    texts = {m.phone: m.template for m in SmsMessage.objects.exclude(template=T.ONE_TIME_CODE)}
    assert texts == {"13900000000": T.EVENT_SIGNED_UP, "13900000001": T.EVENT_SIGNED_UP,
                     "13900000002": T.EVENT_WAITING, "13900000003": T.EVENT_WAITING}
    waiting = SmsMessage.objects.exclude(template=T.ONE_TIME_CODE).get(phone="13900000003")
    assert waiting.params["position"] == 2 and services.private_path(fourth) in waiting.params["link"]


def test_a_wrong_code_signs_nobody_up_and_the_same_phone_twice_keeps_one_sign_up(make_event):
    event = make_event()
    code_for(event, "13900000000")
    with pytest.raises(Invalid) as refused:
        services.sign_up(event, name="王阿姨", phone="13900000000", code="000000")
    assert refused.value.errors[0][0] == "code" and not Signup.objects.exists()
    first = join(event, "13900000000")
    again, new = services.sign_up(event, name="王阿姨", phone="１３９００００００００",  # full-width digits
                                  code=code_for(event, "13900000000"))
    assert again.pk == first.pk and not new and Signup.objects.count() == 1


def test_a_cancelled_place_goes_to_the_first_waiting_who_is_told(make_event):
    event = make_event(capacity=1)
    holder, waiting, later = join(event, "13900000000"), join(event, "13900000001"), join(event, "13900000002")
    services.cancel(holder)
    waiting.refresh_from_db()
    later.refresh_from_db()
    assert waiting.state == S.CONFIRMED and waiting.promoted_at and later.state == S.WAITING
    assert services.waiting_position(later) == 1
    promoted = SmsMessage.objects.get(template=T.EVENT_PROMOTED)
    assert promoted.phone == "13900000001"
    # Cancelling a waiting place frees nothing.
    services.cancel(later)
    assert SmsMessage.objects.filter(template=T.EVENT_PROMOTED).count() == 1
    with pytest.raises(WrongState):
        services.cancel(later)  # already cancelled: the table has no way on


def test_more_places_move_the_waiting_list_up_and_fewer_than_taken_are_refused(make_event, organiser):
    event = make_event(capacity=1)
    join(event, "13900000000")
    waiting = join(event, "13900000001")
    services.save_event(event, actor=organiser, capacity=2)
    waiting.refresh_from_db()
    assert waiting.state == S.CONFIRMED
    with pytest.raises(Invalid) as refused:
        services.save_event(event, actor=organiser, capacity=1)
    assert refused.value.errors[0][0] == "capacity"
    later = join(event, "13900000002")
    assert later.state == S.WAITING
    services.save_event(event, actor=organiser, capacity=None)  # no limit any more: everyone waiting is in
    later.refresh_from_db()
    assert later.state == S.CONFIRMED


def test_sign_up_closes_at_its_time_and_an_open_air_event_needs_none(make_event):
    closed = make_event(signup_closes_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(WrongState, match="报名已于"):
        services.send_code(closed, "13900000000")
    with pytest.raises(WrongState, match="无需报名"):
        services.send_code(make_event(capacity=None), "13900000000")
    with pytest.raises(Invalid, match="手机号"):
        services.send_code(make_event(), "12345")


def test_check_in_at_the_door_and_by_the_organiser_then_the_attendance(make_event, organiser, other_organiser):
    event = make_event(capacity=3, days=0, starts_at=timezone.now() - timedelta(minutes=30))
    event.ends_at = timezone.now() + timedelta(hours=1)
    event.save()
    came, called, absent = (Signup.objects.create(event=event, name=n, phone=p, state=S.CONFIRMED)
                            for n, p in (("甲", "13900000000"), ("乙", "13900000001"), ("丙", "13900000002")))
    assert services.check_in_at_door(event, event.checkin_token, "13900000000").state == S.ATTENDED
    with pytest.raises(Invalid):
        services.check_in_at_door(event, "not-the-token", "13900000001")
    with pytest.raises(Invalid, match="没有"):
        services.check_in_at_door(event, event.checkin_token, "13900000009")
    from appeals.errors import Forbidden

    with pytest.raises(Forbidden):
        services.check_in(called, actor=other_organiser)
    services.check_in(called, actor=organiser)
    called.refresh_from_db()
    assert called.state == S.ATTENDED and called.checked_in_by == organiser
    with pytest.raises(WrongState):
        services.close_attendance(event, actor=organiser)  # not over yet
    event.ends_at = timezone.now() - timedelta(minutes=1)
    event.save()
    assert services.close_attendance(event, actor=organiser) == 1
    with pytest.raises(WrongState):
        services.close_attendance(event, actor=organiser)  # once
    absent.refresh_from_db()
    assert absent.state == S.NO_SHOW
    services.check_in(absent, actor=organiser)  # came late after all
    absent.refresh_from_db()
    assert absent.state == S.ATTENDED


def test_the_door_is_open_only_around_the_event(make_event):
    event = make_event(days=2)
    Signup.objects.create(event=event, name="甲", phone="13900000000", state=S.CONFIRMED)
    with pytest.raises(WrongState, match="一小时"):
        services.check_in_at_door(event, event.checkin_token, "13900000000")


def test_calling_off_tells_everyone_signed_up_or_waiting(make_event, organiser):
    event = make_event(capacity=1)
    join(event, "13900000000")
    join(event, "13900000001")
    event = services.call_off(event, actor=organiser)
    assert set(SmsMessage.objects.filter(template=T.EVENT_CANCELLED).values_list("phone", flat=True)) == {
        "13900000000", "13900000001"}
    with pytest.raises(WrongState):
        services.send_code(event, "13900000002")


def test_the_transition_table_is_the_only_way():
    assert workflow.allowed("promote", S.WAITING) and not workflow.allowed("promote", S.CONFIRMED)
    assert not workflow.allowed("cancel", S.ATTENDED) and not workflow.allowed("check_in", S.WAITING)
