"""JSON Schemas of the public file formats, published under `data/schema/` so an editor validates
a pricing table or a profile as it is typed (`# yaml-language-server: $schema=...`), and so the
JSON output of `tco compare` has a documented contract."""

from __future__ import annotations

from typing import Any

from model.account_out import AccountEstimateOut
from model.result import EstimateOut
from schema.criteria import Criteria
from schema.profile import WorkloadProfile
from schema.tables import ModelsFile, PriceTable

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


def _scenarios_schema() -> dict[str, Any]:
    """A scenario set file (see `pricing.scenarios`): each scenario a full profile or changes to
    the `base` profile."""
    from pricing.scenarios import MAX_SCENARIOS, MIN_SCENARIOS, SCENARIOS_VERSION

    profile = {"$ref": "profile.schema.json"}
    return {
        "title": "ScenarioSet",
        "type": "object",
        "additionalProperties": False,
        "required": ["scenarios"],
        "properties": {
            "version": {"const": SCENARIOS_VERSION},
            "name": {"type": "string", "description": "The set's title"},
            "description": {"type": "string"},
            "base": {**profile, "description": "The profile that `changes` apply to"},
            "agents": {
                "type": "array",
                "minItems": 1,
                "items": profile,
                "description": "The other agents on the account, priced with every scenario as one account; "
                "the account's fields (options, team, requirements, overrides, path) come from each scenario",
            },
            "scenarios": {
                "type": "array",
                "minItems": MIN_SCENARIOS,
                "maxItems": MAX_SCENARIOS,
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["name"],
                    "properties": {
                        "name": {"type": "string", "minLength": 1, "maxLength": 80},
                        "profile": {**profile, "description": "A full profile (it may `extends` a preset)"},
                        "changes": {
                            "type": "object",
                            "description": "Fields that differ from `base`; nested "
                            "sections (team, overrides, requirements) merge key by key",
                        },
                    },
                    "oneOf": [{"required": ["profile"]}, {"required": ["changes"]}],
                },
            },
        },
    }


def _account_schema() -> dict[str, Any]:
    """An account file (see `pricing.accounts`): its agents, each a profile, and what they share, once."""
    from model.account import MAX_AGENTS
    from pricing.accounts import ACCOUNT_FIELDS

    shared = _profile_file_schema()
    return {
        "title": "AccountFile",
        "type": "object",
        "additionalProperties": False,
        "required": ["agents"],
        "properties": {
            "version": {"enum": [1, 2]},
            "name": {"type": "string", "minLength": 1, "maxLength": 120, "description": "The account's name"},
            "description": {"type": "string", "maxLength": 2000},
            "agents": {
                "type": "array",
                "minItems": 1,
                "maxItems": MAX_AGENTS,
                "description": "Each agent a profile (it may `extends` a preset); it may not give the shared "
                "fields: " + ", ".join(ACCOUNT_FIELDS),
                "items": {"$ref": "profile.schema.json"},
            },
            **{name: shared["properties"][name] for name in ACCOUNT_FIELDS},
        },
        "$defs": shared.get("$defs", {}),
    }


def json_schemas() -> dict[str, dict[str, Any]]:
    """File name -> schema, generated from the pydantic models (unknown keys forbidden)."""
    schemas = {
        "pricing-table.schema.json": PriceTable.model_json_schema(),
        "profile.schema.json": _profile_file_schema(),
        "estimate.schema.json": EstimateOut.model_json_schema(),
        "account-estimate.schema.json": AccountEstimateOut.model_json_schema(),
        "criteria.schema.json": Criteria.model_json_schema(),
        "models.schema.json": ModelsFile.model_json_schema(),
        "scenarios.schema.json": _scenarios_schema(),
        "account.schema.json": _account_schema(),
    }
    for name, schema in schemas.items():
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = name
    return schemas
