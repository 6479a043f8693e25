"""Benchmark: county fund figures and the public pages at 10,000 projects and 1,000,000 payments.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zx_funds_bench \
        .venv/bin/python bench/funds_figures.py [--projects 10000] [--payments 1000000] [--repeat 30]

PostgreSQL only (the data is generated set-based with generate_series). The database is
migrated and the funds tables are emptied first. Projects, allocations and assignments are
bulk-inserted; payments are generated in SQL; the project totals and the county-month
aggregate are then set from the payments (``figures_rebuild``, the same aggregate the payment
services keep incrementally). Timed, server side through Django's test client:

- the figures selector for one county-year;
- the staff page /funds/?region=…&year=2022 (logged in as county staff);
- the public progress page of a county (2,500 projects; paged) and the public county index;
- one payment through the service (its F() updates and the aggregate upsert);
- a leakage check run over one county.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenxing.settings.base")


def timed(fn, repeat: int) -> dict:
    fn()  # warm-up
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return {"p50": statistics.median(samples), "p95": samples[int(len(samples) * 0.95) - 1], "max": samples[-1]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--payments", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client

    assert connection.vendor == "postgresql", "本基准测试需要 PostgreSQL（DATABASE_URL）"
    call_command("migrate", verbosity=0)
    from zhenxing.accounts.models import Role, User
    from zhenxing.audit.context import bulk_logged
    from zhenxing.funds import leakage, selectors, services
    from zhenxing.funds.models import (
        Allocation,
        Assignment,
        CountyMonthFigure,
        Disclosure,
        LeakageFinding,
        Payment,
        Project,
        ProjectTransition,
    )
    from zhenxing.regions.models import Level, Region
    from zhenxing.regions.services import regions_load_builtin

    regions_load_builtin()
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        tables = [
            m._meta.db_table
            for m in (
                LeakageFinding,
                Disclosure,
                Payment,
                Assignment,
                ProjectTransition,
                CountyMonthFigure,
                Allocation,
                Project,
            )
        ]
        cur.execute(f"TRUNCATE {', '.join(tables)}, assets_asset CASCADE")
    counties = list(
        Region.objects.filter(code__in=["232722000000", "232721000000", "232701000000", "232761000000"]).order_by(
            "code"
        )
    )
    villages = {c.pk: list(Region.objects.filter(level=Level.VILLAGE, path__startswith=c.path)) for c in counties}
    types = ["industry", "industry", "industry", "infrastructure", "employment", "rural_construction"]
    statuses = ["planned", "started", "in_progress", "completed", "accepted"]
    projects = []
    for i in range(args.projects):
        c = counties[i % len(counties)]
        v = villages[c.pk][i % len(villages[c.pk])]
        budget = Decimal(200_000 + (i % 50) * 20_000)
        projects.append(
            Project(
                county=c,
                village=v,
                code=f"B{i:06d}",
                name=f"基准项目{i}",
                type=types[i % len(types)],
                build_type="new",
                year=2022,
                plan_year=2022,
                responsible_unit="乡人民政府",
                tasks="建设任务",
                budget=budget,
                funding_sources="中央衔接资金",
                planned_households=20,
                performance_targets="增收",
                benefit_mechanism="务工带动",
                status=statuses[i % len(statuses)],
                started_on=dt.date(2022, 3, 1),
                assigned_total=budget,
            )
        )
    with bulk_logged(), transaction.atomic():
        Project.objects.bulk_create(projects, batch_size=5000)
        allocs = {}
        for c in counties:
            allocs[c.pk] = Allocation.objects.create(
                county=c,
                year=2022,
                source="central",
                document_number="基准〔2022〕1号",
                issued_on=dt.date(2022, 2, 1),
                amount=Decimal("10000000000"),
            )
        ids = list(Project.objects.values_list("pk", "county_id", "budget"))
        Assignment.objects.bulk_create(
            [
                Assignment(
                    allocation=allocs[cid], project_id=pk, amount=b, document_number="基准", date=dt.date(2022, 2, 15)
                )
                for pk, cid, b in ids
            ],
            batch_size=5000,
        )
        for c in counties:
            Allocation.objects.filter(pk=allocs[c.pk].pk).update(
                assigned_total=sum(b for _, cid, b in ids if cid == c.pk)
            )
    lo = min(pk for pk, _, _ in ids)
    n = len(ids)
    with connection.cursor() as cur:
        # Payments of 20-120 yuan, spread over 2022, to companies; a few per mille to persons.
        cur.execute(f"""
            INSERT INTO funds_payment (project_id, date, amount, payee_name, payee_id_hash, payee_id_masked,
                                       voucher_number, created_at)
            SELECT {lo} + (g % {n}), DATE '2022-03-01' + (g % 300), 20 + (g % 100), '施工单位' || (g % 500), '', '',
                   'BV' || g, now()
            FROM generate_series(1, {args.payments}) AS g""")
        cur.execute("""
            UPDATE funds_project p SET paid_total = s.total
            FROM (SELECT project_id, SUM(amount) AS total FROM funds_payment GROUP BY project_id) s
            WHERE s.project_id = p.id""")
        cur.execute("ANALYZE")
    services.figures_rebuild()
    load_s = time.perf_counter() - t0
    print(
        f"数据生成：{n} 个项目，{Payment.objects.count()} 笔支付，{CountyMonthFigure.objects.count()} 行月度汇总，"
        f"{load_s:.1f} 秒"
    )

    tahe = next(c for c in counties if c.code == "232722000000")
    staff = User.objects.filter(username="bench-tahe").first() or User.objects.create(
        username="bench-tahe", role=Role.COUNTY_STAFF, region=tahe, must_change_password=False
    )
    for kind in ("pool", "plan", "progress"):
        services.disclosure_publish(actor=staff, county=tahe, year=2022, kind=kind, period_start=dt.date(2022, 12, 1))
    staff_client = Client()
    staff_client.force_login(staff)
    public_client = Client()
    results = {}

    def check(response):
        assert response.status_code == 200, response.status_code

    results["figures selector (塔河县 2022)"] = timed(lambda: selectors.figures(tahe, 2022), args.repeat)
    results["GET /funds/?region=塔河县&year=2022"] = timed(
        lambda: check(staff_client.get("/funds/", {"region": tahe.code, "year": 2022})), args.repeat
    )
    results["GET /public/funds/塔河县/2022/progress/"] = timed(
        lambda: check(public_client.get(f"/public/funds/{tahe.code}/2022/progress/")), args.repeat
    )
    results["GET /public/funds/塔河县/2022/pool/?page=5"] = timed(
        lambda: check(public_client.get(f"/public/funds/{tahe.code}/2022/pool/", {"page": 5})), args.repeat
    )
    results["GET /public/funds/塔河县/"] = timed(
        lambda: check(public_client.get(f"/public/funds/{tahe.code}/")), args.repeat
    )
    project = Project.objects.filter(county=tahe).first()
    Project.objects.filter(pk=project.pk).update(assigned_total=project.assigned_total + 1_000_000)
    counter = iter(range(10**6))

    def pay():
        services.payment_create(
            actor=None,
            project=Project.objects.get(pk=project.pk),
            date=dt.date(2022, 7, 1),
            amount="10",
            payee_name="基准",
            voucher_number=f"BX{next(counter)}",
        )

    results["payment_create (service, incl. aggregate)"] = timed(pay, args.repeat)
    t = time.perf_counter()
    with bulk_logged():
        found = leakage.leakage_run(actor=staff)
    results["leakage_run 塔河县 (250,000 payments, once)"] = {
        "p50": (time.perf_counter() - t) * 1000,
        "p95": 0,
        "max": 0,
    }
    print(f"疑点：{found.total}")
    print()
    print("| operation | p50 ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|")
    for name, r in results.items():
        print(f"| {name} | {r['p50']:.1f} | {r['p95']:.1f} | {r['max']:.1f} |")


if __name__ == "__main__":
    main()
