"""The screening store's copy of the registry, kept up to date incrementally (PostgreSQL).

A DuckDB file (``MEDIA_ROOT/screening/mirror/registry.duckdb``) holds the snapshot tables ``hh``,
``mem`` and ``inc`` (every income year) as the last run left them. Triggers on the registry tables
(migration 0008) log the keys each statement touched in ``screening_registrychange``; a run takes
those rows (``DELETE … RETURNING``, in its transaction) and reads from PostgreSQL only the
households, members and income rows they name, replacing them in the mirror. Nothing else of the
registry is exported. The log rows a run takes are those committed before it looked, so a change
committed meanwhile stays for the next run; if the run fails, its transaction rolls back and the
rows stay too (re-applying a key is harmless: its rows are read again as they are now).

The mirror is rebuilt whole when it does not exist, or when its token differs from the one in
``screening_mirrorstate`` (another database, a TRUNCATE of a registry table, a change of the region
tree, which the triggers mark by emptying that table). Writers are serialised by an advisory lock.
"""

from __future__ import annotations

import contextlib
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from zhenxing.lib.scratch import scratch_folder

from . import snapshot

MIRROR_LOCK = 72_600_002  # pg_advisory_xact_lock key: one mirror refresh at a time
# snapshot table -> (change-log tag, key column in its registry SELECT, key column in the mirror)
KEYS = {
    "hh": ("h", "h.id", "household_id"),
    "mem": ("m", "id", "member_id"),
    "inc": ("i", "household_id", "household_id"),
}


def enabled() -> bool:
    return connection.vendor == "postgresql"


def path() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "screening" / "mirror"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "registry.duckdb"


@contextlib.contextmanager
def fresh(con):
    """Bring the mirror up to date and keep it attached to DuckDB connection ``con`` as ``zxm``
    for the block (under the lock); yields what was read: ``{"full": bool, "changed": {table: keys}}``."""
    with transaction.atomic(), connection.cursor() as cur, scratch_folder("mirror") as tmp:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", [MIRROR_LOCK])
        cur.execute("SELECT token FROM screening_mirrorstate WHERE id = 1")
        row = cur.fetchone()
        token = row[0] if row else None
        con.execute(f"ATTACH '{path()}' AS zxm")
        try:
            has_meta = con.execute(
                "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'zxm' AND table_name = 'meta'"
            ).fetchone()[0]
            mine = con.execute("SELECT token FROM zxm.meta").fetchone()[0] if has_meta else None
            if token is None or token != mine:
                stats = _rebuild(con, cur, Path(tmp))
            else:
                stats = _apply(con, cur, Path(tmp))
            stats["members"] = _members_version(con, renew=stats["full"] or bool(stats["changed"]["mem"]))
            yield stats
        finally:
            con.execute("DETACH zxm")


def _members_version(con, *, renew: bool) -> str:
    """A name for the mirror's set of members, new whenever a member row changed (what a run's
    unmatched counts depend on, besides the feed files: runs.py reuses them while it stands)."""
    has = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'zxm' AND table_name = 'members_version'"
    ).fetchone()[0]
    if renew or not has:
        con.execute("CREATE OR REPLACE TABLE zxm.members_version AS SELECT CAST(? AS VARCHAR) AS v", [uuid.uuid4().hex])
    return con.execute("SELECT v FROM zxm.members_version").fetchone()[0]


def _rebuild(con, cur, tmp: Path) -> dict:
    token = uuid.uuid4().hex
    cur.execute("DELETE FROM screening_registrychange")
    cur.execute("DELETE FROM screening_mirrorstate")
    cur.execute("INSERT INTO screening_mirrorstate (id, token) VALUES (1, %s)", [token])
    snapshot.export_into(con, tmp, list(KEYS), target="zxm.")
    con.execute("CREATE OR REPLACE TABLE zxm.meta AS SELECT CAST(? AS VARCHAR) AS token", [token])
    return {
        "full": True,
        "changed": {name: int(con.execute(f"SELECT count(*) FROM zxm.{name}").fetchone()[0]) for name in KEYS},
    }


def _apply(con, cur, tmp: Path) -> dict:
    cur.execute("DROP TABLE IF EXISTS zx_mirror_keys")
    cur.execute("""CREATE TEMP TABLE zx_mirror_keys ON COMMIT DROP AS
        WITH taken AS (DELETE FROM screening_registrychange RETURNING tbl, key) SELECT DISTINCT tbl, key FROM taken""")
    cur.execute("SELECT tbl, count(*) FROM zx_mirror_keys GROUP BY tbl")
    counts = dict(cur.fetchall())
    changed = {}
    for name, (tag, select_key, key) in KEYS.items():
        n = int(counts.get(tag, 0))
        changed[name] = n
        if not n:
            continue
        sql, columns = snapshot.TABLES[name]
        keys_csv, rows_csv = tmp / f"{name}-keys.csv", tmp / f"{name}.csv"
        snapshot._export(f"SELECT key FROM zx_mirror_keys WHERE tbl = '{tag}'", keys_csv)
        snapshot._export(f"{sql} WHERE {select_key} IN (SELECT key FROM zx_mirror_keys WHERE tbl = '{tag}')", rows_csv)
        con.execute("BEGIN")
        con.execute(f"""DELETE FROM zxm.{name} WHERE {key} IN (SELECT k FROM read_csv('{keys_csv}', header=false,
            auto_detect=false, columns={{'k': 'BIGINT'}}))""")
        con.execute(f"INSERT INTO zxm.{name} {snapshot.read_sql(rows_csv, columns)}")
        con.execute("COMMIT")
    return {"full": False, "changed": changed}
