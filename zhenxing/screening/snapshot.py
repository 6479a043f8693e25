"""A read-only snapshot of the registry, loaded into an embedded engine (DuckDB) set-based.

On PostgreSQL the tables are streamed with ``COPY ... TO STDOUT`` (no ORM objects); on SQLite
(tests, demo) through a plain cursor. The engine then reads the CSV in parallel.
"""

from __future__ import annotations

import csv
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.db import connection

from zhenxing.lib.scratch import scratch_folder
from zhenxing.monitoring.models import DEVELOPMENT_CATEGORIES
from zhenxing.regions.models import Level, Region

_DEVELOPMENT = ", ".join(f"'{c}'" for c in sorted(DEVELOPMENT_CATEGORIES))

# name -> (SELECT over the registry tables, DuckDB column types)
TABLES = {
    "hh": (
        """SELECT h.id, h.village_id, v.code, substr(v.code, 1, 6) || '000000',
                     CASE WHEN h.formerly_poor THEN 'true' ELSE 'false' END,
                     h.monitoring_status, h.number
              FROM registry_household h JOIN regions_region v ON v.id = h.village_id""",
        {
            "household_id": "BIGINT",
            "village_id": "BIGINT",
            "village_code": "VARCHAR",
            "county_code": "VARCHAR",
            "formerly_poor": "BOOLEAN",
            "monitoring_status": "VARCHAR",
            "number": "VARCHAR",
        },
    ),
    "mem": (
        """SELECT id, household_id, id_hash, birth_date, status, labour FROM registry_member""",
        {
            "member_id": "BIGINT",
            "household_id": "BIGINT",
            "id_hash": "VARCHAR",
            "birth_date": "DATE",
            "status": "VARCHAR",
            "labour": "VARCHAR",
        },
    ),
    "inc": (
        # ``net``: the year's net income, a figure the work verified first (registry.services.household_record_apply).
        """SELECT household_id, year, wage_income, business_income, property_income, transfer_income, business_cost,
                  COALESCE(verified_net_income,
                           wage_income + business_income + property_income + transfer_income - business_cost)
               FROM registry_householdincome""",
        {
            "household_id": "BIGINT",
            "year": "INTEGER",
            "wage": "DECIMAL(14,2)",
            "business": "DECIMAL(14,2)",
            "property": "DECIMAL(14,2)",
            "transfer": "DECIMAL(14,2)",
            "cost": "DECIMAL(14,2)",
            "net": "DECIMAL(14,2)",
        },
    ),
    # Eliminated monitoring cases (the paper_exit rule): dates, way, and how many of the case's measures
    # are development-type (monitoring.models.DEVELOPMENT_CATEGORIES, the set its own workflow checks).
    "elim": (
        f"""SELECT c.id, c.household_id, c.number, c.identified_on, c.eliminated_on, c.elimination_way,
                       COUNT(m.id), COALESCE(SUM(CASE WHEN m.category IN ({_DEVELOPMENT}) THEN 1 ELSE 0 END), 0)
                FROM monitoring_monitoringcase c LEFT JOIN monitoring_measure m ON m.case_id = c.id
                WHERE c.state = 'eliminated' AND c.eliminated_on IS NOT NULL
                GROUP BY c.id, c.household_id, c.number, c.identified_on, c.eliminated_on, c.elimination_way""",
        {
            "case_id": "BIGINT",
            "household_id": "BIGINT",
            "case_number": "VARCHAR",
            "identified_on": "DATE",
            "eliminated_on": "DATE",
            "way": "VARCHAR",
            "measures": "INTEGER",
            "dev_measures": "INTEGER",
        },
    ),
}


def _export(sql: str, out: Path, params: dict | None = None) -> None:
    params = params or {}
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            sql = sql % {k: int(v) for k, v in params.items()}
            # psycopg 3: stream COPY output straight to the file.
            with cur.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy, out.open("wb") as fh:
                for chunk in copy:
                    fh.write(chunk)
            return
        cur.execute(sql.replace("%(year)s", "%s"), [params["year"]] if "%(year)s" in sql else [])
        with out.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            while rows := cur.fetchmany(10000):
                writer.writerows([["true" if v is True else "false" if v is False else v for v in r] for r in rows])


