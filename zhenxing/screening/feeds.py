"""Department feeds: exact headers, natural keys, set-based validation and a Parquet store.

A file is read by DuckDB as text, checked with one SQL pass per column (row-level Chinese
errors), its ID numbers are matched by the registry's keyed hash computed in SQL (HMAC-SHA256,
no per-row Python), and only new or changed records (by natural key) are written to a Parquet
file catalogued by ``FeedFile``. Clear ID numbers are never stored: the hash and the masked form.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from zhenxing.lib import tabular
from zhenxing.lib.scratch import scratch_folder
from zhenxing.lib.tabular import RowError
from zhenxing.registry.idnumber import PROVINCES, WEIGHTS

from .feed_specs import DATE_RE, MONEY_RE, SPECS, Col, FeedSpec

FeedUnreadable = tabular.Unreadable  # the file cannot be read at all (exit code 2)


@dataclass
class ImportResult:
    source: str
    rows: int = 0
    new: int = 0
    changed: int = 0
    duplicates: int = 0
    unmatched: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    parquet: Path | None = None
    sha256: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error_count == 0


def store_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "screening" / "feeds"
    path.mkdir(parents=True, exist_ok=True)
    return path


def hmac_sql(expr: str) -> str:
    """HMAC-SHA256 of ``expr`` (text) under settings.ID_HASH_KEY, in SQL: equals idnumber.id_hash."""
    key = settings.ID_HASH_KEY.encode()
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    ipad = bytes(b ^ 0x36 for b in key).hex()
    opad = bytes(b ^ 0x5C for b in key).hex()
    return f"sha256(unhex('{opad}') || unhex(sha256(unhex('{ipad}') || CAST({expr} AS BLOB))))"


def _checksum_sql(v: str) -> str:
    terms = " + ".join(f"CAST(substr({v}, {i + 1}, 1) AS INTEGER) * {w}" for i, w in enumerate(WEIGHTS))
    return f"substr('10X98765432', (({terms}) % 11) + 1, 1)"


def id_error_sql(v: str) -> str:
    """A CASE giving the Chinese message for an invalid ID number in column ``v`` (text), else NULL."""
    provinces = ", ".join(f"'{p}'" for p in sorted(PROVINCES))
    return f"""CASE
        WHEN {v} IS NULL OR {v} = '' THEN '身份证号不能为空'
        WHEN {v} = '#EXCEL_NUMBER#' THEN '身份证号被 Excel 存成了数字，末几位可能已丢失；请把该列设为“文本”格式后重新填写'
        WHEN regexp_full_match({v}, '\\d(\\.\\d+)?E\\+?\\d+') OR regexp_full_match({v}, '\\d{{15,18}}\\.0')
            THEN '身份证号被 Excel 转成了科学计数法或数字，末几位已丢失；请把该列设为“文本”格式后重新填写'
        WHEN regexp_full_match({v}, '\\d{{15}}') THEN '15位旧身份证号须先升级为18位'
        WHEN NOT regexp_full_match({v}, '\\d{{17}}[\\dX]') THEN '身份证号须为18位：前17位为数字，最后一位为数字或X'
        WHEN substr({v}, 1, 2) NOT IN ({provinces}) THEN '身份证号前两位 ' || substr({v}, 1, 2) || ' 不是有效的省级行政区划代码'
        WHEN try_strptime(substr({v}, 7, 8), '%Y%m%d') IS NULL OR substr({v}, 7, 4) < '1900'
            OR CAST(try_strptime(substr({v}, 7, 8), '%Y%m%d') AS DATE) > current_date
            THEN '身份证号中的出生日期 ' || substr({v}, 7, 8) || ' 无效'
        WHEN {_checksum_sql(v)} <> substr({v}, 18, 1) THEN '身份证号校验码不正确，请核对是否录错'
    END"""


def _col_error_sql(col: Col) -> str:
    v = f"c_{col.name}"
    if col.kind == "id":
        return id_error_sql(v)
    empty = f"WHEN {v} IS NULL OR {v} = '' THEN '不能为空'"
    if col.kind == "text":
        return f"CASE {empty} END"
    if col.kind == "date":
        return (
            f"CASE {empty} WHEN NOT regexp_full_match({v}, '{DATE_RE}') OR try_strptime({v}, '%Y-%m-%d') IS NULL "
            f"THEN '日期“' || {v} || '”无效，应为 YYYY-MM-DD' END"
        )
    if col.kind == "money":
        return (
            f"CASE {empty} WHEN NOT regexp_full_match({v}, '{MONEY_RE}') "
            f"THEN '金额“' || {v} || '”无效：应为不小于0的元数，最多两位小数' END"
        )
    if col.kind == "year":
        return (
            f"CASE {empty} WHEN NOT regexp_full_match({v}, '\\d{{4}}') THEN '年度“' || {v} || '”无效，应为四位年份' END"
        )
    if col.kind == "village":
        return f"CASE {empty} WHEN NOT regexp_full_match({v}, '\\d{{12}}') THEN '村代码“' || {v} || '”无效，应为12位数字' END"
    if col.kind == "enum":
        allowed = ", ".join(f"'{c}'" for c in col.choices)
        return (
            f"CASE {empty} WHEN {v} NOT IN ({allowed}) THEN '“' || {v} || '”不是有效取值（可选："
            f"{'/'.join(col.choices)}）' END"
        )
    raise ValueError(col.kind)


def _typed_sql(col: Col) -> str:
    v = f"c_{col.name}"
    if col.kind == "date":
        return f"CAST({v} AS DATE) AS {col.name}"  # validated as YYYY-MM-DD before
    if col.kind == "money":
        return f"CAST({v} AS DECIMAL(14,2)) AS {col.name}"
    if col.kind == "year":
        return f"CAST({v} AS INTEGER) AS {col.name}"
    if col.kind == "id":
        return f"{hmac_sql(v)} AS id_hash, substr({v}, 1, 6) || '********' || substr({v}, 15, 4) AS id_masked"
    return f"{v} AS {col.name}"


def to_utf8_csv(path: Path, spec: FeedSpec, workdir: Path) -> tuple[Path, list[str]]:
    """A UTF-8 CSV (the file itself when it already is one) and the file's headers.

    .xlsx/.xls through the tabular reader (an ID number Excel stored as a number is marked, to be
    refused with its own message); a CSV in another encoding is transcoded once, in chunks, never row
    by row (``tabular.utf8_path``), so DuckDB reads it in parallel.
    """
    if path.suffix.lower() in {".xlsx", ".xls"}:
        rows = tabular.read_sheet(path)
        if not rows:
            raise FeedUnreadable("文件为空")
        headers = [tabular.cell_text(h) for h in rows[0]]
        id_idx = {i for i, h in enumerate(headers) if h == "身份证号"}
        out = workdir / "data.csv"
        with out.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(headers)
            for row in rows[1:]:
                if all(c in (None, "") for c in row):
                    continue
                writer.writerow(
                    [
                        "#EXCEL_NUMBER#" if i in id_idx and tabular.is_number(c) else tabular.cell_text(c)
                        for i, c in enumerate(row)
                    ]
                )
        return out, headers
    # DuckDB streams a CSV within SCREENING_DUCKDB_MEMORY: the cap is the feed's own, not an upload's.
    out = tabular.utf8_path(path, workdir, max_bytes=settings.FEED_MAX_BYTES)
    with out.open("rb") as fh:
        first = fh.readline(1 << 16).decode("utf-8", errors="replace").strip("\r\n")
    return out, next(csv.reader([first]), [])


def current_files(source: str) -> list[str]:
    from .models import FeedFile

    return [
        p
        for p in FeedFile.objects.filter(source=source).order_by("id").values_list("path", flat=True)
        if p and Path(p).is_file()
    ]


def current_view_sql(spec: FeedSpec, table: str) -> str:
    """Portable SQL (DuckDB and Spark): the latest version of each record by natural key."""
    key = ", ".join("id_hash" if k == "id" else k for k in spec.key)
    return (
        f"SELECT * FROM (SELECT t.*, row_number() OVER (PARTITION BY {key} ORDER BY file_id DESC, row_no DESC) "
        f"AS zx_rn FROM {table} t) v WHERE zx_rn = 1"
    )


def register_current(con, spec: FeedSpec, name: str, files: list[str] | None = None) -> None:
    """Create view ``name`` in a DuckDB connection: the source's current records (empty when none)."""
    files = current_files(spec.source) if files is None else files
    if not files:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM ({empty_select(spec)}) e WHERE false")
        return
    listing = "[" + ", ".join(f"'{f}'" for f in files) + "]"
    con.execute(f"CREATE OR REPLACE TEMP VIEW {name}_all AS SELECT * FROM read_parquet({listing}, union_by_name=true)")
    if len(files) == 1:
        con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM {name}_all")
    else:
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * EXCLUDE (zx_rn) FROM ({current_view_sql(spec, name + '_all')})"
        )


