"""Benchmark: a distribution for 100,000 members and the 三资 summary of every village of the prefecture.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zx_collective_bench \
        .venv/bin/python bench/collective_bench.py [--members 100000] [--entries 48] \
        [--villages-per-township 10] [--repeat 5]

The database is migrated, the collective tables are emptied, the built-in region tree is loaded.
The shipped tree stops at the prefecture's 43 townships (its villages are only the 22 demo
ones), so the script adds ``--villages-per-township`` synthetic villages under every township
(codes ...25x..., marked 示例) to reach a prefecture-sized set. Every village gets an
organisation, ``--entries`` journal entries over two years, two contracts with their yearly
payments (one in arrears), a debt and a claim partly settled (bulk-inserted); one organisation
gets ``--members`` confirmed members with a 人口股 and most a 劳龄股 (fake ID hashes: the
distribution does not read the registry). Timed:

- the distribution drafted through the job queue (kind ``collective.distribution``, run inline):
  allocation to the fen, 100,000 lines written and audited; then a redraft;
- ``village_figures`` (经营性收入 this year and last, income, expense, 薄弱村) for every village;
- ``campaign`` (清化收: contracts, problems, arrears, collected, debts, resolved) for every village;
- every collective indicator's bulk form (``by_region``) and the snapshot's roll-up of it over
  every region node (``dashboard.services.compute_all``);
- GET /collective/ as the prefecture administrator (the same summary rendered).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
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
    return {"p50": statistics.median(samples), "max": samples[-1]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=48)
    parser.add_argument("--villages-per-township", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    settings.JOB_RUNNER = "inline"
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0)
    from zhenxing.accounts.models import Role, User
    from zhenxing.audit.context import bulk_logged
    from zhenxing.collective import selectors
    from zhenxing.collective.books import _yearly_due
    from zhenxing.collective.indicators import INDICATORS
    from zhenxing.collective.jobs import DRAFT
    from zhenxing.collective.models import (
        CollectiveMember,
        Contract,
        ContractPayment,
        Debt,
        JournalEntry,
        Organisation,
        ShareHolding,
    )
    from zhenxing.dashboard.services import compute_all
    from zhenxing.jobs.services import job_enqueue
    from zhenxing.regions.models import Level, Region
    from zhenxing.regions.services import regions_load_builtin

    with connection.cursor() as cur:
        cur.execute(
            "TRUNCATE collective_distributionline, collective_distribution, collective_journalentry, "
            "collective_contractpayment, collective_contract, collective_resource, collective_sharechange, "
            "collective_shareholding, collective_memberevent, collective_disclosure, collective_collectivemember, "
            "collective_organisation, collective_contractproblem, collective_debt CASCADE"
        )
    regions_load_builtin()
    synthetic = []
    for town in Region.objects.filter(level=Level.TOWNSHIP).order_by("code"):
        for k in range(args.villages_per_township):
            code = f"{town.code[:9]}{250 + k:03d}"
            synthetic.append(
                Region(
                    code=code,
                    name=f"{town.name}基准村{k + 1}",
                    level=Level.VILLAGE,
                    parent=town,
                    path=f"{town.path}{code}/",
                    depth=town.depth + 1,
                    is_sample=True,
                )
            )
    Region.objects.bulk_create(synthetic, ignore_conflicts=True)
    villages = list(Region.objects.filter(level=Level.VILLAGE).order_by("code"))
    today = dt.date.today()
    t0 = time.perf_counter()
    with bulk_logged():
        orgs = Organisation.objects.bulk_create(
            Organisation(village=v, name=f"{v.name}股份经济合作社", collective_shares=Decimal("10")) for v in villages
        )
        entries = []
        for i, org in enumerate(orgs):
            for k in range(args.entries):
                day = today - dt.timedelta(days=15 * k + 1)
                entries.append(
                    JournalEntry(
                        organisation=org,
                        date=day,
                        category=("operating", "contracting", "subsidy", "management")[k % 4],
                        amount=Decimal(1000 + (i * 37 + k * 11) % 4000),
                        summary="基准数据",
                    )
                )
        JournalEntry.objects.bulk_create(entries, batch_size=10_000)
        contracts = Contract.objects.bulk_create(
            Contract(
                organisation=org,
                code=f"BENCH-{org.village.code}-{k}",
                party="基准承包方",
                subject="集体土地",
                start=dt.date(today.year - 2, 3, 1),
                end=dt.date(today.year + 3, 2, 28),
                annual_price=Decimal(5000 + 1000 * k),
                award_method="democratic",
            )
            for org in orgs
            for k in (1, 2)
        )
        payments = []
        for c in contracts:
            for n, due in enumerate(_yearly_due(c.start, c.end)):
                paid = due < today and (c.code.endswith("-1") or n == 0)  # contract 2 owes from its second year
                payments.append(
                    ContractPayment(
                        contract=c,
                        due_on=due,
                        amount=c.annual_price,
                        paid_amount=c.annual_price if paid else 0,
                        paid_on=due if paid else None,
                    )
                )
        ContractPayment.objects.bulk_create(payments, batch_size=10_000)
        Debt.objects.bulk_create(
            Debt(
                organisation=org,
                kind=kind,
                counterparty="基准对方",
                amount=Decimal(8000),
                settled=Decimal(3000),
                incurred_on=dt.date(2020, 1, 1),
                cause="基准",
            )
            for org in orgs
            for kind in ("debt", "claim")
        )
        big = orgs[0]
        members = CollectiveMember.objects.bulk_create(
            (
                CollectiveMember(
                    organisation=big,
                    id_hash=hashlib.sha256(f"bench-{n}".encode()).hexdigest(),
                    state="confirmed",
                    applied_on=today,
                    confirmed_on=today,
                    labour_years=n % 31,
                )
                for n in range(args.members)
            ),
            batch_size=10_000,
        )
        ShareHolding.objects.bulk_create(
            [ShareHolding(member=m, kind="population", shares=Decimal("1")) for m in members]
            + [
                ShareHolding(member=m, kind="labour", shares=Decimal(m.labour_years) / 10)
                for m in members
                if m.labour_years
            ],
            batch_size=10_000,
        )
    print(
        f"data: {len(villages)} villages, {len(entries)} journal entries, {len(members)} members "
        f"({time.perf_counter() - t0:.1f} s)"
    )

    def draft():
        job = job_enqueue(
            actor=None,
            kind=DRAFT,
            payload={
                "organisation": big.pk,
                "year": today.year - 1,
                "distributable_total": "1234567.89",
                "reserve_rate": "0.3",
            },
        )
        assert job.state == "done", job.error
        plan = big.distributions.get(year=today.year - 1)
        assert sum(plan.lines.values_list("amount", flat=True)) == plan.dividend_total

    t = time.perf_counter()
    draft()
    print(f"distribution job (first) {(time.perf_counter() - t) * 1000:.0f} ms")
    print("distribution job (redraft: old lines out, new lines in)", timed(draft, args.repeat))
    every = Organisation.objects.all()
    print(f"{every.count()} organisations")
    print("village_figures", timed(lambda: selectors.village_figures(every, today.year), args.repeat))
    print("campaign (清化收)", timed(lambda: selectors.campaign(every, today), args.repeat))
    print("indicators by_region (all)", timed(lambda: [i.by_region(today) for i in INDICATORS], args.repeat))
    nodes = list(Region.objects.all())
    print(
        f"indicators rolled up over {len(nodes)} nodes (compute_all)",
        timed(lambda: [compute_all(i, nodes, today) for i in INDICATORS], args.repeat),
    )
    admin = User.objects.filter(username="bench-diqu").first()
    if admin is None:
        admin = User.objects.create(
            username="bench-diqu",
            role=Role.PREFECTURE_ADMIN,
            region=Region.objects.get(code="232700000000"),
            must_change_password=False,
        )
    client = Client()
    client.force_login(admin)

    def page():
        assert client.get("/collective/").status_code == 200

    print("GET /collective/", timed(page, args.repeat))


if __name__ == "__main__":
    main()
