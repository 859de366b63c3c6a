"""A plan item from a need to done through the one transition table: each move
by the case worker, on the locked row, recorded as a step (who, when, from,
to); a move the table has not is refused and changes nothing; an assessment's
needs become items."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from appeals.errors import Forbidden, Invalid, WrongState
from care_plan import services, workflow
from care_plan.models import Assessment, Need, PlanItem, PlanStep

from .conftest import logged_in

pytestmark = pytest.mark.django_db
S = PlanItem.State


def snapshot(item: PlanItem) -> tuple:
    row = PlanItem.objects.get(pk=item.pk)
    return ({f.attname: getattr(row, f.attname) for f in PlanItem._meta.concrete_fields},
            list(PlanStep.objects.order_by("pk").values_list("pk", flat=True)))


@pytest.fixture
def item(person, worker) -> PlanItem:
    return services.add_item(person, actor=worker, area="device", what="适配轮椅")


def test_an_item_goes_from_need_to_done_and_every_move_is_a_step(item, worker):
    services.move_item(item, "arrange", actor=worker, by_whom="县残联辅具中心", due_on=date(2026, 12, 1))
    services.move_item(item, "start", actor=worker)
    yesterday = timezone.localdate() - timedelta(days=1)
    services.move_item(item, "finish", actor=worker, done_on=yesterday)
    item.refresh_from_db()
    assert (item.state, item.by_whom, item.done_on) == (S.DONE, "县残联辅具中心", yesterday)
    assert item.planned_at and item.started_at and item.done_at
    steps = list(item.steps.values_list("action", "from_state", "to_state", "actor"))
    assert steps == [("create", "", S.NEED, worker.pk), ("arrange", S.NEED, S.PLANNED, worker.pk),
                     ("start", S.PLANNED, S.IN_PROGRESS, worker.pk), ("finish", S.IN_PROGRESS, S.DONE, worker.pk)]


def test_a_move_the_table_has_not_is_refused_and_changes_nothing(item, worker):
    before = snapshot(item)
    with pytest.raises(WrongState) as refused:
        services.move_item(item, "finish", actor=worker)  # never arranged
    assert "待落实" in refused.value.detail or "Needed" in refused.value.detail
    assert snapshot(item) == before
    for action in ("start", "reopen", "nonsense"):
        with pytest.raises((WrongState, Invalid)):
            services.move_item(item, action, actor=worker)
        assert snapshot(item) == before


def test_arranging_names_who_giving_up_says_why_and_nothing_is_done_ahead(item, worker):
    before = snapshot(item)
    with pytest.raises(Invalid) as no_one:
        services.move_item(item, "arrange", actor=worker)
    assert no_one.value.field == "by_whom"
    with pytest.raises(Invalid) as why:
        services.move_item(item, "cancel", actor=worker)
    assert why.value.field == "note"
    assert snapshot(item) == before
    services.move_item(item, "arrange", actor=worker, by_whom="县残联")
    with pytest.raises(Invalid) as ahead:
        services.move_item(item, "finish", actor=worker, done_on=timezone.localdate() + timedelta(days=2))
    assert ahead.value.field == "done_on" and PlanItem.objects.get(pk=item.pk).state == S.PLANNED
    services.move_item(item, "cancel", actor=worker, note="已搬离本县")
    services.move_item(item, "reopen", actor=worker, note="又搬回来了")
    assert PlanItem.objects.get(pk=item.pk).state == S.NEED


def test_only_the_case_worker_moves_an_item(item, staff, head, far_worker):
    before = snapshot(item)
    for user in (staff, head, far_worker):
        with pytest.raises(Forbidden):
            services.move_item(item, "arrange", actor=user, by_whom="x")
    assert snapshot(item) == before


def test_an_assessments_needs_become_items_once(person, worker):
    services.add_assessment(person, actor=worker, assessed_on=timezone.localdate(), note="",
                            needs=[("device", "urgent", "适配轮椅"), ("income", "needed", "")])
    services.add_assessment(person, actor=worker, assessed_on=timezone.localdate(), note="",
                            needs=[("device", "needed", "更换轮椅"), ("employment", "needed", "找工作")])
    assert Assessment.objects.count() == 2 and Need.objects.count() == 4
    assert sorted(person.plan_items.values_list("area", "what")) == [
        ("device", "适配轮椅"), ("employment", "找工作"), ("income", "救助补贴")]


def test_the_page_moves_an_item_and_says_so_when_it_cannot(client, person, item, worker):
    c = logged_in(client, worker)
    url = f"/work/care-plans/{person.pk}/"
    refused = c.post(url, {"section": "move", "item": item.pk, "action": "finish"}, secure=True)
    assert refused.status_code == 409 and PlanItem.objects.get(pk=item.pk).state == S.NEED
    assert 'class="message message-error"' in refused.content.decode()
    assert c.post(url, {"section": "move", "item": item.pk, "action": "arrange", "by_whom": "县残联康复中心",
                        "due_on": "2026-12-01"}, secure=True).status_code == 302
    assert PlanItem.objects.get(pk=item.pk).state == S.PLANNED
    for bad in ({"item": "x", "action": "start"}, {"item": 999999, "action": "start"},
                {"item": item.pk, "action": "fly"}, {"item": item.pk, "action": "finish", "done_on": "2026-99-99"}):
        response = c.post(url, {"section": "move", **bad}, secure=True)
        assert response.status_code in (400, 404, 409), (bad, response.status_code)
    assert PlanItem.objects.get(pk=item.pk).state == S.PLANNED
    page = c.get(url, secure=True).content.decode()
    assert f'data-item="{item.pk}" data-state="planned"' in page
    assert set(workflow.actions_from(S.PLANNED)) == {"start", "finish", "cancel"}
    for action in ("start", "finish", "cancel"):
        assert f'data-action="{action}"' in page
