"""Column mappings: how another office's spreadsheet fills an import's template, as data.

A mapping is the JSON the offices save and exchange::

    {"columns": {"<source header>": "<template header>", ...},
     "values":  {"<template header>": {"<source value>": "<template value>", ...}},
     "defaults": {"<template header>": "<value when the file has no such column or the cell is blank>"},
     "combine": {"<template header>": ["<source header>", ...]}}

``columns`` and ``values`` are the outside form every import takes; ``defaults`` and ``combine`` are
optional (a column the source file lacks, e.g. 是否参加医保 in a department's extract; two source
columns joined into one template column). Header texts are compared as the tabular reader compares
them (full-width folded, no spaces, no notes in brackets). A mapping applies to a ``tabular.Layout``:
its columns become aliases of the template's headers and its value maps join the layout's, so the
reader, the row errors and the importers stay the one mechanism; errors then name the source
file's own header (``Table.source``).

Imports no app of the project.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .tabular import Layout, Unreadable, cell_text, normalise_header

KEYS = ("columns", "values", "defaults", "combine")


class MappingError(ValueError):
    """A mapping that cannot be used; the message is Chinese."""


@dataclass(frozen=True)
class ColumnMapping:
    columns: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    defaults: Mapping[str, str] = field(default_factory=dict)
    combine: Mapping[str, Sequence[str]] = field(default_factory=dict)

    def as_json(self) -> dict:
        out: dict = {"columns": dict(self.columns), "values": {k: dict(v) for k, v in self.values.items()}}
        if self.defaults:
            out["defaults"] = dict(self.defaults)
        if self.combine:
            out["combine"] = {k: list(v) for k, v in self.combine.items()}
        return out

    def source_headers(self) -> set[str]:
        """The source headers this mapping names (normalised): how a file is recognised."""
        names = {normalise_header(h) for h in self.columns}
        for parts in self.combine.values():
            names.update(normalise_header(h) for h in parts)
        return names

    def check(self, headers: Sequence[str]) -> None:
        """Every template header the mapping fills must be one of ``headers``."""
        known = set(headers)
        for where, targets in (
            ("columns", self.columns.values()),
            ("values", self.values.keys()),
            ("defaults", self.defaults.keys()),
            ("combine", self.combine.keys()),
        ):
            for target in targets:
                if target not in known:
                    raise MappingError(f"映射的“{where}”指向模板中没有的列“{target}”")

    def rows(self, rows: list[list], *, within: int = 15) -> list[list]:
        """The file's rows with this mapping's combined and default columns added (``rows_apply``)."""
        return rows_apply(rows, self, within=within)

    def layout(self, layout: Layout) -> Layout:
        """``layout`` with this mapping's source headers as aliases and its value maps joined."""
        self.check(layout.headers)
        aliases = dict(layout.aliases)
        for source, target in self.columns.items():
            aliases[normalise_header(source)] = target
        values = {h: dict(m) for h, m in layout.values.items()}
        for target, table in self.values.items():
            values.setdefault(target, {}).update({cell_text(k): str(v) for k, v in table.items()})
        return Layout(headers=layout.headers, aliases=aliases, values=values)


def mapping_parse(obj) -> ColumnMapping:
    """A mapping from its JSON form (a dict), checked for shape; raises MappingError in Chinese."""
    if not isinstance(obj, dict):
        raise MappingError("映射文件须是一个 JSON 对象，含 columns 和 values")
    unknown = [k for k in obj if k not in KEYS and k not in {"name", "kind", "note", "version"}]
    if unknown:
        raise MappingError(f"映射中有无法识别的项：{'、'.join(unknown)}（可用：{'、'.join(KEYS)}）")
    columns = obj.get("columns") or {}
    values = obj.get("values") or {}
    defaults = obj.get("defaults") or {}
    combine = obj.get("combine") or {}
    if not isinstance(columns, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in columns.items()):
        raise MappingError("映射的 columns 须是“源表头: 模板表头”的对象")
    if not isinstance(values, dict) or not all(
        isinstance(k, str) and isinstance(v, dict) and all(isinstance(x, str) for x in v) for k, v in values.items()
    ):
        raise MappingError("映射的 values 须是“模板表头: {源值: 模板值}”的对象")
    if not isinstance(defaults, dict):
        raise MappingError("映射的 defaults 须是“模板表头: 默认值”的对象")
    if not isinstance(combine, dict) or not all(
        isinstance(v, list) and v and all(isinstance(x, str) for x in v) for v in combine.values()
    ):
        raise MappingError("映射的 combine 须是“模板表头: [源表头, …]”的对象")
    for target in [*columns.values(), *values, *defaults, *combine]:
        if not target.strip():
            raise MappingError("映射中有空的模板表头")
    return ColumnMapping(
        columns={k.strip(): v.strip() for k, v in columns.items()},
        values={k.strip(): {str(a): "" if b is None else str(b) for a, b in v.items()} for k, v in values.items()},
        defaults={k.strip(): "" if v is None else str(v) for k, v in defaults.items()},
        combine={k.strip(): [x.strip() for x in v] for k, v in combine.items()},
    )


