"""The import kinds a mapping can be made for, gathered from the apps' ``imports`` modules
(``IMPORT_KINDS``: a list of ``lib.mapping.ImportKind``, or ``import_kinds()`` returning one when
the list is only complete once every app is loaded), so this app imports none of them."""

from __future__ import annotations

from functools import cache

from zhenxing.lib.mapping import ImportKind, MappingError
from zhenxing.lib.modules import provided


@cache
def import_kinds() -> dict[str, ImportKind]:
    out: dict[str, ImportKind] = {}
    for _, module in provided("imports"):
        listed = module.import_kinds() if hasattr(module, "import_kinds") else getattr(module, "IMPORT_KINDS", ())
        for kind in listed:
            out[kind.code] = kind
    return out


def import_kind(code: str) -> ImportKind:
    try:
        return import_kinds()[code]
    except KeyError:
        names = "、".join(f"{k}（{v.label}）" for k, v in import_kinds().items())
        raise MappingError(f"没有“{code}”这种导入类型；可用：{names}") from None
