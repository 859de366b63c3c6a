from django.db import connection

from appeals.models import AppealEvent

from .models import Notification
from .outbox import deliver_some_pending

# The bell's count and whether the outbox holds anything, in one round trip:
# this runs on every page a signed-in person opens.
_BELL_SQL = (
    "SELECT (SELECT COUNT(*) FROM {n} WHERE user_id = %s AND read_at IS NULL),"
    " EXISTS (SELECT 1 FROM {e} WHERE notified_at IS NULL)"
)


def unread_count(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    sql = _BELL_SQL.format(n=Notification._meta.db_table, e=AppealEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk])
        unread, pending = cursor.fetchone()
    # Residents' submissions wait in the outbox (appeals.intake): whoever opens
    # a page next delivers a few, so the badge is current without a timer.
    if pending and deliver_some_pending(probe=False):
        unread = user.notifications.filter(read_at__isnull=True).count()
    return {"unread_notifications": unread}
