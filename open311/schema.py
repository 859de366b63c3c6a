"""An OpenAPI 3 description of the Open311 endpoints in JSON, served at
/open311/v2/openapi.json for client developers and read by the property run
of the tests (tests/chaos/test_open311_schema_fuzz.py). Built per call: the
service codes are this deployment's categories and the jurisdiction its own.

XML answers carry the same fields (open311.formats); the spec
(wiki.open311.org/GeoReport_v2) is the reference, this is its shape here.
"""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse

from appeals.models import Question
from appeals.serializers import PHONE_PATTERN

from . import documents
from .views import MAX_REQUESTS

BASE = "/open311/v2"
TEXT = {"type": "string"}
MOMENT = {"type": "string", "format": "date-time"}
NULLABLE_MOMENT = {**MOMENT, "nullable": True}


def _array(ref: str) -> dict:
    return {"type": "array", "items": {"$ref": f"#/components/schemas/{ref}"}}


def _object(required: list[str], /, **properties) -> dict:
    return {"type": "object", "required": required, "properties": properties}


def _answer(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = _answer(_array("Error"), "The spec's errors: one {code, description} for each problem.")


def _errors(*codes: int) -> dict:
    return {str(code): ERRORS for code in codes}


def _query(name: str, schema: dict, description: str = "", required: bool = False) -> dict:
    return {"name": name, "in": "query", "required": required, "schema": schema, "description": description}


def _path(name: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string", "pattern": "^[^/]+$"},
            "description": description}


def _form(required: list[str], **properties) -> dict:
    return {"required": True, "content": {"application/x-www-form-urlencoded": {
        "schema": _object(required, **properties)}}}


def document(codes: list[str] | None = None, api_keys: list[str] | None = None) -> dict:
    """The description; `codes` are the service codes (default: this deployment's); `api_keys`
    the keys a generator may use (tests: so that the writes get past the key)."""
    key = {"type": "string", "enum": api_keys} if api_keys else TEXT
    if codes is None:
        codes = [c.code for c in documents.leaf_categories()] or ["none"]
    jurisdiction = _query("jurisdiction_id", {"type": "string", "enum": [settings.OPEN311_JURISDICTION, ""]},
                          "Optional (empty is as absent): this deployment's only jurisdiction.")
    page = [_query("page", {"type": "integer", "minimum": 1, "maximum": 1_000_000}),
            _query("page_size", {"type": "integer", "minimum": 1, "maximum": MAX_REQUESTS})]
    window = [_query("start_date", MOMENT, "Default: 90 days before end_date."),
              _query("end_date", MOMENT, "Default: now.")]
    api_key = _query("api_key", TEXT, "A registered client's key: lists even where the public list is off.")
    return {
        "openapi": "3.0.3",
        "info": {"title": "Hubiying Open311 GeoReport v2", "version": "2",
                 "description": "GeoReport v2 (wiki.open311.org/GeoReport_v2) with the FixMyStreet updates "
                                "extension. Every endpoint also answers in XML: replace .json by .xml."},
        "paths": {
            f"{BASE}/discovery.json": {"get": {
                "operationId": "discovery", "parameters": [jurisdiction],
                "responses": {"200": _answer({"$ref": "#/components/schemas/Discovery"}, "Where and what."),
                              **_errors(404)}}},
            f"{BASE}/services.json": {"get": {
                "operationId": "services", "parameters": [jurisdiction],
                "responses": {"200": _answer(_array("Service"), "One service per leaf category."), **_errors(404)}}},
            f"{BASE}/services/{{service_code}}.json": {"get": {
                "operationId": "service_definition", "parameters": [_path("service_code", "A service code."),
                                                                    jurisdiction],
                "responses": {"200": _answer({"$ref": "#/components/schemas/Definition"}, "The questions."),
                              **_errors(404)}}},
            f"{BASE}/requests.json": {
                "get": {
                    "operationId": "requests",
                    "parameters": [
                        _query("service_request_id", TEXT, "Tracking numbers, comma separated: overrides the rest."),
                        _query("service_code", {"type": "string", "enum": codes}),
                        *window,
                        _query("status", {"type": "string", "enum": [documents.OPEN, documents.CLOSED]}),
                        *page, _query("extensions", {"type": "boolean"}), api_key, jurisdiction],
                    "responses": {"200": _answer(_array("Request"), "Newest first."), **_errors(400, 403, 404, 429)}},
                "post": {
                    "operationId": "create_request", "parameters": [jurisdiction],
                    "description": "A new request: one location (lat and long, address_string or address_id), "
                                   "attribute[code] answers to the service's attributes; at most 4,000 characters "
                                   "of plain text (no HTML tags) in the description. Multipart with a photo as "
                                   "`media` too.",
                    "requestBody": _form(
                        ["api_key", "service_code", "description", "phone"],
                        api_key=key, service_code={"type": "string", "enum": codes},
                        lat={"type": "number", "minimum": -90, "maximum": 90},
                        long={"type": "number", "minimum": -180, "maximum": 180},
                        address_string={"type": "string", "maxLength": 200},
                        address_id=TEXT,
                        email={"type": "string", "maxLength": 254, "pattern": "^([^@\\s]+@[^@\\s]+)?$"},
                        device_id={"type": "string", "maxLength": 100},
                        account_id={"type": "string", "maxLength": 100},
                        first_name={"type": "string", "maxLength": 40}, last_name={"type": "string", "maxLength": 40},
                        phone={"type": "string", "pattern": PHONE_PATTERN},
                        description={"type": "string", "minLength": 1, "maxLength": 4000},
                        media_url={"type": "string", "maxLength": 500, "pattern": "^(https?://[^\\s]+)?$"},
                    ),
                    "responses": {"200": _answer(_array("Created"), "The tracking number, a token and the notice."),
                                  **_errors(400, 403, 404, 429)}}},
            f"{BASE}/requests/{{service_request_id}}.json": {"get": {
                "operationId": "request", "parameters": [_path("service_request_id", "A tracking number."),
                                                         _query("extensions", {"type": "boolean"}), jurisdiction],
                "responses": {"200": _answer(_array("Request"), "The one request."), **_errors(400, 404, 429)}}},
            f"{BASE}/tokens/{{token}}.json": {"get": {
                "operationId": "token", "parameters": [_path("token", "The token POST requests answered."),
                                                       jurisdiction],
                "responses": {"200": _answer(_array("Token"), "The request of the token."), **_errors(404, 429)}}},
            f"{BASE}/servicerequestupdates.json": {
                "get": {
                    "operationId": "updates", "parameters": [*window, *page, api_key, jurisdiction],
                    "responses": {"200": _answer(_array("Update"), "Oldest first."), **_errors(400, 403, 404, 429)}},
                "post": {
                    "operationId": "create_update", "parameters": [jurisdiction],
                    "requestBody": _form(
                        ["api_key", "service_request_id"], api_key=key, service_request_id=TEXT,
                        update_id={"type": "string", "maxLength": 100},
                        status={"type": "string", "enum": ["OPEN", "CLOSED", "FIXED", "REOPEN"]},
                        description={"type": "string", "maxLength": 2000}),
                    "responses": {"200": _answer(_array("UpdateId"), "The update's id."),
                                  **_errors(400, 403, 404, 429)}}},
        },
        "components": {"schemas": _schemas()},
    }


def _schemas() -> dict:
    string, boolean, integer = TEXT, {"type": "boolean"}, {"type": "integer"}
    nullable_number = {"type": "number", "nullable": True}
    value = _object(["key", "name"], key=string, name=string)
    return {
        "Error": _object(["code", "description"], code=integer, description=string),
        "Discovery": _object(
            ["changeset", "contact", "key_service", "endpoints"], changeset=MOMENT, contact=string,
            key_service=string, endpoints={"type": "array", "items": _object(
                ["specification", "url", "changeset", "type", "formats"], specification=string, url=string,
                changeset=MOMENT, type=string, formats={"type": "array", "items": string})}),
        "Service": _object(["service_code", "service_name", "description", "metadata", "type", "keywords", "group"],
                           service_code=string, service_name=string, description=string, metadata=boolean,
                           type={"type": "string", "enum": ["realtime"]}, keywords=string, group=string),
        "Definition": _object(["service_code", "attributes"], service_code=string, attributes={
            "type": "array", "items": _object(
                ["variable", "code", "datatype", "required", "datatype_description", "order", "description"],
                variable=boolean, code=string, datatype={"type": "string", "enum": Question.Datatype.values},
                required=boolean, datatype_description=string, order={"type": "integer", "minimum": 1},
                description=string, values={"type": "array", "items": value})}),
        "Request": _object(
            ["service_request_id", "status", "service_code", "requested_datetime"],
            service_request_id=string, status={"type": "string", "enum": [documents.OPEN, documents.CLOSED]},
            status_notes=string, service_name=string, service_code=string, description=string,
            agency_responsible=string, service_notice=string, requested_datetime=MOMENT, updated_datetime=MOMENT,
            expected_datetime=NULLABLE_MOMENT, address=string, address_id=string, zipcode=string,
            lat=nullable_number, long=nullable_number, media_url=string,
            extended_attributes={"type": "object"}),
        "Created": _object(["service_request_id", "token", "service_notice"], service_request_id=string,
                           token=string, service_notice=string, account_id=string),
        "Token": _object(["service_request_id", "token"], service_request_id=string, token=string),
        "Update": _object(["update_id", "service_request_id", "status", "updated_datetime", "description"],
                          update_id=string, service_request_id=string,
                          status={"type": "string", "enum": [documents.OPEN, documents.CLOSED]},
                          updated_datetime=MOMENT, description=string, media_url=string,
                          external_status_code=string),
        "UpdateId": _object(["update_id"], update_id=string),
    }


def openapi(request):
    """GET /open311/v2/openapi.json."""
    return JsonResponse(document(), json_dumps_params={"ensure_ascii": False})
