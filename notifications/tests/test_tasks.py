"""The background work as Celery tasks does what the embedded loop does: the
same functions, each safe to run twice, on the schedule beat keeps."""

from __future__ import annotations

from django.conf import settings

from appeals.models import AppealEvent
from notifications import sms, tasks
from notifications.models import Notification


def test_the_deliver_task_tells_the_dispatcher_and_texts_the_resident_once(cast):
    cast.submit(contact_phone="13912345678")
    done = tasks.deliver.apply().get()
    assert done["notifications"] == 1 and done["messages"] == 1
    assert Notification.objects.filter(user=cast.dispatcher).count() == 1 and len(sms.outbox) == 1
    again = tasks.deliver.apply().get()  # a task run twice (acknowledged late, redelivered) repeats nothing
    assert again["notifications"] == 0 and again["messages"] == 0 and len(sms.outbox) == 1
    assert not AppealEvent.objects.filter(notified_at__isnull=True).exists()


def test_the_timers_and_exports_tasks_run_their_passes(cast):
    assert set(tasks.timers.apply().get()) >= {"closed", "step_reminders", "urged", "care_orders"}
    assert tasks.exports.apply().get()["exports"] == 0


def test_beat_schedules_every_task_and_drops_runs_nobody_took():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert {entry["task"] for entry in schedule.values()} == {"hubiying.deliver", "hubiying.timers", "hubiying.exports",
                                                              "hubiying.retrain"}
    assert schedule["deliver"]["schedule"] <= 5 and schedule["timers"]["schedule"] == 60
    assert all(entry["options"]["expires"] for entry in schedule.values())  # a run nobody took is dropped
    assert schedule["retrain"]["schedule"] == 86400 and schedule["retrain"]["options"]["expires"] <= 3600
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1


def test_the_retrain_task_says_when_there_is_too_little_history(cast, settings, tmp_path):
    settings.ROUTING_MODEL_PATH = str(tmp_path / "classifier.npz")
    assert "need at least" in tasks.retrain.apply().get()
