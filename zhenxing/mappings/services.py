"""Writes of saved mappings: saving a name adds a version; every save is audited (the audit
app records each saved row under ``acting``)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from zhenxing.accounts import scope
from zhenxing.accounts.models import Role
from zhenxing.audit.context import acting
from zhenxing.lib.mapping import MappingError, mapping_parse

from .kinds import import_kind
from .models import SavedMapping

WRITE_RULES = scope.write_rules(
    {
        # Whoever imports may save the mapping they made; the read-only inspector may not.
        "mappings.mapping.save": {
            Role.PREFECTURE_ADMIN,
            Role.SYSTEM_ADMIN,
            Role.COUNTY_STAFF,
            Role.TOWNSHIP_STAFF,
            Role.VILLAGE_CADRE,
            Role.DEPARTMENT_STAFF,
        },
    }
)


def mapping_save(*, actor, kind: str, name: str, definition: dict, region=None, note: str = "") -> SavedMapping:
    """Save ``definition`` (the JSON form) as the next version of ``name`` for ``kind``, owned by
    ``region`` (default: the actor's region; None with no actor: the whole system's)."""
    name = (name or "").strip()
    if not name:
        raise MappingError("请填写映射名称")
    if len(name) > 80:
        raise MappingError("映射名称不能超过80个字")
    mapping = mapping_parse(definition)
    mapping.check(import_kind(kind).layout.headers)
    if region is None and actor is not None:
        region = actor.region
    scope.require_write(actor, region, "mappings.mapping.save")
    path = region.path if region is not None else ""
    with transaction.atomic(), acting(actor):
        latest = (
            SavedMapping.objects.select_for_update()
            .filter(kind=kind, name=name, region_path=path)
            .aggregate(v=Max("version"))["v"]
        )
        saved = SavedMapping.objects.create(
            kind=kind,
            name=name,
            version=(latest or 0) + 1,
            region=region,
            region_path=path,
            definition=mapping.as_json(),
            note=note[:200],
            created_by=actor,
        )
    return saved
