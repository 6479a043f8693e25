"""The distributed path: ``zhenxing screen --engine spark [--master URL]``.

The run's registry snapshot (hh, mem, inc, elim, vil: from the mirror, as for DuckDB) is written
once as Parquet; Spark reads it and each feed's Parquet files directly (the current record per
natural key by the same portable SQL, ``feeds.current_view_sql``), evaluates the same rule SQL
(``rules_sql.py``, through ``engine.evaluate``), and writes the hits as Parquet partitioned by
county (``county_code=…/``) without collecting them to the driver. The run then reads those files
into its DuckDB ``hits`` table and the one alert writer (runs.py) takes over, exactly as after a
DuckDB evaluation. Where the files go: ``SCREENING_SPARK_DIR`` (a path every executor can read:
local disk for ``local[N]``, HDFS or an S3-compatible store for a cluster); see docs/scaling.md.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

from django.conf import settings

from . import feed_specs, feeds, rules_sql, snapshot
from .engine import SparkEngine

SNAPSHOT = [*snapshot.TABLES, "vil"]


def workdir() -> Path:
    base = getattr(settings, "SCREENING_SPARK_DIR", "") or Path(settings.MEDIA_ROOT) / "screening" / "spark"
    path = Path(base) / uuid.uuid4().hex[:12]
    path.mkdir(parents=True, exist_ok=True)
    return path


def session(master: str):
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master(master)
        .appName("zhenxing-screening")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", str(getattr(settings, "SCREENING_SPARK_PARTITIONS", 8)))
        .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")  # county codes stay text
        .config("spark.driver.memory", getattr(settings, "SCREENING_SPARK_DRIVER_MEMORY", "1g"))
        .getOrCreate()
    )


def write_snapshot(con, folder: Path) -> None:
    """The run's snapshot tables from DuckDB as Parquet files (one per table)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in SNAPSHOT:
        con.execute(f"COPY (SELECT * FROM {name}) TO '{folder / name}.parquet' (FORMAT parquet)")


def register(spark, folder: Path, files: dict[str, list[str]], partitions: int) -> SparkEngine:
    """Spark temp views of the snapshot (repartitioned by county where it has one) and of each
    source's current records, read from the feeds' own Parquet files."""
    engine = SparkEngine(spark)
    for name in SNAPSHOT:
        frame = spark.read.parquet(str(folder / f"{name}.parquet"))
        if "county_code" in frame.columns:
            frame = frame.repartition(partitions, "county_code")
        frame.createOrReplaceTempView(name)
    for source, spec in feed_specs.SPECS.items():
        name, paths = f"f_{source}", files.get(source) or []
        if not paths:
            spark.sql(feeds.empty_select(spec).replace("VARCHAR", "STRING") + " WHERE false").createOrReplaceTempView(
                name
            )
            continue
        spark.read.option("mergeSchema", "true").parquet(*paths).createOrReplaceTempView(f"{name}_all")
        if len(paths) == 1:
            spark.table(f"{name}_all").createOrReplaceTempView(name)
        else:
            spark.sql(feeds.current_view_sql(spec, f"{name}_all")).drop("zx_rn").createOrReplaceTempView(name)
    return engine


def write_hits(engine: SparkEngine, out: Path) -> None:
    """Every rule's hits with the village's county, as Parquet partitioned by county (executors write)."""
    spark = engine.spark
    if not engine._frames:
        return
    hits = engine._frames[0]
    for frame in engine._frames[1:]:
        hits = hits.unionByName(frame)
    hits.createOrReplaceTempView("hits")
    spark.sql(
        "SELECT h.*, coalesce(v.county_code, 'none') AS county_code FROM hits h LEFT JOIN vil v "
        "ON v.village_id = h.village_id"
    ).write.partitionBy("county_code").mode("overwrite").parquet(str(out))


def evaluate(duck, *, files, master: str, evaluate_rules, keep: bool = False) -> dict:
    """Evaluate on Spark and leave the hits in DuckDB table ``hits`` of ``duck``. ``evaluate_rules``:
    callable(engine) running engine.evaluate with the run's parameters. Returns facts for the summary."""
    folder, spark = workdir(), None
    try:
        write_snapshot(duck.con, folder / "snapshot")
        spark = session(master)
        partitions = int(getattr(settings, "SCREENING_SPARK_PARTITIONS", 8))
        engine = register(spark, folder / "snapshot", files, partitions)
        evaluate_rules(engine)
        write_hits(engine, folder / "hits")
        counties = sorted({p.parent.name for p in (folder / "hits").glob("county_code=*/*.parquet")})
        if counties:
            duck.con.execute(f"""CREATE OR REPLACE TEMP TABLE hits AS SELECT {rules_sql.HIT_COLUMNS}
                FROM read_parquet('{folder / "hits"}/*/*.parquet', hive_partitioning = true, union_by_name = true)""")
        else:
            empty = rules_sql._hit("NULL", "NULL", "none", None, "NULL", "NULL", None, None, "NULL", None)
            duck.con.execute(f"CREATE OR REPLACE TEMP TABLE hits AS {empty} WHERE false")
        return {"engine": "spark", "master": master, "hit_partitions": len(counties)}
    finally:
        if spark is not None:
            spark.stop()
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
