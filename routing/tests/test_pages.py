"""The dispatcher's pages show the suggestion: the queue (kept ahead by the
worker, one query a page) and the request page (with one tap to dispatch as
suggested); what the dispatcher chose is recorded beside what was proposed."""

from __future__ import annotations

import re

from appeals import services
from appeals.models import Status
from notifications import worker
from routing.models import Correction, Proposal, Rule


def page(client, user, url):
    client.force_login(user)
    return client.get(url, secure=True).content.decode()


def test_the_worker_keeps_a_suggestion_and_the_queue_shows_it_to_the_dispatcher(client, cast, served):
    Rule.objects.create(category=cast.category, area=cast.town, unit=cast.community_unit)
    appeal = cast.appeal_in(Status.REGISTERED)
    assert not Proposal.objects.exists()  # intake and registration never wait for it
    assert worker.deliver().proposals == 1
    kept = Proposal.objects.get(appeal=appeal)
    assert (kept.unit, kept.source, kept.confidence) == (cast.community_unit, "rule", 1.0)
    assert worker.deliver().proposals == 0  # made once
    queue = page(client, cast.dispatcher, "/work/?tab=dispatch")
    row = re.search(rf'<tr data-appeal="{appeal.tracking_no}".*?</tr>', queue, re.S).group(0)
    assert 'data-suggestion="WY-DT"' in row and "花城社区居委会" in row and "100%" in row
    handler_queue = page(client, cast.handler, "/work/")
    assert "data-suggestion" not in handler_queue


def test_one_tap_dispatches_as_suggested_and_records_the_answer(client, cast, served):
    Rule.objects.create(category=cast.category, area=cast.town, unit=cast.community_unit)
    appeal = cast.appeal_in(Status.REGISTERED)
    worker.deliver()
    shown = page(client, cast.dispatcher, f"/work/appeals/{appeal.pk}/")
    assert 'data-suggestion="rule"' in shown and f'data-suggested-unit="{cast.community_unit.pk}"' in shown
    form = re.search(r'<form[^>]*data-form="accept-suggestion".*?</form>', shown, re.S).group(0)
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form))
    answer = client.post(f"/work/appeals/{appeal.pk}/dispatch/", fields, secure=True)
    assert answer.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Status.DISPATCHED and appeal.unit == cast.community_unit
    (answered,) = Correction.objects.filter(appeal=appeal)
    assert (answered.unit, answered.proposed_unit, answered.source) == (cast.community_unit,) * 2 + ("rule",)
    assert answered.actor == cast.dispatcher


def test_choosing_another_unit_is_recorded_as_the_correction(cast, served):
    Rule.objects.create(category=cast.category, area=cast.town, unit=cast.community_unit)
    appeal = cast.appeal_in(Status.REGISTERED)
    worker.deliver()
    services.dispatch(appeal, actor=cast.fresh(cast.dispatcher), unit=cast.property.pk)
    (answered,) = Correction.objects.filter(appeal=appeal)
    assert (answered.unit, answered.proposed_unit) == (cast.property, cast.community_unit)


def test_without_a_rule_or_a_model_there_is_nothing_to_show(client, cast):
    appeal = cast.appeal_in(Status.REGISTERED)
    assert worker.deliver().proposals == 0
    assert "data-suggestion" not in page(client, cast.dispatcher, f"/work/appeals/{appeal.pk}/")
    services.dispatch(appeal, actor=cast.fresh(cast.dispatcher), unit=cast.community_unit.pk)
    assert not Correction.objects.exists()


def test_without_a_model_only_requests_a_rule_covers_are_tried_each_pass(cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from routing.proposals import make_pending

    for _ in range(3):
        cast.appeal_in(Status.REGISTERED)
    with CaptureQueriesContext(connection) as queries:
        assert make_pending() == 0
    assert len(queries) == 1  # the waiting requests a rule could cover: none, so no rule is looked up per request
