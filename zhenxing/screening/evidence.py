"""An alert's cited department records, stored compactly.

The alert row (``Alert.evidence``) keeps ``sub``, ``record_count``, for water the village's
``households``, and the ``runs.INLINE`` most recent records (what the list, the export and the
workflow's texts show). An alert citing more records names the run that last set its evidence
(``records_run``); that run wrote the (up to 50) records of every alert it raised or rewrote to one
Parquet file, ``MEDIA_ROOT/screening/evidence/run-<id>.parquet``, sorted by rule and subject. The
alert page and the API's alert detail read them back (``full``), so they show the same evidence as
when all records were kept in the row. Files are never rewritten; an alert whose file is missing
shows its inline records.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings


def _dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "screening" / "evidence"
    path.mkdir(parents=True, exist_ok=True)
    return path


def run_file(run_id: int) -> Path:
    return _dir() / f"run-{int(run_id)}.parquet"


def write_records(con, run_id: int, inline: int) -> int:
    """The records of the alerts in DuckDB table ``d_cited`` (rule, subject) citing more than
    ``inline``, from table ``ranked``, into the run's file. Returns how many records."""
    n = con.execute(f"""SELECT count(*) FROM ranked r SEMI JOIN d_cited d ON d.rule = r.rule AND d.subject = r.subject
        WHERE r.n_records > {int(inline)}""").fetchone()[0]
    if n:
        con.execute(f"""COPY (SELECT r.rule, r.subject, r.k, r.source, r.rec_key AS key,
                CAST(r.rec_date AS VARCHAR) AS date, r.note
            FROM ranked r SEMI JOIN d_cited d ON d.rule = r.rule AND d.subject = r.subject
            WHERE r.n_records > {int(inline)} ORDER BY r.rule, r.subject, r.k)
            TO '{run_file(run_id)}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 100000)""")
    return n


def full(alert) -> dict:
    """The alert's evidence with every cited record (as the API and the alert page show it)."""
    data = dict(alert.evidence or {})
    run_id = data.pop("records_run", None)
    if run_id is None:
        return data
    path = run_file(run_id)
    if not path.is_file():
        return data
    import duckdb

    con = duckdb.connect()
    try:
        rows = con.execute(
            f"SELECT source, key, date, note FROM read_parquet('{path}') WHERE rule = ? AND subject = ? ORDER BY k",
            [alert.rule, alert.subject],
        ).fetchall()
    finally:
        con.close()
    if rows:
        data["records"] = [{"source": s, "key": k, "date": d, "note": n} for s, k, d, n in rows]
    return data
