"""Hostile spreadsheet files for tests and ``bench/hostile_files.py``: small on disk, huge when read."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b"</Types>"
)
ROOT_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    b"</Relationships>"
)
WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    b'<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    b"</Relationships>"
)
SHEET_HEAD = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def _row(n: int, cells: list[str]) -> bytes:
    out = [f'<row r="{n}">'.encode()]
    for j, text in enumerate(cells):
        ref = f"{chr(65 + j)}{n}"
        out.append(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode())
    out.append(b"</row>")
    return b"".join(out)


def _book(sheet: bytes, *, extra: dict[str, bytes] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def declared_rows_xlsx(rows: int = 6_000_000, *, last_column: str = "X") -> bytes:
    """A few hundred bytes declaring ``rows`` rows in its dimension (the 860 KB file of issue 20
    asked calamine for 6 million empty rows)."""
    sheet = (
        SHEET_HEAD
        + f'<dimension ref="A1:{last_column}{rows}"/><sheetData>'.encode()
        + _row(1, ["户编号", "身份证号"])
        + _row(rows, ["H1", "x"])
        + b"</sheetData></worksheet>"
    )
    return _book(sheet)


def many_rows_xlsx(rows: int) -> bytes:
    """``rows`` real (tiny) rows and no dimension: the row count is only known by reading."""
    body = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(1, rows + 1))
    return _book(SHEET_HEAD + b"<sheetData>" + body + b"</sheetData></worksheet>")


def zip_bomb_xlsx(unzipped: int = 2 * 1024**3) -> bytes:
    """A workbook with an extra entry that inflates to ``unzipped`` bytes (zeros, stored deflated:
    about 1/1000 of that on disk). The deflate stream is built from one compressed block repeated,
    so even 2 GB takes a moment to build."""
    block = 1 << 20
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    zero = comp.compress(b"\0" * block) + comp.flush(zlib.Z_FULL_FLUSH)
    n = unzipped // block
    stream = zero * n + comp.flush()
    crc = 0
    chunk = b"\0" * block
    for _ in range(n):
        crc = zlib.crc32(chunk, crc)
    return _raw_entry_book("xl/media/bomb.bin", stream, crc, n * block)


def _raw_entry_book(name: str, deflated: bytes, crc: int, size: int) -> bytes:
    """A workbook plus one entry written from an already deflated stream (sizes as given)."""
    base = _book(SHEET_HEAD + b"<sheetData>" + _row(1, ["户编号", "身份证号"]) + b"</sheetData></worksheet>")
    src = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    central = []
    for info in src.infolist():
        data = src.read(info.filename)
        comp = zlib.compressobj(6, zlib.DEFLATED, -15)
        raw = comp.compress(data) + comp.flush()
        central.append(_local(out, info.filename.encode(), raw, zlib.crc32(data), len(data)))
    central.append(_local(out, name.encode(), deflated, crc, size))
    start = out.tell()
    for entry in central:
        out.write(entry)
    end = out.tell()
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), end - start, start, 0))
    return out.getvalue()


def _local(out: io.BytesIO, name: bytes, raw: bytes, crc: int, size: int) -> bytes:
    offset = out.tell()
    out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(raw), size, len(name), 0))
    out.write(name)
    out.write(raw)
    return (
        struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(raw), size, len(name), 0, 0, 0, 0, 0, offset
        )
        + name
    )


def lying_bomb_xlsx(real: int = 256 * 1024**2) -> bytes:
    """The first sheet's entry declares a small size but inflates to ``real`` bytes."""
    block = 1 << 20
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = SHEET_HEAD + b"<sheetData>"
    stream = comp.compress(head) + comp.compress(b" " * block) + comp.flush(zlib.Z_FULL_FLUSH)
    one = comp.compress(b" " * block) + comp.flush(zlib.Z_FULL_FLUSH)
    stream += one * (real // block) + comp.flush()
    src = zipfile.ZipFile(io.BytesIO(_book(b"")))
    out = io.BytesIO()
    central = []
    for info in src.infolist():
        if info.filename == "xl/worksheets/sheet1.xml":
            central.append(_local(out, info.filename.encode(), stream, 0, 1000))
            continue
        data = src.read(info.filename)
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        raw = c.compress(data) + c.flush()
        central.append(_local(out, info.filename.encode(), raw, zlib.crc32(data), len(data)))
    start = out.tell()
    for entry in central:
        out.write(entry)
    end = out.tell()
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), end - start, start, 0))
    return out.getvalue()


def long_cell_csv(length: int = 200_000) -> bytes:
    return ("户编号,身份证号,姓名\nH1,232722199001011234," + "长" * length + "\n").encode()
