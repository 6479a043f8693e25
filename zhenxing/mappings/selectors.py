"""Reads of saved mappings, scoped: a user sees the system's mappings and those of their region and
of the regions above it (a county's mapping is visible to its townships and villages)."""

from __future__ import annotations

from pathlib import Path

from django.db.models import Q, QuerySet

from zhenxing.lib.mapping import ColumnMapping, MappingError, mapping_load, mapping_matches, mapping_parse

from .builtin import BUILTIN
from .kinds import import_kind
from .models import SavedMapping


def _ancestor_paths(user) -> list[str]:
    region = getattr(user, "region", None)
    if region is None:
        return []
    codes = [c for c in region.path.split("/") if c]
    return ["/".join(codes[: i + 1]) + "/" for i in range(len(codes))]


def mappings_visible(user, *, kind: str | None = None) -> QuerySet[SavedMapping]:
    """Every version visible to ``user`` (None: an operator's command, sees all)."""
    qs = SavedMapping.objects.select_related("region")
    if user is not None:
        qs = qs.filter(Q(region_path="") | Q(region_path__in=_ancestor_paths(user)))
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def mappings_latest(user, *, kind: str | None = None) -> list[SavedMapping]:
    """The latest version of each visible (kind, name, owner)."""
    seen: set[tuple[str, str, str]] = set()
    out = []
    for m in mappings_visible(user, kind=kind).order_by("kind", "name", "region_path", "-version"):
        key = (m.kind, m.name, m.region_path)
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out


def builtin_mappings(kind: str | None = None) -> list[tuple[str, str, dict]]:
    return [(k, name, definition) for (k, name), definition in BUILTIN.items() if kind in (None, k)]


def mapping_resolve(user, *, kind: str, ref: str) -> ColumnMapping:
    """The mapping ``ref`` names for an import of ``kind``: a JSON file's path, else the latest
    version of a saved mapping visible to ``user`` (the nearest region's first), else a built-in
    one. Checked against the kind's template; raises MappingError in Chinese."""
    template = import_kind(kind).layout
    ref = (ref or "").strip()
    if not ref:
        raise MappingError("请指定映射：已保存映射的名称或 JSON 文件路径")
    if ref.lower().endswith(".json") or Path(ref).is_file():
        mapping = mapping_load(ref)
    else:
        saved = mappings_visible(user, kind=kind).filter(name=ref).order_by("-region_path", "-version").first()
        if saved is not None:
            mapping = mapping_parse(saved.definition)
        elif (kind, ref) in BUILTIN:
            mapping = mapping_parse(BUILTIN[(kind, ref)])
        else:
            raise MappingError(f"找不到名为“{ref}”的映射（导入类型：{import_kind(kind).label}）")
    mapping.check(template.headers)
    return mapping


def mapping_recognise(user, *, kind: str, headers: list) -> tuple[str, ColumnMapping] | None:
    """The saved (or built-in) mapping whose source headers a file's header row carries: a file
    imported through a mapping once is recognised next time."""
    for saved in mappings_latest(user, kind=kind):
        mapping = mapping_parse(saved.definition)
        if mapping_matches(headers, mapping):
            return saved.name, mapping
    for _, name, definition in builtin_mappings(kind):
        mapping = mapping_parse(definition)
        if mapping_matches(headers, mapping, at_least=0.5):
            return name, mapping
    return None


def mapping_for_upload(user, *, kind: str, ref: str, data: bytes, filename: str) -> tuple[str, ColumnMapping | None]:
    """The mapping an upload is read through: the one the user chose (``ref``), else, when the file
    does not carry the template's own headers, a saved or built-in mapping its header row matches
    (recognised). Returns (its name, the mapping) or ("", None) for the template itself."""
    if ref:
        return ref, mapping_resolve(user, kind=kind, ref=ref)
    from zhenxing.lib.tabular import normalise_header, read_rows

    layout = import_kind(kind).layout
    rows = read_rows(data, filename)[:15]
    for cells in rows:
        names = {layout.canonical(c) for c in cells}
        if all(h in names for h in layout.headers):
            return "", None  # the template's own layout, every column of it
    for cells in rows:
        found = mapping_recognise(user, kind=kind, headers=[normalise_header(c) for c in cells])
        if found is not None:
            return found
    return "", None


def mapping_for_job(job, *, kind: str, data: bytes) -> tuple[str, ColumnMapping | None]:
    """``mapping_for_upload`` for a queued import (zhenxing/jobs): the requester's choice
    (``payload["mapping"]``) or the mapping the file's header row is recognised by
    (docs/mappings.md)."""
    p = job.payload
    return mapping_for_upload(
        job.requested_by, kind=kind, ref=p.get("mapping", ""), data=data, filename=p.get("filename", "")
    )
