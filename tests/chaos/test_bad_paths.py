"""Wrong paths under the API answer in the API's own JSON shape, whatever the
method, even for a client that carries no CSRF token (API clients never do)."""

import pytest
from django.test import Client


@pytest.mark.parametrize("path", ["/api/v1/appeals/null,null/sign", "/api/v1/appeals/1/fly", "/api/v1/nothing"])
@pytest.mark.parametrize("method", ["get", "post", "put", "delete"])
def test_an_unknown_api_path_answers_json_404(db, path, method):
    client = Client(enforce_csrf_checks=True)
    if method == "get":
        response = client.get(path)
    else:
        response = getattr(client, method)(path, "{}", content_type="application/json")
    assert response.status_code == 404, response.content[:200]
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found"
