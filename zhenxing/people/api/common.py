"""The people API's one router (every module of the package adds its operations to it) and the
data-scope note each operation declares."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["就业帮扶与乡村治理"])


def scope_extra(label: str, **more) -> dict:
    return {"x-scope": label, **more}
