import pytest
from django.urls import reverse

from appeals import services
from notifications.models import Notification


@pytest.fixture
def dispatched(cast, django_capture_on_commit_callbacks):
    """A request dispatched to the handler's unit, its notifications delivered."""
    with django_capture_on_commit_callbacks(execute=True):
        return cast.appeal_in("dispatched")


def test_the_handler_is_told_of_new_work_with_a_link_to_it(as_user, cast, dispatched):
    client = as_user(cast.handler)
    response = client.get(reverse("notifications"))
    assert response.status_code == 200
    body = response.content.decode()
    assert dispatched.tracking_no in body
    assert f'href="{reverse("appeal_detail", args=[dispatched.pk])}"' in body
    assert 'data-unread="1"' in body  # the header badge


def test_marking_one_read_clears_the_badge(as_user, cast, dispatched):
    client = as_user(cast.handler)
    item = Notification.objects.get(user=cast.handler)
    response = client.post(reverse("notification_read", args=[item.pk]))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.read_at is not None
    assert 'data-unread="0"' in client.get(reverse("notifications")).content.decode()


def test_mark_all_read(as_user, cast, dispatched, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.urge(dispatched, actor=cast.fresh(cast.supervisor), content="请尽快签收")
    client = as_user(cast.handler)
    assert Notification.objects.filter(user=cast.handler, read_at__isnull=True).count() == 2
    assert "请尽快签收" in client.get(reverse("notifications")).content.decode()
    client.post(reverse("notifications_read_all"))
    assert not Notification.objects.filter(user=cast.handler, read_at__isnull=True).exists()


def test_nobody_marks_anothers_notification(as_user, cast, dispatched):
    item = Notification.objects.get(user=cast.handler)
    assert as_user(cast.outsider).post(reverse("notification_read", args=[item.pk])).status_code == 404
    item.refresh_from_db()
    assert item.read_at is None


def test_a_resident_is_sent_to_the_public_page_of_their_request(as_user, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        appeal = cast.appeal_in("replied")
    body = as_user(cast.resident).get(reverse("notifications")).content.decode()
    assert f'href="{reverse("track", args=[appeal.tracking_no])}"' in body
