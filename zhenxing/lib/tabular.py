"""Tabular input: the one reader for .xlsx/.xls/.csv files that users upload.

- Spreadsheets (.xlsx/.xls) are read by python-calamine, first sheet; CSV text is decoded as UTF-8,
  UTF-8 with BOM or GB18030 (a superset of GBK), detected (``sniff_encoding``, ``decode_text``).
  Large CSV files are never decoded into Python: ``utf8_path`` hands back the file itself when it
  is already UTF-8, else a streamed UTF-8 copy, for a DuckDB fast path.
- The header row is found by the expected headers (title rows above it are skipped); a ``Layout``
  names the canonical headers, alternative header texts (``aliases``) and value maps (``values``:
  canonical header -> {source text: canonical text}), so a saved column mapping plugs in as data.
- Cells are read as Excel leaves them: numbers stored as text or with thousands separators,
  ``12.0`` for a code (→ "12"), IDs turned into ``1.23457E+17`` (refused, never guessed), dates as
  date cells, Excel serial numbers or text (2022-05-01, 2022/5/1, 2022.5.1, 2022年5月1日, 20220501).
- Hostile files are cheap to refuse (``check_file``, called by every reader here before it parses):
  the file's size, for .xlsx the declared size of every zip entry and the real size of the sheet
  read (streamed, so a zip bomb stops at the cap), the sheet's declared dimension and its real row
  count, and then the length of every cell. The limits are settings (``limits()``:
  ``UPLOAD_MAX_BYTES``, ``TABULAR_MAX_ROWS``, ``TABULAR_MAX_UNZIPPED_BYTES``, ``TABULAR_MAX_CELL``)
  and the refusal is an ``Unreadable`` in Chinese; ``RowErrors`` stops at ``MAX_ERRORS`` (1,000).
- Problems: ``Unreadable`` (the file cannot be read at all; exit code 2), ``CellError`` (one cell's
  Chinese message, raised by the cell parsers) and one row-error type, ``RowError`` (the row number
  as the user sees it in the file, the column, a Chinese message), collected by ``RowErrors``.

Imports no app of the project.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property
from pathlib import Path

from .tabular_limits import (  # noqa: F401 - the reader's limits, part of its interface
    TOO_MANY_ROWS,
    XLSX_MAGIC,
    Limits,
    Unreadable,
    check_cells,
    check_file,
    check_size,
    column_letter,
    limits,
)

BOM = b"\xef\xbb\xbf"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"
SPREADSHEET_SUFFIXES = (".xlsx", ".xls", ".xlsm")
ENCODING_MESSAGE = "文件编码无法识别：CSV 文件须为 UTF-8 或 GBK/GB18030 编码"
MANGLED_MESSAGE = "{what}被 Excel 转成了科学计数法或数字，末几位已丢失；请把该列设为“文本”格式后重新填写"
# Excel keeps 15 significant digits: a longer number typed into a numeric cell has lost its tail.
EXACT_DIGITS = 15
_SCIENTIFIC = re.compile(r"^[+-]?\d(\.\d+)?[eE][+-]?\d+$")
_EXCEL_SERIAL_EPOCH = dt.date(1899, 12, 30)  # the 1900 date system, past its 1900-02-29 bug
SERIAL_FROM = 10000  # Excel serials below 1927-05-18 are not taken for dates (2022 is a year, not a day)
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")


# --- problems ----------------------------------------------------------------------------------


class CellError(ValueError):
    """One cell's value is invalid; the message is Chinese and names no row (the caller adds it)."""


_COLUMN_LETTERS = re.compile(r"[A-Z]{1,3}")


