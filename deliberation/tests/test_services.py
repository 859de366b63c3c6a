"""The services: a resident's topic needs the code sent to their phone; staff
put topics on an agenda, record the meeting once it has begun, decide each
item through the transition table, and make an item into a request that is
registered at once on the talk-day channel and linked back to the item."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from appeals import intake
from appeals.errors import Forbidden, Invalid, TooMany, WrongState
from appeals.models import Appeal, Status
from deliberation import services
from deliberation.models import Item, Topic
from notifications import sms
from notifications.models import OneTimeCode, SmsMessage

pytestmark = pytest.mark.django_db
T, OC = Topic.State, Item.Outcome


def code_for(node, phone) -> str:
    from conftest import deliver

    OneTimeCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))  # one code a minute per phone
    services.send_code(node, phone)
    deliver()
    return [m for m in sms.outbox if m["template"] == SmsMessage.Template.ONE_TIME_CODE
            and m["phone"] == phone][-1]["params"]["code"]


def refer_data(**extra) -> dict:
    return {"category": "SZ-LD", "address": "花城小区南门", **extra}


# --- Topics ---------------------------------------------------------------------------

def test_a_resident_raises_a_topic_only_with_the_code_sent_to_their_phone(cast):
    with pytest.raises(Invalid) as no_code:
        services.raise_topic(cast.community, title="广场舞噪音扰民", name="张建国", phone="13900031111", code="")
    assert no_code.value.field == "code" and not Topic.objects.exists()
    code = code_for(cast.community, "13900031111")
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(Invalid) as refused:
        services.raise_topic(cast.community, title="广场舞噪音扰民", name="张建国", phone="13900031111", code=wrong)
    assert refused.value.field == "code"
    topic = services.raise_topic(cast.community, title="广场舞噪音扰民", description="晚上九点以后还在放音乐。",
                                 name="张建国", phone="139 0003 1111", code=code)
    topic.refresh_from_db()
    assert (topic.state, topic.raised_phone, topic.raised_by_id) == (T.OPEN, "13900031111", None)
    with pytest.raises(Invalid):  # a code is used once
        services.raise_topic(cast.community, title="再来一个", name="张建国", phone="13900031111", code=code)
    assert Topic.objects.count() == 1


def test_a_second_code_within_the_minute_is_refused_with_when_to_ask_again(cast):
    services.send_code(cast.community, "13900031112")
    with pytest.raises(TooMany) as again:
        services.send_code(cast.community, "13900031112")
    assert again.value.retry_after > 0


def test_every_problem_of_a_topic_is_said_at_once(cast):
    with pytest.raises(Invalid) as refused:
        services.raise_topic(cast.community, title="", name="x" * 41, phone="12345", code="123456")
    assert {field for field, _detail in refused.value.errors} == {"title", "name", "phone"}
    with pytest.raises(Invalid):  # topics belong to a community, not a town
        services.send_code(cast.town, "13900031113")


def test_staff_raise_a_topic_without_a_code_in_their_community_only(cast, organiser, other_organiser):
    topic = services.raise_topic(cast.community, title="垃圾分类亭位置", name="李慧", actor=organiser)
    assert topic.raised_by == organiser and topic.raised_phone == ""
    with pytest.raises(Forbidden):
        services.raise_topic(cast.community, title="越界", name="某人", actor=other_organiser)
    assert not Topic.objects.filter(title="越界").exists()


def test_an_open_topic_can_be_dropped_but_one_on_an_agenda_is_decided_at_its_meeting(cast, organiser, make_topic,
                                                                                     on_agenda):
    topic = make_topic(title="不切实际的")
    services.drop_topic(topic, actor=organiser)
    topic.refresh_from_db()
    assert topic.state == T.DROPPED
    _meeting, item = on_agenda
    with pytest.raises(WrongState):
        services.drop_topic(item.topic, actor=organiser)
    assert Topic.objects.get(pk=item.topic_id).state == T.ON_AGENDA


# --- Meetings and the agenda ------------------------------------------------------------

def test_a_meeting_is_scheduled_with_clear_refusals(cast, organiser, other_organiser):
    from deliberation.models import Meeting

    starts = timezone.now() + timedelta(days=5)
    fields = {"node": cast.community, "kind": "council", "title": "七月议事会", "starts_at": starts,
              "ends_at": starts + timedelta(hours=2), "location": "议事亭"}
    meeting = services.save_meeting(Meeting(), actor=organiser, **fields)
    meeting.refresh_from_db()
    assert (meeting.kind, meeting.created_by, meeting.published) == ("council", organiser, True)
    with pytest.raises(Invalid) as backwards:
        services.save_meeting(Meeting(), actor=organiser, **{**fields, "ends_at": starts - timedelta(hours=1)})
    assert backwards.value.field == "ends_at"
    with pytest.raises(Forbidden):
        services.save_meeting(Meeting(), actor=other_organiser, **fields)
    with pytest.raises(Invalid):  # a meeting is a community's
        services.save_meeting(Meeting(), actor=organiser, **{**fields, "node": cast.town})
    assert Meeting.objects.count() == 1


def test_a_topic_goes_on_one_agenda_at_a_time(cast, organiser, make_meeting, make_topic):
    first, second = make_meeting(hours=24), make_meeting(hours=48, title="七月恳谈日")
    topic = make_topic()
    item = services.add_item(first, actor=organiser, topic=topic)
    topic.refresh_from_db()
    assert (item.title, item.order, topic.state) == ("小区夜间停车难", 1, T.ON_AGENDA)
    with pytest.raises(WrongState):
        services.add_item(second, actor=organiser, topic=topic)
    assert not second.items.exists()
    free = services.add_item(first, actor=organiser, title="楼道堆放杂物")
    assert (free.topic, free.order) == (None, 2)
    elsewhere = make_topic(node=cast.other_community, title="北京南路的事")
    with pytest.raises(Invalid):
        services.add_item(first, actor=organiser, topic=elsewhere)
    services.remove_item(item, actor=organiser)
    topic.refresh_from_db()
    assert topic.state == T.OPEN and not Item.objects.filter(pk=item.pk).exists()


def test_the_meeting_is_recorded_once_it_has_begun(organiser, make_meeting):
    later = make_meeting(hours=3)
    with pytest.raises(WrongState):
        services.record(later, actor=organiser, minutes="提前写的纪要", attendees=10)
    later.refresh_from_db()
    assert later.held_at is None and later.minutes == ""
    begun = make_meeting()
    services.record(begun, actor=organiser, minutes="居民代表、物业、社区民警参加，议定三项。", attendees=23,
                    participants="居民代表、物业、社区民警")
    begun.refresh_from_db()
    held = begun.held_at
    assert held is not None and begun.attendees == 23 and "议定三项" in begun.minutes
    with pytest.raises(Invalid) as negative:
        services.record(begun, actor=organiser, minutes="x", attendees=-1)
    assert negative.value.field == "attendees"
    services.record(begun, actor=organiser, minutes="更正后的纪要", attendees=24)
    begun.refresh_from_db()
    assert begun.held_at == held and begun.minutes == "更正后的纪要"


def test_an_edit_from_an_older_page_is_refused(organiser, make_meeting):
    from appeals.errors import Conflict

    meeting = make_meeting()
    seen = meeting.updated_at.isoformat()
    services.record(meeting, actor=organiser, minutes="第一版", seen=seen)
    with pytest.raises(Conflict):
        services.record(meeting, actor=organiser, minutes="旧页面上的第二版", seen=seen)
    meeting.refresh_from_db()
    assert meeting.minutes == "第一版"


# --- Decisions ----------------------------------------------------------------------------

@pytest.mark.parametrize(("outcome", "topic_state"), [(OC.AGREED, T.DECIDED), (OC.REJECTED, T.DROPPED),
                                                      (OC.DEFERRED, T.OPEN)])
def test_deciding_an_item_moves_its_topic(organiser, on_agenda, outcome, topic_state):
    _meeting, item = on_agenda
    services.decide(item, actor=organiser, outcome=outcome, decision="物业在南门外划定临时停车位。")
    item.refresh_from_db()
    assert item.outcome == outcome and item.decided_at is not None and "临时停车位" in item.decision
    assert Topic.objects.get(pk=item.topic_id).state == topic_state
    with pytest.raises(WrongState):  # decided once
        services.decide(item, actor=organiser, outcome=OC.AGREED)


def test_a_deferred_topic_goes_on_the_next_meeting(organiser, on_agenda, make_meeting):
    _meeting, item = on_agenda
    services.decide(item, actor=organiser, outcome=OC.DEFERRED, decision="等物业报价后再议。")
    later = make_meeting(hours=24 * 30, title="下月恳谈日")
    again = services.add_item(later, actor=organiser, topic=item.topic)
    assert Topic.objects.get(pk=item.topic_id).state == T.ON_AGENDA and again.topic_id == item.topic_id


def test_no_decision_before_the_meeting_nor_by_another_community_nor_an_unknown_outcome(
        organiser, other_organiser, make_meeting, make_topic):
    meeting = make_meeting(hours=5)
    item = services.add_item(meeting, actor=organiser, topic=make_topic())
    with pytest.raises(WrongState):
        services.decide(item, actor=organiser, outcome=OC.AGREED)
    meeting.starts_at = timezone.now() - timedelta(minutes=5)
    meeting.save()
    with pytest.raises(Forbidden):
        services.decide(item, actor=other_organiser, outcome=OC.AGREED)
    with pytest.raises(Invalid):
        services.decide(item, actor=organiser, outcome=OC.REFERRED)  # only by making the request
    item.refresh_from_db()
    assert item.outcome == OC.PENDING


# --- Making an item into a request -----------------------------------------------------------

def test_community_staff_make_an_item_into_a_registered_talk_day_request(cast, organiser, on_agenda):
    meeting, item = on_agenda
    services.refer(item, cast.fresh(organiser), refer_data(description="南门外路灯坏了三盏，晚上停车看不清。"))
    item.refresh_from_db()
    appeal = Appeal.objects.get()
    assert item.appeal == appeal and item.outcome == OC.REFERRED
    assert (appeal.status, appeal.channel, appeal.created_by) == (Status.REGISTERED, Appeal.Channel.TALK_DAY,
                                                                  organiser)
    assert appeal.title == "小区夜间停车难" and appeal.description.startswith("南门外路灯坏了三盏")
    assert appeal.node_path.startswith(cast.community.path) and appeal.category_id == cast.category_lights.pk
    assert (appeal.contact_name, appeal.contact_phone) == ("王秀兰", "13900031234")  # the resident who raised it
    assert item.decision == "" and item.decided_at is not None
    assert Topic.objects.get(pk=item.topic_id).state == T.DECIDED
    assert list(appeal.deliberation_items.all()) == [item]
    with pytest.raises(WrongState):  # one request per item
        services.refer(item, cast.fresh(organiser), refer_data())
    assert Appeal.objects.count() == 1


def test_an_agreed_item_can_still_be_made_into_a_request(cast, organiser, on_agenda):
    _meeting, item = on_agenda
    services.decide(item, actor=organiser, outcome=OC.AGREED, decision="同意，由社区报修。")
    services.refer(item, cast.fresh(organiser), refer_data())
    item.refresh_from_db()
    assert item.outcome == OC.REFERRED and item.decision == "同意，由社区报修。"
    assert Appeal.objects.get().description == "同意，由社区报修。"  # the decision says what to do
    assert Topic.objects.get(pk=item.topic_id).state == T.DECIDED


def test_a_refused_request_leaves_the_item_as_it_was(cast, organiser, on_agenda):
    _meeting, item = on_agenda
    with pytest.raises(Invalid) as refused:
        services.refer(item, cast.fresh(organiser), refer_data(category="WY"))  # not a leaf
    assert refused.value.field == "category"
    item.refresh_from_db()
    assert item.outcome == OC.PENDING and item.appeal is None and not Appeal.objects.exists()
    assert Topic.objects.get(pk=item.topic_id).state == T.ON_AGENDA


def test_another_communitys_staff_cannot_make_the_request(cast, other_organiser, on_agenda):
    _meeting, item = on_agenda
    with pytest.raises(Forbidden):
        services.refer(item, cast.fresh(other_organiser), refer_data())
    assert not Appeal.objects.exists()


def test_community_staff_register_talk_day_requests_only_and_only_in_their_community(cast, organiser,
                                                                                     other_organiser):
    data = cast.intake_data(community=cast.community.code)
    with pytest.raises(Forbidden):
        intake.create_appeal(data, actor=cast.fresh(organiser), channel=Appeal.Channel.HOTLINE)
    with pytest.raises(Forbidden):
        intake.create_appeal(data, actor=cast.fresh(other_organiser), channel=Appeal.Channel.TALK_DAY)
    with pytest.raises(Forbidden):  # no community said: not theirs to register
        intake.create_appeal(cast.intake_data(), actor=cast.fresh(organiser), channel=Appeal.Channel.TALK_DAY)
    assert not Appeal.objects.exists()
    appeal, _created = intake.create_appeal(data, actor=cast.fresh(organiser), channel=Appeal.Channel.TALK_DAY)
    assert appeal.status == Status.REGISTERED
    # The grid worker still registers on any staff channel, as before.
    other, _created = intake.create_appeal(cast.intake_data(), actor=cast.fresh(cast.grid_worker),
                                           channel=Appeal.Channel.PATROL)
    assert other.status == Status.REGISTERED


def test_the_resident_who_raised_a_topic_is_told_what_came_of_it(cast, organiser, on_agenda, make_meeting,
                                                                 make_topic):
    from notifications.models import SmsMessage

    meeting, item = on_agenda
    services.decide(item, actor=organiser, outcome=OC.AGREED, decision="物业增划夜间车位。")
    (message,) = SmsMessage.objects.filter(phone="13900031234", template="topic_decided")
    assert message.params["topic"] == "小区夜间停车难" and message.params["outcome"] == "达成一致"
    assert message.params["link"].endswith(f"/deliberation/m/{meeting.pk}/")
    later = make_topic(title="广场舞声音太大", state=T.ON_AGENDA, raised_phone="13900035555")
    deferred = Item.objects.create(meeting=meeting, topic=later, title=later.title, order=2)
    services.decide(deferred, actor=organiser, outcome=OC.DEFERRED)
    assert not SmsMessage.objects.filter(phone="13900035555").exists()  # nothing came of it yet
