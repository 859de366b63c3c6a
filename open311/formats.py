"""The two formats of GeoReport v2: XML (required, the default) and JSON.

Documents are built as plain Python values (dicts in the spec's element
order, lists, text, numbers, booleans, None) and written in either format:
a list in XML is one element per item, named by `ITEM_NAMES`.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime

from django.http import HttpResponse
from django.utils import timezone

XML = "xml"
JSON = "json"
FORMATS = {XML: "text/xml", JSON: "application/json"}

# The XML name of one item of each list.
ITEM_NAMES = {
    "services": "service", "service_requests": "request", "attributes": "attribute", "values": "value",
    "endpoints": "endpoint", "formats": "format", "notes": "note", "errors": "error",
    "service_request_updates": "request_update",
}


def moment(value: datetime | None) -> str | None:
    """ISO 8601 with the offset of the deployment's time zone (2026-12-01T16:39:38+08:00)."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for name, child in value.items():
            _fill(ET.SubElement(element, name), child)
    elif isinstance(value, list):
        for item in value:
            _fill(ET.SubElement(element, ITEM_NAMES[element.tag]), item)
    else:
        element.text = _text(value)


def to_xml(root: str, value) -> bytes:
    element = ET.Element(root)
    _fill(element, value)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def respond(fmt: str, root: str, value, status: int = 200) -> HttpResponse:
    """`value` as a document: in XML under the element `root`, in JSON as it is."""
    if fmt == JSON:
        body = json.dumps(value, ensure_ascii=False).encode("utf-8")
    else:
        body = to_xml(root, value)
    return HttpResponse(body, status=status, content_type=f"{FORMATS[fmt]}; charset=utf-8")


def errors(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    """The spec's error document: <errors><error><code/><description/></error></errors>
    or a JSON array of {code, description}, one error for each problem."""
    return respond(fmt, "errors", [{"code": status, "description": str(d)} for d in descriptions], status=status)
