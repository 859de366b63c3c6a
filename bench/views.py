"""The two ceilings the application is measured against. Both run through the
same middleware stack, worker model and database connection settings as the
application's own views."""

import json

from django.http import HttpResponseBadRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .models import CommitRow


@require_http_methods(["GET"])
def bare_json(request):
    """The framework's ceiling: routing, middleware and a JSON body, no database."""
    return JsonResponse({"ok": True, "at": timezone.now().isoformat()})


@csrf_exempt
@require_http_methods(["POST"])
def bare_commit(request):
    """The commit ceiling: parse the JSON body and insert one row (autocommit)."""
    try:
        data = json.loads(request.body)
    except ValueError:
        return HttpResponseBadRequest("bad json")
    row = CommitRow.objects.create(payload=data, created_at=timezone.now())
    return JsonResponse({"id": row.pk}, status=201)
