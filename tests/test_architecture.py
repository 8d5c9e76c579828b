"""How the code is put together: derived values are computed once per account, in
``csplan.derive`` only, and the deck's slide limit is checked in one place."""

from __future__ import annotations

import ast

import dataclasses
import typing

from click.testing import CliRunner
from pydantic import BaseModel
from pptx import Presentation

from csplan import derive
from csplan.cli import main
from csplan.inputs.brand import load_brand
from csplan.inputs.loader import load_account
from csplan.inputs.program import Program
from csplan.paths import BRAND
from csplan.rules.engine import check_file
from tests.conftest import ACCOUNTS, NORTHWIND, ROOT, TODAY

PACKAGE = ROOT / "generator"


def _computing_functions() -> set[str]:
    """Return the names of the functions that compute a derived value (capacity and the
    team's outcomes are book-level and ``of`` makes the per-account object: all are for
    everyone)."""
    names = set()
    for path in (PACKAGE / "derive").glob("*.py"):
        if path.name in ("capacity.py", "outcomes.py"):
            continue
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and node.name != "of":
                names.add(node.name)
    return names


def test_only_derive_computes_derived_values():
    """Rules, views, the brief, the portfolio and the report read one Derived object; none
    of them calls a computing function itself."""
    computing = _computing_functions()
    assert {"health_series", "expansion_verdict", "milestone_state", "metric_progress"} \
        <= computing
    calls = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.parent.name == "derive":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                    and node.value.id == "derive" and node.attr in computing:
                calls.append(f"{path.relative_to(PACKAGE)}:{node.lineno} derive.{node.attr}")
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                    "csplan.derive"):
                calls += [f"{path.relative_to(PACKAGE)}:{node.lineno} {a.name}"
                          for a in node.names if a.name in computing]
    assert calls == []


def _types_in(hint) -> typing.Iterator[type]:
    """Yield every class a type hint names, through containers and dataclass fields."""
    for arg in typing.get_args(hint):
        yield from _types_in(arg)
    origin = typing.get_origin(hint)
    if origin is None and isinstance(hint, type):
        yield hint
        if dataclasses.is_dataclass(hint):
            for field_hint in typing.get_type_hints(hint).values():
                yield from _types_in(field_hint)


def test_renderers_never_see_the_account_or_its_derived_values():
    """Customer views carry written-out values only, and no renderer imports what holds
    internal data (the account, its derived values, the rules)."""
    from csplan.views.customer import PlanView, QbrView

    for view in (PlanView, QbrView):
        leaked = [t for t in _types_in(view) if issubclass(t, (BaseModel, derive.Derived))]
        assert leaked == [], view
    for path in sorted((PACKAGE / "render").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            assert not [n for n in names if n.startswith((
                "csplan.derive", "csplan.rules", "csplan.inputs.model", "csplan.inputs.loader"))
                ], (path.name, names)


def _counting(monkeypatch) -> list[str]:
    calls: list[str] = []
    real = derive.health_series

    def health_series(account, program, today):
        calls.append(account.account.name)
        return real(account, program, today)

    monkeypatch.setattr(derive, "health_series", health_series)
    return calls


def test_check_and_the_index_derive_each_account_once(monkeypatch, tmp_path):
    calls = _counting(monkeypatch)
    result = CliRunner().invoke(main, ["build", str(ACCOUNTS), "--out", str(tmp_path / "o"),
                                       "--formats", "docx", "--today", "2026-11-23", "-q"])
    assert result.exit_code == 0, result.output
    # the documents are rendered in worker processes; here: check and index, once each
    assert sorted(calls) == ["Brightwater Clinics", "Kurierdienst Elbe GmbH",
                             "Northwind Freight"]


def test_one_account_s_check_and_documents_derive_its_health_once(monkeypatch, tmp_path):
    from csplan.build.account import render_account
    from csplan.build.report import index_row

    calls = _counting(monkeypatch)
    checked = check_file(NORTHWIND, Program.default(), TODAY)
    result = render_account(checked, "northwind-freight", load_brand(BRAND), tmp_path,
                            ("docx", "pptx", "brief"))
    assert result.status == "built", result.findings
    index_row(result, checked.derived, tmp_path)
    assert calls == ["Northwind Freight"]


def test_the_deck_slide_limit_is_checked_by_its_rule_alone(tmp_path):
    """SP023 counts the storyline before anything is rendered; the renderer does not count
    again, so a team that switches SP023 off gets its long deck."""
    program = tmp_path / "program.yaml"
    program.write_text("checks:\n  levels: {SP023: off}\n  max_deck_slides: 12\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(NORTHWIND), "--out", str(out),
                                       "--program", str(program), "--formats", "pptx",
                                       "--today", "2026-11-23"])
    assert result.exit_code == 0, result.output
    deck = Presentation(str(out / "northwind-freight" / "northwind-freight-qbr-2026-Q4.pptx"))
    derived = derive.of(load_account(NORTHWIND).account, Program.default(), TODAY)
    assert len(deck.slides) == derived.slide_count == 14


# The pipeline's stages, in order; a stage imports only from itself, the stages before it
# and the shared modules (words, text, findings, exceptions, system, paths, locale).
STAGES = ["inputs", "derive", "rules", "views", "render", "build", "api", "cli", "__main__"]
# The one deferred import against the flow: a program file's check levels name rules, and
# only the rules registry knows their ids (it is imported when the program is validated).
ALLOWED_UPWARD = {("csplan.inputs.program", "csplan.rules")}


def _stage(module: str):
    parts = module.split(".")
    if parts[0] != "csplan" or len(parts) < 2:
        return None
    return parts[1] if parts[1] in STAGES else "shared"


def test_every_import_follows_the_pipeline():
    root = ROOT / "generator"
    wrong = []
    for path in sorted(root.rglob("*.py")):
        module = "csplan." + ".".join(path.relative_to(root).with_suffix("").parts)
        module = module.removesuffix(".__init__")
        mine = _stage(module)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module] if isinstance(node, ast.ImportFrom) and node.module else (
                [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            for name in names:
                theirs = _stage(name)
                if theirs is None or theirs == "shared" or (module, name) in ALLOWED_UPWARD:
                    continue
                if mine == "shared" or STAGES.index(theirs) > STAGES.index(mine):
                    wrong.append(f"{module} imports {name}")
    assert not wrong, wrong
