"""Every quality rule: a change to Northwind that makes it fire (with its exact line), and
Northwind itself, or a near miss, that keeps it quiet."""

from __future__ import annotations

import importlib
import re
import sys
from datetime import date

import pytest

from csplan import derive
from csplan.rules.engine import run_rules
from csplan.inputs.loader import load_account
from csplan.inputs.program import DEFAULTS, Program, merge
from csplan.rules import RULES, discover, summary
from tests.conftest import NORTHWIND, ROOT, TODAY, replace_once


def findings(write_account, text, today=TODAY, program=None):
    loaded = load_account(write_account(text), "a.yaml")
    derived = derive.of(loaded.account, program or Program.default(), today)
    return [f.format() for f in run_rules(loaded, derived)]


def of(rule, lines):
    return [line for line in lines if f" {rule} " in line]


NOTES = "  notes: Finance asked about multi-year pricing; James prefers a two-year term.\n"
FIRES = {
    "SP001": ([("kind: business               # business", "kind: adoption               #"),
               ("  - id: tool-cost\n    name: Legacy routing licence spend\n    kind: business",
                "  - id: tool-cost\n    name: Legacy routing licence spend\n    kind: adoption"),
               ("    name: Hours to plan the next day's routes\n    kind: business",
                "    name: Hours to plan the next day's routes\n    kind: sentiment")],
              ["a.yaml:58:3: error SP001 the primary goal has no business metric; add a metric "
               "with kind: business that measures it"]),
    "SP002": ([("    baseline: 82\n", ""), ("    source: Northwind TMS monthly report\n", "")],
              ["a.yaml:66:5: error SP002 metric 'on-time' has no baseline",
               "a.yaml:66:5: error SP002 metric 'on-time' has no source"]),
    "SP003": ([("owner: dana, within: 24 hours", "owner: dan, within: 24 hours"),
               ("attendees: [maria, james, priya, tom]", "attendees: [maria, james, priya, bob]")],
              ["a.yaml:228:80: error SP003 'dan' is not the id of anyone in vendor_team or "
               "stakeholders; did you mean 'dana'?",
               "a.yaml:270:38: error SP003 'bob' is not the id of anyone in vendor_team or "
               "stakeholders; add them to vendor_team or stakeholders"]),
    "SP004": ([("    owner: tom\n    due: 2027-03-15\n", "    owner: TBD\n")],
              ["a.yaml:182:5: error SP004 milestone 'renewal-signed' has no due date",
               "a.yaml:185:5: error SP004 milestone 'renewal-signed' has no owner; name the "
               "person (an id) who will get it done"]),
    "SP005": ([("    due: 2027-03-15\n", "    due: 2027-04-15\n")],
              ["a.yaml:186:5: error SP005 milestone 'renewal-signed' is due 2027-04-15 after the "
               "renewal on 2027-03-31; bring it forward"]),
    "SP006": ([("    owner: maria\n    due: 2026-03-06", "    owner: priya\n    due: 2026-03-06"),
               ("    owner: maria\n    due: 2026-05-29", "    owner: priya\n    due: 2026-05-29"),
               ("    owner: li\n    due: 2026-02-20", "    owner: priya\n    due: 2026-02-20"),
               ("    owner: li\n    due: 2026-10-30", "    owner: priya\n    due: 2026-10-30")],
              ["a.yaml:138:1: error SP006 no milestone is owned by someone on the customer side; "
               "give at least one to a stakeholder"]),
    "SP007": ([("role: executive-sponsor", "role: economic-buyer")],
              ["a.yaml:33:1: error SP007 no stakeholder has role: executive-sponsor; name the "
               "customer's executive sponsor"]),
    "SP008": ([("  - {trigger: Health drops to yellow, action: Internal review and a champion call, "
                "owner: priya, within: 5 business days}\n"
                "  - {trigger: Health drops to red, action: CS leadership and AE brief drafted, "
                "owner: dana, within: 24 hours}\n"
                "  - {trigger: Champion silent for more than 10 days, action: AE contacts the "
                "executive sponsor, owner: tom, within: 2 business days}\n", "")],
              ["a.yaml:226:1: error SP008 no escalation path; add escalation rows (trigger, "
               "action, owner, within)"]),
    "SP009": ([("last_reviewed: 2026-11-18", "last_reviewed: 2026-10-08")],
              ["a.yaml:26:1: warning SP009 plan last reviewed 46 days ago (more than 45); review "
               "it with the champion"]),
    "SP010": ([("    confirmed_by: product        # product", "    confirmed_by: customer       #")],
              ["a.yaml:161:5: error SP010 time-to-value milestone 'first-route' is done but not "
               "confirmed_by: product; confirm it in product data"]),
    "SP011": ([("category: champion-departure", "category: budget")],
              ["a.yaml:201:1: warning SP011 the risk register has no champion-departure risk; "
               "add one with a mitigation"]),
    "SP012": ([("kind: business               # business", "kind: adoption               #"),
               ("    name: Legacy routing licence spend\n    kind: business",
                "    name: Legacy routing licence spend\n    kind: adoption"),
               ("    name: Hours to plan the next day's routes\n    kind: business",
                "    name: Hours to plan the next day's routes\n    kind: sentiment")],
              ["a.yaml:65:1: warning SP012 every metric is adoption or sentiment; add a business "
               "metric the customer reports on"]),
    "SP013": ([("weights: {usage: 35, engagement: 25, outcomes: 20",
                "weights: {usage: 25, engagement: 35, outcomes: 20")],
              ["a.yaml:232:13: error SP013 'usage' weighs 25, less than 'engagement' (35); "
               "usage must weigh the most"]),
    "SP014": ([("    - {week: 2026-09-21, usage: 83, engagement: 75, outcomes: 80, support: 90, "
                "relationship: 100}\n", "")],
              ["a.yaml:237:7: warning SP014 14 days between health rows 2026-09-14 and "
               "2026-09-28; score every week"]),
    "SP015": ([("last_reviewed: 2026-11-18", "last_reviewed: 2026-11-18"),
               ("renewal: 2027-03-31", "renewal: 2027-01-15"),
               ("    due: 2027-03-31\n", "    due: 2027-01-15\n"),
               ("    due: 2027-03-15\n", "    due: 2027-01-10\n")],
              ["a.yaml:284:5: warning SP015 expansion withheld from the 2026-Q4 deck: renewal in "
               "53 days (needs more than 60)"]),
    "SP016": ([("    attendees: [maria, james, priya]\n",
                "    attendees: [maria, james, priya]\n    agenda:\n"
                "      - {section: Welcome, minutes: 10}\n      - {section: Results, minutes: 45}\n")],
              ["a.yaml:251:5: error SP016 2026-Q3 agenda adds up to 55 minutes, not 60"]),
    "SP017": ([("    due: 2026-12-08\n    status: in-progress",
                "    due: 2026-11-20\n    status: in-progress")],
              ["a.yaml:180:5: warning SP017 milestone 'qbr-roi' is 3 days past due (at risk); "
               "finish it or agree a new date"]),
    "SP018": ([("    done_on: 2026-02-04\n", ""),
               ("    status: in-progress\n", "    status: in-progress\n    done_on: 2026-11-01\n")],
              ["a.yaml:144:5: error SP018 milestone 'kickoff' is done but has no done_on date",
               "a.yaml:181:5: error SP018 milestone 'qbr-roi' has done_on but status in-progress;"
               " set status: done or remove done_on"]),
    "SP019": ([("      - {date: 2026-10-31, value: 93}", "      - {date: 2026-10-31, value: 86}")],
              ["a.yaml:72:5: warning SP019 metric 'on-time' is heading for about 87.8 by "
               "2026-12-31, missing its target 95"]),
    "SP020": ([("    by: maria\n\nmetrics:", "\nmetrics:")],
              ["a.yaml:61:3: warning SP020 the success statement does not say who said it "
               "(by: a stakeholder id)"]),
    "SP021": ([("    - {week: 2026-11-16, usage: 90, engagement: 90, outcomes: 90, support: 95, "
                "relationship: 100}",
                "    - {week: 2026-11-16, usage: 60, engagement: 70, outcomes: 80, support: 95, "
                "relationship: 100}")],
              # 89.9 -> 74.0: yellow, so the "drops to yellow" row applies
              ["a.yaml:245:7: warning SP021 health dropped 15.9 points in the week of 2026-11-16;"
               " escalation that applies: 'Health drops to yellow' -> Internal review and a "
               "champion call"]),
    "SP022": ([("engagement: {frequency: Weekly (async) + monthly call, format: Slack + Zoom}",
                "engagement: {frequency: Quarterly call, format: Zoom}")],
              ["a.yaml:38:5: warning SP022 enterprise accounts touch the champion monthly; Maria "
               "Lopez's engagement is 'Quarterly call'"]),
    "SP023": ([("  - {text: Share the November TMS report, owner: maria, due: 2026-12-15}",
                "  " + "\n      ".join(f"- {{text: Task {i}, owner: maria, due: 2026-12-15}}"
                                for i in range(17)))],
              ["a.yaml:267:5: error SP023 the deck would have 16 slides (more than 13); trim "
               "milestones, metrics or action items"]),
    "SP024": ([("locale: en-US", "locale: sv-SE")],
              ["a.yaml:12:3: warning SP024 locale 'sv-SE': csplan has no Swedish wording, so "
               "the documents' fixed texts are in English (numbers and dates follow 'sv-SE'); "
               "languages with wording: en, de, es, fr, ja, nl, pt-BR"]),
    "SP025": ([(NOTES, NOTES + "\nevents:\n  - {date: 2026-11-20, type: formal-complaint, "
                        "who: James Okafor}\n")],
              ["a.yaml:294:5: warning SP025 Critical since 2026-11-20 because formal complaint: "
               "James Okafor, and no save plan; executive engagement and a save plan due "
               "2026-11-22: write a save_plan section"]),
    "SP026": ([(NOTES, NOTES + "\nsave_plan:\n  checkpoint: 2027-03-01\n  actions:\n"
                        "    - {action: Executive call, owner: tom}\n")],
              ["a.yaml:296:7: warning SP026 save-plan action 'Executive call' has no due date"]),
    "SP027": ([(NOTES, NOTES + "\nsave_plan:\n  checkpoint: 2027-03-31\n  actions:\n"
                        "    - {action: Executive call, owner: tom, due: 2026-11-25}\n")],
              ["a.yaml:294:3: warning SP027 the save plan's checkpoint 2027-03-31 is not before "
               "the renewal on 2027-03-31; bring it forward"]),
    "SP028": ([("{text: Reach 93% on-time delivery, metric: on-time, target: 93}",
                "Reach 93% on-time delivery")],
              ["a.yaml:262:9: warning SP028 the 2026-Q3 goal 'Reach 93% on-time delivery' is "
               "paired with 'On-time delivery reached 93% in October, up from 82% at kickoff' "
               "by its words; link it with 'metric: <id>' or 'milestone: <id>' so the deck "
               "shows what answers it"]),
}


