"""How domain apps plug into the shell without editing shared files.

Each app in settings.DOMAIN_APPS may provide any of these modules:
- ``urls``     -- ``urlpatterns``, mounted at ``/<app label>/`` (``app_name`` = label)
- ``api``      -- ``router`` (a ninja Router), mounted under ``/api/v1/``
- ``demo``     -- ``load(*, out)``: idempotently adds the app's demo records
- ``pending``  -- ``pending(user) -> list[PendingItem]``: work waiting for this user (home page)
- ``nav``      -- ``items(user) -> list[NavItem]``: navigation entries this user may open
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
