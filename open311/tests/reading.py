"""How the tests read Open311 answers, as a client does: the XML parsed with
xml.etree, the JSON with json, never compared as strings; and no answer
ever carries the personal data of the test county's requests."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

BASE = "/open311/v2/"
PERSONAL = ["王秀兰", "13899912345", "花城小区3号楼", "3号楼", "电梯已经停运"]


def get(client, path, **params):
    response = client.get(BASE + path, params)
    body = response.content.decode("utf-8")
    for private in PERSONAL:
        assert private not in body, (path, private)
    return response


def xml_of(response):
    assert response["Content-Type"].startswith("text/xml")
    assert response.content.startswith(b"<?xml")
    return ET.fromstring(response.content)


def json_of(response):
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def error_of(response, status):
    """The spec's error document in either format: [(code, description)]."""
    assert response.status_code == status
    if response["Content-Type"].startswith("text/xml"):
        root = xml_of(response)
        assert root.tag == "errors"
        found = [(int(e.findtext("code")), e.findtext("description")) for e in root.findall("error")]
    else:
        found = [(e["code"], e["description"]) for e in json_of(response)]
    assert found and all(code == status and text for code, text in found)
    return found


def xml_requests(response):
    root = xml_of(response)
    assert root.tag == "service_requests"
    return [{child.tag: child for child in r} for r in root.findall("request")]
