"""The plan quality rules, one module each, named by what it checks (id, level, docstring,
``check``).

A rule's ``check(ctx)`` reads ``ctx``, the account's ``csplan.derive.Derived`` (the account,
the program, today and every value derived from them, computed once for all rules and the
documents), and yields ``(path, message)`` pairs: ``path`` points into the account file
(``("metrics", 0, "baseline")``) so the finding carries its line and column. The first line
of a rule module's docstring is its one-line explanation in ``csplan check --help`` and the
README. ``RULES`` holds every module of this package but the engine, by id in id order: a
new rule is a new module here, nothing else to register.
"""

from __future__ import annotations

import pkgutil
import sys
from importlib import import_module
from types import ModuleType

NOT_RULES = {"engine"}  # the modules of this package that are not rules


def discover(package: ModuleType) -> dict[str, ModuleType]:
    """Return the rule modules of ``package`` by id, in id order; two modules with one id are
    a bug in csplan (RuntimeError)."""
    found: dict[str, ModuleType] = {}
    for info in pkgutil.iter_modules(package.__path__):
        if info.name in NOT_RULES or info.name.startswith("_"):
            continue
        module = import_module(f"{package.__name__}.{info.name}")
        if module.ID in found:
            raise RuntimeError(f"rules {found[module.ID].__name__} and {module.__name__} "
                               f"share the id {module.ID}")
        found[module.ID] = module
    return dict(sorted(found.items()))


RULES: dict[str, ModuleType] = discover(sys.modules[__name__])


def summary(rule: ModuleType) -> str:
    """Return the rule's one-line explanation (its docstring's first line, without the id)."""
    first = (rule.__doc__ or "").strip().splitlines()[0]
    return first.split(":", 1)[1].strip() if ":" in first else first
