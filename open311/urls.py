from django.urls import re_path

from . import schema, views

SUFFIX = r"(?:\.(?P<fmt>[A-Za-z0-9]+))?$"

urlpatterns = [
    re_path(r"^discovery" + SUFFIX, views.discovery, name="open311-discovery"),
    re_path(r"^services" + SUFFIX, views.services, name="open311-services"),
    re_path(r"^services/(?P<code>[^/]+?)" + SUFFIX, views.service_definition, name="open311-service"),
    re_path(r"^requests" + SUFFIX, views.requests, name="open311-requests"),
    re_path(r"^requests/(?P<number>[^/]+?)" + SUFFIX, views.request_one, name="open311-request"),
    re_path(r"^tokens/(?P<token>[^/]+?)" + SUFFIX, views.token, name="open311-token"),
    re_path(r"^servicerequestupdates" + SUFFIX, views.updates, name="open311-updates"),
    re_path(r"^openapi\.json$", schema.openapi, name="open311-openapi"),
    re_path(r"^(?P<rest>.*?)" + SUFFIX, views.unknown, name="open311-unknown"),
]
