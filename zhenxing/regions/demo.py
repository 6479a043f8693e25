from __future__ import annotations

from .services import regions_load_builtin


def load(*, out) -> None:
    r = regions_load_builtin()
    out.write(f"行政区划：新增 {r.created}，更新 {r.updated}，未变 {r.unchanged}\n")
