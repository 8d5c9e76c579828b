"""csplan as a real package: the wheel carries everything csplan reads at run time, installs
into a fresh venv and works from any folder; and the whole suite passes on the lowest
version of every dependency that pyproject.toml declares.

Both build the wheel from a copy of the tree, so a file the wheel forgets is missed here
and not hidden by the checkout. The floor run needs the package registry (it installs the
exact lowest versions into a new venv); it is skipped inside itself.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ACCOUNTS, ROOT

INNER = "CSPLAN_FLOOR_RUN"
pytestmark = pytest.mark.skipif(os.environ.get(INNER) == "1",
                                reason="this is the floor run itself")
PACKAGE_FILES = ("pyproject.toml", "README.md", "LICENSE", "generator", "templates", "brand")


def _run(args, cwd: Path, env: dict | None = None, timeout: float = 600):
    result = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True,
                            timeout=timeout, env={**os.environ, **(env or {})})
    assert result.returncode == 0, (args, result.stdout[-3000:], result.stderr[-3000:])
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in PACKAGE_FILES:
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy
        copy(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("wheel")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", out, source], source)
    return next(out.glob("csplan-*.whl"))


def _venv(folder: Path) -> Path:
    """Return the python of a new venv without pip (the running pip installs into it)."""
    _run([sys.executable, "-m", "venv", "--without-pip", folder], folder.parent)
    return folder / "bin" / "python"


def _pip(python: Path, *args, timeout: float = 600):
    return _run([sys.executable, "-m", "pip", "--python", python, "install", "-q",
                 "--disable-pip-version-check", *args], python.parent, timeout=timeout)


def test_the_wheel_carries_templates_brand_office_files_and_licences(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for pattern in (r"csplan/templates/plan\.html\.j2", r"csplan/templates/.*\.yaml\.j2",
                    r"csplan/default_brand/brand\.yaml", r"csplan/default_brand/master\.pptx",
                    r"csplan/default_brand/reference\.docx", r"csplan/default_brand/logo\.png",
                    r"csplan/default_brand/fonts/Lato-Regular\.ttf",
                    r"csplan/default_brand/fonts/LICENSE-Lato-OFL\.txt",
                    r"csplan/default_brand/fonts/LICENSE-DejaVu\.txt",
                    r"csplan-[^/]+\.dist-info/(licenses/)?LICENSE", r"csplan/__main__\.py"):
        assert any(re.fullmatch(pattern, n) for n in names), pattern
    assert not any(n.startswith("generator/") for n in names)


def test_an_installed_csplan_works_from_any_folder(wheel, tmp_path):
    python = _venv(tmp_path / "venv")
    # The dependencies of the running environment, not a second download of them.
    site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     tmp_path).stdout.strip())
    paths = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "dependencies.pth").write_text("\n".join(sorted(paths)) + "\n")
    _pip(python, "--no-deps", wheel)
    csplan = [python, "-m", "csplan"]
    work = tmp_path / "elsewhere"
    (work / "accounts").mkdir(parents=True)
    shutil.copy(ACCOUNTS / "northwind-freight.yaml", work / "accounts")
    shutil.copytree(ACCOUNTS / "logos", work / "accounts" / "logos")
    env = {"CSPLAN_TODAY": "2026-11-23", "PYTHONPATH": ""}

    assert _run([*csplan, "--version"], work, env).stdout.strip() == "csplan, version 0.1.0"
    _run([*csplan, "new", "Acme Robotics"], work, env)  # into accounts/, the default
    assert "Acme Robotics" in (work / "accounts" / "acme-robotics.yaml").read_text()
    (work / "accounts" / "acme-robotics.yaml").unlink()  # a scaffold to fill in, not to build
    _run([*csplan, "program", "--init"], work, env)
    assert len((work / "accounts" / "program.yaml").read_text().splitlines()) > 50
    _run([*csplan, "build"], work, env)
    out = work / "output" / "northwind-freight"
    assert sorted(p.name for p in out.iterdir()) == [
        "northwind-freight-qbr-2026-Q4.pptx", "northwind-freight-success-plan.docx",
        "northwind-freight-success-plan.pdf"]
    _run([*csplan, "brief", "accounts"], work, env)
    _run([*csplan, "portfolio"], work, env)
    assert (work / "output" / "_internal" / "briefs" /
            "northwind-freight-qbr-prep-internal.pdf").is_file()
    assert (work / "output" / "_internal" / "portfolio.html").is_file()
    _run([*csplan, "program", "accounts"], work, env)
    assert (work / "output" / "_internal" / "cs-program.pdf").is_file()
    where = _run([python, "-c", "import csplan.paths as p; print(p.TEMPLATES, p.BRAND)"],
                 work, env).stdout
    assert str(ROOT) not in where and "site-packages" in where
    missing = subprocess.run([python, "-c", "import generator"], cwd=work, capture_output=True)
    assert missing.returncode != 0  # nothing named 'generator' is installed


def _floors() -> list[str]:
    """Return 'name==lowest' for every declared dependency, the test ones included."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = []
    for requirement in project["dependencies"] + project["optional-dependencies"]["test"]:
        name, floor = re.fullmatch(r"([A-Za-z0-9_.-]+)>=([0-9.]+)", requirement).groups()
        pins.append(f"{name}=={floor}")
    return pins


def test_every_dependency_has_a_floor_and_every_import_is_declared():
    declared = {re.split(r"[=<>]", p)[0].lower() for p in _floors()}
    imports = {"yaml": "pyyaml", "pydantic": "pydantic", "click": "click", "jinja2": "jinja2",
               "babel": "babel", "rich": "rich", "docx": "python-docx",
               "pptx": "python-pptx", "weasyprint": "weasyprint", "PIL": "pillow",
               "uharfbuzz": "uharfbuzz", "lxml": "lxml", "fontTools": "fonttools",
               "anyascii": "anyascii", "markupsafe": "markupsafe"}
    found = set()
    for path in (ROOT / "generator").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    third_party = found - set(sys.stdlib_module_names) - {"csplan", "__future__"}
    assert third_party <= set(imports), third_party - set(imports)
    assert {imports[m] for m in third_party} <= declared


def test_the_suite_passes_on_the_lowest_declared_versions(wheel, tmp_path):
    python = _venv(tmp_path / "floor")
    constraints = tmp_path / "floors.txt"
    constraints.write_text("\n".join(_floors()) + "\n")
    _pip(python, "-c", constraints, f"{wheel}[test]", timeout=900)
    versions = _run([sys.executable, "-m", "pip", "--python", python, "list", "--format",
                     "freeze", "--disable-pip-version-check"], tmp_path).stdout
    for pin in _floors():
        name, version = pin.split("==")
        assert re.search(rf"(?im)^{re.escape(name)}=={re.escape(version)}(\.0)*$",
                         versions.replace("_", "-")), (pin, versions)
    result = subprocess.run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x"],
                            cwd=ROOT, capture_output=True, text=True, timeout=1800,
                            env={**os.environ, INNER: "1", "PYTHONPATH": ""})
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-3000:]
