"""Hostile YAML, end to end: each gives a message with file and line, exit 1, no traceback,
and the good account beside it is still checked and built."""

from __future__ import annotations

import re

import pytest

from tests.hostile.conftest import csplan, snapshot

CASES = {
    # name: (content, expected message start after "file:line:col: ")
    "yes-no.yaml": ("schema: 1\naccount:\n  name: X\n  segment: NO\n",
                    r"error SCHEMA account\.segment: 'NO' is not one of"),
    "octal.yaml": ("schema: 012\n", r"error SCHEMA schema: schema 12 is not supported"),
    "sexagesimal.yaml": ("schema: 1:20\n", r"error SCHEMA schema: expected a whole number, "
                                           r"got '1:20'"),
    "bad-date.yaml": ("schema: 1\ncontract: {start: 2026-02-30, renewal: 2027-01-01}\n",
                      r"error SCHEMA"),
    "dup.yaml": ("schema: 1\nschema: 1\n", r"error YAML duplicate key 'schema'"),
    "python-tag.yaml": ("schema: !!python/object/apply:os.system ['touch /tmp/pwned']\n",
                        r"error YAML tag 'tag:yaml.org,2002:python/object/apply:os.system'"),
    "local-tag.yaml": ("schema: !include other.yaml\n", r"error YAML tag '!include'"),
    "binary-tag.yaml": ("schema: !!binary aGVsbG8=\n", r"error YAML tag"),
    "set-tag.yaml": ("schema: !!set {a, b}\n", r"error YAML tag"),
    "anchor.yaml": ("a: &x [1, 2]\nb: *x\n", r"error YAML anchor '&x' is not allowed"),
    "merge-key.yaml": ("base: &b {x: 1}\nother:\n  <<: *b\n", r"error YAML anchor"),
    "deep.yaml": ("a: " + "[" * 100_000 + "]" * 100_000 + "\n", r"error YAML nesting deeper"),
    "deep-block.yaml": ("".join("  " * i + f"k{i}:\n" for i in range(60)) + "  " * 60 + "x\n",
                        r"error YAML nesting deeper"),
    "latin1.yaml": (b"schema: 1\naccount: {name: Caf\xe9}\n", r"error YAML byte 0xE9 is not UTF-8"),
    "utf16.yaml": ("schema: 1\n".encode("utf-16"), r"error YAML file is saved as UTF-16"),
    "empty.yaml": ("", r"error YAML file is empty"),
    "list.yaml": ("- schema: 1\n", r"error SCHEMA the file must be a mapping"),
    "scalar.yaml": ("just some text\n", r"error SCHEMA the file must be a mapping"),
    "nul.yaml": ("schema: 1\x00\n", r"error YAML control character U\+0000"),
    "two-docs.yaml": ("schema: 1\n---\nschema: 1\n", r"error YAML more than one YAML document"),
    "tabs.yaml": ("schema: 1\naccount:\n\tname: X\n", r"error YAML YAML syntax"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_yaml_is_refused_with_its_line(book, name):
    content, expected = CASES[name]
    path = book / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    result = csplan("check", book)
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if line.startswith(str(path))]
    assert any(re.match(rf"{re.escape(str(path))}:\d+:\d+: {expected}", line)
               for line in lines), lines
    assert "northwind-freight.yaml" not in result.stdout  # the good account passes
    assert "Checked 2 accounts" in result.stderr and "1 failed" in result.stderr
    assert "Traceback" not in result.output


def test_a_bom_is_accepted(book):
    path = book / "northwind-freight.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert csplan("check", book).exit_code == 0


def test_a_large_file_is_refused(book):
    (book / "big.yaml").write_text("schema: 1\nnotes: '" + "x" * 1_100_000 + "'\n")
    result = csplan("check", book)
    assert result.exit_code == 1 and "big.yaml:0:0: error YAML file is larger than" in \
        result.stdout


def test_nothing_is_executed_and_nothing_outside_out_is_touched(book, tmp_path):
    marker = tmp_path / "pwned"
    (book / "evil.yaml").write_text(
        f"schema: !!python/object/apply:os.system ['touch {marker}']\n")
    out = tmp_path / "out"
    before = snapshot(tmp_path, out)
    result = csplan("build", book, "--out", out, "--formats", "docx")
    assert result.exit_code == 1
    assert not marker.exists()
    # outside --out, only the plan's revision history beside its account is written
    history = book / ".csplan" / "northwind-freight" / "revisions.json"
    after = snapshot(tmp_path, out)
    assert after.pop(str(history)) and after == before
    assert (out / "northwind-freight" / "northwind-freight-success-plan.docx").is_file()