def test_every_rule_has_a_firing_case_and_a_summary():
    assert set(FIRES) == set(RULES)
    for rule in RULES.values():
        assert summary(rule) and rule.LEVEL in ("error", "warning")


def _ids_in(folder) -> dict[str, str]:
    """Return module name -> the ID it declares, for every module of ``folder`` with one."""
    found = {}
    for path in sorted(folder.glob("*.py")):
        declared = re.search(r'^ID = "(\w+)"', path.read_text(), re.MULTILINE)
        if declared:
            found[path.stem] = declared.group(1)
    return found


def test_the_registry_is_every_rule_module_of_the_package_in_id_order():
    modules = _ids_in(ROOT / "generator" / "rules")
    assert modules and sorted(set(modules.values())) == sorted(modules.values())  # unique
    assert list(RULES) == sorted(modules.values())
    assert {m.__name__.rsplit(".", 1)[1]: rid for rid, m in RULES.items()} == modules
    # named by what they check, not by number
    assert not [name for name in modules if re.fullmatch(r"sp\d+", name)]


RULE = 'ID = "{}"\nLEVEL = "warning"\n\n\ndef check(ctx):\n    return []\n'


@pytest.fixture
def package(tmp_path):
    """Return a function that makes a package of rule modules and imports it."""
    def make(files: dict[str, str]):
        root = tmp_path / "extra_rules"
        root.mkdir()
        (root / "__init__.py").write_text("")
        for name, text in files.items():
            (root / f"{name}.py").write_text(text)
        sys.path.insert(0, str(tmp_path))
        try:
            return importlib.import_module("extra_rules")
        finally:
            sys.path.remove(str(tmp_path))

    yield make
    for name in [n for n in sys.modules if n.split(".")[0] == "extra_rules"]:
        del sys.modules[name]


