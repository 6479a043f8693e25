"""The alert counts the list shows (``AlertCount``: per village, department, rule and state), kept
by the writes instead of counted by the pages.

- ``alert_counts_refresh``: at the end of a run's alert write, in its transaction, the table is
  recomputed set-based from the alerts (one GROUP BY per run, none per page view). On PostgreSQL
  the table is locked first so a step taken meanwhile waits and then adds its move on top.
- ``alert_moved``: each alert step (``workflow.MACHINE.after_move``) moves one alert from its old
  state's figure to its new one in the step's transaction, by upsert (``n = n + delta``), so two
  steps at once never lose one another's change.
"""

from __future__ import annotations

from django.db import connection

from zhenxing.lib.bulk import analyze

from .models import Alert, AlertCount

TABLE = AlertCount._meta.db_table
KEY = "village_id, department, rule, state"


def alert_counts_refresh() -> None:
    """Recompute every figure from the alert table (call inside the alert write's transaction)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"LOCK TABLE {TABLE} IN EXCLUSIVE MODE")
        cur.execute(f"DELETE FROM {TABLE}")
        cur.execute(
            f"""INSERT INTO {TABLE} ({KEY}, n)
            SELECT {KEY}, COUNT(*) FROM {Alert._meta.db_table} GROUP BY {KEY}"""
        )


def alert_counts_add(changes: list[tuple[int, str, str, str, int]]) -> None:
    """Add ``(village_id, department, rule, state, delta)`` to the figures (rows in key order, so
    concurrent steps lock them in the same order)."""
    rows = sorted(c for c in changes if c[4])
    if not rows:
        return
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
    with connection.cursor() as cur:
        cur.execute(
            f"""INSERT INTO {TABLE} ({KEY}, n) VALUES {values}
            ON CONFLICT ({KEY}) DO UPDATE SET n = {TABLE}.n + excluded.n""",
            [v for r in rows for v in r],
        )


def alert_moved(move) -> None:
    """The workflow hook: the alert left ``move.source`` for ``move.target``."""
    a = move.obj
    if move.source == move.target:
        return
    alert_counts_add(
        [
            (a.village_id, a.department or "", a.rule, move.source, -1),
            (a.village_id, a.department or "", a.rule, move.target, 1),
        ]
    )


def alert_statistics_refresh() -> None:
    """After the run's write is committed: fresh planner statistics of the alert tables."""
    analyze(Alert, AlertCount)
