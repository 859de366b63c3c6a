"""The care recipient's one page: the link in the text message a volunteer's
"done" sends them, where one tap confirms that the meal came or the flat was
cleaned. It names the volunteer by name and the service, nothing more."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from appeals.errors import ActionError

from . import services
from .models import Order


@require_http_methods(["GET", "POST"])
def confirm(request, pk: int, token: str):
    order = Order.objects.select_related("volunteer", "canteen").filter(pk=pk).first()
    if order is None or not services.token_matches(order, token):
        raise Http404
    error, status = None, 200
    if request.method == "POST" and request.POST.get("action") == "confirm":
        try:
            services.confirm(order)
        except ActionError as exc:
            error, status = exc.detail, exc.status
        else:
            return redirect(services.private_path(order))
    return render(request, "care/confirm.html", {"order": order, "error": error}, status=status)
