"""How domain apps plug into the shell without editing shared files.

Each app in settings.DOMAIN_APPS may provide any of these modules:
- ``urls``     -- ``urlpatterns``, mounted at ``/<app label>/`` (``app_name`` = label)
- ``public_urls`` -- ``urlpatterns`` of pages without login, mounted at ``/public/`` (every view
                  ``public_view``; prefix your paths to avoid clashes, e.g. ``apply``, ``funds/...``)
- ``api``      -- ``router`` (a ninja Router), mounted under ``/api/v1/``
- ``demo``     -- ``load(*, out)``: idempotently adds the app's demo records
- ``pending``  -- ``pending(user) -> list[PendingItem]``: work waiting for this user (home page)
- ``nav``      -- ``items(user) -> list[NavItem]``: navigation entries this user may open
- ``indicators`` -- ``INDICATORS``: a list of ``Indicator``; each figure is defined once and used
                  by the county assessment, the dashboard and the reports alike
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from types import ModuleType

from django.conf import settings


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    order: int = 100


@dataclass(frozen=True)
class PendingItem:
    """One line of "what waits for you" on the home page."""

    category: str  # e.g. 待核实, 逾期
    label: str
    url: str
    count: int = 1
    overdue_days: int | None = None
    due: object | None = None  # a date, shown when present


@dataclass(frozen=True)
class IndicatorValue:
    value: object  # a Decimal/int/float, or None when there is nothing to measure
    numerator: object | None = None
    denominator: object | None = None
    # How to find the records behind the figure: a URL (already scoped when opened by the user).
    evidence_url: str = ""
    note: str = ""


@dataclass(frozen=True)
class Indicator:
    """One figure, defined once: code, Chinese name, formula in words, unit, source tables, and
    ``compute(region, as_of) -> IndicatorValue`` over the region's subtree as of a date."""

    code: str
    name: str
    formula: str
    unit: str  # "%", "户", "元", ...
    sources: tuple[str, ...]
    compute: object  # Callable[[Region, datetime.date], IndicatorValue]
    higher_is_better: bool = True


def indicators() -> dict[str, Indicator]:
    found: dict[str, Indicator] = {}
    for app, module in provided("indicators"):
        for ind in module.INDICATORS:
            if ind.code in found:
                raise ValueError(f"指标代码重复：{ind.code}（{app}）")
            found[ind.code] = ind
    return found


def app_label(app: str) -> str:
    return app.rsplit(".", 1)[-1]


@cache
def app_module(app: str, name: str) -> ModuleType | None:
    modname = f"{app}.{name}"
    try:
        return importlib.import_module(modname)
    except ModuleNotFoundError as exc:
        if exc.name == modname:
            return None
        raise


def provided(name: str) -> list[tuple[str, ModuleType]]:
    return [(app, m) for app in settings.DOMAIN_APPS if (m := app_module(app, name)) is not None]


def nav_items(user) -> list[NavItem]:
    items = [item for _, m in provided("nav") for item in m.items(user)]
    return sorted(items, key=lambda i: i.order)


def pending_items(user) -> list[PendingItem]:
    return [item for _, m in provided("pending") for item in m.pending(user)]
