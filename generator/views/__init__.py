"""Views: what each document shows of an account, computed from the account and its derived
values, with every internal field left out of the customer views.

``VIEWS`` names each view a format can take (``csplan.render.FORMATS``). A view is made once
per account and shared by every format that takes it (the plan's DOCX and PDF read one
``PlanView``). ``plan`` and ``deck`` are customer-safe (``views.customer``); ``brief`` and
``saveplan`` are internal and rendered only into ``OUT/_internal/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any, Callable, Optional


@dataclass(frozen=True)
class Source:
    """What a view is made from: one checked account's derived values (its account, program
    and today included, ``csplan.derive.Derived``), for one vendor."""

    derived: Any  # csplan.derive.Derived
    vendor_name: str
    logo_uri: Optional[str] = None
    draft: bool = False  # a draft: marked DRAFT on every page and slide
    revision: Any = None  # the plan's csplan.views.revision.Revision, when it is kept
    qbr: Optional[str] = None  # the QBR a recap is for (default: the newest)
    slug: str = ""  # the account's output folder name, for file names inside a document


@dataclass(frozen=True)
class ViewSpec:
    make: str  # "module:function(source) -> view or None"
    missing: str = ""  # the build note when the account has nothing for this view
    revised: bool = False  # it shows the plan, so it needs the plan's revision


VIEWS: dict[str, ViewSpec] = {
    "plan": ViewSpec("csplan.views.customer:plan_of", revised=True),
    "deck": ViewSpec("csplan.views.customer:deck_of",
                     missing="no QBR in the account (qbrs is empty): no deck built"),
    "brief": ViewSpec("csplan.views.brief:brief_of"),
    "recap": ViewSpec("csplan.views.recap:recap_of",
                      missing="no QBR in the account (qbrs is empty): no recap written",
                      revised=True),
    "saveplan": ViewSpec("csplan.views.saveplan:saveplan_of",
                         missing="no save_plan in the account and it is not Critical: "
                                 "no save plan built"),
}


class Views:
    """The views of one account, each made on first request and then kept."""

    def __init__(self, source: Source):
        self.source = source
        self._made: dict[str, Any] = {}

    def get(self, name: str) -> Any:
        if name not in self._made:
            module, _, function = VIEWS[name].make.partition(":")
            make: Callable[[Source], Any] = getattr(import_module(module), function)
            self._made[name] = make(self.source)
        return self._made[name]
