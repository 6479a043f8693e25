"""The tabular reader's limits: hostile files are refused before they are parsed (issue 20).

``check_file`` looks at the file's size and, for an .xlsx, the declared unzipped size of its
entries, the first sheet's declared ``<dimension>`` and, streaming the sheet's XML in 1 MB pieces
(so a zip bomb or an entry lying about its size stops at the cap), its real row count;
``check_cells`` refuses a cell over the length cap, naming its row and column. The limits are
settings (``limits()``). Part of ``zhenxing.lib.tabular``, which re-exports all of it; imports no app.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from zlib import error as zlib_error

XLSX_MAGIC = b"PK\x03\x04"


class Unreadable(Exception):
    """The file could not be read at all (exit code 2). The message is Chinese."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 200 * 1024 * 1024  # the file as uploaded
    max_rows: int = 200_000  # rows of the sheet (declared and real), title and header rows included
    max_unzipped: int = 400 * 1024 * 1024  # an .xlsx: all entries together, and the sheet read
    max_cell: int = 32_767  # characters in one cell (Excel's own limit)


def limits() -> Limits:
    """The limits from settings (``UPLOAD_MAX_BYTES``, ``TABULAR_MAX_ROWS``,
    ``TABULAR_MAX_UNZIPPED_BYTES``, ``TABULAR_MAX_CELL``), defaults without Django."""
    try:
        from django.conf import settings

        get = lambda name, default: int(getattr(settings, name, default))  # noqa: E731
        d = Limits()
        return Limits(
            max_bytes=get("UPLOAD_MAX_BYTES", d.max_bytes),
            max_rows=get("TABULAR_MAX_ROWS", d.max_rows),
            max_unzipped=get("TABULAR_MAX_UNZIPPED_BYTES", d.max_unzipped),
            max_cell=get("TABULAR_MAX_CELL", d.max_cell),
        )
    except Exception:  # noqa: BLE001 - settings not configured (a script): the defaults
        return Limits()


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:,.0f} MB"


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]{0,3})(\d*)(?::[A-Z]{1,3}(\d+))?\"")
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\br:id=\"([^\"]+)\"|<(?:\w+:)?sheet\b[^>]*?\bid=\"([^\"]+)\"")
_REL = re.compile(rb"<Relationship\b[^>]*>")
TOO_MANY_ROWS = "{rows}，超过上限 {limit:,} 行，已拒绝；请按乡镇或村拆分后分批导入"


def _first_sheet(z: zipfile.ZipFile) -> str | None:
    """The zip member of the workbook's first sheet (the one the reader reads)."""
    names = set(z.namelist())
    try:
        workbook = z.open("xl/workbook.xml").read(1 << 20)
        rels = z.open("xl/_rels/workbook.xml.rels").read(1 << 20)
    except (KeyError, zipfile.BadZipFile, OSError):
        workbook = rels = b""
    m = _SHEET_TAG.search(workbook)
    if m:
        rid = m.group(1) or m.group(2)
        for rel in _REL.findall(rels):
            if f'Id="{rid.decode(errors="replace")}"'.encode() in rel:
                target = re.search(rb'Target="([^"]+)"', rel)
                if target:
                    path = target.group(1).decode(errors="replace").lstrip("/")
                    path = path if path.startswith("xl/") else "xl/" + path
                    if path in names:
                        return path
    sheets = sorted(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml"))
    return sheets[0] if sheets else None


def _check_xlsx(source, lim: Limits) -> None:
    try:
        z = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise Unreadable("无法读取 Excel 文件：文件已损坏或不是 .xlsx 格式") from None
    with z:
        infos = z.infolist()
        declared = sum(i.file_size for i in infos)
        if declared > lim.max_unzipped:
            raise Unreadable(
                f"Excel 文件解压后达 {_mb(declared)}，超过上限 {_mb(lim.max_unzipped)}，已拒绝"
                "（可能是压缩炸弹或过大的表格）；请拆分后分批导入"
            )
        sheet = _first_sheet(z)
        if sheet is None:
            return  # not a workbook: the reader says it cannot read it
        read = rows = 0
        tail = b""
        try:
            with z.open(sheet) as fh:
                while chunk := fh.read(1 << 20):
                    read += len(chunk)
                    if read > lim.max_unzipped:
                        raise Unreadable(f"Excel 工作表解压后超过 {_mb(lim.max_unzipped)}，已拒绝；请拆分后分批导入")
                    data = tail + chunk
                    if read == len(chunk):  # the first chunk holds the declared dimension
                        m = _DIMENSION.search(data[: 1 << 16])
                        last = int(m.group(3) or m.group(2) or 0) if m else 0
                        if last > lim.max_rows:
                            rows_text = f"工作表声明有 {last:,} 行"
                            raise Unreadable(TOO_MANY_ROWS.format(rows=rows_text, limit=lim.max_rows))
                    rows += len(_ROW_TAG.findall(data)) - len(_ROW_TAG.findall(tail))
                    if rows > lim.max_rows:
                        raise Unreadable(TOO_MANY_ROWS.format(rows="文件行数过多", limit=lim.max_rows))
                    tail = data[-16:]
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, zlib_error):
            raise Unreadable("Excel 文件已损坏（压缩内容与文件声明不符），无法读取，已拒绝") from None


def check_size(size: int | None, *, cap: int | None = None) -> None:
    """Refuse a file larger than ``cap`` (default ``UPLOAD_MAX_BYTES``; before reading it, when its
    size is known)."""
    cap = limits().max_bytes if cap is None else cap
    if size is not None and size > cap:
        raise Unreadable(f"文件大小 {_mb(size)}，超过上限 {_mb(cap)}，已拒绝；请拆分后分批导入")


def check_file(source: bytes | Path, filename: str = "", *, max_bytes: int | None = None) -> None:
    """Refuse, cheaply and before parsing, a file past the limits (``limits()``): its size (or
    ``max_bytes``, for a reader that streams), and for an .xlsx the decompressed size (declared and
    streamed), the sheet's declared dimension and its real row count. Raises Unreadable with a
    Chinese message."""
    lim = limits()
    try:
        size = source.stat().st_size if isinstance(source, Path) else len(source)
        head = source.open("rb").read(4) if isinstance(source, Path) else source[:4]
    except OSError as exc:
        raise Unreadable(f"无法打开文件：{exc}") from None
    check_size(size, cap=max_bytes)
    if head == XLSX_MAGIC:
        _check_xlsx(str(source) if isinstance(source, Path) else io.BytesIO(source), lim)


def check_cells(rows: Sequence[Sequence], *, start: int = 1) -> None:
    """Refuse a cell longer than ``TABULAR_MAX_CELL`` characters, naming its row and column."""
    cap = limits().max_cell
    for i, cells in enumerate(rows):
        for j, value in enumerate(cells):
            if type(value) is str and len(value) > cap:
                raise Unreadable(
                    f"第{i + start}行 {column_letter(j)}列：单元格内容有 {len(value):,} 个字符，超过上限 {cap:,} 个字符，请检查该单元格"
                )
