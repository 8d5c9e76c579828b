"""JSON Schema of the account and program formats, for editors (yaml-language-server)."""

from __future__ import annotations

from typing import Any

from csplan.inputs.model import Account
from csplan.inputs.program import Program

ACCOUNT_SCHEMA_ID = "https://csplan.example/schema/account-1.json"


def account_schema() -> dict[str, Any]:
    """Return the JSON Schema of an account file (schema 1)."""
    schema = Account.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "csplan account (schema 1)"
    # The file has each week's dimensions flat beside `week`; the model gathers them.
    schema["$defs"]["WeeklyHealth"] = {
        "type": "object",
        "title": "WeeklyHealth",
        "description": "One week of health sub-scores; every key but `week` is a dimension "
                       "of health.weights, scored 0-100.",
        "properties": {"week": {"type": "string", "format": "date"}},
        "required": ["week"],
        "additionalProperties": {"type": "number", "minimum": 0, "maximum": 100},
    }
    return schema


def program_schema() -> dict[str, Any]:
    """Return the JSON Schema of a program file; every section is optional."""
    schema = Program.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "csplan program (schema 1)"
    schema.pop("required", None)
    return schema
