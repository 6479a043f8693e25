"""Shared test world (after healthchecks' hc/test.py): named people at every level, so each
test reads as a sentence about who may do what.

- ``w.diqu``        prefecture admin (大兴安岭地区)
- ``w.tahe``        county staff (塔河县)
- ``w.huma``        county staff of a sibling county (呼玛县)
- ``w.shibazhan``   township staff (十八站鄂伦春族乡)
- ``w.kaikukang_town`` township staff of the sibling township (开库康镇)
- ``w.fendou``      village cadre (奋斗村)
- ``w.yongfeng``    village cadre of a sibling village in the same township (永丰村)
- ``w.kaikukang``   village cadre (开库康村)
- ``w.yibao``       line-department staff, 医保, prefecture level
- ``w.minzheng``    line-department staff, 民政, prefecture level
- ``w.ducha``       inspector (read-only), prefecture level
- ``w.r``           regions by short name: w.r.fendou, w.r.tahe, ...

``DemoSnapshot``: every module's demo data, loaded once per test process and copied into the test
database by the tests that start from it (the ``demo_data`` and ``demo_world`` fixtures of
zhenxing/conftest.py) instead of being loaded again (about 50 s of CPU each time).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import io
import pickle
import shutil
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from zhenxing.accounts.models import Department, Role, User
from zhenxing.audit.db import purge_allowed
from zhenxing.regions.models import Region
from zhenxing.regions.services import regions_load_builtin

PASSWORD = "Zhenxing@2022"

REGION_CODES = {
    "province": "230000000000",
    "diqu": "232700000000",
    "tahe": "232722000000",
    "huma": "232721000000",
    "mohe": "232701000000",
    "jiagedaqi": "232761000000",
    "shibazhan": "232722200000",
    "kaikukang_town": "232722104000",
    "fendou": "232722200206",
    "yongfeng": "232722200208",
    "kaikukang": "232722104201",
    "huma_village": "232721100201",
}

PEOPLE = [
    ("diqu", Role.PREFECTURE_ADMIN, "diqu", ""),
    ("tahe", Role.COUNTY_STAFF, "tahe", ""),
    ("huma", Role.COUNTY_STAFF, "huma", ""),
    ("shibazhan", Role.TOWNSHIP_STAFF, "shibazhan", ""),
    ("kaikukang_town", Role.TOWNSHIP_STAFF, "kaikukang_town", ""),
    ("fendou", Role.VILLAGE_CADRE, "fendou", ""),
    ("yongfeng", Role.VILLAGE_CADRE, "yongfeng", ""),
    ("kaikukang", Role.VILLAGE_CADRE, "kaikukang", ""),
    ("yibao", Role.DEPARTMENT_STAFF, "diqu", Department.MEDICAL_INSURANCE),
    ("minzheng", Role.DEPARTMENT_STAFF, "diqu", Department.CIVIL_AFFAIRS),
    ("ducha", Role.INSPECTOR, "diqu", ""),
]


def make_world() -> SimpleNamespace:
    regions_load_builtin()
    by_code = {r.code: r for r in Region.objects.filter(code__in=REGION_CODES.values())}
    w = SimpleNamespace(r=SimpleNamespace(**{k: by_code[c] for k, c in REGION_CODES.items()}))
    for name, role, region, dept in PEOPLE:
        user = User(
            username=f"t-{name}",
            role=role,
            region=by_code[REGION_CODES[region]],
            department=dept,
            full_name=name,
            must_change_password=False,
        )
        user.set_password(PASSWORD)
        user.save()
        setattr(w, name, user)
    return w


# ---------------------------------------------------------------- the demo, loaded once

# Tables the snapshot leaves alone: the migration history (the same in every test database) and
# SQLite's flag table of the audit triggers (zhenxing/audit/db.py).
KEPT_TABLES = {"django_migrations", "zx_audit_purge"}


@dataclass
class DemoSnapshot:
    """The test database as ``demo_load`` left it: every table's rows (PostgreSQL: COPY text;
    SQLite: the stored values), PostgreSQL's sequences, and the files the loaders wrote
    (``media``, copied into MEDIA_ROOT on each restore)."""

    tables: dict[str, object]
    sequences: dict[str, int]
    media: Path
    taken_on: dt.date
    copyable: bool  # PostgreSQL: the role may turn triggers off for the copy (a superuser)

    def restore(self) -> None:
        """Replace every table's rows with the demo's, in one transaction (the test's own when it
        has one: rolled back with it), and copy the demo's files into MEDIA_ROOT. The demo is
        dated by the day it is loaded: on another day, or when the copy is not possible, it is
        loaded again as before."""
        if timezone.localdate() != self.taken_on or not self.copyable:
            _demo_load()
            return
        with transaction.atomic():
            if connection.vendor == "postgresql":
                _pg_write(self)
            else:
                _sqlite_write(self)
        ContentType.objects.clear_cache()
        if self.media.is_dir():
            shutil.copytree(self.media, settings.MEDIA_ROOT, dirs_exist_ok=True)

    @staticmethod
    def forget() -> None:
        """After the test: the cached content types were the demo's rows, rolled back or flushed."""
        ContentType.objects.clear_cache()