def empty_select(spec: FeedSpec) -> str:
    cols = ["CAST(0 AS BIGINT) AS file_id", "CAST(0 AS BIGINT) AS row_no"]
    for c in spec.cols:
        if c.kind == "id":
            cols += ["CAST('' AS VARCHAR) AS id_hash", "CAST('' AS VARCHAR) AS id_masked"]
        elif c.kind == "date":
            cols.append(f"CAST(NULL AS DATE) AS {c.name}")
        elif c.kind == "money":
            cols.append(f"CAST(0 AS DECIMAL(14,2)) AS {c.name}")
        elif c.kind == "year":
            cols.append(f"CAST(0 AS INTEGER) AS {c.name}")
        else:
            cols.append(f"CAST('' AS VARCHAR) AS {c.name}")
    return "SELECT " + ", ".join(cols)


def _fast_predicate(col: Col) -> str:
    """A cheap SQL test that raw value ``c_<name>`` is already canonical and valid (no surrounding
    spaces, exact format). True implies the detailed check (``_col_error_sql``) finds nothing."""
    v = f"c_{col.name}"
    if col.kind == "text":
        return f"{v} <> '' AND {v} NOT LIKE ' %' AND {v} NOT LIKE '% '"
    if col.kind == "date":
        return f"regexp_full_match({v}, '{DATE_RE}') AND TRY_CAST({v} AS DATE) IS NOT NULL"
    if col.kind == "year":
        return f"regexp_full_match({v}, '\\d{{4}}')"
    if col.kind == "village":
        return f"regexp_full_match({v}, '\\d{{12}}')"
    if col.kind == "enum":
        return f"{v} IN ({', '.join(repr(c) for c in col.choices)})"
    raise ValueError(col.kind)


