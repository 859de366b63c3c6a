"""What the OpenAPI schema must say that the serializers cannot (a
drf-spectacular post-processing hook, SPECTACULAR_SETTINGS): the answers every
operation with a body may give, that no text holds a NUL character (DRF
refuses it in every text field), and the intake's rules on where a request is
and when a phone is needed."""

from __future__ import annotations

ERROR_REF = {"$ref": "#/components/schemas/Error"}
# Any operation that reads a body: a body of another media type, or one that
# cannot be read as the declared one.
BODY_ERRORS = {
    "400": "The body could not be read or a field is wrong.",
    "415": "The body is not of a media type the operation takes.",
}


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ERROR_REF}}}


# A request is placed by a map position (lat and lng, always together), an
# address, or a community: the intake refuses a request with none of them.
WHERE = {
    "allOf": [
        {"anyOf": [
            {"required": ["lat", "lng"]},
            {"required": ["address"], "properties": {"address": {"pattern": r"\S"}}},
            {"required": ["community"]},
        ]},
        {"anyOf": [
            {"required": ["lat", "lng"]},
            {"not": {"anyOf": [{"required": ["lat"]}, {"required": ["lng"]}]}},
        ]},
    ],
}


# A resident's own request needs a phone to reach them by; staff registering on a
# resident's behalf (the staff channels) may leave it out.
PHONE_UNLESS_STAFF = {
    "anyOf": [
        {"required": ["channel"], "properties": {"channel": {"enum": ["hotline", "walk_in", "patrol", "talk_day"]}}},
        {"required": ["contact_phone"], "properties": {"contact_phone": {"minLength": 1}}},
    ],
}


NO_NUL = "^[^\\x00]*$"


def _no_nul(schema: dict) -> None:
    """Text without a pattern of its own (the patterns we give exclude NUL already)."""
    if schema.get("type") == "string" and not ({"pattern", "enum", "format"} & set(schema)):
        schema["pattern"] = NO_NUL
    for child in schema.get("properties", {}).values():
        _no_nul(child)
    if isinstance(schema.get("items"), dict):
        _no_nul(schema["items"])


def postprocess(result, generator, request, public):
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            if "requestBody" in operation:
                for code, description in BODY_ERRORS.items():
                    operation["responses"].setdefault(code, _error(description))
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query":
                    _no_nul(parameter.get("schema", {}))
    schemas = result.get("components", {}).get("schemas", {})
    for name, schema in schemas.items():
        if name.endswith("Request"):
            _no_nul(schema)
    for name in ("AppealCreateRequest", "AppealCreateFormRequest"):
        if name in schemas:
            schemas[name]["allOf"] = [*WHERE["allOf"], PHONE_UNLESS_STAFF]
    return result
