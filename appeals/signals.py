"""Signals of the timeline, for the apps that keep figures from it.

`events_written` is sent by `appeals.workflow.record_events`, the one place
where timeline events are written, inside the transaction that writes them,
with `events`: the list just written. A receiver that keeps its own rows from
the timeline (the analysis app's figures) updates them in that transaction, so
that they are never out of step with the events; appeals imports none of them.
"""

from django.dispatch import Signal

events_written = Signal()
