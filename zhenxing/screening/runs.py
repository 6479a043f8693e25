"""One screening run, set-based: the registry and the department feeds are staged into DuckDB, every
enabled rule is evaluated there, and the alerts are written back with COPY (new ones inserted, still
present ones refreshed, vanished ones closed). ``screen`` is called by services.run_execute."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from zhenxing.audit.context import acting
from zhenxing.audit.services import event_log
from zhenxing.lib import bulk
from zhenxing.lib.scratch import scratch_folder
from zhenxing.regions.models import Level, Region

from . import engine as engines
from . import evidence, feed_specs, feeds, figures, rules, snapshot
from .models import RuleSet, Run, RunKind, RunStatus
from .services import ruleset_current, top_region


def _enabled(ruleset: RuleSet) -> list[str]:
    return [code for code in rules.RULES if ruleset.rules.get(code, {}).get("enabled", True)]


def screen(
    *,
    actor,
    as_of: dt.date,
    overrides: dict[str, str] | None = None,
    run: Run | None = None,
    threads: int | None = None,
    report=None,
    preview: bool = False,
    engine: str = "duckdb",
    master: str = "",
) -> dict:
    """Run every enabled rule on the embedded engine and write alerts; the summary (as in ``--json``).
    With ``preview`` nothing is written: the summary's ``preview`` lists per rule how many alerts
    the run would raise, how many of them are new and how many are already open (a dry run).
    ``report(stage, done, total)`` is the progress of the run's job (zhenxing/jobs)."""
    started = time.monotonic()
    ruleset = ruleset_current(as_of.year)
    params = rules.effective_parameters(ruleset.rules, overrides or {})
    enabled = _enabled(ruleset)
    income_year = as_of.year - 1
    missing_due = rules.income_missing_due(as_of, income_year)
    if run is None:
        run = Run.objects.create(
            region=top_region(),
            kind=RunKind.PREVIEW if preview else RunKind.SCREEN,
            as_of=as_of,
            ruleset=ruleset,
            overrides=overrides or {},
            status=RunStatus.RUNNING,
            started_by=actor,
        )
    else:
        Run.objects.filter(pk=run.pk).update(ruleset=ruleset, status=RunStatus.RUNNING)
    steps = len(enabled) + 3

    def progress(stage: str, step: int) -> None:
        Run.objects.filter(pk=run.pk).update(
            stage=stage[:100], progress=min(99, int(100 * step / steps)), heartbeat_at=timezone.now()
        )
        if report is not None:  # the run's job (zhenxing/jobs)
            report(stage, step, steps)

    progress("读取户籍库快照", 0)
    duck = engines.DuckEngine(threads=threads)
    mirrored = snapshot.load(duck.con, income_year=income_year)
    files = {source: feeds.current_files(source) for source in feed_specs.SPECS}
    duck.load_feeds(files)
    snapshot_seconds = time.monotonic() - started
    t_rules = time.monotonic()

    def evaluate(target) -> None:
        engines.evaluate(
            target,
            params=params,
            enabled=enabled,
            as_of=as_of,
            income_year=income_year,
            progress=lambda s, i: progress(s, i + 1),
            income_missing=missing_due,
        )

    evaluated = {"engine": "duckdb"}
    if engine == "spark":  # the same rule SQL on Spark; its hits come back as Parquet (spark.py)
        from . import spark

        evaluated = spark.evaluate(
            duck, files=files, master=master or settings.SCREENING_SPARK_MASTER, evaluate_rules=evaluate
        )
    else:
        evaluate(duck)
    rule_seconds = time.monotonic() - t_rules
    progress("统计", len(enabled) + 1)
    counts = dict(
        duck.query("""SELECT rule, COUNT(DISTINCT household_id) FROM hits WHERE household_id IS NOT NULL
                               GROUP BY rule""")
    )
    if "water" in enabled:
        counts["water"] = duck.query("""SELECT COUNT(*) FROM hh WHERE village_id IN
                                        (SELECT village_id FROM hits WHERE rule = 'water')""")[0][0]
    alerts = {
        code: int(counts.get(code, 0))
        for code in [*enabled, "income_missing"]
        if code != "income_missing" or ("income" in enabled and missing_due)
    }
    households = duck.query("SELECT COUNT(*) FROM hh")[0][0]
    missing_note = {
        "raised": missing_due,
        "income_year": income_year,
        "closes": rules.income_collection_closes(income_year).isoformat(),
    }
    if preview:
        progress("预演统计", len(enabled) + 2)
        _stage(duck, ruleset=ruleset, params=params, enabled=enabled, income_missing=missing_due)
        with scratch_folder("preview") as tmp:
            _load_current(duck.con, Path(tmp))
            rows = duck.query("""SELECT s.rule, count(*), count(*) FILTER (WHERE c.id IS NULL),
                                        count(*) FILTER (WHERE c.is_open) FROM stage s
                                 LEFT JOIN cur c ON c.rule = s.rule AND c.subject = s.subject
                                 GROUP BY s.rule""")
        duck.con.close()
        by_rule = {r[0]: r[1:] for r in rows}
        summary = {
            "households": int(households),
            "as_of": as_of.isoformat(),
            "income_year": income_year,
            "income_missing": missing_note,
            "parameters": {code: params[code] for code in enabled},
            "preview": [
                {
                    "rule": code,
                    "name": rules.alert_name(code, ""),
                    "alerts": int(by_rule.get(code, (0,))[0]),
                    "new": int(by_rule.get(code, (0, 0))[1]),
                    "open": int(by_rule.get(code, (0, 0, 0))[2]),
                }
                for code in alerts
            ],
            "seconds": round(time.monotonic() - started, 3),
        }
        Run.objects.filter(pk=run.pk).update(
            status=RunStatus.DONE, progress=100, stage="预演完成", summary=summary, finished_at=timezone.now()
        )
        return summary
    # Unmatched records are counted on a second DuckDB connection while PostgreSQL takes the alerts,
    # unless an earlier run counted them on the same members and feed files.
    basis, reused = _unmatched_basis(mirrored, files)
    count_con = duck.con.cursor() if reused is None else None
    progress("写入预警", len(enabled) + 2)
    t_write = time.monotonic()
    written, counted = _write_alerts(
        duck,
        run=run,
        ruleset=ruleset,
        params=params,
        enabled=enabled,
        actor=actor,
        income_missing=missing_due,
        alongside=None if count_con is None else lambda: _count_unmatched(count_con, files),
    )
    unmatched = counted if reused is None else reused.summary["unmatched"]
    write_seconds = time.monotonic() - t_write
    duck.con.close()
    summary = {
        "households": int(households),
        "alerts": alerts,
        **written,
        "unmatched": unmatched,
        **({"unmatched_basis": basis} if basis else {}),
        **({"unmatched_from_run": reused.pk} if reused is not None else {}),
        "parameters": {code: params[code] for code in enabled},
        "ruleset": ruleset.version,
        "as_of": as_of.isoformat(),
        "income_year": income_year,
        "snapshot_seconds": round(snapshot_seconds, 3),
        "mirror": mirrored,
        **evaluated,
        "rule_seconds": round(rule_seconds, 3),
        "write_seconds": round(write_seconds, 3),
        "seconds": round(time.monotonic() - started, 3),
        "income_missing": missing_note,
    }
    Run.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE, progress=100, stage="完成", summary=summary, finished_at=timezone.now()
    )
    with acting(actor):
        event_log(
            action="screen",
            actor=actor,
            obj=run,
            extra={k: summary[k] for k in ("households", "new", "updated", "closed")},
        )
    return summary