def _fast_row_check(spec: FeedSpec) -> str:
    """One boolean per row: every non-ID column canonical and valid, the extra check holding."""
    parts = [_fast_predicate(c) for c in spec.cols if c.kind not in ("id", "money")]
    money = [f"c_{c.name}" for c in spec.cols if c.kind == "money"]
    if money:  # one regular expression over all amounts of the row instead of one per column
        one = MONEY_RE[1:-1]
        parts.append(f"regexp_full_match(concat_ws('|', {', '.join(money)}), '({one}\\|){{{len(money) - 1}}}{one}')")
    if spec.extra_check:
        typed = {c.name: f"TRY_CAST(c_{c.name} AS DECIMAL(14,2))" for c in spec.cols if c.kind == "money"}
        parts.append(
            "(" + re.sub(r"\b(" + "|".join(typed) + r")\b", lambda m: typed[m.group(1)], spec.extra_check) + ")"
        )
    return "coalesce(" + " AND ".join(f"({p})" for p in parts) + ", false)"


def _detailed_errors(con, spec: FeedSpec) -> int:
    """The slow path: canonicalise (trim, upper-case IDs) into ``src`` and collect every row error
    with its Chinese message into ``errs``; returns how many there are."""
    select = ", ".join(
        (f"upper(trim(c_{c.name})) AS c_{c.name}" if c.kind == "id" else f"trim(c_{c.name}) AS c_{c.name}")
        for c in spec.cols
    )
    con.execute("DROP VIEW IF EXISTS src")
    con.execute(f"CREATE TEMP TABLE src AS SELECT row_no, {select} FROM raw_rows")
    checks = " UNION ALL ".join(
        f"SELECT row_no, '{c.header}' AS col, {_col_error_sql(c)} AS msg FROM src" for c in spec.cols if c.kind != "id"
    )
    key_cols = ", ".join(f"c_{k}" for k in spec.key)
    con.execute(f"CREATE TEMP TABLE errs AS SELECT * FROM ({checks}) e WHERE msg IS NOT NULL")
    if spec.has_id:
        con.execute("DROP TABLE IF EXISTS idmap")
        # ID checks and the keyed hash once per distinct person, not per row (10M settlements, ~3M people).
        con.execute(f"""CREATE TEMP TABLE idmap AS SELECT c_id, count(*) AS n, {id_error_sql("c_id")} AS err,
            {hmac_sql("c_id")} AS h FROM src GROUP BY c_id""")
        if con.execute("SELECT count(*) FROM idmap WHERE err IS NOT NULL").fetchone()[0]:
            con.execute("""INSERT INTO errs SELECT s.row_no, '身份证号', i.err FROM src s
                JOIN idmap i ON i.c_id IS NOT DISTINCT FROM s.c_id WHERE i.err IS NOT NULL""")
    # Duplicate natural keys within the file: a cheap aggregate first, row numbers only when there are any.
    con.execute(
        f"CREATE TEMP TABLE dups AS SELECT {key_cols}, min(row_no) AS first_row FROM src "
        f"GROUP BY {key_cols} HAVING count(*) > 1"
    )
    if con.execute("SELECT count(*) FROM dups").fetchone()[0]:
        on = " AND ".join(f"s.c_{k} IS NOT DISTINCT FROM d.c_{k}" for k in spec.key)
        con.execute(f"""INSERT INTO errs SELECT s.row_no, '{"、".join(spec.col(k).header for k in spec.key)}',
            '与第' || CAST(d.first_row AS VARCHAR) || '行重复（同一记录在文件中出现多次）'
            FROM src s JOIN dups d ON {on} WHERE s.row_no > d.first_row""")
    if spec.extra_check:
        typed_money = ", ".join(
            f"TRY_CAST(c_{c.name} AS DECIMAL(14,2)) AS {c.name}" for c in spec.cols if c.kind == "money"
        )
        con.execute(f"""INSERT INTO errs SELECT row_no, '{spec.extra_col}', '{spec.extra_message}' FROM
            (SELECT row_no, {typed_money} FROM src WHERE row_no NOT IN (SELECT row_no FROM errs)) m
            WHERE NOT ({spec.extra_check})""")
    return con.execute("SELECT count(*) FROM errs").fetchone()[0]