def test_a_rule_module_dropped_into_the_package_is_picked_up(package):
    found = discover(package({"alpha": RULE.format("SP101"), "zeta": RULE.format("SP100"),
                              "engine": "raise AssertionError('the engine is no rule')\n"}))
    assert [(rid, m.__name__) for rid, m in found.items()] == [
        ("SP100", "extra_rules.zeta"), ("SP101", "extra_rules.alpha")]  # by id, not by name


def test_two_rules_with_one_id_are_refused(package):
    with pytest.raises(RuntimeError, match=r"rules extra_rules\.one and extra_rules\.other "
                                           r"share the id SP100"):
        discover(package({"one": RULE.format("SP100"), "other": RULE.format("SP100")}))


def test_northwind_is_quiet():
    loaded = load_account(NORTHWIND)
    assert run_rules(loaded, derive.of(loaded.account, Program.default(), TODAY)) == []


@pytest.mark.parametrize("rule", sorted(FIRES))
def test_rule_fires(rule, write_account, northwind_text):
    changes, expected = FIRES[rule]
    text = northwind_text
    for old, new in changes:
        text = replace_once(text, old, new)
    program = None
    if rule == "SP023":
        program = Program.model_validate(merge(DEFAULTS, {"checks": {"max_deck_slides": 13}}))
    got = of(rule, findings(write_account, text, program=program))
    assert got == expected


