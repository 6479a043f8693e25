"""Where the rules run: DuckDB embedded (default) or Spark SQL (distributed), the same SQL text.

Both engines get the same inputs: the registry snapshot tables ``hh``, ``mem``, ``inc``, ``vil``
and one table per feed source, ``f_<source>``, holding its current records. ``evaluate`` creates
the shared views and runs every enabled rule's SELECT (rules_sql.py) into one "hits" result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from . import feed_specs, feeds, rules, rules_sql, snapshot


class DuckEngine:
    name = "duckdb"

    def __init__(self, con=None, *, threads: int | None = None):
        import duckdb

        if con is None:
            from django.conf import settings

            con = duckdb.connect()
            # Bounded memory: beyond the limit DuckDB spills to its temporary directory (docs/scaling.md).
            con.execute(f"SET memory_limit = '{getattr(settings, 'SCREENING_DUCKDB_MEMORY', '4GB')}'")
            spill = getattr(settings, "SCREENING_DUCKDB_TEMP", "")
            if spill:
                con.execute(f"SET temp_directory = '{spill}'")
        self.con = con
        # No result depends on row order (every "latest" is an explicit window), so let writes run in parallel.
        self.con.execute("SET preserve_insertion_order = false")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        self._hits_created = False

    def view(self, name: str, sql: str) -> None:
        # Shared inputs of several rules (living members, net income): computed once, not per rule.
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")

    def add_hits(self, sql: str) -> None:
        if not self._hits_created:
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE hits AS SELECT {rules_sql.HIT_COLUMNS} FROM ({sql}) r")
            self._hits_created = True
        else:
            self.con.execute(f"INSERT INTO hits SELECT {rules_sql.HIT_COLUMNS} FROM ({sql}) r")

    def query(self, sql: str) -> list[tuple]:
        return self.con.execute(sql).fetchall()

    def hits(self) -> list[tuple]:
        return self.query(f"SELECT {rules_sql.HIT_COLUMNS} FROM hits") if self._hits_created else []

    def load_feeds(self, files: dict[str, list[str]] | None = None) -> None:
        for source, spec in feed_specs.SPECS.items():
            feeds.register_current(self.con, spec, f"f_{source}", None if files is None else files.get(source, []))


class SparkEngine:
    """Spark SQL over the same inputs, exported as Parquet and partitioned by county."""

    name = "spark"

    def __init__(self, spark):
        self.spark = spark
        self._frames = []

    @classmethod
    def from_duck(cls, spark, duck: DuckEngine, workdir: Path, partitions: int = 4) -> SparkEngine:
        engine = cls(spark)
        tables = [*snapshot.TABLES, "vil"] + [f"f_{s}" for s in feed_specs.SPECS]
        for name in tables:
            out = workdir / f"{name}.parquet"
            duck.con.execute(f"COPY (SELECT * FROM {name}) TO '{out}' (FORMAT parquet)")
            frame = spark.read.parquet(str(out))
            if "county_code" in frame.columns:
                frame = frame.repartition(partitions, "county_code")
            frame.createOrReplaceTempView(name)
        return engine

    def view(self, name: str, sql: str) -> None:
        self.spark.sql(sql).cache().createOrReplaceTempView(name)

    def add_hits(self, sql: str) -> None:
        self._frames.append(self.spark.sql(f"SELECT {rules_sql.HIT_COLUMNS} FROM ({sql}) r"))

    def query(self, sql: str) -> list[tuple]:
        return [tuple(r) for r in self.spark.sql(sql).collect()]

    def hits(self) -> list[tuple]:
        out = []
        for frame in self._frames:
            out.extend(tuple(r) for r in frame.collect())
        return out


def evaluate(
    engine,
    *,
    params: dict[str, dict],
    enabled: list[str],
    as_of: dt.date,
    income_year: int,
    progress: Callable[[str, int], None] | None = None,
    income_missing: bool = True,
) -> None:
    for name, sql in rules_sql.base_views(as_of, income_year).items():
        engine.view(name, sql)
    for i, code in enumerate(enabled):
        if progress:
            progress(f"规则：{rules.RULES[code].name}", i)
        p = dict(params[code])
        if code == "paper_exit":
            p["threshold"] = params["income"]["threshold"]
        engine.add_hits(rules_sql.rule_sql(code, p, as_of, income_year, income_missing=income_missing))


def unmatched(engine) -> dict[str, int]:
    counts = {source: 0 for source in feed_specs.SPECS}
    counts.update({source: int(n) for source, n in engine.query(rules_sql.unmatched_sql(list(feed_specs.SPECS)))})
    return counts
