"""``csplan new``: a commented account file that loads, whose checks point at what to fill in."""

from __future__ import annotations

import json
from datetime import date, timedelta

from csplan.paths import template_environment
from csplan.program import Program
from csplan.slug import slugify
from csplan.text import clean


def new_account(name: str, segment: str, program: Program, today: date) -> str:
    """Return the YAML text of a new account called ``name`` in ``segment``.

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
    env.filters["yaml_str"] = lambda s: json.dumps(clean(str(s))[0], ensure_ascii=False)
    return env.get_template("account-new.yaml.j2").render(
        name=clean(name)[0], slug=slugify(name), segment=segment, today=today, start=start,
        renewal=renewal, milestones=milestones)


def program_file(program: Program) -> str:
    """Return ``program`` as a commented program.yaml (``csplan program --init``)."""
    env = template_environment()
    env.filters["yaml_str"] = lambda s: json.dumps(str(s), ensure_ascii=False)
    env.filters["num"] = lambda n: f"{n:g}"
    return env.get_template("program.yaml.j2").render(p=program)
