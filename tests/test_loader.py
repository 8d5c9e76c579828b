"""Loading account files: schema errors name file, line and column and say what to do."""

from __future__ import annotations

import pytest

from csplan.exceptions import SourceError
from csplan.inputs.loader import account_files, load_account
from tests.conftest import NORTHWIND, SPEC_NORTHWIND, replace_once


def errors(write_account, text: str) -> list[str]:
    path = write_account(text)
    with pytest.raises(SourceError) as info:
        load_account(path, "a.yaml")
    return [f.format() for f in info.value.findings]


def test_northwind_loads_with_names_and_types():
    loaded = load_account(NORTHWIND)
    a = loaded.account
    assert a.account.name == "Northwind Freight" and a.product.seats == 250
    assert a.metrics[0].baseline == 82 and a.metrics[0].due.isoformat() == "2026-12-31"
    assert a.person_name("maria") == "Maria Lopez"
    assert a.health.weekly[0].scores == {"usage": 80, "engagement": 70, "outcomes": 75,
                                         "support": 90, "relationship": 100}
    assert loaded.at("metrics", 0, "baseline") == (71, 5)


@pytest.mark.skipif(not SPEC_NORTHWIND.exists(), reason="shared/spec not beside the repo")
def test_bundled_northwind_is_the_reference_plus_optional_links():
    """The bundled Northwind is the spec's file plus fields csplan added since (QBR links and
    start time, a support contact, emails): take those away and the data is the same. The
    spec's own file must always load, pass the checks and render (test_examples)."""
    import yaml

    def plain(data):
        data["vendor_team"] = [{k: v for k, v in p.items() if k != "email"}
                               for p in data["vendor_team"] if p["role"] != "support"]
        for qbr in data["qbrs"]:
            qbr.pop("start", None)
            qbr["next_quarter_goals"] = [g["text"] if isinstance(g, dict) else g
                                         for g in qbr.get("next_quarter_goals", [])]
            for item in qbr.get("action_items", []):
                item.pop("metric", None)
                item.pop("milestone", None)
        return data

    spec = yaml.safe_load(SPEC_NORTHWIND.read_text(encoding="utf-8"))
    bundled = yaml.safe_load(NORTHWIND.read_text(encoding="utf-8"))
    assert bundled != spec
    assert plain(bundled) == plain(spec)


def test_typo_key_gets_did_you_mean(write_account, northwind_text):
    text = replace_once(northwind_text, "  seats: 250", "  seat: 250")
    assert errors(write_account, text) == [
        "a.yaml:18:3: error SCHEMA unknown key 'seat' in product; did you mean 'seats'?"]


def test_enum_value_lists_choices_and_suggests(write_account, northwind_text):
    text = replace_once(northwind_text, "segment: enterprise ", "segment: enterprize ")
    assert errors(write_account, text) == [
        "a.yaml:9:3: error SCHEMA account.segment: 'enterprize' is not one of: enterprise, "
        "mid-market, smb, self-serve; did you mean 'enterprise'?"]


def test_invalid_date_is_a_schema_error_with_its_line(write_account, northwind_text):
    text = replace_once(northwind_text, "start: 2026-02-01", "start: 2026-02-30")
    found = errors(write_account, text)
    assert len(found) == 1 and found[0].startswith("a.yaml:21:3: error SCHEMA contract.start: "
                                                   "'2026-02-30' is not a valid date")


@pytest.mark.parametrize("typed", ["02/01/2026", "2026-2-1", "1700000000", "yesterday"])
def test_dates_must_be_iso(write_account, northwind_text, typed):
    text = replace_once(northwind_text, "start: 2026-02-01", f"start: {typed}")
    assert "is not a valid date" in errors(write_account, text)[0] or \
        "expected a date written YYYY-MM-DD" in errors(write_account, text)[0]


def test_wrong_types_each_reported(write_account, northwind_text):
    text = replace_once(northwind_text, "baseline: 82", "baseline: lots")
    text = replace_once(text, "  seats: 250", "  seats: [1, 2]")
    text = replace_once(text, "- {text: Schedule the legacy tool cut-over with IT, owner: li, "
                              "due: 2026-09-30, done: true,",
                        "- {text: Schedule the legacy tool cut-over with IT, owner: li, "
                        "due: 2026-09-30, done: maybe,")
    found = errors(write_account, text)
    assert found == [
        "a.yaml:18:3: error SCHEMA product.seats: expected a whole number, got a list",
        "a.yaml:71:5: error SCHEMA metrics[0].baseline: expected a number, got 'lots'",
        "a.yaml:264:87: error SCHEMA qbrs[0].action_items[0].done: expected true or false, "
        "got 'maybe'",
    ]


@pytest.mark.parametrize("number", ["nan", ".inf", "-.inf", "inf"])
def test_numbers_must_be_finite(write_account, northwind_text, number):
    text = replace_once(northwind_text, "baseline: 82", f"baseline: {number}")
    assert errors(write_account, text)[0].startswith("a.yaml:71:5: error SCHEMA metrics[0].baseline")


def test_missing_required_key_points_at_parent(write_account, northwind_text):
    text = replace_once(northwind_text, "  renewal: 2027-03-31\n", "")
    assert errors(write_account, text) == [
        "a.yaml:20:1: error SCHEMA contract: missing required key 'renewal'"]


