"""The strict YAML reader: data only, what was typed, with positions."""

from __future__ import annotations

import pytest

from csplan.exceptions import SourceError
from csplan.inputs.source import MAX_BYTES, MAX_DEPTH, parse_yaml, read_yaml


def problems(text: str) -> list[str]:
    with pytest.raises(SourceError) as info:
        parse_yaml(text, "t.yaml")
    return [f.format() for f in info.value.findings]


def test_yaml_1_1_surprises_stay_text():
    doc = parse_yaml("a: NO\nb: on\nc: 012345\nd: 1:20\ne: 0x1F\nf: 1e3\ng: 2026-01-01\n", "t")
    assert doc.data == {"a": "NO", "b": "on", "c": "012345", "d": "1:20", "e": "0x1F",
                        "f": "1e3", "g": "2026-01-01"}


def test_empty_values_are_none():
    doc = parse_yaml('a:\nb: ~\nc: ""\nd: null\ne: "  "\n', "t")
    assert doc.data == {"a": None, "b": None, "c": None, "d": None, "e": None}


def test_positions_are_one_based_and_nested():
    doc = parse_yaml("top:\n  items:\n    - {x: 1}\n    - y: 2\n", "t")
    assert doc.at(("top",)) == (1, 1)
    assert doc.at(("top", "items", 0, "x")) == (3, 8)
    assert doc.at(("top", "items", 1, "y")) == (4, 7)
    assert doc.at(("top", "items", 1, "missing")) == (4, 7)


def test_duplicate_key_names_both_lines():
    assert problems("a: 1\nb: 2\na: 3\n") == [
        "t.yaml:3:1: error YAML duplicate key 'a' (first defined on line 1); keep one of them"]


def test_anchor_and_alias_are_refused():
    found = problems("base: &b {x: 1}\nother: *b\n")
    assert found[0].startswith("t.yaml:1:7: error YAML anchor '&b' is not allowed")
    assert found[1].startswith("t.yaml:2:8: error YAML alias '*b' is not allowed")


def test_billion_laughs_is_refused_before_expansion():
    lol = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n"
        for i in range(8))
    assert all("not allowed" in p for p in problems(lol))


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system ['echo hi']",
                                 "!!binary aGk=", "!custom x", "!!str 5", "!!map {a: 1}",
                                 "!<tag:yaml.org,2002:int> 3"])
def test_tags_of_every_kind_are_refused(tag):
    found = problems(f"a: {tag}\n")
    assert len(found) == 1 and "error YAML tag" in found[0] and found[0].startswith("t.yaml:1:4")


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 10_000, 200_000])
def test_deep_nesting_is_refused_without_recursion(depth):
    found = problems("a: " + "[" * depth + "]" * depth + "\n")
    assert "nesting deeper than" in found[0]


def test_deep_block_nesting_is_refused():
    text = "".join("  " * i + f"k{i}:\n" for i in range(MAX_DEPTH + 5)) + "  " * 30 + "v\n"
    assert "nesting deeper than" in problems(text)[0]


def test_syntax_error_has_line_and_hint():
    assert problems("a: b\nc: d: e\n") == [
        "t.yaml:2:5: error YAML YAML syntax: mapping values are not allowed in this context "
        "(a ':' inside a value? put the value in quotes)"]


def test_tab_indentation_hint():
    assert "indent with spaces" in problems("a:\n\t- b\n")[0]


def test_raw_control_character_is_refused_with_position():
    assert problems("a: ok\nb: x\x07y\n") == [
        "t.yaml:2:5: error YAML control character U+0007 is not allowed in a YAML file; delete "
        "it (write it as an escape in double quotes if it is really meant)"]


def test_escaped_invisible_characters_are_removed_with_a_warning():
    doc = parse_yaml('a: "Ac\\u200bme\\u202e \\x07Corp"\n', "t.yaml")
    assert doc.data == {"a": "Acme Corp"}
    assert [w.format() for w in doc.warnings] == [
        "t.yaml:1:4: warning TEXT removed invisible or control characters U+0007, U+200B, "
        "U+202E; retype the text if it looks wrong"]


def test_text_is_nfc_normalised():
    doc = parse_yaml('a: "Cafe\\u0301"\n', "t")
    assert doc.data["a"] == "Caf\u00e9"


def test_two_documents_are_refused():
    assert "more than one YAML document" in problems("a: 1\n---\nb: 2\n")[0]


def test_complex_key_is_refused():
    assert "a key must be plain text" in problems("? [a, b]\n: 1\n")[0]


def test_file_errors(tmp_path):
    cases = {
        "empty.yaml": (b"", "file is empty"),
        "comments.yaml": (b"# only a comment\n\n", "file is empty"),
        "big.yaml": (b"a: " + b"x" * MAX_BYTES + b"\n", "file is larger than"),
        "latin1.yaml": (b"a: ok\nb: caf\xe9\n", "byte 0xE9 is not UTF-8"),
        "utf16.yaml": ("a: 1\n".encode("utf-16"), "UTF-16"),
    }
    for name, (data, expected) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(SourceError) as info:
            read_yaml(path)
        assert expected in info.value.findings[0].message, name
    with pytest.raises(SourceError) as info:
        read_yaml(tmp_path / "latin1.yaml")
    assert info.value.findings[0].line == 2


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\n")
    assert read_yaml(path).data == {"a": "1"}


@pytest.mark.parametrize("quote", ['"', "'"])
def test_an_unclosed_quote_is_reported_where_it_opens(quote):
    text = f"account:\n  name: {quote}Acme\n  industry: Logistics\nproduct:\n  name: x\n"
    found = problems(text)
    assert found == ["t.yaml:2:9: error YAML a quoted value starts here and its closing "
                     "quote is missing; add it (or remove the opening one)"], found


def test_a_bad_escape_inside_quotes_is_not_called_an_unclosed_quote():
    found = problems('account:\n  name: "Acme \\q Corp"\n')
    assert len(found) == 1 and "closing quote" not in found[0], found
    assert found[0].startswith("t.yaml:2:"), found
