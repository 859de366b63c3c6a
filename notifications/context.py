from .models import Notification


def unread_count(request):
    """The bell's count on every page of a signed-in person (read only: the
    worker makes the notifications)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": Notification.objects.filter(user=user, read_at__isnull=True).count()}
