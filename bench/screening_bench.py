"""Screening benchmark at prefecture scale (run once; the machine is shared).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zx_screening_bench \
        .venv/bin/python bench/screening_bench.py --data bench/out/screening --as-of 2022-06-30

Expects the data of bench/screening_data.py (or ``zhenxing generate --feeds``) already generated
and the registry loaded. Measures, in one run:
- the medical feed import (``zhenxing import-feed``, a child process: wall time, rows/s, peak RSS),
  and for comparison PostgreSQL COPY of the same validated rows into a table;
- the other feeds' imports;
- a full screening run (``zhenxing screen --json``: all rules, alerts written to PostgreSQL), twice
  (first run inserts, second run updates);
- the rule evaluation of ``income`` + ``medical`` through the engine vs hand-written DuckDB
  queries on the same loaded tables: one giving the same output (flagged households and the
  settlements each medical flag cites), and one giving only the count of flagged households;
- the simulation (``zhenxing screen --simulate``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # also makes ``bench`` importable (bench/screening_reference.py)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenxing.settings.base")
# the command of this tree (``python -m zhenxing``), whether or not the package is installed
ZX = [sys.executable, "-m", "zhenxing"]


CPU: list[float] = []
DISK: list[int] = []


def child(*args: str) -> tuple[float, int, str]:
    """Wall seconds, peak RSS of this child alone in MiB (``wait4``), stdout; its CPU seconds go to
    CPU[-1], and the peak growth of the used space on the temporary folder's file system while it
    ran (its spill and scratch files, and what it wrote there or beside them), in MiB, to DISK[-1]."""
    import shutil
    import threading

    t = time.monotonic()
    base = shutil.disk_usage(tempfile.gettempdir()).used
    peak_used = [base]
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.25):
            peak_used[0] = max(peak_used[0], shutil.disk_usage(tempfile.gettempdir()).used)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([*ZX, *args], stdout=out, stderr=err, env={**os.environ, "PYTHONPATH": str(ROOT)})
        _, status, usage = os.wait4(proc.pid, 0)
        done.set()
        watcher.join()
        DISK.append((peak_used[0] - base) // 2**20)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - t
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if proc.returncode != 0:
        raise SystemExit(f"{args} failed ({proc.returncode}): {stderr[-2000:]}")
    CPU.append(round(usage.ru_utime + usage.ru_stime, 1))
    return seconds, usage.ru_maxrss // 1024, stdout


def disk(data: Path) -> dict:
    """What the data take on disk (MiB): the generated files, the database, the feed store, the
    registry mirror and the evidence files (MEDIA_ROOT/screening)."""
    from django.conf import settings
    from django.db import connection

    def size(path: Path) -> int:
        return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) // 2**20 if path.exists() else 0

    media = Path(settings.MEDIA_ROOT) / "screening"
    with connection.cursor() as cur:
        cur.execute("SELECT pg_database_size(current_database())")
        database = cur.fetchone()[0] // 2**20
    return {
        "generated_files_mib": size(data),
        "database_mib": database,
        "feed_store_mib": size(media / "feeds"),
        "mirror_mib": size(media / "mirror"),
        "evidence_mib": size(media / "evidence"),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=ROOT / "bench/out/screening")
    parser.add_argument("--as-of", default="2022-06-30")
    parser.add_argument("--threshold", default="6500")
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--skip-screen", action="store_true")
    parser.add_argument("--runs", type=int, default=3, help="2: only the first run and the identical re-run")
    parser.add_argument("--skip-rules", action="store_true", help="skip the rule-evaluation comparison and simulation")
    parser.add_argument(
        "--skip-store-comparison", action="store_true", help="skip COPYing the medical rows into PostgreSQL"
    )
    parser.add_argument(
        "--skip-reference", action="store_true", help="no side-by-side reference query (the province run)"
    )
    args = parser.parse_args()
    feeds_dir = args.data / "feeds"
    results: dict = {"machine": "2 cores, 24 GiB, PostgreSQL 15", "as_of": args.as_of}

    import django

    django.setup()
    from django.db import connection

    from zhenxing.screening import engine, feeds, rules, services, snapshot
    from zhenxing.screening.models import FeedFile, Run

    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM registry_household")
        results["households"] = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM registry_member")
        results["members"] = cur.fetchone()[0]
    print(json.dumps(results, ensure_ascii=False), flush=True)

    if not args.skip_import:
        FeedFile.objects.all().delete()
        seconds, peak, out = child("import-feed", "medical", str(feeds_dir / "medical.csv"))
        rows = FeedFile.objects.get(source="medical").rows
        results["medical_import"] = {
            "rows": rows,
            "seconds": round(seconds, 1),
            "rows_per_s": int(rows / seconds),
            "cpu_s": CPU[-1],
            "rows_per_cpu_s": int(rows / CPU[-1]),
            "load_avg": os.getloadavg(),
            "peak_rss_mib": peak,
            "disk_growth_peak_mib": DISK[-1],
            "output": out.strip(),
        }
        print(json.dumps(results["medical_import"], ensure_ascii=False), flush=True)
        if not args.skip_store_comparison:
            # For the choice of store: the same validated rows COPYed into a PostgreSQL table.
            import duckdb

            parquet = FeedFile.objects.get(source="medical").path
            tmp_csv = args.data / "medical-validated.csv"
            duckdb.connect().execute(f"COPY (SELECT * FROM read_parquet('{parquet}')) TO '{tmp_csv}' (HEADER false)")
            with connection.cursor() as cur:
                cur.execute("DROP TABLE IF EXISTS bench_medical_copy")
                cur.execute("""CREATE TABLE bench_medical_copy (file_id bigint, row_no bigint, serial text,
                    id_hash text, id_masked text, name text, rec_date date, total numeric(14,2), basic numeric(14,2),
                    serious numeric(14,2), aid numeric(14,2), burden numeric(14,2))""")
                t = time.monotonic()
                with (
                    cur.cursor.copy("COPY bench_medical_copy FROM STDIN WITH (FORMAT csv)") as copy,
                    tmp_csv.open("rb") as fh,
                ):
                    while chunk := fh.read(1 << 22):
                        copy.write(chunk)
                copy_in = time.monotonic() - t
                t = time.monotonic()
                cur.execute("CREATE UNIQUE INDEX ON bench_medical_copy (serial)")
                index = time.monotonic() - t
                t = time.monotonic()
                with cur.cursor.copy(
                    "COPY (SELECT id_hash, rec_date, burden FROM bench_medical_copy) TO STDOUT"
                ) as copy:
                    for _ in copy:
                        pass
                copy_out = time.monotonic() - t
                cur.execute("SELECT pg_total_relation_size('bench_medical_copy')")
                size = cur.fetchone()[0]
                cur.execute("DROP TABLE bench_medical_copy")
            tmp_csv.unlink()
            t = time.monotonic()
            duckdb.connect().execute(f"SELECT sum(burden) FROM read_parquet('{parquet}')").fetchall()
            results["store_comparison"] = {
                "postgres_copy_in_s": round(copy_in, 1),
                "postgres_unique_index_s": round(index, 1),
                "postgres_copy_out_3_cols_s": round(copy_out, 1),
                "postgres_table_mib": size // 2**20,
                "parquet_mib": Path(parquet).stat().st_size // 2**20,
                "parquet_scan_sum_s": round(time.monotonic() - t, 2),
            }
            print(json.dumps(results["store_comparison"]), flush=True)
        others = {}
        for source in feeds.SPECS:
            if source == "medical":
                continue
            seconds, peak, _ = child("import-feed", source, str(feeds_dir / f"{source}.csv"))
            others[source] = {
                "rows": FeedFile.objects.get(source=source).rows,
                "seconds": round(seconds, 1),
                "cpu_s": CPU[-1],
                "peak_rss_mib": peak,
                "disk_growth_peak_mib": DISK[-1],
            }
        results["other_imports"] = others
        print(json.dumps(others), flush=True)

    runs = []
    if not args.skip_screen:  # the first run raises every alert (as on a new system), the second re-confirms them
        with connection.cursor() as cur:
            cur.execute("TRUNCATE screening_alert CASCADE")  # and its notes, corrections
            # as on a new system: no earlier run's unmatched counts to reuse (runs._unmatched_basis)
            cur.execute("UPDATE screening_run SET summary = summary - 'unmatched_basis'")
    next_day = (dt.date.fromisoformat(args.as_of) + dt.timedelta(days=1)).isoformat()
    # first run (every alert new), the same run again, and the next day's run (windows move by a day)
    for as_of in [] if args.skip_screen else [args.as_of, args.as_of, next_day][: args.runs]:
        seconds, peak, out = child("screen", "--as-of", as_of, "--json")
        summary = json.loads(out.strip().splitlines()[-1])
        summary.update(Run.objects.order_by("-id").first().summary)  # the stored summary has the breakdown
        runs.append(
            {
                "as_of": as_of,
                "wall_s": round(seconds, 1),
                "seconds": summary["seconds"],
                "new": summary["new"],
                "snapshot_s": summary.get("snapshot_seconds"),
                "rules_s": summary.get("rule_seconds"),
                "write_s": summary.get("write_seconds"),
                "mirror": summary.get("mirror"),
                "updated": summary["updated"],
                "closed": summary["closed"],
                "alerts": summary["alerts"],
                "peak_rss_mib": peak,
                "disk_growth_peak_mib": DISK[-1],
                "cpu_s": CPU[-1],
                "load_avg": os.getloadavg(),
            }
        )
        print(json.dumps(runs[-1], ensure_ascii=False), flush=True)
    if runs:
        results["screen_runs"] = runs
        results["disk"] = disk(args.data)
        print(json.dumps(results["disk"]), flush=True)
    if runs and not args.skip_reference:
        # Side by side: the same screening hand-written as one DuckDB query over the raw CSV files.
        import duckdb

        from bench import screening_reference

        as_of = dt.date.fromisoformat(args.as_of)
        params = rules.effective_parameters(services.ruleset_current(as_of.year).rules, {})
        con = duckdb.connect()
        t, c, load = time.monotonic(), time.process_time(), os.getloadavg()
        ref = screening_reference.counts(
            con, args.data, as_of=as_of, params=params, income_missing=rules.income_missing_due(as_of, as_of.year - 1)
        )
        ref_s, ref_cpu = time.monotonic() - t, time.process_time() - c
        con.close()
        first, again = runs[0], runs[1]
        results["side_by_side"] = {
            "reference_s": round(ref_s, 2),
            "reference_cpu_s": round(ref_cpu, 1),
            "reference_load_avg": load,
            "counts_equal": ref == first["alerts"],
            "reference_counts": ref,
            "first_run_s": first["seconds"],
            "first_run_wall_s": first["wall_s"],
            "rerun_s": again["seconds"],
            "rerun_wall_s": again["wall_s"],
            "first_ratio": round(first["seconds"] / ref_s, 2),
            "first_ratio_wall": round(first["wall_s"] / ref_s, 2),
            "rerun_ratio": round(again["seconds"] / ref_s, 2),
            "rerun_ratio_wall": round(again["wall_s"] / ref_s, 2),
            "first_cpu_ratio": round(first["cpu_s"] / ref_cpu, 2),
            "rerun_cpu_ratio": round(again["cpu_s"] / ref_cpu, 2),
        }
        print(json.dumps(results["side_by_side"], ensure_ascii=False), flush=True)
        if ref != first["alerts"]:
            print("COUNTS DIFFER", {k: (ref.get(k), first["alerts"].get(k)) for k in set(ref) | set(first["alerts"])})
    if args.skip_rules:
        (args.data / "results-partial.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))
        return

    # Rule evaluation vs a hand-written DuckDB query, same connection, same tables.
    as_of = dt.date.fromisoformat(args.as_of)
    ruleset = services.ruleset_current(as_of.year)
    params = rules.effective_parameters(ruleset.rules, {})
    duck = engine.DuckEngine()
    t = time.monotonic()
    snapshot.load(duck.con, income_year=as_of.year - 1)
    duck.load_feeds()
    load_s = time.monotonic() - t
    duck.con.execute("CREATE TABLE f_medical_m AS SELECT * FROM f_medical")  # both read the same materialised table
    duck.con.execute("CREATE OR REPLACE TEMP VIEW f_medical AS SELECT * FROM f_medical_m")
    t, c = time.monotonic(), time.process_time()
    engine.evaluate(duck, params=params, enabled=["income", "medical"], as_of=as_of, income_year=as_of.year - 1)
    engine_s, engine_cpu = time.monotonic() - t, time.process_time() - c
    engine_n = duck.query("SELECT count(*) FROM (SELECT DISTINCT rule, household_id FROM hits)")[0][0]
    thr, p = params["income"]["threshold"], params["medical"]
    since = as_of - dt.timedelta(days=365)
    ratio = f"CASE WHEN h.formerly_poor THEN {p['ratio_poor']} ELSE {p['ratio_other']} END * {p['reference_income']}"
    common = f"""liv AS (SELECT household_id, count(*) AS n FROM mem WHERE status = 'active' GROUP BY ALL),
             inc1 AS (SELECT household_id, wage + business + property + transfer - cost AS net FROM inc
                      WHERE year = {as_of.year - 1}),
             w AS (SELECT m.household_id, f.serial, f.rec_date, f.burden FROM f_medical_m f JOIN mem m USING (id_hash)
                   WHERE f.rec_date > DATE '{since}' AND f.rec_date <= DATE '{as_of}'),
             med AS (SELECT household_id, sum(burden) AS b FROM w GROUP BY ALL)"""
    flags = f"""SELECT 'income' AS rule, h.household_id, h.village_id, net / n AS metric FROM hh h
                    JOIN liv USING (household_id) JOIN inc1 USING (household_id) WHERE net < {thr} * n
                UNION ALL
                SELECT 'income_missing', h.household_id, h.village_id, NULL FROM hh h JOIN liv USING (household_id)
                    ANTI JOIN inc1 USING (household_id)
                UNION ALL
                SELECT 'medical', h.household_id, h.village_id, b / n FROM hh h JOIN liv USING (household_id)
                    JOIN med USING (household_id) WHERE b > {ratio} * n"""
    # 1. The same output as the engine: every flagged household and, for medical, each settlement it
    #    cites with its note (what an alert's evidence is made of).
    t, c = time.monotonic(), time.process_time()
    duck.con.execute(f"""CREATE TEMP TABLE hand_hits AS WITH {common}, flagged AS ({flags})
        SELECT rule, household_id, village_id, metric, NULL AS serial, NULL AS rec_date, NULL AS note FROM flagged
            WHERE rule <> 'medical'
        UNION ALL
        SELECT x.rule, x.household_id, x.village_id, x.metric, w.serial, w.rec_date,
               '个人负担 ' || CAST(w.burden AS VARCHAR) || ' 元'
        FROM flagged x JOIN w USING (household_id) WHERE x.rule = 'medical'""")
    same_s, same_cpu = time.monotonic() - t, time.process_time() - c
    same_n = duck.query("SELECT count(*) FROM (SELECT DISTINCT rule, household_id FROM hand_hits)")[0][0]
    differ = duck.query("""SELECT count(*) FROM ((SELECT rule, household_id, rec_key FROM hits
        EXCEPT SELECT rule, household_id, serial FROM hand_hits) UNION ALL (SELECT rule, household_id, serial
        FROM hand_hits EXCEPT SELECT rule, household_id, rec_key FROM hits))""")[0][0]
    # 2. Flags only (a count of flagged households), the lower bound of any evaluation.
    t, c = time.monotonic(), time.process_time()
    hand = duck.query(f"WITH {common}, flagged AS ({flags}) SELECT count(*) FROM flagged")[0][0]
    hand_s, hand_cpu = time.monotonic() - t, time.process_time() - c
    results["rule_evaluation"] = {
        "snapshot_and_feeds_load_s": round(load_s, 2),
        "engine_s": round(engine_s, 2),
        "engine_cpu_s": round(engine_cpu, 2),
        "engine_flagged": engine_n,
        "engine_hit_rows": duck.query("SELECT count(*) FROM hits")[0][0],
        "hand_same_output_s": round(same_s, 2),
        "hand_same_output_cpu_s": round(same_cpu, 2),
        "hand_same_output_flagged": same_n,
        "rows_differing": differ,
        "ratio": round(engine_s / same_s, 2),
        "cpu_ratio": round(engine_cpu / same_cpu, 2),
        "hand_flags_only_s": round(hand_s, 2),
        "hand_flags_only_cpu_s": round(hand_cpu, 2),
        "hand_flags_only": hand,
        "ratio_to_flags_only": round(engine_s / hand_s, 2),
        "load_avg": os.getloadavg(),
    }
    print(json.dumps(results["rule_evaluation"]), flush=True)
    duck.con.close()

    seconds, peak, out = child("screen", "--as-of", args.as_of, "--simulate", "--threshold", args.threshold, "--json")
    sim = json.loads(out.strip().splitlines()[-1])
    results["simulation"] = {
        "wall_s": round(seconds, 1),
        "seconds": sim["seconds"],
        "cpu_s": CPU[-1],
        "total": sim["simulated"]["total"],
    }
    print(json.dumps(results["simulation"]), flush=True)
    name = "results.json" if not (args.skip_import or args.skip_screen) else "results-partial.json"
    (args.data / name).write_text(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