def test_sp009_is_quiet_at_exactly_the_limit(write_account, northwind_text):
    text = replace_once(northwind_text, "last_reviewed: 2026-11-18", "last_reviewed: 2026-10-09")
    assert of("SP009", findings(write_account, text)) == []


def test_sp015_quiet_when_qualified_and_fires_for_each_unmet(write_account, northwind_text):
    assert of("SP015", findings(write_account, northwind_text)) == []
    got = of("SP015", findings(write_account, northwind_text, today=date(2026, 10, 1)))
    assert got and "health green for 31 consecutive days (needs 60)" in got[0]


def test_sp017_stalled_at_seven_days(write_account, northwind_text):
    text = replace_once(northwind_text, "    due: 2026-12-08\n", "    due: 2026-11-16\n")
    assert "is 7 days past due (stalled)" in of("SP017", findings(write_account, text))[0]


def test_sp018_done_on_in_the_future(write_account, northwind_text):
    text = replace_once(northwind_text, "done_on: 2026-10-27", "done_on: 2026-12-27")
    assert of("SP018", findings(write_account, text)) == [
        "a.yaml:175:5: error SP018 milestone 'legacy-retired' done_on 2026-12-27 is in the "
        "future"]


def test_sp021_red_names_the_escalation_rows(write_account, northwind_text):
    import re
    text = re.sub(r"(week: [0-9-]+), usage: \d+, engagement: \d+, outcomes: \d+",
                  r"\1, usage: 30, engagement: 30, outcomes: 30", northwind_text)
    # newest week: 30*.35 + 30*.25 + 30*.20 + 95*.10 + 100*.10 = 43.5
    got = of("SP021", findings(write_account, text))
    assert got == ["a.yaml:245:7: warning SP021 health is red (43.5); escalation that applies: "
                   "'Health drops to red' -> CS leadership and AE brief drafted"]


def test_sp022_follows_the_segment_cadence_of_the_program(write_account, northwind_text):
    text = replace_once(northwind_text, "segment: enterprise ", "segment: smb ")
    assert of("SP022", findings(write_account, text)) == []
    weekly = Program.model_validate(merge(DEFAULTS, {"segments": {
        **DEFAULTS["segments"],
        "enterprise": {**DEFAULTS["segments"]["enterprise"], "champion_touch": "weekly",
                       "qbr": "monthly"}}}))
    got = of("SP022", findings(write_account, northwind_text, program=weekly))
    assert got == ["a.yaml:221:1: warning SP022 enterprise accounts hold a QBR monthly; the "
                   "communication plan has no QBR row at that cadence"]
