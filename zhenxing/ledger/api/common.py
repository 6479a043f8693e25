"""The ledger API's one router (every module of the package adds its operations to it) and the
data-scope note each operation declares."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["工作台账"])


def scope_extra(label: str, lookup: str | None = None) -> dict:
    extra = {"x-scope": label}
    if lookup:
        extra["x-scope-lookup"] = lookup
    return extra
