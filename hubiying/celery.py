"""Celery, for a county that runs the background work on several machines.

With CELERY_BROKER_URL set (Redis: redis://10.0.0.5:6379/1), the same work
that `manage.py run_worker` does in one loop runs as Celery tasks
(notifications/tasks.py): `celery -A hubiying worker` executes them and
`celery -A hubiying beat` puts them on their schedule (settings.CELERY_BEAT_SCHEDULE).
Each task is safe to run twice or on two workers at once — events, messages
and jobs are claimed row by row — so a worker killed mid-task loses nothing
(the task is acknowledged only when done and runs again) and repeats nothing.
Without a broker nothing here is used: `make run` runs the loop.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hubiying.settings")

app = Celery("hubiying")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["notifications"])
