"""The ``--mapping`` option every import command shares (issue 22): a saved mapping's name or a
JSON file path, resolved for the command's import kind."""

from __future__ import annotations

from zhenxing.lib.mapping import ColumnMapping

from .selectors import mapping_resolve

HELP = (
    '列映射：已保存映射的名称或 JSON 文件路径（{"columns": {源表头: 模板表头}, '
    '"values": {模板表头: {源值: 模板值}}}），用于导入其他格式的表格'
)


def add_mapping_argument(parser) -> None:
    parser.add_argument("--mapping", metavar="M", help=HELP)


def mapping_option(opts: dict, *, actor, kind: str) -> ColumnMapping | None:
    """The mapping the ``--mapping`` option names (None when not given); raises MappingError."""
    ref = opts.get("mapping")
    if not ref:
        return None
    return mapping_resolve(actor, kind=kind, ref=ref)
