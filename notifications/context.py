from .outbox import deliver_some_pending


def unread_count(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Residents' submissions wait in the outbox (appeals.intake): whoever opens
    # a page next delivers a few, so the badge is current without a timer.
    deliver_some_pending()
    return {"unread_notifications": user.notifications.filter(read_at__isnull=True).count()}
