"""JSON Schemas of the public file formats, published under `data/schema/` so an editor validates
a pricing table or a profile as it is typed (`# yaml-language-server: $schema=...`), and so the
JSON output of `tco compare` has a documented contract."""

from __future__ import annotations

from typing import Any

from model.profile import WorkloadProfile
from model.result import EstimateOut
from pricing.criteria import Criteria
from pricing.schema import PriceTable

__all__ = ["json_schemas"]


def _profile_file_schema() -> dict[str, Any]:
    """The profile model's schema, plus what only a file has: `extends` (a preset to start from,
    whose fields the file's replace), and so the required fields only when it is absent."""
    schema = WorkloadProfile.model_json_schema()
    required = schema.pop("required", [])
    schema["properties"]["extends"] = {
        "type": "string",
        "description": "A bundled preset (a file name in data/profiles/, without .yaml) to start from; the "
        "file's own fields replace the preset's",
    }
    schema["properties"]["version"]["enum"] = [1, 2]
    schema["properties"]["version"].pop("const", None)
    schema["if"] = {"required": ["extends"]}
    schema["else"] = {"required": required}
    return schema


def json_schemas() -> dict[str, dict[str, Any]]:
    """File name -> schema, generated from the pydantic models (unknown keys forbidden)."""
    schemas = {
        "pricing-table.schema.json": PriceTable.model_json_schema(),
        "profile.schema.json": _profile_file_schema(),
        "estimate.schema.json": EstimateOut.model_json_schema(),
        "criteria.schema.json": Criteria.model_json_schema(),
    }
    for name, schema in schemas.items():
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = name
    return schemas
