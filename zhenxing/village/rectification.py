"""The ledger tells the village app when a rectification item it opened is closed or reopened (the
``rectification`` provider of lib/modules), inside the ledger's transaction: a problem toilet
(``source_ref`` ``village.toilet:<id>``) becomes 已整改 or goes back into rectification; a cleaning
inspection's problems (``village.cleaning:<id>``) are resolved or open again."""

from __future__ import annotations

from .toilets import SOURCE_CLEANING, SOURCE_TOILET, cleaning_item_moved, toilet_item_moved


def _moved(item, closed: bool, on) -> None:
    ref = item.source_ref or ""
    if ref.startswith(SOURCE_TOILET):
        toilet_item_moved(item, closed, on)
    elif ref.startswith(SOURCE_CLEANING):
        cleaning_item_moved(item, closed, on)


def item_closed(*, actor, item, on) -> None:
    _moved(item, True, on)


def item_reopened(*, actor, item) -> None:
    _moved(item, False, None)
