"""``csplan new``: a commented account file that loads, whose checks point at what to fill in."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import date, timedelta

from csplan.paths import template_environment
from csplan.inputs.program import Program
from csplan.inputs.slug import slugify
from csplan.text import clean

# What YAML reads as a line break, or refuses to read, inside a quoted scalar: escaped.
_YAML_UNSAFE = re.compile("[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd"
                          "\U00010000-\U0010ffff]")


def yaml_str(value: object) -> str:
    """Return ``value`` as a YAML double-quoted scalar that reads back exactly.

    JSON's string syntax is YAML's double-quoted one; the characters YAML would fold as a line
    break (U+0085, U+2028, U+2029) or refuse (DEL, C1 controls, U+FFFE, U+FFFF) are escaped
    too, so the scalar stays on its line.
    """
    text = json.dumps(str(value), ensure_ascii=False)
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def name_problems(name: str) -> list[str]:
    """Return the characters (``U+XXXX``) that keep ``name`` from being an account's name as
    typed: line breaks, control characters and the invisible ones the loader would remove."""
    breaks = {f"U+{ord(c):04X}" for c in name
              if unicodedata.category(c) == "Cc" or c in "\u2028\u2029"}
    return sorted(breaks.union(clean(name)[1]))


def new_account(name: str, segment: str, program: Program, today: date) -> str:
    """Return the YAML text of a new account called ``name`` in ``segment``.

    ``name`` must have no ``name_problems``; it is written quoted, so any other text loads
    back exactly.

    Its milestones come from the program's onboarding template for the segment (or the
    ``default`` one), due that many days after the contract start (today); their owners are
    left empty for the CSM to fill in, and ``csplan check`` then points at each of them.
    """
    start = today
    renewal = date(start.year + 1, start.month, start.day) if not (
        start.month == 2 and start.day == 29) else date(start.year + 1, 2, 28)
    renewal -= timedelta(days=1)
    template = program.onboarding.get(segment) or program.onboarding.get("default") or []
    milestones = [{
        "id": m.id, "phase": m.phase, "title": m.title, "due": start + timedelta(days=m.day),
        "owner_role": m.owner_role, "time_to_value": m.time_to_value,
    } for m in template]
    env = template_environment()
    env.filters["yaml_str"] = yaml_str
    return env.get_template("account-new.yaml.j2").render(
        name=name, slug=slugify(name), segment=segment, today=today, start=start,
        renewal=renewal, milestones=milestones)


def program_file(program: Program) -> str:
    """Return ``program`` as a commented program.yaml (``csplan program --init``)."""
    env = template_environment()
    env.filters["yaml_str"] = yaml_str
    env.filters["num"] = lambda n: f"{n:g}"
    return env.get_template("program.yaml.j2").render(p=program)
