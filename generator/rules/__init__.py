"""The plan quality rules SP001-SP023, one module each (id, level, docstring, ``check``).

A rule's ``check(ctx)`` yields ``(path, message)`` pairs: ``path`` points into the account
file (``("metrics", 0, "baseline")``) so the finding carries its line and column. The first
line of a rule module's docstring is its one-line explanation in ``csplan check --help`` and
the README.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

RULE_MODULES = [f"sp{n:03d}" for n in range(1, 24)]
RULES: dict[str, ModuleType] = {}
for _name in RULE_MODULES:
    _module = import_module(f"{__name__}.{_name}")
    RULES[_module.ID] = _module


def summary(rule: ModuleType) -> str:
    """Return the rule's one-line explanation (its docstring's first line, without the id)."""
    first = (rule.__doc__ or "").strip().splitlines()[0]
    return first.split(":", 1)[1].strip() if ":" in first else first
