from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from appeals.models import Appeal


def make_late(appeal, hours=3):
    now = timezone.now()
    Appeal.objects.filter(pk=appeal.pk).update(step_due=now - timedelta(hours=hours),
                                               step_warn_at=now - timedelta(hours=hours + 4))


def make_due_soon(appeal):
    now = timezone.now()
    Appeal.objects.filter(pk=appeal.pk).update(step_due=now + timedelta(hours=1),
                                               step_warn_at=now - timedelta(hours=1))


def listed(response) -> list[str]:
    return [a.tracking_no for a in response.context["page"].object_list]


def test_the_supervisor_sees_overdue_and_due_soon_requests_most_urgent_first(as_user, cast):
    later, earlier, soon, fine = (cast.appeal_in("dispatched") for _ in range(4))
    make_late(later, hours=1)
    make_late(earlier, hours=5)
    make_due_soon(soon)
    response = as_user(cast.supervisor).get(reverse("overdue"))
    assert response.status_code == 200
    assert listed(response) == [earlier.tracking_no, later.tracking_no, soon.tracking_no]
    assert fine.tracking_no not in response.content.decode()


def test_finished_requests_are_not_overdue(as_user, cast):
    closed = cast.appeal_in("closed")
    make_late(closed)
    assert listed(as_user(cast.supervisor).get(reverse("overdue"))) == []


def test_the_supervisor_urges_from_the_list(as_user, cast):
    appeal = cast.appeal_in("signed")
    make_late(appeal)
    client = as_user(cast.supervisor)
    body = client.get(reverse("overdue")).content.decode()
    assert f'action="{reverse("appeal_action", args=[appeal.pk, "urge"])}"' in body
    response = client.post(reverse("appeal_action", args=[appeal.pk, "urge"]),
                           {"content": "已超期，请今天办结", "next": reverse("overdue")})
    assert response["Location"] == reverse("overdue")
    urge = appeal.events.get(action="urge")
    assert urge.actor == cast.supervisor and urge.note == "已超期，请今天办结" and not urge.public


def test_leaders_and_dispatchers_see_the_list_without_urge_buttons(as_user, cast):
    appeal = cast.appeal_in("signed")
    make_late(appeal)
    for who in (cast.leader, cast.dispatcher):
        response = as_user(who).get(reverse("overdue"))
        assert listed(response) == [appeal.tracking_no]
        assert 'data-action="urge"' not in response.content.decode()


def test_the_list_keeps_to_ones_scope(as_user, cast):
    appeal = cast.appeal_in("signed")
    make_late(appeal)
    assert listed(as_user(cast.other_dispatcher).get(reverse("overdue"))) == []


def test_handlers_and_grid_workers_have_no_overdue_view(as_user, cast):
    assert as_user(cast.handler).get(reverse("overdue")).status_code == 403
    assert as_user(cast.grid_worker).get(reverse("overdue")).status_code == 403


def test_an_urge_leaves_its_trace_on_the_card_keeps_the_place_and_is_not_repeated(as_user, cast):
    appeal = cast.appeal_in("signed")
    make_late(appeal)
    client = as_user(cast.supervisor)
    body = client.get(reverse("overdue") + "?page=1").content.decode()
    back = reverse("overdue") + f"?page=1#a{appeal.pk}"
    assert f'value="{back}"' in body  # the form brings the supervisor back to this card
    response = client.post(reverse("appeal_action", args=[appeal.pk, "urge"]), {"content": "请今天办结", "next": back})
    assert response["Location"] == back
    card = client.get(reverse("overdue")).content.decode()
    assert "data-urged" in card and "Urged once" in card
    assert "data-urge-wait" in card  # instead of a second urge button, when it may be urged again
    again = client.post(reverse("appeal_action", args=[appeal.pk, "urge"]), {"content": "再催", "next": back},
                        follow=True)
    assert "It can be urged again from" in again.content.decode()
    assert appeal.events.filter(action="urge").count() == 1
