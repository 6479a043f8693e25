"""A minimal .xls (BIFF8 in an OLE2 compound file) writer for tests: XlsxWriter writes only .xlsx,
and the offices still send .xls. One sheet; cells are text (LABEL) or numbers (NUMBER)."""

from __future__ import annotations

import struct

ENDOFCHAIN, FREESECT, FATSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def _record(kind: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _bof(kind: int) -> bytes:
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 6))


def _sheet(rows: list[list]) -> bytes:
    out = _bof(0x0010) + _record(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, max(map(len, rows), default=0), 0))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str):
                out += _record(0x0204, struct.pack("<HHHHB", r, c, 0, len(value), 1) + value.encode("utf-16-le"))
            elif value is not None:
                out += _record(0x0203, struct.pack("<HHHd", r, c, 0, float(value)))
    return out + _record(0x000A)


def _entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
    raw = (name + "\0").encode("utf-16-le") if name else b""
    return (
        raw.ljust(64, b"\0")
        + struct.pack("<HBBIII", len(raw), kind, 1, NOSTREAM, NOSTREAM, child)
        + b"\0" * 16
        + struct.pack("<IQQIQ", 0, 0, 0, start, size)
    )


def xls_bytes(rows: list[list], sheet: str = "Sheet1") -> bytes:
    head = _bof(0x0005) + _record(0x0042, struct.pack("<H", 1200))  # workbook globals, code page UTF-16
    name = struct.pack("<BB", len(sheet), 1) + sheet.encode("utf-16-le")
    offset = len(head) + 4 + 6 + len(name) + 4  # the sheet's BOF follows BOUNDSHEET and EOF
    book = head + _record(0x0085, struct.pack("<IBB", offset, 0, 0) + name) + _record(0x000A) + _sheet(rows)
    book += b"\0" * (max(4096, -(-len(book) // 512) * 512) - len(book))  # 4096+: no mini stream needed
    sectors = len(book) // 512
    # sector 0: the FAT; 1…n: the Workbook stream; n + 1: the directory
    fat = [FATSECT, *range(2, sectors + 1), ENDOFCHAIN, ENDOFCHAIN]
    fat += [FREESECT] * (128 - len(fat))
    directory = (
        _entry("Root Entry", 5, 1, ENDOFCHAIN, 0)
        + _entry("Workbook", 2, NOSTREAM, 1, len(book))
        + _entry("", 0, NOSTREAM, NOSTREAM, 0) * 2
    )
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<9I", 0, 1, sectors + 1, 0, 4096, ENDOFCHAIN, 0, ENDOFCHAIN, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", FREESECT) * 108
    )
    return header + struct.pack("<128I", *fat) + book + directory