def _unmatched_basis(mirrored: dict, files: dict[str, list[str]]) -> tuple[str, Run | None]:
    """What the unmatched counts depend on (the mirror's members, the villages and the current feed
    files), and the latest finished run that counted them on exactly that, if any."""
    if not mirrored.get("members"):
        return "", None
    villages = Region.objects.filter(level=Level.VILLAGE).order_by("pk").values_list("pk", "code")
    digest = hashlib.sha256(json.dumps([list(villages), sorted(files.items())]).encode()).hexdigest()
    basis = f"{mirrored['members']}:{digest}"
    reused = (
        Run.objects.filter(kind=RunKind.SCREEN, status=RunStatus.DONE, summary__unmatched_basis=basis)
        .order_by("-pk")
        .first()
    )
    return basis, reused


def _count_unmatched(con, files: dict[str, list[str]]) -> dict[str, int]:
    """On a second connection to the run's DuckDB (temporary views are per connection)."""
    engine = engines.DuckEngine(con)
    engine.load_feeds(files)
    try:
        return engines.unmatched(engine)
    finally:
        con.close()


def _write_alerts(
    duck,
    *,
    run: Run,
    ruleset: RuleSet,
    params: dict,
    enabled: list[str],
    actor,
    income_missing: bool = True,
    alongside: Callable[[], object] | None = None,
) -> tuple[dict, object]:
    """Upsert alerts set-based: one open alert per subject and rule; re-runs update the evidence.
    ``alongside`` (DuckDB work of the run's own, e.g. the unmatched counts) runs in a second thread
    while PostgreSQL takes the new alerts, when one core is PostgreSQL's; returns what it returned."""
    rules_run = _stage(
        duck, ruleset=ruleset, params=params, enabled=enabled, income_missing=income_missing, run_id=run.pk
    )
    now = timezone.now()
    with scratch_folder("alerts") as tmp, transaction.atomic(), acting(actor):
        written, beside = _upsert(
            duck.con, Path(tmp), run=run, ruleset=ruleset, now=now, rules_run=rules_run, alongside=alongside
        )
        touched = written["new"] or written["rewritten"] or written["closed"]
        if touched:  # an identical re-run wrote nothing: its figures and statistics stand
            figures.alert_counts_refresh()  # the list's per-state and per-region counts
    if touched:
        figures.alert_statistics_refresh()  # ANALYZE what the write touched
    return written, beside


