"""The OpenAPI schema and the Swagger page."""

from __future__ import annotations

import re

import yaml
from django.core.management import call_command

from appeals import services


def test_schema_generates_valid_and_without_warnings(db, tmp_path):
    out = tmp_path / "schema.yaml"
    # --fail-on-warn turns any warning (an undeclared shape, a name clash) into an error.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = yaml.safe_load(out.read_text())
    paths = schema["paths"]
    for action in services.ACTIONS:
        assert "post" in paths[f"/api/v1/appeals/{{id}}/{action}"], action
    for path in ("/api/v1/auth/token", "/api/v1/me", "/api/v1/categories", "/api/v1/units", "/api/v1/appeals",
                 "/api/v1/appeals/{id}", "/api/v1/track/{tracking_no}", "/api/v1/track/{tracking_no}/evaluate"):
        assert path in paths, path
    operation_ids = [op["operationId"] for item in paths.values() for op in item.values()]
    assert len(operation_ids) == len(set(operation_ids))


def test_schema_is_served(db, client):
    response = client.get("/api/v1/schema")
    assert response.status_code == 200
    assert b"/api/v1/appeals/{id}/approve-extension" in response.content


def test_swagger_docs_load_their_assets_locally(db, client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    # (a CSRF token may hold the letters "cdn": look for a CDN address, not the word)
    assert not re.search(r"//[^\"' ]*(cdn|unpkg|jsdelivr)", html.lower())
