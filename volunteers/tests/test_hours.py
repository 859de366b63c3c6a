"""A volunteer's hours as they would check them: earned only from work
someone confirmed (a care order the recipient confirmed, a duty the organiser
checked in), once per piece of work; the ranking of a period; the private link
and the one-time code that opens it."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.utils import timezone

from appeals.errors import Invalid, TooMany, WrongState
from care import services as care
from care.models import Kind, Recipient
from events import services as events
from notifications.models import OneTimeCode, SmsMessage
from volunteers import services
from volunteers.models import Duty, HoursEntry, Volunteer

pytestmark = pytest.mark.django_db
T = SmsMessage.Template
D = Duty.State


def minutes(volunteer) -> int:
    return services.total_minutes(volunteer)


# --- Only confirmed work earns -----------------------------------------------------------

def test_a_care_order_earns_nothing_until_the_recipient_confirms_it(cast, helper, clock):
    clock.set("2026-06-03 09:00")
    recipient = Recipient.objects.create(node=cast.compound, name="王秀兰", phone="13899912345", address="3号楼",
                                         category=Recipient.Category.ALONE)
    taken = care.new_order(recipient, kind=Kind.VISIT, day=date(2026, 6, 3), at=time(11, 0), actor=None)
    care.take(taken, helper)
    done = care.new_order(recipient, kind=Kind.CLEANING, day=date(2026, 6, 3), at=time(15, 0), actor=None)
    care.take(done, helper)
    care.done(done, helper)
    assert minutes(helper) == 0 and not HoursEntry.objects.exists()
    assert services.ranking(Volunteer.objects.all(), date(2026, 6, 1), date(2026, 6, 30)) == []
    care.confirm(done)
    assert minutes(helper) == 120  # the cleaning, confirmed; the visit, only taken, still nothing


def test_a_duty_earns_nothing_until_the_organiser_checks_the_volunteer_in(helper, organiser, make_event, clock):
    clock.set("2026-06-01 10:00")
    event = make_event("2026-06-06 09:00", minutes=150)
    duty = services.assign_duty(event, helper, "签到引导", actor=organiser)
    assert duty.state == D.ASSIGNED and minutes(helper) == 0
    clock.set("2026-06-06 07:30")  # more than an hour before the start
    with pytest.raises(WrongState):
        services.check_in_duty(duty, actor=organiser)
    assert minutes(helper) == 0
    clock.set("2026-06-06 09:10")
    services.check_in_duty(duty, actor=organiser)
    duty.refresh_from_db()
    assert duty.state == D.ATTENDED and duty.checked_in_by == organiser
    (entry,) = HoursEntry.objects.all()
    assert (entry.volunteer_id, entry.minutes, entry.on, entry.kind, entry.source, entry.confirmed_by) == (
        helper.pk, 150, date(2026, 6, 6), HoursEntry.Kind.DUTY, f"duty:{duty.pk}", organiser)
    assert "签到引导" in entry.what
    with pytest.raises(WrongState):
        services.check_in_duty(duty, actor=organiser)  # twice: refused
    assert HoursEntry.objects.count() == 1 and minutes(helper) == 150


def test_a_withdrawn_duty_earns_nothing_and_the_volunteer_can_be_put_on_duty_again(helper, organiser, make_event,
                                                                                   clock):
    clock.set("2026-06-01 10:00")
    event = make_event()
    duty = services.assign_duty(event, helper, "秩序维护", actor=organiser)
    with pytest.raises(WrongState):
        services.assign_duty(event, helper, "摄影", actor=organiser)  # one live duty an event
    services.withdraw_duty(duty, actor=organiser)
    with pytest.raises(WrongState):
        services.withdraw_duty(duty, actor=organiser)
    clock.set("2026-06-06 09:10")
    with pytest.raises(WrongState):
        services.check_in_duty(duty, actor=organiser)
    assert not HoursEntry.objects.exists()
    again = services.assign_duty(event, helper, "摄影", actor=organiser)
    services.check_in_duty(again, actor=organiser)
    assert minutes(helper) == 150


def test_duties_go_to_active_volunteers_of_the_community_before_the_event_ends(helper, far_helper, organiser,
                                                                             make_event, clock, cast):
    clock.set("2026-06-01 10:00")
    event = make_event()
    with pytest.raises(Invalid):
        services.assign_duty(event, far_helper, "签到引导", actor=organiser)
    left = Volunteer.objects.create(node=cast.community, name="周晓", phone="13899990009", active=False)
    with pytest.raises(Invalid):
        services.assign_duty(event, left, "签到引导", actor=organiser)
    with pytest.raises(Invalid):
        services.assign_duty(event, helper, "  ", actor=organiser)
    clock.set("2026-06-06 12:00")  # over at 11:30
    with pytest.raises(WrongState):
        services.assign_duty(event, helper, "签到引导", actor=organiser)
    assert not Duty.objects.exists()


def test_a_called_off_event_earns_its_volunteers_nothing(helper, organiser, make_event, clock):
    clock.set("2026-06-01 10:00")
    event = make_event()
    duty = services.assign_duty(event, helper, "签到引导", actor=organiser)
    events.call_off(event, actor=organiser)
    clock.set("2026-06-06 09:10")
    with pytest.raises(WrongState):
        services.check_in_duty(duty, actor=organiser)
    assert not HoursEntry.objects.exists()


# --- The ranking -----------------------------------------------------------------------------

def earn(volunteer, n: int, on: date, mins: int, kind=HoursEntry.Kind.DUTY) -> HoursEntry:
    return services.earn(volunteer, kind=kind, source=f"{kind}:{n}", what="助老服务", on=on, minutes=mins)


def test_the_ranking_of_a_period_counts_its_entries_most_first_and_leaves_out_those_without(
        helper, second_helper, far_helper, cast):
    nobody = Volunteer.objects.create(node=cast.community, name="钱多多", phone="13899990007")
    earn(helper, 1, date(2026, 6, 1), 60)
    earn(helper, 2, date(2026, 6, 30), 30, kind=HoursEntry.Kind.ORDER)
    earn(helper, 3, date(2026, 7, 1), 600)  # after the period
    earn(second_helper, 4, date(2026, 6, 15), 120)
    earn(far_helper, 5, date(2026, 5, 31), 900)  # before it
    june = (date(2026, 6, 1), date(2026, 6, 30))
    ranked = services.ranking(Volunteer.objects.all(), *june)
    assert [(v.name, v.minutes) for v in ranked] == [("李红梅", 120), ("张建国", 90)]
    assert nobody not in ranked and far_helper not in ranked
    assert [v.name for v in services.ranking(Volunteer.objects.all(), *june, limit=1)] == ["李红梅"]
    community = Volunteer.objects.filter(node=cast.community)
    assert [v.name for v in services.ranking(community, date(2026, 5, 1), date(2026, 7, 31))] == ["张建国",
                                                                                                  "李红梅"]
    assert services.total_minutes(helper, *june) == 90 and services.total_minutes(helper) == 690


def test_the_same_piece_of_work_earns_once(helper):
    first = earn(helper, 1, date(2026, 6, 1), 60)
    again = earn(helper, 1, date(2026, 6, 1), 60)
    assert again.pk == first.pk and HoursEntry.objects.count() == 1 and minutes(helper) == 60


# --- The private link ----------------------------------------------------------------------------

def test_the_volunteers_link_opens_their_own_page_only(helper, second_helper):
    token = services.token_for(helper)
    assert services.token_matches(helper, token) and services.private_path(helper).endswith(f"/{token}/")
    assert not services.token_matches(second_helper, token)
    changed = ("a" if token[0] != "a" else "b") + token[1:]
    for wrong in (changed, token.upper(), token[:-1], "", None, 7, "é" * 24):
        assert not services.token_matches(helper, wrong), wrong
    # A new phone number gets a new link: the one texted to the old number stops working.
    helper.phone = "13899990099"
    helper.save()
    assert not services.token_matches(helper, token)


def test_sending_the_link_texts_it_to_the_volunteer(helper):
    services.send_link(helper)
    (text,) = SmsMessage.objects.filter(template=T.VOLUNTEER_LINK)
    assert text.phone == helper.phone and text.params["link"] == services.private_url(helper)


# --- The one-time code ---------------------------------------------------------------------------

def _minutes_later():
    # Each step's codes as if asked for minutes apart (one a minute per phone).
    OneTimeCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))


def code_to(phone: str) -> str:
    """Asks for a code for `phone` and reads it off the text message sent."""
    from conftest import deliver
    from notifications import sms

    _minutes_later()
    services.send_code(phone)
    deliver()
    return [m for m in sms.outbox if m["template"] == T.ONE_TIME_CODE and m["phone"] == phone][-1]["params"]["code"]


def test_a_phone_nobody_volunteers_with_gets_the_same_answer_and_no_text(helper):
    unknown = "13899998888"
    assert services.send_code(unknown) == unknown
    assert services.send_code(helper.phone) == helper.phone
    texted = set(SmsMessage.objects.filter(template=T.ONE_TIME_CODE).values_list("phone", flat=True))
    assert texted == {helper.phone}
    # Asking again at once is refused alike: the answer tells nobody who volunteers.
    for phone in (unknown, helper.phone):
        with pytest.raises(TooMany):
            services.send_code(phone)
    with pytest.raises(Invalid) as guessed:
        services.volunteers_for(unknown, "123456")
    assert guessed.value.code == "wrong_code"


def test_an_inactive_volunteers_phone_gets_no_code(cast):
    Volunteer.objects.create(node=cast.community, name="周晓", phone="13899990009", active=False)
    services.send_code("13899990009")
    assert not SmsMessage.objects.filter(template=T.ONE_TIME_CODE).exists()


def test_the_right_code_finds_the_volunteer_and_a_wrong_one_finds_nobody(helper, cast):
    code = code_to(helper.phone)
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    with pytest.raises(Invalid) as refused:
        services.volunteers_for(helper.phone, wrong)
    assert refused.value.code == "wrong_code"
    assert services.volunteers_for(helper.phone, code) == [helper]
    with pytest.raises(Invalid):
        services.volunteers_for(helper.phone, code)  # a code is used once
    # The same phone registered in two communities: both records, after one proof.
    elsewhere = Volunteer.objects.create(node=cast.other_community, name="张建国", phone=helper.phone)
    found = services.volunteers_for("１３８９９９９０００１", code_to(helper.phone))  # full-width digits
    assert {v.pk for v in found} == {helper.pk, elsewhere.pk}
