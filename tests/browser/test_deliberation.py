"""Deliberation at the desk and on a phone: community staff schedule a 居民恳谈日
that has begun, put a resident's topic and a matter raised on the spot on its
agenda, record who came and the minutes, decide one item and make the other
into a request; a resident on a 375 px phone opens the community's page, the
meeting's outcome, and follows the request's tracking number to its state."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from appeals.models import Appeal
from deliberation.models import Item, Meeting, Topic
from organisations.models import Role

from .conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_talk_day_at_the_desk_and_its_outcome_on_a_phone(cast, live_server, browser, shots):
    topic = Topic.objects.create(node=cast.community, title="小区南门路灯不亮，晚上停车看不清",
                                 description="南门外三盏路灯坏了快一个月，晚上停车和老人散步都不安全。",
                                 raised_by_name="王秀兰", raised_phone="13900031234")
    staff = get_user_model().objects.create_user("talkdaystaff", password="pw", first_name="李慧")
    Role.objects.create(user=staff, name=Role.Name.COMMUNITY_STAFF, node=cast.community)

    desk = browser.new_context(**DESKTOP).new_page()
    desk.goto(f"{live_server.url}/login/")
    desk.fill("#id_username", "talkdaystaff")
    desk.fill("#id_password", "pw")
    desk.click("form[data-form=login] button[type=submit]")
    desk.wait_for_load_state()
    desk.goto(f"{live_server.url}/work/")
    desk.click("nav.staff-nav a[href='/work/deliberation/']")
    desk.wait_for_selector(f"table[data-topics] [data-topic='{topic.pk}']")
    assert "139****1234" in desk.text_content(f"[data-topic='{topic.pk}']")
    shots(desk, "deliberation-desk")

    desk.click("a[href='/work/deliberation/meetings/new/']")
    desk.wait_for_selector("form[data-form=meeting]")
    starts = timezone.localtime(timezone.now() - timedelta(minutes=40)).replace(second=0, microsecond=0)
    desk.select_option("#id_kind", "talk_day")
    desk.fill("#id_title", "六月居民恳谈日")
    desk.fill("#id_starts_at", starts.strftime("%Y-%m-%dT%H:%M"))
    desk.fill("#id_ends_at", (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    desk.fill("#id_location", "花城社区党群服务中心二楼会议室")
    desk.click("form[data-form=meeting] button[type=submit]")
    desk.wait_for_selector("form[data-form=add-topic]")
    meeting = Meeting.objects.get()
    assert meeting.kind == "talk_day" and meeting.created_by == staff

    desk.select_option("form[data-form=add-topic] select", str(topic.pk))
    desk.click("form[data-form=add-topic] button[type=submit]")
    desk.wait_for_selector(f"[data-agenda] [data-item] >> text={topic.title}")
    desk.fill("form[data-form=add-item] input[name=title]", "楼道堆放杂物清理")
    desk.click("form[data-form=add-item] button[type=submit]")
    desk.wait_for_selector("[data-agenda] [data-item] >> text=楼道堆放杂物清理")
    first, second = meeting.items.order_by("order")
    assert first.topic == topic and Topic.objects.get(pk=topic.pk).state == Topic.State.ON_AGENDA

    desk.fill("#id_attendees", "23")
    desk.fill("#id_participants", "居民代表、楼栋长、美居物业、社区民警、网格员")
    desk.fill("#id_minutes", "6月居民恳谈日，23人参加。\n一、南门路灯：转为诉求，由城管局维修。\n"
                             "二、楼道杂物：物业三天内清理。")
    desk.click("form[data-form=record] button[type=submit]")
    desk.wait_for_selector("[data-held]")

    row = f"[data-item='{second.pk}']"
    desk.click(f"{row} details[data-decide] summary")
    desk.check(f"{row} input[name=outcome][value=agreed]")
    desk.fill(f"{row} textarea[name=decision]", "物业三天内清理楼道，楼栋长上门劝导，网格员跟进。")
    desk.click(f"{row} form[data-form=decide] button[type=submit]")
    desk.wait_for_selector(f"{row}[data-outcome=agreed]")

    row = f"[data-item='{first.pk}']"
    desk.click(f"{row} details[data-refer] summary")
    desk.click(f"{row} form[data-form=refer] button[type=submit]")  # no category yet: said next to the field
    desk.wait_for_selector(f"[data-item='{first.pk}'] [data-error-for=category]")
    shots(desk, "refer-refused-desk")
    desk.select_option(f"{row} select[name=category]", "SZ-LD")
    desk.fill(f"{row} input[name=address]", "花城小区南门外")
    desk.click(f"{row} form[data-form=refer] button[type=submit]")
    desk.wait_for_selector(f"{row}[data-outcome=referred] [data-request]")
    appeal = Appeal.objects.get()
    assert appeal.channel == Appeal.Channel.TALK_DAY and appeal.status == "registered"
    assert (appeal.contact_name, appeal.contact_phone) == ("王秀兰", "13900031234")
    assert appeal.tracking_no in desk.text_content(f"{row} [data-request]")
    assert Item.objects.get(pk=first.pk).appeal == appeal
    shots(desk, "meeting-recorded-desk")

    desk.click(f"{row} [data-request] a")
    desk.wait_for_selector("[data-from-meeting]")
    assert "六月居民恳谈日" in desk.text_content("[data-from-meeting]")
    shots(desk, "request-from-meeting-desk")

    phone = browser.new_context(**PHONE).new_page()
    phone.goto(f"{live_server.url}/deliberation/c/{cast.community.code}/")
    phone.wait_for_selector(f"[data-meetings=past] [data-meeting='{meeting.pk}']")
    assert "王秀兰" not in phone.text_content("main") and "13900031234" not in phone.content()
    shots(phone, "community-phone")
    phone.click(f"[data-meeting='{meeting.pk}'] [data-outcome-link]")
    phone.wait_for_selector(f"[data-item='{first.pk}'][data-outcome=referred]")
    assert phone.text_content("[data-attendees]") == "23"
    assert phone.text_content(f"[data-item='{first.pk}'] [data-status-label]") == "已受理"
    assert "物业三天内清理楼道" in phone.text_content(f"[data-item='{second.pk}']")
    shots(phone, "outcome-phone")
    phone.click(f"[data-item='{first.pk}'] [data-tracking-no]")
    phone.wait_for_selector("article.track")
    assert phone.text_content("[data-status-label]") == "已受理" and appeal.tracking_no in phone.content()
    shots(phone, "request-track-phone")