INLINE = 5  # records kept in the alert row; the rest of the (up to 50) cited records: evidence.py


def _stage(
    duck, *, ruleset: RuleSet, params: dict, enabled: list[str], income_missing: bool, run_id: int = 0
) -> list[str]:
    """The alerts the hits make, one row per rule and subject, in the DuckDB table ``stage``; the
    rules whose alerts were computed (an open alert of such a rule that is not staged lapses)."""
    con = duck.con
    con.execute(
        "CREATE OR REPLACE TEMP TABLE rparams (rule VARCHAR, name VARCHAR, risks VARCHAR, dept VARCHAR, "
        "severity VARCHAR, params VARCHAR)"
    )
    rows = []
    for code in [*enabled, "income_missing"]:
        base = "income" if code == "income_missing" else code
        if base not in enabled or (code == "income_missing" and not income_missing):
            continue
        p = dict(params[base])
        if code == "paper_exit":
            p["threshold"] = params["income"]["threshold"]
        rows.append(
            (
                code,
                rules.alert_name(code, ""),
                json.dumps(rules.alert_risks(code, "")),
                rules.alert_department(base),
                ruleset.rules.get(base, {}).get("severity", rules.RULES[base].severity),
                json.dumps(p, ensure_ascii=False),
            )
        )
    con.executemany("INSERT INTO rparams VALUES (?, ?, ?, ?, ?, ?)", rows)
    # The 50 most recent records per alert: ranked by a window (parallel), then sorted within each
    # short list; an ordered list() aggregate over all hits runs on one thread and was 3x slower.
    # A table, not TEMP: the evidence file is written from it on a second connection (_upsert).
    con.execute("""CREATE OR REPLACE TABLE ranked AS
        SELECT rule, subject, sub, household_id, village_id, metric, lim, source, rec_key, rec_date, note,
               row_number() OVER w AS k, count(*) OVER (PARTITION BY rule, subject) AS n_records
        FROM (SELECT *, CASE WHEN household_id IS NULL THEN 'v' || CAST(village_id AS VARCHAR)
                             WHEN rule = 'income_missing' THEN 'h' || CAST(household_id AS VARCHAR) || '/' || sub
                             ELSE 'h' || CAST(household_id AS VARCHAR) END AS subject FROM hits) s
        WINDOW w AS (PARTITION BY rule, subject ORDER BY rec_date DESC NULLS LAST, rec_key, note)
        QUALIFY k <= 50""")
    # The alert row keeps the INLINE most recent records (what lists and exports show); an alert citing
    # more names the run whose evidence file holds all of them (``records_run``, evidence.py).
    # The evidence holds what the department data showed; the rule set, as-of date and parameters are
    # the run's (Alert.citation). The digest covers the parameters and every cited record with its
    # rank (an order-sensitive XOR of per-record hashes, aggregated in parallel), so a run under other
    # parameters rewrites the alert while a later run on unchanged records (a new as-of date) does not.
    con.execute(f"""CREATE OR REPLACE TEMP TABLE agg AS
        SELECT subject, rule, max(coalesce(sub, '')) AS sub, household_id, max(village_id) AS village_id,
               CAST(max(metric) AS DECIMAL(14,2)) AS metric, CAST(max(lim) AS DECIMAL(14,2)) AS lim,
               list({{'k': k, 'source': source, 'key': rec_key, 'date': CAST(rec_date AS VARCHAR), 'note': note}})
                   FILTER (WHERE k <= {INLINE}) AS recs,
               bit_xor(hash(k, source, rec_key, rec_date, note)) AS rec_hash, max(n_records) AS n_records
        FROM ranked GROUP BY rule, subject, household_id""")
    drop_k = "r -> {'source': r.source, 'key': r.key, 'date': r.date, 'note': r.note}"
    con.execute(f"""CREATE OR REPLACE TEMP TABLE stage AS
        SELECT a.subject, a.rule,
               CASE WHEN a.rule = 'death' AND a.sub = 'no_labour' THEN '死亡未销户·缺劳动力' ELSE p.name END AS name,
               CASE WHEN a.rule = 'disaster' THEN '["' || a.sub || '"]'
                    WHEN a.rule = 'death' AND a.sub = 'no_labour' THEN '["04"]' ELSE p.risks END AS risks,
               p.severity, p.dept, a.household_id, a.village_id, a.metric, a.lim, a.n_records,
               '{{"sub": ' || to_json(a.sub) || ', "records": '
               || CAST(to_json(list_transform(list_sort(a.recs), {drop_k})) AS VARCHAR)
               || ', "record_count": ' || CAST(a.n_records AS VARCHAR) || hh_part
               || CASE WHEN a.n_records > {INLINE} THEN ', "records_run": {int(run_id)}}}' ELSE '}}' END AS evidence,
               md5(p.params || '|' || a.sub || '|' || CAST(a.n_records AS VARCHAR) || '|' || CAST(a.rec_hash AS VARCHAR)
                   || hh_part) AS digest
        FROM (SELECT *, CASE WHEN rule = 'water' THEN ', "households": ' || CAST((SELECT COUNT(*) FROM hh
                       WHERE hh.village_id = agg.village_id) AS VARCHAR) ELSE '' END AS hh_part FROM agg) a
        JOIN rparams p ON p.rule = a.rule""")
    return [r[0] for r in rows]


