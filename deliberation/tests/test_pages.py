"""The pages: a resident raises a topic with a code and reads a meeting's
outcome with the request's tracking number and status; an organiser schedules
a meeting, puts a topic and a matter raised on the spot on the agenda,
records it, decides, and makes an item into a request whose staff page says
where it came from; organisers of another community see nothing of it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from appeals.models import Appeal, Status
from deliberation import services
from deliberation.models import Item, Meeting, Topic
from notifications import sms
from notifications.models import SmsMessage

pytestmark = pytest.mark.django_db
OC = Item.Outcome


def last_code(phone) -> str:
    from conftest import deliver

    deliver()
    return [m for m in sms.outbox if m["template"] == SmsMessage.Template.ONE_TIME_CODE
            and m["phone"] == phone][-1]["params"]["code"]


def test_a_resident_raises_a_topic_with_a_code_and_sees_it_listed_with_the_name_masked(client, cast, make_meeting):
    make_meeting(hours=48, title="七月居民恳谈日")
    url = f"/deliberation/c/{cast.community.code}/"
    page = client.get(url)
    assert page.status_code == 200 and "七月居民恳谈日" in page.content.decode()
    missing = client.post(url + "topics/", {"title": "", "name": "张建国", "phone": "13900031111"})
    assert missing.status_code == 400 and 'data-error-for="title"' in missing.content.decode()
    sent = client.post(url + "topics/", {"title": "广场舞噪音扰民", "description": "晚上九点以后还在放。",
                                         "name": "张建国", "phone": "13900031111"})
    assert sent.status_code == 200 and "尾号 1111 的手机" in sent.content.decode()
    body = {"title": "广场舞噪音扰民", "description": "晚上九点以后还在放。", "name": "张建国", "phone": "13900031111"}
    wrong = client.post(url + "topics/", {**body, "code": "000000" if last_code("13900031111") != "000000"
                                          else "111111"})
    assert wrong.status_code == 400 and 'data-error-for="code"' in wrong.content.decode()
    assert not Topic.objects.exists()
    done = client.post(url + "topics/", {**body, "code": last_code("13900031111")})
    assert done.status_code == 302 and done["Location"] == url + "topics/raised/"
    assert client.get(done["Location"]).status_code == 200
    topic = Topic.objects.get()
    assert (topic.title, topic.raised_phone, topic.state) == ("广场舞噪音扰民", "13900031111", Topic.State.OPEN)
    listed = client.get(url).content.decode()
    assert "广场舞噪音扰民" in listed and "张**" in listed and "张建国" not in listed
    assert "13900031111" not in listed and "1111" not in listed.replace("13900031111", "")


def test_unknown_communities_and_meetings_are_not_found(client, cast, make_meeting):
    hidden = make_meeting(published=False, title="内部筹备会")
    assert client.get("/deliberation/c/NOWHERE/").status_code == 404
    assert client.get(f"/deliberation/m/{hidden.pk}/").status_code == 404
    assert client.get("/deliberation/m/999999/").status_code == 404
    assert "内部筹备会" not in client.get(f"/deliberation/c/{cast.community.code}/").content.decode()
    town = client.get(f"/deliberation/c/{cast.town.code}/")  # a town's page lists, but topics are a community's
    assert town.status_code == 200 and 'data-form="raise-topic"' not in town.content.decode()


def test_a_meetings_outcome_page_shows_attendance_minutes_decisions_and_the_requests_state(
        client, cast, organiser, on_agenda):
    meeting, item = on_agenda
    agreed = services.add_item(meeting, actor=organiser, title="楼道堆放杂物清理")
    services.record(meeting, actor=organiser, minutes="议定：物业三天内清理楼道。", attendees=23,
                    participants="居民代表、物业、社区民警")
    services.decide(agreed, actor=organiser, outcome=OC.AGREED, decision="物业本周内清理，网格员跟进。")
    services.refer(item, cast.fresh(organiser), {"category": "SZ-LD", "address": "花城小区南门"})
    appeal = Appeal.objects.get()
    page = client.get(f"/deliberation/m/{meeting.pk}/").content.decode()
    assert "议定：物业三天内清理楼道。" in page and 'data-attendees>23<' in page and "社区民警" in page
    assert f'data-item="{agreed.pk}" data-outcome="agreed"' in page and "网格员跟进" in page
    assert f'href="/track/{appeal.tracking_no}/"' in page and "已受理" in page  # the public label of registered
    assert "13900031234" not in page and "王秀兰" not in page  # the raiser stays private
    services_appeal_dispatch(cast, appeal)
    later = client.get(f"/deliberation/m/{meeting.pk}/").content.decode()
    assert "已派单" in later and "已受理" not in later  # what became of it, as it moves on
    past = client.get(f"/deliberation/c/{cast.community.code}/").content.decode()
    assert f'data-meeting="{meeting.pk}"' in past and "data-outcome-link" in past


def services_appeal_dispatch(cast, appeal) -> None:
    from appeals import services as appeals

    appeals.dispatch(appeal, actor=cast.fresh(cast.dispatcher), unit=cast.community_unit.pk)
    appeal.refresh_from_db()
    assert appeal.status == Status.DISPATCHED


def test_an_organiser_runs_a_talk_day_from_schedule_to_request(client, cast, organiser, make_topic):
    topic = make_topic()
    client.force_login(organiser)
    menu = client.get("/work/deliberation/").content.decode()
    assert 'href="/work/deliberation/"' in menu and "小区夜间停车难" in menu and "139****1234" in menu
    assert "13900031234" not in menu
    starts = timezone.localtime(timezone.now() - timedelta(minutes=30)).replace(second=0, microsecond=0)
    created = client.post("/work/deliberation/meetings/new/", {
        "node": str(cast.community.pk), "kind": "talk_day", "title": "六月居民恳谈日",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"), "location": "二楼会议室",
        "published": "on"})
    meeting = Meeting.objects.get()
    assert created.status_code == 302 and created["Location"] == f"/work/deliberation/meetings/{meeting.pk}/"
    url = created["Location"]
    assert client.post(url, {"section": "add_topic", "topic": str(topic.pk)}).status_code == 302
    assert client.post(url, {"section": "add_item", "title": "楼道堆放杂物"}).status_code == 302
    first, second = meeting.items.order_by("order")
    assert first.topic == topic and Topic.objects.get(pk=topic.pk).state == Topic.State.ON_AGENDA
    bad = client.post(url, {"section": "record", "attendees": "二十三", "minutes": "纪要"})
    assert bad.status_code == 400 and 'data-error-for="attendees"' in bad.content.decode()
    assert client.post(url, {"section": "record", "attendees": "23", "participants": "居民代表、物业",
                             "minutes": "议定两项。"}).status_code == 302
    assert client.post(url, {"section": "decide", "item": second.pk, "outcome": "agreed",
                             "decision": "物业三天内清理。"}).status_code == 302
    no_category = client.post(url, {"section": "refer", "item": first.pk, "description": "南门路灯坏了"})
    assert no_category.status_code == 400 and 'data-error-for="category"' in no_category.content.decode()
    referred = client.post(url, {"section": "refer", "item": first.pk, "category": "SZ-LD",
                                 "description": "南门外路灯坏了三盏。", "address": "花城小区南门"})
    assert referred.status_code == 302
    appeal = Appeal.objects.get()
    assert (appeal.channel, appeal.status) == (Appeal.Channel.TALK_DAY, Status.REGISTERED)
    page = client.get(url).content.decode()
    assert f'data-item="{first.pk}" data-outcome="referred"' in page and appeal.tracking_no in page
    assert f'data-item="{second.pk}" data-outcome="agreed"' in page
    detail = client.get(f"/work/appeals/{appeal.pk}/").content.decode()
    assert f'data-from-meeting="{meeting.pk}"' in detail and f'href="{url}"' in detail and "六月居民恳谈日" in detail
    again = client.post(url, {"section": "refer", "item": first.pk, "category": "SZ-LD", "description": "再来"})
    assert again.status_code == 409 and Appeal.objects.count() == 1


def test_the_request_page_asks_one_small_question_of_deliberation(client, cast):
    appeal = cast.appeal_in("registered")
    client.force_login(cast.dispatcher)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/work/appeals/{appeal.pk}/")
    assert page.status_code == 200 and "data-from-meeting" not in page.content.decode()
    ours = [q["sql"] for q in queries.captured_queries if "deliberation_" in q["sql"]]
    assert len(ours) == 1 and "LIMIT 1" in ours[0]


def test_other_communities_organisers_and_residents_are_kept_out(client, cast, other_organiser, on_agenda):
    meeting, item = on_agenda
    client.force_login(other_organiser)
    assert client.get(f"/work/deliberation/meetings/{meeting.pk}/").status_code == 404
    assert client.get(f"/work/deliberation/topics/{item.topic_id}/").status_code == 404
    listed = client.get("/work/deliberation/").content.decode()
    assert "六月居民恳谈日" not in listed and "小区夜间停车难" not in listed
    posted = client.post(f"/work/deliberation/meetings/{meeting.pk}/", {"section": "decide", "item": item.pk,
                                                                       "outcome": "agreed"})
    assert posted.status_code == 404
    item.refresh_from_db()
    assert item.outcome == OC.PENDING
    client.force_login(cast.resident)
    assert client.get("/work/deliberation/").status_code == 403
    assert client.get("/work/deliberation/meetings/new/").status_code == 403
    client.force_login(cast.grid_worker)  # staff, but not the deliberation's: no menu link, no page
    assert 'href="/work/deliberation/"' not in client.get("/work/").content.decode()
    assert client.get("/work/deliberation/").status_code == 403


def test_bad_input_gets_a_clear_answer_never_a_server_error(client, cast, organiser, on_agenda, make_meeting):
    meeting, item = on_agenda
    client.force_login(organiser)
    url = f"/work/deliberation/meetings/{meeting.pk}/"
    for body in ({"section": "fly"}, {"section": "decide", "item": "x"}, {"section": "decide", "item": item.pk,
                 "outcome": "maybe"}, {"section": "add_topic", "topic": "999"}, {"section": "remove", "item": "0"},
                 {"section": "details", "title": "", "starts_at": "昨天"}, {"section": "refer", "item": item.pk,
                 "category": "<script>", "description": "x" * 5000}):
        response = client.post(url, body)
        assert 400 <= response.status_code < 500, (body, response.status_code)
    item.refresh_from_db()
    assert item.outcome == OC.PENDING and not Appeal.objects.exists()
    later = make_meeting(hours=5)
    early = client.post(f"/work/deliberation/meetings/{later.pk}/", {"section": "record", "minutes": "提前"})
    assert early.status_code == 409
    later.refresh_from_db()
    assert later.held_at is None


def test_staff_raise_a_topic_and_drop_another(client, cast, organiser, make_topic):
    client.force_login(organiser)
    assert client.get("/work/deliberation/topics/new/").status_code == 200
    done = client.post("/work/deliberation/topics/new/", {"node": str(cast.community.pk), "title": "增设快递柜",
                                                          "name": "李慧", "phone": ""})
    assert done.status_code == 302
    raised = Topic.objects.get(title="增设快递柜")
    assert raised.raised_by == organiser and raised.raised_phone == ""
    other = make_topic(title="不予采纳的事")
    page = client.get(f"/work/deliberation/topics/{other.pk}/").content.decode()
    assert "139****1234" in page and "13900031234" not in page
    client.post(f"/work/deliberation/topics/{other.pk}/", {"section": "drop"})
    other.refresh_from_db()
    assert other.state == Topic.State.DROPPED
    assert client.post(f"/work/deliberation/topics/{other.pk}/", {"section": "drop"}).status_code == 409


def test_the_admin_shows_topics_without_the_phone_and_meetings_with_their_agenda_read_only(client, cast, on_agenda):
    meeting, item = on_agenda
    client.force_login(cast.admin)
    topic = client.get(f"/admin/deliberation/topic/{item.topic_id}/change/")
    assert topic.status_code == 200 and "小区夜间停车难" in topic.content.decode()
    assert "13900031234" not in topic.content.decode() and 'name="_save"' not in topic.content.decode()
    assert client.get("/admin/deliberation/topic/add/").status_code == 403
    page = client.get(f"/admin/deliberation/meeting/{meeting.pk}/change/").content.decode()
    assert "小区夜间停车难" in page and 'name="items-0-title"' not in page  # the agenda, not editable here