def test_no_text_stays_text_in_text_fields(write_account, northwind_text):
    text = replace_once(northwind_text, "  plan: Enterprise", "  plan: NO")
    assert load_account(write_account(text)).account.product.plan == "NO"


def test_a_list_where_a_map_was_expected(write_account, northwind_text):
    text = replace_once(northwind_text, "contract:\n  start: 2026-02-01\n  renewal: 2027-03-31",
                        "contract:\n  - 2026-02-01\n  - 2027-03-31")
    assert errors(write_account, text) == [
        "a.yaml:20:1: error SCHEMA contract: expected a mapping (key: value lines), got a list"]


def test_the_file_must_be_a_mapping(write_account):
    assert errors(write_account, "- a\n- b\n") == [
        "a.yaml:1:1: error SCHEMA the file must be a mapping of keys, not a list"]


def test_duplicate_ids_and_renewal_before_start(write_account, northwind_text):
    text = replace_once(northwind_text, "  - id: admin-setup", "  - id: kickoff")
    text = replace_once(text, "renewal: 2027-03-31", "renewal: 2026-01-31")
    found = errors(write_account, text)
    assert "a.yaml:22:3: error SCHEMA contract.renewal must be after contract.start" in found
    assert ("a.yaml:146:5: error SCHEMA milestone id 'kickoff' is used twice (first on line "
            "139); ids must be unique") in found


def test_person_ids_are_unique_across_both_teams(write_account, northwind_text):
    text = replace_once(northwind_text, "  - id: li\n", "  - id: priya\n")
    assert "person id 'priya' is used twice" in errors(write_account, text)[0]


def test_health_rows_must_match_the_weights(write_account, northwind_text):
    text = replace_once(northwind_text, "- {week: 2026-08-31, usage: 80,",
                        "- {week: 2026-08-31, usgae: 80,")
    found = errors(write_account, text)
    assert found == [
        "a.yaml:234:7: error SCHEMA week 2026-08-31 has no score for usage",
        "a.yaml:234:26: error SCHEMA 'usgae' is not a dimension of health.weights (engagement, "
        "outcomes, relationship, support, usage)"]


def test_schema_version(write_account, northwind_text):
    text = replace_once(northwind_text, "schema: 1", "schema: 2")
    assert "schema 2 is not supported" in errors(write_account, text)[0]


@pytest.mark.parametrize("logo", ["../secret.png", "/etc/passwd.png", "logos/missing.png",
                                  "logos/northwind.gif", "C:/x.png"])
def test_logo_must_be_a_png_or_jpeg_inside_the_folder(write_account, northwind_text, logo):
    text = replace_once(northwind_text, "logo: logos/northwind.png", f"logo: {logo}")
    found = errors(write_account, text)
    assert len(found) == 1 and found[0].startswith("a.yaml:13:3: error SCHEMA logo")


def test_logo_symlink_outside_the_folder_is_refused(write_account, northwind_text, tmp_path):
    outside = tmp_path.parent / f"{tmp_path.name}-outside.png"
    outside.write_bytes(b"\x89PNG")
    (tmp_path / "logos" / "link.png").symlink_to(outside)
    text = replace_once(northwind_text, "logo: logos/northwind.png", "logo: logos/link.png")
    assert "points outside the account's folder" in errors(write_account, text)[0]


def test_account_files_skip_program_and_hidden(tmp_path):
    for name in ("b.yaml", "a.yml", "program.yaml", ".hidden.yaml", "notes.txt"):
        (tmp_path / name).write_text("x: 1\n")
    assert [p.name for p in account_files([tmp_path])] == ["a.yml", "b.yaml"]
    assert [p.name for p in account_files([tmp_path / "b.yaml", tmp_path])] == ["b.yaml", "a.yml"]


def test_a_comma_in_a_flow_mapping_is_not_silently_dropped(write_account, northwind_text):
    text = replace_once(northwind_text, 'basis: "11-point on-time gain on 2,800 monthly loads"',
                        "basis: 11-point on-time gain on 2,800 monthly loads")
    assert errors(write_account, text) == [
        "a.yaml:275:101: error SCHEMA unknown key '800 monthly loads' in qbrs[1].value[0]; a comma "
        "inside a {...} value splits it: put that value in quotes"]


def test_an_empty_key_means_absent(write_account, northwind_text):
    text = replace_once(northwind_text, "  industry: Logistics", "  industry:")
    assert load_account(write_account(text)).account.account.industry is None
    text = replace_once(northwind_text, "  name: Northwind Freight", "  name:")
    assert errors(write_account, text) == [
        "a.yaml:6:1: error SCHEMA account: missing required key 'name'"]


@pytest.mark.skipif(not SPEC_NORTHWIND.exists(), reason="shared/spec not beside the repo")
def test_the_specs_northwind_loads_passes_the_checks_and_renders(tmp_path):
    import shutil
    from datetime import date

    from csplan import api

    book = tmp_path / "book"
    (book / "logos").mkdir(parents=True)
    shutil.copy(SPEC_NORTHWIND, book)
    shutil.copy(NORTHWIND.parent / "logos" / "northwind.png", book / "logos")
    today = date(2026, 11, 23)
    [result] = api.check([book], today=today)
    assert not [f for f in result.findings if f.level == "error"]
    outcome = api.build([book], out=tmp_path / "out", today=today, jobs=1)
    [built] = outcome.results
    assert built.status == "built"
    assert sorted(p.suffix for p in built.outputs) == [".docx", ".pdf", ".pptx"]