def _load_current(con, tmp: Path) -> None:
    """The open alerts, and every 收入缺失 alert ever raised (raised once per household and income
    year: a closed one is not raised again), as the DuckDB table ``cur``."""
    current = tmp / "open.csv"
    snapshot._export(
        """SELECT id, rule, subject, evidence_digest, ruleset_id, metric, state, is_open FROM screening_alert
                        WHERE is_open OR rule = 'income_missing'""",
        current,
        {},
    )
    con.execute(f"""CREATE OR REPLACE TEMP TABLE cur AS SELECT * FROM read_csv('{current}', header=false,
        auto_detect=false, columns={{'id': 'BIGINT', 'rule': 'VARCHAR', 'subject': 'VARCHAR', 'digest': 'VARCHAR',
        'ruleset_id': 'BIGINT', 'metric': 'DECIMAL(14,2)', 'state': 'VARCHAR', 'is_open': 'BOOLEAN'}})""")


# Columns of a new alert row, in the order the staged CSV carries them.
NEW_COLS = [
    "rule",
    "rule_name",
    "risk_types",
    "severity",
    "subject",
    "household_id",
    "village_id",
    "department",
    "state",
    "is_open",
    "metric",
    "limit_value",
    "evidence",
    "evidence_digest",
    "ruleset_id",
    "first_run_id",
    "last_run_id",
    "raised_at",
    "updated_at",
    "outcome_reason",
    "outcome_evidence",
    "case_ref",
    "item_ref",
    "version",
]
CHANGED_COLS = ["id", "rule_name", "risk_types", "metric", "limit_value", "evidence", "evidence_digest"]
SCREEN_LOCK = 72_600_001  # pg_advisory_xact_lock key: one screening write at a time


