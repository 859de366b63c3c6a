"""close_expired_evaluations (run_timers): an unanswered evaluation window
closes the request as not evaluated, never as satisfied."""

import io
from datetime import timedelta

from django.core.management import call_command

from appeals import services
from appeals.models import Appeal, Status

from ._support import at, events, last_event, member

S = Status


def test_a_request_whose_evaluation_window_ended_is_closed_as_not_evaluated(cast, clock):
    clock.set("2026-06-08 10:00")
    appeal = cast.appeal_in(S.REPLIED)  # window: 7 days
    assert appeal.step_due == at("2026-06-15 10:00")
    closed = services.close_expired_evaluations(now=at("2026-06-15 10:01"))
    assert closed == 1
    appeal.refresh_from_db()
    assert appeal.status == S.CLOSED and appeal.closed_at == at("2026-06-15 10:01")
    assert appeal.rating == "" and appeal.evaluated_at is None
    assert appeal.step_due is None
    event = last_event(appeal)
    assert (event.action, event.from_status, event.to_status) == ("close", S.REPLIED, S.CLOSED)
    assert event.actor is None and event.data == {"evaluated": False, "auto": True}
    assert events(appeal, "evaluate") == []
    assert not Appeal.objects.filter(rating=Appeal.Rating.SATISFIED).exists()


def test_a_request_inside_its_evaluation_window_stays_open(cast, clock):
    clock.set("2026-06-08 10:00")
    appeal = cast.appeal_in(S.REPLIED)
    assert services.close_expired_evaluations(now=at("2026-06-15 09:59")) == 0
    appeal.refresh_from_db()
    assert appeal.status == S.REPLIED


def test_a_dissatisfied_request_waits_for_the_dispatcher_not_for_the_timer(cast, clock):
    clock.set("2026-06-08 10:00")
    appeal = cast.appeal_in(S.EVALUATED)
    assert services.close_expired_evaluations(now=at("2026-07-30 10:00")) == 0
    appeal.refresh_from_db()
    assert appeal.status == S.EVALUATED


def test_running_the_timer_twice_closes_once(cast, clock):
    clock.set("2026-06-08 10:00")
    appeal = cast.appeal_in(S.REPLIED)
    later = at("2026-06-16 10:00")
    assert services.close_expired_evaluations(now=later) == 1
    assert services.close_expired_evaluations(now=later) == 0
    assert len(events(appeal, "close")) == 1


def test_the_run_timers_command_closes_expired_evaluations(cast, clock):
    clock.set("2026-06-08 10:00")
    appeal = cast.appeal_in(S.REPLIED)
    clock.advance(days=7, minutes=1)
    out = io.StringIO()
    call_command("run_timers", stdout=out)
    assert out.getvalue().startswith("closed 1,")
    appeal.refresh_from_db()
    assert appeal.status == S.CLOSED


def test_an_expired_window_does_not_stop_a_late_evaluation_before_the_timer_runs(cast, clock):
    clock.set("2026-06-08 10:00")
    appeal = cast.appeal_in(S.REPLIED)
    clock.advance(days=8)
    services.evaluate(appeal, actor=member(cast, "resident"), rating="satisfied")
    assert services.close_expired_evaluations(now=clock.now + timedelta(minutes=1)) == 0
    appeal.refresh_from_db()
    assert appeal.rating == "satisfied" and appeal.status == S.CLOSED
