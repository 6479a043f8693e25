"""How domain apps plug into the shell without editing shared files.

Each app in settings.DOMAIN_APPS may provide any of these modules:
- ``urls``     -- ``urlpatterns``, mounted at ``/<app label>/`` (``app_name`` = label)
- ``public_urls`` -- ``urlpatterns`` of pages without login, mounted at ``/public/`` (every view
                  ``public_view``; prefix your paths to avoid clashes, e.g. ``apply``, ``funds/...``;
                  ``/public/`` itself is the portal, core's), and optionally ``portal_links()`` ->
                  ``list[PortalLink]``: the entries of the public portal (no personal data)
- ``api``      -- ``router`` (a ninja Router), mounted under ``/api/v1/``
- ``demo``     -- ``load(*, out)``: idempotently adds the app's demo records
- ``pending``  -- ``pending(user) -> list[PendingItem]``: work waiting for this user (home page)
  and the overdue work of a region in the dashboard's reports, which pass an UNSAVED read-only
  account standing for the region (``user.pk`` is None, ``user.region`` set): a provider must
  work from the region and role only and skip anything personal (notices, "assigned to me").
- ``nav``      -- ``items(user) -> list[NavItem]``: the menu entries of this user, each in its group
                  (``NAV_GROUPS``; ``PERSONAL`` ones go to the top bar): only pages the user may open,
                  asked through ``accounts.scope.in_menu`` (the rule the view asks)
- ``jobs``     -- registers the app's background job kinds with ``@zhenxing.jobs.kinds.job_kind(...)``
                  (imported the first time the queue looks a kind up; see zhenxing/jobs/kinds.py)
- ``generate`` -- ``write_feeds(*, out_dir, households_csv, seed)``: simulated department data
                for ``zhenxing generate --feeds`` (the screening app; a ``generate`` module without
                ``write_feeds`` is the app's own generator and is passed over)
- ``indicators`` -- ``INDICATORS``: a list of ``Indicator``; each figure is defined once and used
                  by the county assessment, the dashboard and the reports alike
- ``holds``    -- ``open_holds(household) -> list[str]``: open work an app keeps on a household
                  (an unanswered alert, an unclosed rectification item), each named in Chinese;
                  monitoring refuses a risk elimination while any is open (``household_holds``).
                  So a lower layer asks the apps above it without importing them.
- ``household_links`` -- ``links(user, household) -> list[NavItem]``: what the household's page
                  offers this user in an app above the registry (登记发现, 登记走访), each shown only
                  to whom its page and service accept (``household_links``).
- ``rectification`` -- ``item_closed(*, actor, item, on)`` and ``item_reopened(*, actor, item)``:
                  the ledger calls them inside the transaction that closes (verifies) a rectification
                  item or sends it back after 回头看; an app that opened the item from one of its
                  records (``item.source_ref``, e.g. ``collective.problem:<id>``) updates that record
                  and ignores every other item. So a sibling learns of the closing without the ledger
                  importing it.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from types import ModuleType

from django.conf import settings


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    order: int = 100
    # The menu group (工作台 / 监测帮扶 / 预警 / 台账 / 资金资产 / 集体经济 / 就业治理 / 统计报告 / 系统);
    # empty means the shell places it by its app.
    group: str = ""


@dataclass(frozen=True)
class PortalLink:
    """One entry of the public portal at /public/ (公共服务首页)."""

    label: str
    url: str
    note: str = ""
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
    ``compute(region, as_of) -> IndicatorValue`` over the region's subtree as of a date.

    With unit "%" the value is a fraction to four places (``share``: 0.55 is shown as 55.0%).

    Optional bulk form, used by the nightly snapshot so that one query serves every region:
    ``by_region(as_of) -> {region_id: IndicatorValue}`` gives the figures of the region nodes the
    records are attached to (villages, or counties for county-level records); every node's figure
    is then the roll-up over its subtree, and must equal what ``compute`` gives for that node:

    - ``rollup="sum"`` adds values; a node has a numerator and a denominator (their sums) only when
      some node below it gave both, so ``compute`` gives them only when there is something to count;
    - ``rollup="ratio"`` gives ``share(summed numerator, summed denominator)`` with both sums, which
      are 0 (and the value None) where nothing is below.

    ``evidence(region, as_of) -> url`` gives the records behind the figure without computing it (the
    snapshot's link for the bulk form; it must be the ``evidence_url`` that ``compute`` gives).
    ``measured`` (optional): see the field below.
    ``regional=False`` says the figure is the same for every node (its records have no region):
    the snapshot computes it once and stores it for every node.
    """

    code: str
    name: str
    formula: str
    unit: str  # "%", "户", "元", ...
    sources: tuple[str, ...]
    compute: object  # Callable[[Region, datetime.date], IndicatorValue]
    higher_is_better: bool = True
    section: str = "其他"  # the dashboard and report section the figure is shown under
    by_region: object | None = None  # Callable[[datetime.date], dict[int, IndicatorValue]]
    rollup: str = ""  # with by_region: "sum" or "ratio"
    evidence: object | None = None  # Callable[[Region, datetime.date], str]
    regional: bool = True
    # For a count whose zero may mean "nothing recorded" (the value is then not None):
    # ``measured(region, as_of) -> bool`` says whether the region had anything to measure; the
    # county assessment scores the figure 不适用 where it had not (a ratio says so by value None).
    measured: object | None = None


