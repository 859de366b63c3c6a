"""The workbench's shortcuts stay invisible: tab counts, page totals, names held
per process and rows built in Python show what the plain queries would."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appeals.models import Appeal, Category, Status
from appeals.views.work import Queue, queues_for
from organisations.models import Node, Unit


def tabs(response) -> dict[str, int]:
    return {q.key: q.count for q in response.context["queues"]}


def row_numbers(response) -> list[str]:
    return re.findall(r'<tr data-appeal="([^"]+)"', response.content.decode())


def appeal_counts(captured) -> list[str]:
    return [q["sql"] for q in captured if q["sql"].startswith("SELECT COUNT(") and '"appeals_appeal"' in q["sql"]]


def test_every_tab_count_is_what_the_tab_lists(as_user, cast):
    for status in ("submitted", "registered", "returned", "dispatched", "signed", "in_progress",
                   "replied", "evaluated", "reopened", "closed", "withdrawn"):
        cast.appeal_in(status)
    late = cast.appeal_in("dispatched", urgency="urgent")
    Appeal.objects.filter(pk=late.pk).update(step_due=timezone.now() - timedelta(hours=1))
    grid_made = cast.appeal_in("closed")
    Appeal.objects.filter(pk=grid_made.pk).update(created_by=cast.grid_worker)
    for person in (cast.dispatcher, cast.handler, cast.grid_worker, cast.supervisor, cast.admin, cast.outsider):
        client = as_user(person)
        counts = tabs(client.get(reverse("workbench")))
        if person in (cast.dispatcher, cast.supervisor, cast.admin):
            assert counts["open"] == 10 and counts["overdue"] == 1
        for key, count in counts.items():
            response = client.get(reverse("workbench"), {"tab": key})
            assert len(row_numbers(response)) == count, (person.username, key)
            assert response.context["page"].paginator.count == count, (person.username, key)


def test_an_unfiltered_tab_is_not_counted_twice(as_user, cast):
    for _ in range(23):
        cast.submit()
    client = as_user(cast.dispatcher)
    client.get(reverse("workbench"))
    with CaptureQueriesContext(connection) as captured:
        second = client.get(reverse("workbench"), {"tab": "register", "page": 2})
    assert appeal_counts(captured) == []  # the tab's own count serves the paginator
    assert second.context["page"].paginator.count == 23 and len(row_numbers(second)) == 3
    assert "23 requests" in second.content.decode()
    with CaptureQueriesContext(connection) as captured:
        filtered = client.get(reverse("workbench"), {"tab": "register", "q": "电梯"})
    assert len(appeal_counts(captured)) == 1  # a filter narrows the tab: counted on its own
    assert filtered.context["page"].paginator.count == 23


def test_a_category_added_or_renamed_shows_in_the_filter_at_once(as_user, cast):
    client = as_user(cast.dispatcher)
    assert "Street lights" not in client.get(reverse("workbench")).content.decode()
    parent = Category.objects.get(code="WY")
    Category.objects.create(code="WY-LD", name="路灯", name_en="Street lights", parent=parent, order=9)
    body = client.get(reverse("workbench")).content.decode()
    assert '<option value="WY-LD">\u2003Street lights</option>' in body
    parent.name_en = "Estates"
    parent.save()
    body = client.get(reverse("workbench"), {"category": "WY"}).content.decode()
    assert '<option value="WY" selected>Estates</option>' in body


def test_a_renamed_place_or_unit_shows_on_the_next_page(as_user, cast):
    appeal = cast.appeal_in("dispatched")
    client = as_user(cast.dispatcher)
    assert "花城小区" in client.get(reverse("workbench"), {"tab": "open"}).content.decode()
    cast.compound.name = "花城新苑"
    cast.compound.save()
    cast.community_unit.name = "花城社区服务站"
    cast.community_unit.save()
    body = client.get(reverse("workbench"), {"tab": "open"}).content.decode()
    assert f'data-appeal="{appeal.tracking_no}"' in body
    assert '<td class="c-place">花城新苑<span class="sub">花城社区服务站</span></td>' in body


def test_a_place_added_by_another_process_still_shows_its_name(as_user, cast):
    # Rows written without signals, as another worker's would be: the names held
    # here do not know the new place yet and are read again.
    appeal = cast.appeal_in("dispatched")
    client = as_user(cast.dispatcher)
    client.get(reverse("workbench"), {"tab": "open"})
    (court,) = Node.objects.bulk_create([Node(code="HTB-Z-HC-G1-C2", name="花城二期", kind=Node.Kind.COMPOUND,
                                              parent=cast.grid, path=cast.grid.path + "HTB-Z-HC-G1-C2/")])
    (unit,) = Unit.objects.bulk_create([Unit(code="U-EQ", name="二期物业", kind=Unit.Kind.PROPERTY)])
    Appeal.objects.filter(pk=appeal.pk).update(node=court, unit=unit)
    body = client.get(reverse("workbench"), {"tab": "open"}).content.decode()
    assert '<td class="c-place">花城二期<span class="sub">二期物业</span></td>' in body


def test_a_row_shows_its_number_urgency_category_place_state_and_local_due_time(as_user, cast):
    appeal = cast.appeal_in("dispatched", urgency="urgent", title="电梯<停运>")
    due = timezone.localtime(appeal.step_due)
    body = as_user(cast.dispatcher).get(reverse("workbench"), {"tab": "open"}).content.decode()
    link = reverse("appeal_detail", args=[appeal.pk])
    assert (f'<td class="c-no"><a href="{link}">{appeal.tracking_no}</a> '
            '<span class="badge badge-urgent">Urgent</span></td>') in body
    assert f'<td class="c-title"><a href="{link}">电梯&lt;停运&gt;</a></td>' in body
    assert '<td class="c-cat">Property management › Lift fault</td>' in body
    assert '<span class="status status-dispatched">Dispatched</span>' in body
    assert f'<time datetime="{due.isoformat()}">{due:%m-%d %H:%M}</time>' in body
    assert due.utcoffset() == timedelta(hours=8)  # Asia/Shanghai, as the date filter shows it


def test_a_finished_request_shows_no_due_time(as_user, cast):
    closed = cast.appeal_in("closed")
    Appeal.objects.filter(pk=closed.pk).update(created_by=cast.grid_worker, step_due=timezone.now())
    response = as_user(cast.grid_worker).get(reverse("workbench"), {"tab": "mine"})
    assert row_numbers(response) == [closed.tracking_no]
    body = response.content.decode()
    assert 'class="deadline-"' in body and '<td class="c-due"></td>' in body


def test_a_queue_lists_open_requests_only(cast, db):
    with pytest.raises(ValueError):
        Queue("closed", "Closed", (Status.CLOSED,))
    # The dispatcher's own tabs share one condition: one count column, not several.
    queues = {q.key: q for q in queues_for(cast.fresh(cast.dispatcher))}
    assert queues["register"].where == queues["replied"].where == queues["dispatch"].where
