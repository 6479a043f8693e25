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
               FROM registry_householdincome WHERE year = %(year)s""",
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


def _export(sql: str, out: Path, params: dict) -> None:
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


def load(con, *, income_year: int) -> None:
    """Create tables hh, mem, inc (income year), the other TABLES and vil in a DuckDB connection.

    Each table is read by DuckDB (in a second thread, which releases the GIL) while the next one is
    still streaming out of the database, so the two overlap."""
    with scratch_folder("snap") as tmp, ThreadPoolExecutor(1) as reader:
        worker = con.cursor()
        pending = []
        for name, (sql, columns) in TABLES.items():
            out = Path(tmp) / f"{name}.csv"
            _export(sql, out, {"year": income_year})
            cols = "{" + ", ".join(f"'{k}': '{v}'" for k, v in columns.items()) + "}"
            read = f"""SELECT * FROM read_csv('{out}', header=false, auto_detect=false, columns={cols}, delim=',',
                quote='"')"""
            if name == "mem":  # the county of each member (for partitioning on a distributed engine)
                read = f"SELECT m.*, h.county_code FROM ({read}) m JOIN hh h ON h.household_id = m.household_id"
            pending.append(reader.submit(worker.execute, f"CREATE OR REPLACE TABLE {name} AS {read}"))
        for job in pending:
            job.result()
    villages = list(Region.objects.filter(level=Level.VILLAGE).values_list("id", "code"))
    con.execute("CREATE OR REPLACE TABLE vil (village_id BIGINT, village_code VARCHAR, county_code VARCHAR)")
    if villages:
        con.executemany("INSERT INTO vil VALUES (?, ?, ?)", [(i, c, c[:6] + "000000") for i, c in villages])


def member_hashes(con, name: str) -> None:
    """Table ``name`` (k) of every member's id_hash, for counting unmatched feed records."""
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