def demo_snapshot_take(media: Path) -> DemoSnapshot:
    """Load every module's demo (files under ``media``), read it back, and roll it back."""
    with override_settings(MEDIA_ROOT=media), transaction.atomic():
        _demo_load()
        taken_on = timezone.localdate()
        if connection.vendor == "postgresql":
            tables, sequences = _pg_read()
            with connection.cursor() as cursor:
                cursor.execute("SELECT current_setting('is_superuser') = 'on'")
                copyable = cursor.fetchone()[0]
        else:
            tables, sequences, copyable = _sqlite_read(), {}, True
        transaction.set_rollback(True)
    ContentType.objects.clear_cache()
    return DemoSnapshot(tables=tables, sequences=sequences, media=media, taken_on=taken_on, copyable=copyable)


def demo_snapshot_shared(folder: Path) -> DemoSnapshot:
    """One snapshot for the processes of one test run (``folder`` is theirs alone): the first to
    get the lock takes it and leaves it there, the others read it (a process that dies while
    taking it releases the lock, and the next one takes it)."""
    folder.mkdir(exist_ok=True)
    saved = folder / "snapshot.pickle"
    with (folder / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if saved.exists():
            return pickle.loads(saved.read_bytes())
        snapshot = demo_snapshot_take(folder / "media")
        saved.write_bytes(pickle.dumps(snapshot, protocol=pickle.HIGHEST_PROTOCOL))
        return snapshot


def _demo_load() -> None:
    from zhenxing.core.management.commands.demo import demo_load

    demo_load(out=io.StringIO())


def _table_names() -> list[str]:
    """The database's tables (PostgreSQL: of its schema, not a transaction's temporary ones)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            names = {name for (name,) in cursor.fetchall()}
        else:
            names = set(connection.introspection.table_names(cursor))
    return sorted(names - KEPT_TABLES)


def _pg_read() -> tuple[dict[str, object], dict[str, int]]:
    tables = {}
    with connection.cursor() as cursor:
        for table in _table_names():
            with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} TO STDOUT") as copy:
                tables[table] = b"".join(bytes(block) for block in copy)
        cursor.execute(
            "SELECT format('%I.%I', schemaname, sequencename), last_value FROM pg_sequences "
            "WHERE schemaname = current_schema() AND last_value IS NOT NULL"
        )
        sequences = dict(cursor.fetchall())
    return tables, sequences


def _pg_write(snapshot: DemoSnapshot) -> None:
    """With triggers off (session_replication_role = replica): no audit or screening-mirror trigger
    fires, no foreign key is checked row by row (the rows are the demo's, consistent as loaded)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        try:
            cursor.execute("TRUNCATE " + ", ".join(quote(t) for t in _table_names()))
            for table, data in snapshot.tables.items():
                if data:
                    with cursor.cursor.copy(f"COPY {quote(table)} FROM STDIN") as copy:
                        copy.write(data)
            # Never backwards: ids the database already handed out stay used.
            cursor.execute(
                "SELECT setval(s::regclass, GREATEST(v, COALESCE(pg_sequence_last_value(s::regclass), 0))) "
                "FROM unnest(%s::text[], %s::bigint[]) AS t(s, v)",
                [list(snapshot.sequences), list(snapshot.sequences.values())],
            )
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")


def _sqlite_read() -> dict[str, object]:
    """Each table's columns and rows as stored: ``+column`` (a no-op) hides the declared type from
    the sqlite3 module's converters, so dates, decimals and booleans come back as stored."""
    raw = connection.connection
    tables = {}
    for table in _table_names():
        columns = [row[1] for row in raw.execute(f'PRAGMA table_info("{table}")')]
        select = ", ".join(f'+"{c}"' for c in columns)
        tables[table] = (len(columns), raw.execute(f'SELECT {select} FROM "{table}"').fetchall())
    return tables


def _sqlite_write(snapshot: DemoSnapshot) -> None:
    """Foreign keys are deferred (checked at commit, when the rows are all there again); AUTOINCREMENT
    counters only move forward."""
    raw = connection.connection
    with purge_allowed(connection):
        for table in _table_names():
            raw.execute(f'DELETE FROM "{table}"')
        for table, (width, rows) in snapshot.tables.items():
            if rows:
                raw.executemany(f'INSERT INTO "{table}" VALUES ({", ".join("?" * width)})', rows)
