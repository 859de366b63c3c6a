import pytest
from django.urls import reverse
from django.utils import timezone

from appeals import services
from conftest import deliver
from notifications.models import Notification


@pytest.fixture
def dispatched(cast):
    """A request dispatched to the handler's unit, its notifications delivered (the worker)."""
    appeal = cast.appeal_in("dispatched", title="3号楼电梯停运")
    deliver()
    return appeal


def test_the_handler_is_told_of_new_work_with_its_title_deadline_and_instructions(as_user, cast):
    appeal = cast.appeal_in("registered", title="3号楼电梯停运")
    services.dispatch(appeal, actor=cast.fresh(cast.dispatcher), unit=cast.community_unit.pk,
                      note="请今天联系电梯维保单位")
    deliver()
    client = as_user(cast.handler)
    response = client.get(reverse("notifications"))
    assert response.status_code == 200
    body = response.content.decode()
    assert appeal.tracking_no in body and "3号楼电梯停运" in body
    assert "请今天联系电梯维保单位" in body  # the sender's note
    assert "dispatcher" in body  # who sent it
    appeal.refresh_from_db()
    assert f'datetime="{timezone.localtime(appeal.step_due).isoformat()}"' in body  # when it is due
    item = Notification.objects.get(user=cast.handler)
    assert f'action="{reverse("notification_open", args=[item.pk])}"' in body
    assert 'data-unread="1"' in body  # the header badge


def test_marking_one_read_clears_the_badge(as_user, cast, dispatched):
    client = as_user(cast.handler)
    item = Notification.objects.get(user=cast.handler)
    response = client.post(reverse("notification_read", args=[item.pk]))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.read_at is not None
    assert 'data-unread="0"' in client.get(reverse("notifications")).content.decode()


def test_mark_all_read_asks_first(as_user, cast, dispatched):
    services.urge(dispatched, actor=cast.fresh(cast.supervisor), content="请尽快签收")
    deliver()
    client = as_user(cast.handler)
    assert Notification.objects.filter(user=cast.handler, read_at__isnull=True).count() == 2
    body = client.get(reverse("notifications")).content.decode()
    assert "请尽快签收" in body
    assert "<details class=\"confirm\" data-read-all>" in body and "Mark all 2 unread notifications as read?" in body
    client.post(reverse("notifications_read_all"))
    assert not Notification.objects.filter(user=cast.handler, read_at__isnull=True).exists()


def test_nobody_marks_or_opens_anothers_notification(as_user, cast, dispatched):
    item = Notification.objects.get(user=cast.handler)
    outsider = as_user(cast.outsider)
    assert outsider.post(reverse("notification_read", args=[item.pk])).status_code == 404
    assert outsider.post(reverse("notification_open", args=[item.pk])).status_code == 404
    item.refresh_from_db()
    assert item.read_at is None


def test_a_resident_is_sent_to_the_page_of_their_request(as_user, cast):
    appeal = cast.appeal_in("replied")
    deliver()
    client = as_user(cast.resident)
    item = Notification.objects.get(user=cast.resident)
    response = client.post(reverse("notification_open", args=[item.pk]))
    assert response["Location"] == reverse("track", args=[appeal.tracking_no])
