"""The OpenAPI document, made to say what the service really answers.

Litestar builds the document from the route signatures, with three differences from
what the service does, corrected here once the document is built:

- it lists a 400 for every route with parameters, where this service answers 422
  (app.exceptions.handlers.validation), which the routes document themselves;
- it does not say that a model refuses unknown fields (`extra="forbid"`);
- it lists null for a field that may be omitted but not null (`SkipJsonSchema[None]`);
- it leaves out the `pattern` of a constrained string.

The last three are read from pydantic's own JSON schema of each model, so the document
says what pydantic, which validates the requests, accepts.
"""

from typing import Any

from litestar.openapi.spec import OpenAPI, Reference, Schema
from litestar.openapi.spec.enums import OpenAPIType
from pydantic import BaseModel

# The operations of a path item.
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def models_by_name(base: type[BaseModel] = BaseModel) -> dict[str, type[BaseModel]]:
    """Every pydantic model defined so far, by class name (the name of its component)."""
    found: dict[str, type[BaseModel]] = {}
    for model in base.__subclasses__():
        found[model.__name__] = model
        found.update(models_by_name(model))
    return found


def alternatives(schema: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = schema.get("anyOf", schema.get("oneOf", [schema]))
    return found


def allows_null(schema: dict[str, Any]) -> bool:
    return any(alternative.get("type") == "null" for alternative in alternatives(schema))


def with_pattern(schema: Schema | Reference, expected: dict[str, Any]) -> None:
    """Copy the pattern of pydantic's string schema `expected` to the string in `schema`."""
    pattern = next((item["pattern"] for item in alternatives(expected) if "pattern" in item), None)
    candidates = [schema, *(schema.one_of or [])] if isinstance(schema, Schema) else []
    for candidate in candidates:
        if isinstance(candidate, Schema) and candidate.type == OpenAPIType.STRING and pattern:
            candidate.pattern = pattern


def without_null(schema: Schema | Reference) -> Schema | Reference:
    if not isinstance(schema, Schema) or not schema.one_of:
        return schema
    kept = [item for item in schema.one_of if getattr(item, "type", None) != OpenAPIType.NULL]
    return kept[0] if len(kept) == 1 else Schema(one_of=kept)


def match_pydantic(schema: Schema, model: type[BaseModel]) -> None:
    """Make the component `schema` of `model` agree with pydantic on extra fields and null."""
    expected = model.model_json_schema()
    if expected.get("additionalProperties") is False:
        schema.additional_properties = False
    properties = expected.get("properties", {})
    for name, field in (schema.properties or {}).items():
        if name not in properties:
            continue
        with_pattern(field, properties[name])
        if not allows_null(properties[name]):
            schema.properties[name] = without_null(field)  # type: ignore[index]


def correct_openapi(document: OpenAPI) -> None:
    """Apply the corrections listed above to `document`, in place."""
    models = models_by_name()
    components = document.components.schemas if document.components else None
    for name, schema in (components or {}).items():
        if name in models:
            match_pydantic(schema, models[name])
    for path_item in (document.paths or {}).values():
        for method in HTTP_METHODS:
            operation = getattr(path_item, method)
            if operation is not None and operation.responses:
                operation.responses.pop("400", None)
