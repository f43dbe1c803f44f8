"""OpenAPI schema post-processing: every operation documents the error answers it can give.

drf-spectacular documents only the success answer of an operation, so a client (and schemathesis) meets 400, 401,
403 and 404 answers that the schema never mentions. This hook adds them to every operation, with the two shapes the
exception handler (core.api.exceptions) produces: `{"detail": "…"}`, and field-keyed validation errors
(`{"uscc": ["…"], "non_field_errors": ["…"]}`, nested for list items)."""

ERROR = {
    "type": "object",
    "description": "What went wrong, in the language of the request (Accept-Language).",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR = {
    "type": "object",
    "description": "Messages per field (non_field_errors: about the whole request); list and nested fields carry "
                   "their messages by index or key.",
    "additionalProperties": {"oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"},
                                       {"type": "object"}]},
}
ANSWERS = {
    "400": ("Bad request: a parameter or a field is invalid; the body says which and what is expected.",
            "ValidationError"),
    "401": ("Not authenticated: sign in or send a valid token.", "Error"),
    "403": ("Forbidden: the account lacks the capability for this region or action.", "Error"),
    "404": ("Not found, or outside the caller's regions (the two are not told apart), or a page beyond the list.",
            "Error"),
}


def document_error_answers(result, generator, request, public):
    """POSTPROCESSING_HOOKS entry: add the error answers to every operation that lacks them."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("ValidationError", VALIDATION_ERROR)
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code, (description, component) in ANSWERS.items():
                responses.setdefault(code, {
                    "description": description,
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
                })
    return result