def _upsert(
    con, tmp: Path, *, run: Run, ruleset: RuleSet, now, rules_run: list[str], alongside=None
) -> tuple[dict, object]:
    """Compare the staged alerts with the open ones in DuckDB and write only the difference:
    new alerts are COPYed straight into the table, alerts whose evidence changed (by digest) are
    updated by id, and untaken alerts no longer raised lapse. An identical re-run writes nothing."""
    pg = connection.vendor == "postgresql"
    with connection.cursor() as cur:
        if pg:  # two runs at once would both see an alert as new
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [SCREEN_LOCK])
    _load_current(con, tmp)
    rule_list = ", ".join(f"'{r}'" for r in rules_run) or "''"
    updated = con.execute("""SELECT count(*) FROM stage s JOIN cur c ON c.rule = s.rule AND c.subject = s.subject
                             WHERE c.is_open""").fetchone()[0]
    stamp = now.isoformat() if pg else connection.ops.adapt_datetimefield_value(now)
    con.execute(f"""CREATE OR REPLACE TEMP TABLE d_new AS SELECT s.rule, s.name, s.risks, s.severity, s.subject,
            s.household_id, s.village_id, coalesce(s.dept, ''), 'new', true, s.metric, s.lim, s.evidence, s.digest,
            {ruleset.pk}, {run.pk}, {run.pk}, '{stamp}', '{stamp}', '', '', '', '', 1
        FROM stage s WHERE NOT EXISTS (SELECT 1 FROM cur c WHERE c.rule = s.rule AND c.subject = s.subject)""")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE d_changed AS SELECT c.id, s.name, s.risks, s.metric, s.lim, s.evidence,
            s.digest FROM stage s JOIN cur c ON c.rule = s.rule AND c.subject = s.subject
        WHERE c.is_open AND (c.digest IS DISTINCT FROM s.digest OR c.ruleset_id IS DISTINCT FROM {ruleset.pk}
           OR c.metric IS DISTINCT FROM s.metric)""")
    # Alerts not yet taken up by the village whose condition no longer holds lapse; those under
    # verification stay with the village.
    con.execute(f"""CREATE OR REPLACE TEMP TABLE d_lapsed AS SELECT c.id FROM cur c
        WHERE c.is_open AND c.state IN ('new', 'issued') AND c.rule IN ({rule_list})
          AND NOT EXISTS (SELECT 1 FROM stage s WHERE s.rule = c.rule AND s.subject = c.subject)""")
    vanished = _drop_vanished(con, tmp) if pg else 0
    con.execute("""CREATE OR REPLACE TABLE d_cited AS SELECT rule, subject FROM d_new
        UNION ALL SELECT c.rule, c.subject FROM cur c JOIN d_changed d ON d.id = c.id""")
    adding = con.execute("SELECT count(*) FROM d_new").fetchone()[0]
    # The cited records' Parquet file and ``alongside`` are DuckDB's (both cores) while PostgreSQL
    # parses the COPY on one: on a second connection, in a second thread (DuckDB releases the GIL).
    side = ThreadPoolExecutor(1)
    cited = side.submit(_closing(evidence.write_records), con.cursor(), run.pk, INLINE)
    beside = side.submit(alongside) if alongside is not None else None
    try:
        with bulk.indexes_rebuilt("screening_alert", rows=adding, existing=_estimated_rows("screening_alert")):
            new = _copy_in(con, "d_new", "screening_alert", NEW_COLS, tmp)
    finally:
        side.shutdown()
    cited.result()
    rewritten = con.execute("SELECT count(*) FROM d_changed").fetchone()[0]
    with connection.cursor() as cur:
        if rewritten:
            _copy_in(
                con,
                "d_changed",
                "zx_alert_changed",
                CHANGED_COLS,
                tmp,
                temp_table="""id bigint, rule_name varchar(64),
                risk_types text, metric numeric(14,2), limit_value numeric(14,2), evidence text, evidence_digest varchar(32)""",
            )
            js = "::jsonb" if pg else ""
            cur.execute(
                f"""UPDATE screening_alert SET rule_name = c.rule_name, risk_types = c.risk_types{js},
                    metric = c.metric, limit_value = c.limit_value, evidence = c.evidence{js},
                    evidence_digest = c.evidence_digest, last_run_id = %s, ruleset_id = %s, updated_at = %s
                FROM zx_alert_changed c WHERE screening_alert.id = c.id AND screening_alert.is_open""",
                [run.pk, ruleset.pk, now],
            )
            cur.execute("DROP TABLE zx_alert_changed")
        closed = 0
        if con.execute("SELECT count(*) FROM d_lapsed").fetchone()[0]:
            _copy_in(con, "d_lapsed", "zx_alert_lapsed", ["id"], tmp, temp_table="id bigint")
            cur.execute(
                f"""UPDATE screening_alert SET state = 'lapsed', is_open = {"false" if pg else "0"},
                    closed_at = %s, updated_at = %s, last_run_id = %s, version = version + 1
                WHERE id IN (SELECT id FROM zx_alert_lapsed) AND is_open AND state IN ('new', 'issued')""",
                [now, now, run.pk],
            )
            closed = cur.rowcount
            cur.execute("DROP TABLE zx_alert_lapsed")
    written = {
        "new": new,
        "updated": int(updated),
        "rewritten": int(rewritten),
        "closed": closed,
        **({"vanished": vanished} if vanished else {}),
    }
    return written, (beside.result() if beside is not None else None)


def _closing(work):
    """``work(con, ...)`` that closes its DuckDB connection ``con`` when done."""

    def call(con, *args):
        try:
            return work(con, *args)
        finally:
            con.close()

    return call


def _estimated_rows(table: str) -> int:
    """The planner's row count of ``table`` (kept by the ANALYZE after each write; 0 elsewhere)."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cur:
        cur.execute("SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = %s::regclass", [table])
        return int(cur.fetchone()[0])