def read_sql(out: Path, columns: dict[str, str]) -> str:
    """A DuckDB SELECT over a CSV written by ``_export`` with the table's column types."""
    cols = "{" + ", ".join(f"'{k}': '{v}'" for k, v in columns.items()) + "}"
    return f"""SELECT * FROM read_csv('{out}', header=false, auto_detect=false, columns={cols}, delim=',',
        quote='"')"""


def export_into(con, tmp: Path, names: list[str], target: str = "") -> None:
    """Tables ``names`` of TABLES exported whole into DuckDB tables ``<target>name``. Each table is
    read by DuckDB (in a second thread, which releases the GIL) while the next one is still
    streaming out of the database, so the two overlap."""
    with ThreadPoolExecutor(1) as reader:
        worker = con.cursor()
        pending = []
        for name in names:
            sql, columns = TABLES[name]
            out = tmp / f"{name}.csv"
            _export(sql, out)
            pending.append(
                reader.submit(worker.execute, f"CREATE OR REPLACE TABLE {target}{name} AS {read_sql(out, columns)}")
            )
        for job in pending:
            job.result()


def load(con, *, income_year: int) -> dict:
    """Create tables hh, mem (with each member's county, for partitioning on a distributed engine),
    inc (the income year), elim and vil in a DuckDB connection. On PostgreSQL the household,
    member and income tables come from the incremental mirror (mirror.py: only what changed since
    the last run is read); elsewhere, and for ``elim``, they are read whole. Returns what was read."""
    from . import mirror

    with scratch_folder("snap") as tmp:
        if mirror.enabled():
            with mirror.fresh(con) as stats:
                _from(con, "zxm.", income_year)
        else:
            con.execute("CREATE SCHEMA IF NOT EXISTS zxs")
            export_into(con, Path(tmp), list(mirror.KEYS), target="zxs.")
            _from(con, "zxs.", income_year)
            con.execute("DROP SCHEMA zxs CASCADE")
            stats = {"full": True}
        export_into(con, Path(tmp), ["elim"])
    villages = list(Region.objects.filter(level=Level.VILLAGE).values_list("id", "code"))
    con.execute("CREATE OR REPLACE TABLE vil (village_id BIGINT, village_code VARCHAR, county_code VARCHAR)")
    if villages:
        con.executemany("INSERT INTO vil VALUES (?, ?, ?)", [(i, c, c[:6] + "000000") for i, c in villages])
    return stats


def _from(con, schema: str, income_year: int) -> None:
    """The run's hh, mem and inc from the registry tables in ``schema`` (the mirror, or a scratch schema)."""
    con.execute(f"CREATE OR REPLACE TABLE hh AS SELECT * FROM {schema}hh")
    con.execute(f"""CREATE OR REPLACE TABLE mem AS SELECT m.*, h.county_code FROM {schema}mem m
        JOIN hh h ON h.household_id = m.household_id""")
    con.execute(f"CREATE OR REPLACE TABLE inc AS SELECT * FROM {schema}inc WHERE year = {int(income_year)}")


def member_hashes(con, name: str) -> None:
    """Table ``name`` (k) of every member's id_hash, for counting unmatched feed records (from the
    mirror, brought up to date first, on PostgreSQL)."""
    from . import mirror

    if mirror.enabled():
        with mirror.fresh(con):
            con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT id_hash AS k FROM zxm.mem")
        return
    with scratch_folder("snap") as tmp:
        out = Path(tmp) / "hashes.csv"
        _export("SELECT id_hash FROM registry_member", out, {})
        con.execute(f"""CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM read_csv('{out}', header=false,
            auto_detect=false, columns={{'k': 'VARCHAR'}})""")


def village_codes(con, name: str) -> None:
    codes = list(Region.objects.filter(level=Level.VILLAGE).values_list("code", flat=True))
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} (k VARCHAR)")
    if codes:
        con.executemany(f"INSERT INTO {name} VALUES (?)", [(c,) for c in codes])