def mapping_load(path: str | Path) -> ColumnMapping:
    """A mapping from a JSON file (UTF-8); raises MappingError."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise MappingError(f"无法读取映射文件 {path}：{exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise MappingError(f"映射文件 {path} 不是 UTF-8 编码的 JSON") from None
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MappingError(f"映射文件 {path} 不是有效的 JSON（第{exc.lineno}行第{exc.colno}列）") from None
    return mapping_parse(obj)


def rows_apply(rows: list[list], mapping: ColumnMapping, *, within: int = 15) -> list[list]:
    """The file's rows with ``combine`` and ``defaults`` applied as extra columns at the right: a
    combined column joins its source cells (blank ones left out), a default fills a template column
    the file lacks (or its blank cells, when the file has the column under a mapped header). The
    header row is the first of ``within`` rows that names a source header of the mapping."""
    if not mapping.combine and not mapping.defaults:
        return rows
    wanted = mapping.source_headers()
    header_at = next(
        (i for i, cells in enumerate(rows[:within]) if any(normalise_header(c) in wanted for c in cells)), None
    )
    if header_at is None:
        return rows
    header = [normalise_header(c) for c in rows[header_at]]
    mapped_to = {normalise_header(s): t for s, t in mapping.columns.items()}
    present = {mapped_to.get(h, h) for h in header}
    combine_at = {
        target: [header.index(normalise_header(s)) for s in sources if normalise_header(s) in header]
        for target, sources in mapping.combine.items()
    }
    fills = {t: v for t, v in mapping.defaults.items() if t not in present and t not in mapping.combine}
    blank_fills = {
        header.index(h): mapping.defaults[mapped_to.get(h, h)]
        for h in header
        if mapped_to.get(h, h) in mapping.defaults
    }
    extra = [*combine_at, *fills]
    out = [list(r) for r in rows[:header_at]]
    out.append([*rows[header_at], *extra])
    for cells in rows[header_at + 1 :]:
        cells = list(cells)
        if not any(cell_text(c) for c in cells):
            out.append(cells)
            continue
        for j, value in blank_fills.items():
            if j < len(cells) and not cell_text(cells[j]):
                cells[j] = value
            elif j >= len(cells):
                cells.extend([None] * (j - len(cells)) + [value])
        width = len(header)
        cells = cells + [None] * (width - len(cells))
        joined = ["".join(cell_text(cells[j]) for j in idx if j < len(cells)) for idx in combine_at.values()]
        out.append([*cells[:width], *joined, *fills.values()])
    return out


def mapping_propose(headers: Iterable, layout: Layout) -> dict[str, str]:
    """A first mapping for a file's header row: each source header → the template header it
    matches exactly or by the layout's aliases ("" when none); the user fixes the rest."""
    out: dict[str, str] = {}
    for cell in headers:
        text = cell_text(cell)
        if not text:
            continue
        name = layout.canonical(text)
        out[text] = name if name in layout.headers else ""
    return out


def mapping_matches(headers: Iterable, mapping: ColumnMapping, *, at_least: float = 0.8) -> bool:
    """Whether a file's header row is the one the mapping was made for (most of its source headers
    are there)."""
    names = {normalise_header(c) for c in headers if cell_text(c)}
    wanted = mapping.source_headers()
    return bool(wanted) and len(wanted & names) >= at_least * len(wanted)


__all__ = [
    "ColumnMapping",
    "ImportKind",
    "MappingError",
    "Unreadable",
    "mapping_load",
    "mapping_matches",
    "mapping_parse",
    "mapping_propose",
    "rows_apply",
]


@dataclass(frozen=True)
class ImportKind:
    """One import a mapping can be made for: its code (``households``), Chinese label and template
    ``layout``; apps declare theirs in an ``imports`` module (``IMPORT_KINDS``)."""

    code: str
    label: str
    layout: Layout