def _drop_vanished(con, tmp: Path) -> int:
    """The household and village references of the new alerts checked set-based (one anti-join
    each), not by a foreign-key trigger per row: a household or village deleted since the snapshot
    was read raises no alert. Returns how many were dropped."""
    out = tmp / "refs.csv"
    con.execute(f"COPY (SELECT DISTINCT household_id, village_id FROM d_new) TO '{out}' (FORMAT csv, HEADER false)")
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS zx_alert_refs")
        cur.execute("CREATE TEMP TABLE zx_alert_refs (household_id bigint, village_id bigint)")
        with cur.cursor.copy("COPY zx_alert_refs FROM STDIN WITH (FORMAT csv)") as copy, out.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                copy.write(chunk)
        # Two anti-joins (an OR of two NOT EXISTS runs one index probe per row: 1.3 s against 0.3 s
        # at 280,000 alerts), with the temporary table's statistics and without JIT.
        cur.execute("SET LOCAL jit = off")
        cur.execute("ANALYZE zx_alert_refs")
        cur.execute("""SELECT r.household_id, r.village_id FROM zx_alert_refs r
            LEFT JOIN registry_household h ON h.id = r.household_id
            WHERE r.household_id IS NOT NULL AND h.id IS NULL
            UNION
            SELECT r.household_id, r.village_id FROM zx_alert_refs r
            WHERE r.village_id NOT IN (SELECT id FROM regions_region)""")
        gone = cur.fetchall()
        cur.execute("DROP TABLE zx_alert_refs")
    if not gone:
        return 0
    con.execute("CREATE OR REPLACE TEMP TABLE gone (household_id BIGINT, village_id BIGINT)")
    con.executemany("INSERT INTO gone VALUES (?, ?)", gone)
    before = con.execute("SELECT count(*) FROM d_new").fetchone()[0]
    con.execute("""DELETE FROM d_new WHERE EXISTS (SELECT 1 FROM gone g WHERE g.household_id IS NOT DISTINCT FROM
        d_new.household_id AND g.village_id = d_new.village_id)""")
    return before - con.execute("SELECT count(*) FROM d_new").fetchone()[0]


def _copy_in(con, source: str, table: str, columns: list[str], tmp: Path, *, temp_table: str = "") -> int:
    """Rows of DuckDB table ``source`` into database table ``table`` (created as a temporary table
    from ``temp_table``'s column list when given): COPY on PostgreSQL, executemany elsewhere."""
    out = tmp / f"{source}.csv"
    con.execute(f"COPY {source} TO '{out}' (FORMAT csv, HEADER false)")
    with connection.cursor() as cur:
        if temp_table:
            cur.execute(f"DROP TABLE IF EXISTS {table}")
            cur.execute(f"CREATE TEMP TABLE {table} ({temp_table})")
        if connection.vendor == "postgresql":
            with (
                cur.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)") as copy,
                out.open("rb") as fh,
            ):
                while chunk := fh.read(1 << 20):
                    copy.write(chunk)
            return con.execute(f"SELECT count(*) FROM {source}").fetchone()[0]
        # SQLite (tests, demo): small sets; an empty unquoted field is NULL as in PostgreSQL's CSV.
        with out.open(encoding="utf-8", newline="") as fh:
            data = [
                [None if v == "" else True if v == "true" else False if v == "false" else v for v in r]
                for r in csv.reader(fh)
            ]
        text = [
            i
            for i, c in enumerate(columns)
            if c in ("department", "outcome_reason", "outcome_evidence", "case_ref", "item_ref")
        ]
        for r in data:
            for i in text:
                r[i] = r[i] or ""
        cur.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})", data)
        return len(data)
