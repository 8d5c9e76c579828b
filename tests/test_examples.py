"""The example accounts tell their stories: what check finds in each at 2026-11-23."""

from __future__ import annotations

from csplan.inputs.program import Programs
from csplan.rules.engine import check_file
from tests.conftest import ACCOUNTS, TODAY


def findings(name: str) -> list[tuple[int, str, str]]:
    result = check_file(ACCOUNTS / name, Programs().for_account(ACCOUNTS / name), TODAY)
    assert result.loaded is not None
    return [(f.line, f.level, f.rule) for f in result.findings]


def test_northwind_is_clean():
    assert findings("northwind-freight.yaml") == []


def test_brightwater_trends_red_and_warns_about_it():
    assert findings("brightwater-clinics.yaml") == [
        (26, "warning", "SP009"),   # plan not reviewed for 69 days
        (68, "warning", "SP019"),   # no-show rate heading for 16.7, target 10
        (84, "warning", "SP019"),   # runs scheduled: due, at 58 of 90
        (108, "warning", "SP017"),  # all-clinics stalled, 24 days late
        (109, "warning", "SP017"),  # sms-reminders at risk, 4 days late
        (145, "warning", "SP021"),  # red, and a 12.35-point drop
        (182, "warning", "SP015"),  # expansion withheld: three unmet conditions
    ]


def test_kurierdienst_new_smb_in_german_is_clean():
    assert findings("kurierdienst-elbe.yaml") == []
