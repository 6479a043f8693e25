"""Benchmark: the prefecture dashboard at 1,000,000 households (PostgreSQL only).

    createdb -h 127.0.0.1 -U postgres zx_dashboard_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zx_dashboard_bench \
        .venv/bin/python bench/dashboard_bench.py [--households 1000000] [--villages-per-township 10]

Loads the built-in region tree plus sample villages (示例) under every township, inserts the
households set-based (one INSERT … SELECT generate_series), takes the nightly snapshot, then
measures the server time of the prefecture dashboard, a county dashboard, a figure page and a
monthly report (Django's test client in-process: URL resolution, middleware, view, queries,
template; no network), with a year of nightly snapshots kept. Prints one line per measurement: median and max over the runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenxing.settings.base")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--villages-per-township", type=int, default=10)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--history-days",
        type=int,
        default=365,
        help="copies of the snapshot kept for this many earlier days (a year of nightly runs)",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    assert connection.vendor == "postgresql", "基准测试需要 PostgreSQL（DATABASE_URL）"
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0, interactive=False)

    from zhenxing.accounts.models import Role, User
    from zhenxing.audit.context import bulk_logged
    from zhenxing.dashboard import reports
    from zhenxing.dashboard.services import snapshot_take
    from zhenxing.monitoring.models import YearStandard
    from zhenxing.regions.models import Level, Region
    from zhenxing.regions.services import regions_load_builtin
    from zhenxing.registry.models import Household

    regions_load_builtin()
    YearStandard.objects.get_or_create(
        year=2021, defaults={"threshold": 6800, "reference_income": 17889, "is_demo": True}
    )
    with bulk_logged():
        new = []
        for town in Region.objects.filter(level=Level.TOWNSHIP, path__startswith="230000000000/232700000000/"):
            for i in range(1, args.villages_per_township + 1):
                code = f"{town.code[:9]}{900 + i:03d}"
                if not Region.objects.filter(code=code).exists():
                    new.append(
                        Region(
                            code=code,
                            name=f"示例{i}村",
                            level=Level.VILLAGE,
                            parent=town,
                            path=f"{town.path}{code}/",
                            depth=town.depth + 1,
                            is_sample=True,
                        )
                    )
        Region.objects.bulk_create(new)
    villages = list(
        Region.objects.filter(level=Level.VILLAGE, path__startswith="230000000000/232700000000/").values_list(
            "id", flat=True
        )
    )
    have = Household.objects.count()
    t = time.perf_counter()
    if have < args.households:
        with connection.cursor() as cur:
            cur.execute(
                """
                INSERT INTO registry_household (number, village_id, address, phone, formerly_poor, exit_year,
                    monitoring_status, monitoring_kind, housing_safe, schooling_secured, medical_insured, water_safe,
                    head_name, living_members, income_year, per_capita_income, created_at, updated_at)
                SELECT 'B' || lpad(g::text, 11, '0'), (%s::bigint[])[1 + g %% %s], '', '',
                    g %% 3 = 0, CASE WHEN g %% 3 = 0 THEN 2016 + g %% 5 END,
                    CASE WHEN g %% 20 = 0 THEN 'monitored' WHEN g %% 20 = 1 THEN 'eliminated' ELSE 'none' END,
                    CASE WHEN g %% 20 IN (0, 1) THEN (ARRAY['100A03001','100A03002','100A03003'])[1 + g %% 3] ELSE '' END,
                    g %% 97 <> 0, g %% 101 <> 0, g %% 89 <> 0, g %% 83 <> 0,
                    '户主' || g, 1 + g %% 5, 2021, 3000 + (g::bigint * 7919) %% 40000, now(), now()
                FROM generate_series(%s, %s) AS g
            """,
                [villages, len(villages), have + 1, args.households],
            )
        connection.commit() if not connection.get_autocommit() else None
        with connection.cursor() as cur:
            cur.execute("ANALYZE registry_household")
    print(
        f"households: {Household.objects.count():,} in {len(villages)} villages (load {time.perf_counter() - t:.1f} s)"
    )

    t = time.perf_counter()
    rows = snapshot_take(actor=None, date=timezone.localdate())
    print(
        f"snapshot-indicators: {rows:,} figures for {Region.objects.count()} region nodes in "
        f"{time.perf_counter() - t:.1f} s"
    )

    t = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("DELETE FROM dashboard_indicatorsnapshot WHERE date < %s", [timezone.localdate()])
        cur.execute(
            """
            INSERT INTO dashboard_indicatorsnapshot (date, region_id, code, value, numerator, denominator,
                evidence_url, computed_at)
            SELECT s.date - d, s.region_id, s.code, s.value, s.numerator, s.denominator, s.evidence_url, s.computed_at
            FROM dashboard_indicatorsnapshot s, generate_series(1, %s) AS d WHERE s.date = %s
        """,
            [args.history_days, timezone.localdate()],
        )
        cur.execute("ANALYZE dashboard_indicatorsnapshot")
        cur.execute("SELECT count(*) FROM dashboard_indicatorsnapshot")
        kept = cur.fetchone()[0]
    print(f"snapshot history: {kept:,} rows ({args.history_days} earlier days, {time.perf_counter() - t:.1f} s)")

    user, _ = User.objects.get_or_create(
        username="bench-diqu",
        defaults={
            "role": Role.PREFECTURE_ADMIN,
            "region": Region.objects.get(code="232700000000"),
            "full_name": "bench",
        },
    )
    client = Client()
    client.force_login(user)

    def measure(label: str, url: str, params=None) -> None:
        client.get(url, params or {})  # warm up
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            response = client.get(url, params or {})
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        print(f"{label}: median {statistics.median(times):.0f} ms, max {max(times):.0f} ms ({args.runs} runs)")

    measure("prefecture dashboard /dashboard/", "/dashboard/")
    measure("county dashboard /dashboard/232722000000/", "/dashboard/232722000000/")
    measure("prefecture dashboard as of a date", "/dashboard/", {"date": timezone.localdate().isoformat()})
    measure("figure page (history + ranking)", "/dashboard/232700000000/figure/", {"i": "registry.monitored_share"})
    kind, start, end = reports.parse_period(f"{timezone.localdate():%Y-%m}")
    t = time.perf_counter()
    reports.report_generate(actor=None, region=Region.objects.get(code="232700000000"), kind=kind, start=start, end=end)
    print(f"prefecture monthly report (.docx + PDF + .xlsx): {time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    main()