FOUR_PLACES = Decimal("0.0001")


def share(numerator, denominator) -> Decimal | None:
    """A fraction to four places (the value of every "%" figure), None when nothing to divide by."""
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(FOUR_PLACES)


def distinct_leaves(paths_of_units: Iterable[Iterable[str]]) -> dict[str, int]:
    """Leaf figures (by region path) for a count of distinct units when one unit may hang on several
    nodes (a person holding posts in two villages): summed over any subtree, they count each unit
    once if it hangs anywhere in that subtree. For each unit, every node on the way up from its
    nodes gets 1 minus the number of its children the unit hangs below (Möbius inversion on the
    tree): a village gets 1, a branching ancestor gets minus the extra branches."""
    out: dict[str, int] = {}
    for paths in paths_of_units:
        nodes: set[str] = set()
        for path in paths:  # every ancestor's path is a prefix of the path ending in "/"
            nodes.update(path[: i + 1] for i, ch in enumerate(path) if ch == "/")
        children: dict[str, int] = {}
        for node in nodes:
            parent = node[: node.rstrip("/").rfind("/") + 1]
            if parent:
                children[parent] = children.get(parent, 0) + 1
        for node in nodes:
            g = 1 - children.get(node, 0)
            if g:
                out[node] = out.get(node, 0) + g
    for node in [k for k, v in out.items() if not v]:
        del out[node]
    return out


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


# The menu's groups, in the order shown. An app's ``nav`` names the group of each entry; entries of
# ``PERSONAL`` (the user's own notices and jobs) are shown in the top bar, not in the menu.
NAV_GROUPS = ("工作台", "监测帮扶", "预警", "台账", "资金资产", "集体经济", "乡村建设", "就业治理", "统计报告", "系统")
PERSONAL = "个人"
# Where an entry without a group goes: by its app.
_APP_GROUPS = {
    "registry": "监测帮扶",
    "monitoring": "监测帮扶",
    "screening": "预警",
    "ledger": "台账",
    "funds": "资金资产",
    "assets": "资金资产",
    "collective": "集体经济",
    "village": "乡村建设",
    "people": "就业治理",
    "dashboard": "统计报告",
}


def nav_items(user) -> list[NavItem]:
    """Every app's entries for this user, each with its group (an app's own or its app's)."""
    items = []
    for app, m in provided("nav"):
        for item in m.items(user):
            if not item.group:
                item = NavItem(item.label, item.url, item.order, _APP_GROUPS.get(app_label(app), "系统"))
            items.append(item)
    return sorted(items, key=lambda i: (NAV_GROUPS.index(i.group) if i.group in NAV_GROUPS else 99, i.order))


def nav_groups(user, items: list[NavItem] | None = None) -> list[tuple[str, list[NavItem]]]:
    """The menu: ``[(group, [entries])]`` in ``NAV_GROUPS`` order, empty groups and the top bar's
    ``PERSONAL`` entries left out."""
    groups: dict[str, list[NavItem]] = {}
    for item in nav_items(user) if items is None else items:
        if item.group != PERSONAL:
            groups.setdefault(item.group, []).append(item)
    return list(groups.items())


def menu_items(user) -> list[NavItem]:
    """The menu's entries, flat (what ``nav_groups`` shows)."""
    return [item for _, entries in nav_groups(user) for item in entries]


def portal_links() -> list[PortalLink]:
    links = [link for _, m in provided("public_urls") if hasattr(m, "portal_links") for link in m.portal_links()]
    return sorted(links, key=lambda i: i.order)


def household_holds(household) -> list[str]:
    """The names of every open alert, item, ... that the apps' ``holds`` modules report on a household."""
    return [name for _, m in provided("holds") for name in m.open_holds(household)]


def household_links(user, household) -> list[NavItem]:
    """The buttons the apps' ``household_links`` modules offer ``user`` on a household's page."""
    items = [item for _, m in provided("household_links") for item in m.links(user, household)]
    return sorted(items, key=lambda i: i.order)


def pending_items(user) -> list[PendingItem]:
    return [item for _, m in provided("pending") for item in m.pending(user)]