@dataclass(frozen=True)
class RowError:
    """A problem in one row: ``row`` as the user sees it in the file (1 = the first line; 0 or None
    when it concerns the whole file), ``column`` a header text or a column letter (A, B, …)."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if not self.column:
            return f"第{self.row}行：{self.message}"
        if _COLUMN_LETTERS.fullmatch(self.column):
            return f"第{self.row}行 {self.column}列：{self.message}"
        return f"第{self.row}行【{self.column}】{self.message}"

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


MAX_ERRORS = 1000
TOO_MANY_ERRORS = "错误已超过{limit:,}条，已停止检查，未导入任何数据；请先修正以上错误后重新上传"


class RowErrors:
    """The row errors of one import, in the order found. Keeps the first ``limit`` (default
    ``MAX_ERRORS``; every one when None) and counts them all. An importer stops checking once
    ``full`` and calls ``stop()``, which adds the Chinese note that it stopped."""

    def __init__(self, *, limit: int | None = MAX_ERRORS) -> None:
        self.limit = limit
        self.items: list[RowError] = []
        self.count = 0
        self.stopped = False

    @property
    def full(self) -> bool:
        """As many errors as are kept: checking further only costs time and memory."""
        return self.limit is not None and self.count >= self.limit

    def stop(self) -> None:
        """Checking stopped at the cap: say so (one whole-file line after the kept errors)."""
        if not self.stopped:
            self.stopped = True
            self.items.append(RowError(None, "", TOO_MANY_ERRORS.format(limit=self.limit or self.count)))

    def add(self, row: int | None, column: str, message: str) -> None:
        self.count += 1
        if self.limit is None or len(self.items) < self.limit:
            self.items.append(RowError(row, column, message))

    def extend(self, errors: Iterable[RowError], *, total: int | None = None) -> None:
        """Add errors found elsewhere (e.g. by SQL); ``total``: how many there are in all."""
        before = self.count
        for e in errors:
            self.add(e.row, e.column, e.message)
        if total is not None:
            self.count = max(self.count, before + total)

    @property
    def more(self) -> int:
        """How many were counted but not kept."""
        return self.count - len(self.items)

    def __bool__(self) -> bool:
        return self.count > 0

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[RowError]:
        return iter(self.items)

    def dicts(self, *, order: Sequence[str] | None = None) -> list[dict]:
        """As ``{"row", "column", "message"}`` dicts: in the order found, or (``order``: the columns
        in the template's order) by row, then column."""
        items = self.items
        if order is not None:
            rank = {c: i for i, c in enumerate(order)}
            items = sorted(items, key=lambda e: (e.row or 0, rank.get(e.column, len(rank))))
        return [e.as_dict() for e in items]


# --- bytes to rows -----------------------------------------------------------------------------


def sniff_encoding(head: bytes, *, complete: bool = True) -> str:
    """ "utf-8-sig", "utf-8" or "gb18030" for CSV bytes. ``complete=False``: ``head`` is the start
    of a longer file, so a multi-byte character cut at its end does not count against UTF-8."""
    if head.startswith(BOM):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if complete or exc.start < len(head) - 4:
            return "gb18030"
    return "utf-8"


def decode_text(data: bytes) -> str:
    """CSV bytes as text (UTF-8, UTF-8 with BOM or GB18030/GBK, detected). Raises Unreadable."""
    try:
        return data.decode(sniff_encoding(data))
    except UnicodeDecodeError:
        raise Unreadable(ENCODING_MESSAGE) from None


def utf8_path(path: Path, workdir: Path, *, name: str = "data.csv", max_bytes: int | None = None) -> Path:
    """A CSV file as UTF-8 without BOM: ``path`` itself when it already is one (judged by its first
    64 KiB), else a copy in ``workdir`` decoded and written in 4 MB chunks. ``max_bytes``: the size
    cap of a caller that streams the file (default ``UPLOAD_MAX_BYTES``). Raises Unreadable."""
    try:
        with path.open("rb") as fh:
            head = fh.read(1 << 16)
    except OSError as exc:
        raise Unreadable(f"无法打开文件：{exc}") from None
    check_file(path, max_bytes=max_bytes)
    encoding = sniff_encoding(head, complete=False)
    if encoding == "utf-8":
        return path
    out = workdir / name
    try:
        with path.open("r", encoding=encoding, newline="") as src, out.open("w", encoding="utf-8", newline="") as dst:
            while chunk := src.read(1 << 22):
                dst.write(chunk)
    except UnicodeDecodeError:
        raise Unreadable(ENCODING_MESSAGE) from None
    return out


def is_spreadsheet(data: bytes, filename: str = "") -> bool:
    """An .xlsx/.xls file, by its first bytes or (for a damaged one) its name."""
    return data[:4] in (XLSX_MAGIC, XLS_MAGIC) or filename.lower().endswith(SPREADSHEET_SUFFIXES)


def read_sheet(source: bytes | Path) -> list[list]:
    """The first sheet's rows (calamine cell values: str, float, int, bool, date, datetime, None),
    from bytes or a path. Raises Unreadable."""
    from python_calamine import CalamineWorkbook

    check_file(source)
    try:
        book = (
            CalamineWorkbook.from_path(str(source))
            if isinstance(source, Path)
            else CalamineWorkbook.from_filelike(io.BytesIO(source))
        )
        rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as exc:  # noqa: BLE001 - calamine raises several types for damaged files
        raise Unreadable(f"无法读取 Excel 文件：{exc}") from None
    if len(rows) > limits().max_rows:  # an .xls (no dimension to read first) or a sheet without rows tags
        raise Unreadable(TOO_MANY_ROWS.format(rows=f"文件有 {len(rows):,} 行", limit=limits().max_rows))
    check_cells(rows)
    return rows


def csv_rows(text: str) -> list[list[str]]:
    """The rows of CSV text (see ``_csv_rows``)."""
    return _csv_rows(io.StringIO(text.removeprefix("\ufeff")), len(text) + 1)


def _csv_rows(lines, field_limit: int) -> list[list[str]]:
    """CSV rows, streamed from ``lines``: stops at the row limit; a cell over the length cap is an
    error naming its row and column (never the csv module's own exception)."""
    lim = limits()
    cap, most = lim.max_cell, lim.max_rows
    reader = csv.reader(lines)
    rows: list[list[str]] = []
    old = csv.field_size_limit()
    csv.field_size_limit(max(old, field_limit))  # an over-long cell is named below, by row and column
    try:
        for cells in reader:
            if len(rows) >= most:
                raise Unreadable(TOO_MANY_ROWS.format(rows="文件行数过多", limit=most))
            if any(len(value) > cap for value in cells):
                check_cells([cells], start=len(rows) + 1)
            rows.append(cells)
    except csv.Error as exc:
        raise Unreadable(f"第{reader.line_num}行：CSV 格式错误（{exc}），请检查引号和单元格内容") from None
    except UnicodeDecodeError:
        raise Unreadable(ENCODING_MESSAGE) from None
    finally:
        csv.field_size_limit(old)
    return rows


def read_rows(data: bytes, filename: str = "") -> list[list]:
    """Every row of an .xlsx/.xls (first sheet) or .csv file; row ``i`` is the file's row ``i + 1``."""
    if is_spreadsheet(data, filename):
        return read_sheet(data)
    check_file(data, filename)
    if not data.strip():
        raise Unreadable("文件是空的")
    if b"\x00" in data[:4096]:
        raise Unreadable("无法识别的文件格式：请上传 .xlsx、.xls 或 .csv 文件")
    encoding = sniff_encoding(data)
    # decoded as read, line by line: the text of the whole file is never held beside its bytes
    lines = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    return _csv_rows(lines, len(data) + 1)


# --- cells -------------------------------------------------------------------------------------


def cell_text(value, *, nfkc: bool = False) -> str:
    """Any cell as stripped text: None → "", 12.0 → "12", True → "是", a date → 2022-05-01 (with the
    time only when it has one). ``nfkc``: full-width letters, digits and spaces folded too."""
    if value is None:
        return ""
    if type(value) is str:
        return unicodedata.normalize("NFKC", value).strip() if nfkc and not value.isascii() else value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    return unicodedata.normalize("NFKC", text) if nfkc else text


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def looks_mangled(text: str) -> bool:
    """Text that Excel made of a long number: scientific notation (1.23457E+17) or ``…digits.0``."""
    return bool(_SCIENTIFIC.match(text) or re.fullmatch(r"\d{15,}\.0+", text))


def is_mangled_number(value) -> bool:
    """A cell that once held a long number Excel could not keep exactly (beyond 15 digits)."""
    if is_number(value):
        return abs(value) >= 10**EXACT_DIGITS
    return isinstance(value, str) and looks_mangled(unicodedata.normalize("NFKC", value).strip())


def _unquote(text: str) -> str:
    """A number kept as text the ways spreadsheets do it: '0123, ="0123", a leading tab."""
    text = text.strip().lstrip("\t")
    if text.startswith("'"):
        return text[1:].strip()
    m = re.fullmatch(r'="(.*)"', text)
    return m.group(1).strip() if m else text


def cell_code(value, *, what: str = "编号") -> str:
    """A code or identifier (户编号, 项目编号, 村代码 …): 12.0 → "12", '0123 → "0123"; a number Excel
    turned into scientific notation or cut past 15 digits → CellError, never a guess."""
    if is_mangled_number(value):
        raise CellError(MANGLED_MESSAGE.format(what=what))
    text = _unquote(cell_text(value, nfkc=True))
    if looks_mangled(text):
        raise CellError(MANGLED_MESSAGE.format(what=what))
    return text


def cell_number(value) -> Decimal | None:
    """A number from a numeric cell or from text (thousands separators, full-width digits, a trailing
    元, '123): None when blank, CellError when it is not a number."""
    if is_number(value):
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    text = _unquote(cell_text(value, nfkc=True))
    if not text:
        return None
    cleaned = re.sub(r"[,，\s]", "", text).removesuffix("元")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise CellError(f"“{text}”不是有效的数字") from None
    if not number.is_finite():
        raise CellError(f"“{text}”不是有效的数字")
    return number


def excel_serial_date(serial: float) -> dt.date:
    return _EXCEL_SERIAL_EPOCH + dt.timedelta(days=int(serial))


def cell_date(value) -> dt.date | None:
    """A date from a date cell, an Excel serial number (44682 → 2022-05-01) or text (2022-05-01,
    2022/5/1, 2022.5.1, 2022年5月1日, 20220501, with a time after it ignored). None when blank;
    CellError with a Chinese message otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value, nfkc=True)
    if not text:
        return None
    head = text.split(" ")[0] if re.fullmatch(r"\S+ \d{1,2}:\d{2}(:\d{2})?", text) else text
    m = _DATE.fullmatch(head) or _COMPACT_DATE.fullmatch(head)
    if m is None and re.fullmatch(r"\d{5}(\.\d+)?", head) and float(head) >= SERIAL_FROM:
        return excel_serial_date(float(head))  # a serial number, in a numeric cell or stored as text
    if m is None:
        raise CellError(f"“{text}”不是有效日期（如 2022-05-01）")
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise CellError(f"“{text}”不是有效日期") from None


# --- headers and layouts -----------------------------------------------------------------------


def normalise_header(value) -> str:
    """A header cell as compared: full-width folded, no spaces, no required-marks (*), no notes in
    brackets (“工资性收入（元）” → “工资性收入”)."""
    text = unicodedata.normalize("NFKC", cell_text(value))
    text = re.sub(r"\s+", "", text).replace("*", "").replace("＊", "")
    return re.sub(r"\(.*?\)|\[.*?\]|【.*?】|〔.*?〕", "", text)


@dataclass(frozen=True)
class Layout:
    """What a file should hold: the canonical ``headers``; ``aliases``: another header text → the
    canonical one; ``values``: canonical header → {text in the file → text the importer expects}.
    Saved column mappings are built from exactly these three."""

    headers: Sequence[str]
    aliases: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @cached_property
    def _aliases(self) -> dict[str, str]:
        return {**{normalise_header(k): v for k, v in self.aliases.items()}, **self.aliases}

    def canonical(self, header) -> str:
        """The canonical header a file's header cell stands for ("" when blank)."""
        name = normalise_header(header)
        return name if name in self.headers else self._aliases.get(name, name)


@dataclass
class Table:
    """A file's rows below its header row, with the canonical header → column index."""

    layout: Layout
    rows: list[list]
    header_index: int  # index into ``rows`` of the header row
    columns: dict[str, int]
    source: dict[str, str] = field(default_factory=dict)  # canonical header -> the file's own header text

    def source_name(self, header: str) -> str:
        """The file's own header for a canonical one: errors name the column the user sees."""
        return self.source.get(header) or header

    @property
    def header_row(self) -> int:
        """The header's row number as the user sees it."""
        return self.header_index + 1

    def missing(self, required: Iterable[str]) -> list[str]:
        return [h for h in required if h not in self.columns]

    def records(self, *, skip_blank: bool = True) -> Iterator[tuple[int, dict]]:
        """(row number as the user sees it, {canonical header: cell value}) for each row below the
        header, value maps applied; rows blank in every known column are skipped."""
        columns = self.columns
        maps = {h: m for h, m in self.layout.values.items() if h in columns}
        for index in range(self.header_index + 1, len(self.rows)):
            cells = self.rows[index]
            n = len(cells)
            values = {h: (cells[j] if j < n else None) for h, j in columns.items()}
            if skip_blank and all(v is None or (type(v) is str and not v.strip()) for v in values.values()):
                continue
            for h, mapping in maps.items():
                text = cell_text(values[h])
                if text in mapping:
                    values[h] = mapping[text]
            yield index + 1, values


def find_header(
    rows: list[list], layout: Layout, *, required: Sequence[str], at_least: int | None = None, within: int = 15
) -> Table:
    """The first of the first ``within`` rows holding ``at_least`` (default: all) of the ``required``
    headers is the header row; rows above it (titles, units, dates) are skipped. Raises Unreadable."""
    need = len(required) if at_least is None else at_least
    for index, cells in enumerate(rows[:within]):
        names = [layout.canonical(c) for c in cells]
        if sum(1 for h in required if h in names) >= need:
            columns: dict[str, int] = {}
            source: dict[str, str] = {}
            for j, name in enumerate(names):
                if name in layout.headers and name not in columns:
                    columns[name] = j
                    source[name] = cell_text(cells[j])
            return Table(layout=layout, rows=rows, header_index=index, columns=columns, source=source)
    if need == len(required):
        names = "”和“".join(required) if len(required) == 2 else "”“".join(required)
        raise Unreadable(f"找不到表头行：前{within}行中没有同时包含“{names}”的行，请使用标准模板")
    raise Unreadable(f"找不到表头行：前{within}行中没有表头（应包含：{'、'.join(required)}），请使用标准模板")


def read_table(
    data: bytes,
    layout: Layout,
    *,
    filename: str = "",
    required: Sequence[str] | None = None,
    at_least: int | None = None,
    within: int = 15,
    mapping=None,
) -> Table:
    """Read a file and find its header row: ``read_rows`` then ``find_header``. ``mapping``: a saved
    column mapping (``lib.mapping.ColumnMapping``) for a file in another office's layout."""
    rows = read_rows(data, filename)
    if mapping is not None:
        rows = mapping.rows(rows, within=within)
        layout = mapping.layout(layout)
    return find_header(
        rows,
        layout,
        required=layout.headers if required is None else required,
        at_least=at_least,
        within=within,
    )