def import_file(
    *,
    source: str,
    path: Path,
    registry_hashes,
    file_id: int | None = None,
    dry_run: bool = False,
    max_errors: int = 200,
) -> ImportResult:
    """Validate and stage one file. ``registry_hashes``: callable(con, table_name) creating a table
    of the registry's member id_hash values (or village codes for water) to count unmatched records.

    Writes the Parquet file only when not ``dry_run`` and the file has no error.

    Speed (10M medical rows): the file is read once, in parallel, into ``raw`` (a Parquet file in
    the scratch folder, so disk and memory stay a fraction of the input's); a well-formed file
    (what department systems export: no stray spaces, exact formats) is proven valid by one pass
    of cheap tests per row and one per distinct ID number, and written straight from ``raw``. Any
    row failing those tests sends the whole file down the detailed path, which canonicalises the
    values and names every error by row and column, exactly as before.
    """
    import duckdb

    spec = SPECS[source]
    started = time.monotonic()
    result = ImportResult(source=source)
    path = Path(path)
    if not path.exists():
        raise FeedUnreadable(f"文件不存在：{path}")
    result.sha256 = _file_sha256(path)
    with scratch_folder("feed") as tmp:
        csv_path, headers = to_utf8_csv(path, spec, Path(tmp))
        headers = [h.strip() for h in headers]
        missing = [h for h in spec.headers if h not in headers]
        if missing:
            result.errors = [RowError(1, h, "缺少此列（表头须与模板完全一致）") for h in missing]
            result.error_count = len(missing)
            return result
        con = duckdb.connect()
        con.execute(f"SET temp_directory = '{tmp}'")
        con.execute(f"SET memory_limit = '{getattr(settings, 'SCREENING_DUCKDB_MEMORY', '4GB')}'")
        cols = "{" + ", ".join(f"'{h}': 'VARCHAR'" for h in headers) + "}"
        try:
            # Into a compressed Parquet file in the scratch folder, not a table: a province's 104M
            # rows (9.7 GB) as a table spilled more than 30 GB; as Parquet they take 1.6 GB, and
            # every later pass streams them. The COPY keeps the file's order even when it is read
            # in parallel, so a row's number is its file_row_number + 2 (the header is row 1).
            raw = ", ".join(f'"{c.header}" AS c_{c.name}' for c in spec.cols)
            raw_file = Path(tmp) / "raw.parquet"
            con.execute(f"""COPY (SELECT {raw}
                FROM read_csv('{csv_path}', header=true, auto_detect=false, columns={cols}, delim=',', quote='"',
                              escape='"', null_padding=true, strict_mode=false))
                TO '{raw_file}' (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1)""")
        except duckdb.Error as exc:
            raise FeedUnreadable(f"无法解析 CSV 文件：{exc}") from None
        con.execute(f"""CREATE TEMP VIEW raw_rows AS SELECT file_row_number + 2 AS row_no,
            * EXCLUDE (file_row_number) FROM read_parquet('{raw_file}', file_row_number=true)""")
        con.execute("CREATE TEMP VIEW raw AS SELECT * EXCLUDE (row_no) FROM raw_rows")
        con.execute("CREATE TEMP VIEW src AS SELECT * FROM raw_rows")
        result.rows = con.execute("SELECT count(*) FROM raw").fetchone()[0]
        fast = True
        if spec.has_id:
            con.execute(f"""CREATE TEMP TABLE idmap AS SELECT c_id, count(*) AS n, {id_error_sql("c_id")} AS err,
                {hmac_sql("c_id")} AS h FROM raw GROUP BY c_id""")
            fast = not con.execute("SELECT count(*) FROM idmap WHERE err IS NOT NULL").fetchone()[0]
        if fast:
            key = ", ".join(f"c_{k}" for k in spec.key)
            # Distinct 64-bit hashes of the key, not the keys: 8 bytes a row to aggregate (100M
            # settlement numbers as strings spilled gigabytes). A collision (about 1 in 3,000 at
            # 100M rows) only sends the file down the detailed path, which compares the keys exactly.
            bad, dup = con.execute(
                f"SELECT count(*) FILTER (WHERE NOT {_fast_row_check(spec)}), "
                f"count(*) - count(DISTINCT hash({key})) FROM raw"
            ).fetchone()
            fast = not bad and not dup
        if not fast:
            result.error_count = _detailed_errors(con, spec)
            if result.error_count:
                result.errors = [
                    RowError(r, c, m)
                    for r, c, m in con.execute(
                        f"SELECT row_no, col, msg FROM errs ORDER BY row_no, col LIMIT {max_errors}"
                    ).fetchall()
                ]
                return result
        con.execute("SET preserve_insertion_order = false")  # row numbers are fixed; let writes run in parallel
        typed = ", ".join(_typed_sql(c) for c in spec.cols)
        fid = file_id if file_id is not None else 0
        join = ""
        if spec.has_id:
            join = "JOIN idmap USING (c_id)"
            typed = typed.replace(f"{hmac_sql('c_id')} AS id_hash", "idmap.h AS id_hash")
        names = [n for c in spec.cols for n in (("id_hash", "id_masked") if c.kind == "id" else (c.name,))]
        staged = (
            f"SELECT CAST({fid} AS BIGINT) AS file_id, CAST(row_no AS BIGINT) AS row_no, {', '.join(names)} "
            f"FROM (SELECT row_no, {typed} FROM src {join}) t"
        )
        existing = current_files(source)
        if existing:
            # Streamed, not materialised (bounded memory, docs/scaling.md): the file's typed records
            # and their classification are views, read twice (the counts, then the write).
            con.execute(f"CREATE TEMP VIEW staged AS {staged}")
            register_current(con, spec, "existing", existing)
            keys = ["id_hash" if k == "id" else k for k in spec.key]
            on = " AND ".join(f"e.{k} = s.{k}" for k in keys)
            # Compared as typed values, so "100.5" and "100.50" (or an Excel and a CSV export of the
            # same record) are the same record version.
            same = " AND ".join(f"e.{n} IS NOT DISTINCT FROM s.{n}" for n in names if n not in keys) or "true"
            con.execute(f"""CREATE TEMP VIEW classified AS SELECT s.*, CASE WHEN e.{keys[0]} IS NULL THEN 'new'
                WHEN {same} THEN 'same' ELSE 'changed' END AS zx_kind
                FROM staged s LEFT JOIN existing e ON {on}""")
            counts = dict(con.execute("SELECT zx_kind, count(*) FROM classified GROUP BY 1").fetchall())
            to_write = "SELECT * EXCLUDE (zx_kind) FROM classified WHERE zx_kind <> 'same'"
        else:  # the source's first file: every record is new, written straight from the file's rows
            counts = {"new": result.rows}
            to_write = staged
        result.new, result.changed, result.duplicates = (
            counts.get("new", 0),
            counts.get("changed", 0),
            counts.get("same", 0),
        )
        registry_hashes(con, "reg")
        if spec.has_id:  # per distinct ID number, weighted by its rows
            result.unmatched = int(
                con.execute(
                    "SELECT coalesce(sum(n), 0) FROM idmap i WHERE NOT EXISTS (SELECT 1 FROM reg r WHERE r.k = i.h)"
                ).fetchone()[0]
            )
        else:
            result.unmatched = con.execute(
                "SELECT count(*) FROM src s WHERE NOT EXISTS (SELECT 1 FROM reg r WHERE r.k = s.c_village_code)"
            ).fetchone()[0]
        if not dry_run and (result.new or result.changed):
            target = store_dir() / source
            target.mkdir(parents=True, exist_ok=True)
            out = target / f"{dt.date.today():%Y%m%d}-{uuid.uuid4().hex[:12]}.parquet"
            con.execute(f"COPY ({to_write}) TO '{out}' (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1)")
            result.parquet = out
        con.close()
    result.seconds = time.monotonic() - started
    return result


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def template_csv(source: str) -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerow(SPECS[source].headers)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def remove_quietly(path: Path | None) -> None:
    if path is not None:
        try:
            os.remove(path)
        except OSError:
            pass
