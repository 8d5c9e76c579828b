"""Property-based tests of the pieces every input goes through: the YAML reader, the text
normaliser and the slugger. Whatever the input, they end in data or a finding, never a
crash, and their outputs keep their promises."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csplan.exceptions import SourceError
from csplan.inputs.loader import account_files  # noqa: F401 - imported for coverage of the module
from csplan.inputs.model import Account
from csplan.inputs.slug import slugify
from csplan.inputs.source import parse_yaml
from csplan.findings import Finding
from csplan.text import clean, printable
from csplan.inputs.validate import validate

SETTINGS = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
yaml_text = st.one_of(
    st.text(max_size=400),
    st.lists(st.sampled_from(["a:", " b", "- ", "[", "]", "{", "}", "&x", "*x", "!!str",
                              "'", '"', "\n", "  ", ":", "#", "---", "?", "|", ">", "\t",
                              "NO", "0o12", "1:20", "~", "\\u202e"]), max_size=60)
    .map("".join),
)


@SETTINGS
@given(yaml_text)
def test_the_reader_returns_plain_data_or_findings(text):
    try:
        doc = parse_yaml(text, "f.yaml")
    except SourceError as exc:
        assert exc.findings and all(f.file == "f.yaml" and f.line >= 0 for f in exc.findings)
        return

    def plain(value):
        if isinstance(value, dict):
            return all(isinstance(k, str) and plain(v) for k, v in value.items())
        if isinstance(value, list):
            return all(plain(v) for v in value)
        return value is None or isinstance(value, str)
    assert plain(doc.data)


@SETTINGS
@given(yaml_text)
def test_validation_never_crashes(text):
    try:
        validate(parse_yaml(text, "f.yaml"), Account)
    except SourceError as exc:
        assert all(f.rule in ("YAML", "SCHEMA") for f in exc.findings)


@SETTINGS
@given(st.text())
def test_clean_text_has_no_invisible_characters_and_is_stable(value):
    cleaned, removed = clean(value)
    assert unicodedata.is_normalized("NFC", cleaned)
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u180e\u200b\u2028\u2029"
                         "\u202a-\u202e\u2060-\u206f\u3164\ufeff\ud800-\udfff\ufffe\uffff"
                         "\U000e0000-\U000e0fff]", cleaned)
    assert clean(cleaned) == (cleaned, [])
    cleaned.encode("utf-8")  # always encodable: no lone surrogates


@SETTINGS
@given(st.text(alphabet=st.sampled_from(
    "a \u0645\u06cc\u094d\u0301\u2764\U0001f468\U0001f3fd1#\u200c\u200d\ufe0e\ufe0f"
    "\u200b\U000e0041\u2028\u00ad")))
def test_clean_keeps_a_joiner_or_selector_only_where_it_joins_or_selects(value):
    cleaned, _ = clean(value)
    assert clean(cleaned) == (cleaned, [])
    for joiner in re.finditer("[\u200c\u200d]", cleaned):
        at = joiner.start()
        assert 0 < at < len(cleaned) - 1
        assert all(unicodedata.category(c)[0] in "LMS" for c in cleaned[at - 1: at + 2: 2])
    for selector in re.finditer("[\ufe0e\ufe0f]", cleaned):
        before = cleaned[selector.start() - 1: selector.start()]
        assert before and (before in "#1" or unicodedata.category(before)[0] == "S")


@SETTINGS
@given(st.text())
def test_slugs_are_safe(name):
    slug = slugify(name)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)
    assert slug not in ("con", "nul", "prn", "aux") and len(slug) <= 70


@SETTINGS
@given(st.text(), st.text())
def test_a_printed_finding_is_one_inert_line_whatever_its_file_and_message(file, message):
    line = Finding(file, 1, 1, "error", "X", message).format()
    assert line == printable(line)
    assert not [c for c in line if unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp")
                or "\u202a" <= c <= "\u202e" or "\u2066" <= c <= "\u2069"]
    line.encode("utf-8")
