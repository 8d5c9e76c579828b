"""Turn position-tracked YAML data into a pydantic model, or into findings with file:line:col.

Every problem is collected, not just the first (mkdocs' habit), and each message says what
was expected: an unknown key gets a "did you mean", an enum value the list of choices.
"""

from __future__ import annotations

import difflib
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from csplan.exceptions import SourceError
from csplan.findings import Finding
from csplan.inputs.model import DATE_RANGE
from csplan.inputs.source import Document

M = TypeVar("M", bound=BaseModel)

_KIND = {dict: "a mapping (key: value lines)", list: "a list", str: "text", type(None): "nothing"}


def validate(doc: Document, model: type[M]) -> M:
    """Return ``doc.data`` as ``model``; raise SourceError with a finding per problem."""
    if not isinstance(doc.data, dict):
        raise SourceError([Finding(doc.name, *doc.at(()), "error", "SCHEMA",
                                   f"the file must be a mapping of keys, not "
                                   f"{_KIND.get(type(doc.data), 'a value')}")])
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        findings = {_finding(doc, model, e) for e in exc.errors(include_url=False)}
        raise SourceError(sorted(findings)) from None


def _data_path(loc: tuple) -> tuple:
    # WeeklyHealth gathers the dimension keys of a week under "scores"; the file has them flat.
    # A dict key that failed validation is reported as (..., key, "[key]").
    return tuple(p for p in loc if p not in ("scores", "[key]"))


def _finding(doc: Document, model: type[BaseModel], error: dict) -> Finding:
    path = _data_path(error["loc"])
    kind = error["type"]
    where = _dotted(path)
    value = error.get("input")
    if kind == "missing":
        line, col = doc.at(path[:-1])
        message = f"{_dotted(path[:-1]) or 'the file'}: missing required key '{path[-1]}'"
    elif kind == "extra_forbidden":
        line, col = doc.at(path)
        known = _known_keys(model, path[:-1])
        message = f"unknown key '{path[-1]}' in {_dotted(path[:-1]) or 'the top level'}"
        hint = _did_you_mean(str(path[-1]), known)
        if not hint and " " in str(path[-1]):
            hint = "; a comma inside a {...} value splits it: put that value in quotes"
        message += hint
    else:
        line, col = doc.at(path)
        message = f"{where}: {_explain(error, value)}"
    return Finding(doc.name, line, col, "error", "SCHEMA", message)


def _explain(error: dict, value: Any) -> str:
    kind = error["type"]
    shown = _show(value)
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        choices = [c.strip().strip("'") for c in expected.replace(" or ", ", ").split(",")]
        return f"{shown} is not one of: {', '.join(choices)}" + _did_you_mean(str(value), choices)
    if kind in ("date_from_datetime_parsing", "date_parsing", "date_type", "date_from_datetime_inexact"):
        reason = error.get("ctx", {}).get("error", "")
        reason = f" ({reason})" if reason else ""
        return f"{shown} is not a valid date{reason}; write it YYYY-MM-DD"
    if kind == "finite_number":
        return f"expected a finite number, got {shown}; write a number like 42 or 3.5"
    if kind in ("float_parsing", "float_type"):
        return f"expected a number, got {shown}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"expected a whole number, got {shown}"
    if kind in ("bool_parsing", "bool_type"):
        return f"expected true or false, got {shown}"
    if kind == "string_type":
        return f"expected text, got {_KIND.get(type(value), shown)}"
    if kind == "list_type":
        return f"expected a list (lines starting with '- '), got {_KIND.get(type(value), shown)}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected a mapping (key: value lines), got {_KIND.get(type(value), shown)}"
    if kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        if "a-z0-9" in pattern:
            return f"{shown} must be a lower-case id: letters a-z, digits and '-'"
        if "Q[1-4]" in pattern:
            return f"{shown} is not a quarter; write it like 2026-Q4"
        if "0-9A-Fa-f" in pattern:
            return f"{shown} must be a colour written #RRGGBB"
        if "@" in pattern:
            return f"{shown} is not an email address"
        return f"{shown} does not have the expected form"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        limit = error.get("ctx", {}).get("max_length")
        return f"text is {len(str(value))} characters, more than {limit}; shorten it"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        bound = next(iter(error.get("ctx", {}).values()), "")
        low = kind.startswith("greater")
        if _is_date_bound(bound):
            first, last = DATE_RANGE
            return (f"{shown} is {'before' if low else 'after'} {first if low else last}; "
                    f"csplan accepts dates from {first} to {last}: write the real date")
        if isinstance(bound, (int, float)) and abs(bound) >= 1e6:
            bound = f"{bound:,.0f}"
        word = {"greater_than_equal": "at least", "less_than_equal": "at most",
                "greater_than": "more than", "less_than": "less than"}[kind]
        return (f"{_show_number(value)} is out of range; it must be {word} {bound}; "
                f"write a {'larger' if low else 'smaller'} value")
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", error["msg"]))
    return f"{error['msg']} (got {shown})"


def _is_date_bound(bound: Any) -> bool:
    # pydantic gives the bound as a date, its ISO text or its repr, depending on the path
    return isinstance(bound, date) or str(bound) in {
        form(d) for d in DATE_RANGE for form in (str, repr)}


def _show_number(value: Any) -> str:
    """Return a number as typed, or in short scientific form when it has many digits."""
    text = str(value).strip()
    if len(text) > 15 and text.lstrip("+-").isdigit():
        return repr(f"{float(text):g}")
    return _show(value)


def _show(value: Any) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, (dict, list)):
        return _KIND[type(value)]
    text = str(value)
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _dotted(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _known_keys(model: type[BaseModel], path: tuple) -> list[str]:
    """Return the keys the model accepts at ``path`` (list indexes skipped)."""
    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        field = _fields(current).get(part)
        if field is None:
            return []
        current = _inner_model(field.annotation)
        if current is None:
            return []
    return list(_fields(current))


def _fields(model: Any) -> dict:
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return {}
    return {(f.alias or name): f for name, f in model.model_fields.items()}


def _inner_model(annotation: Any) -> Any:
    """Return the BaseModel inside Optional[...] / list[...] / dict[..., ...], if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    meta = getattr(annotation, "__origin__", None)
    if meta is not None and meta is not annotation:
        return _inner_model(meta)
    return None
