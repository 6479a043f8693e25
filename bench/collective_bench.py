"""Benchmark: a distribution for 100,000 members and the 三资 summary of every village.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zx_collective_bench \
        .venv/bin/python bench/collective_bench.py [--members 100000] [--entries 48] [--repeat 5]

The database is migrated, the collective tables are emptied, the built-in region tree (with the
demo villages) is loaded; every village gets an organisation and ``--entries`` journal entries
over two years (bulk-inserted), and one organisation gets ``--members`` confirmed members with a
人口股 and a 劳龄股 each (fake ID hashes: the distribution does not read the registry). Timed:

- ``distribution_draft`` for the big organisation (allocation to the fen, 100,000 lines written);
- ``village_figures`` (经营性收入 this year and last, income, expense, 薄弱村) for every village;
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
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0)
    from zhenxing.accounts.models import Role, User
    from zhenxing.audit.context import bulk_logged
    from zhenxing.collective import selectors, services
    from zhenxing.collective.models import (
        CollectiveMember,
        JournalEntry,
        Organisation,
        ShareHolding,
    )
    from zhenxing.regions.models import Level, Region
    from zhenxing.regions.services import regions_load_builtin

    with connection.cursor() as cur:
        cur.execute(
            "TRUNCATE collective_distributionline, collective_distribution, collective_journalentry, "
            "collective_contractpayment, collective_contract, collective_resource, collective_sharechange, "
            "collective_shareholding, collective_memberevent, collective_disclosure, collective_collectivemember, "
            "collective_organisation CASCADE"
        )
    regions_load_builtin()
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
        plan = services.distribution_draft(
            actor=None, organisation=big, year=today.year - 1, distributable_total="1234567.89", reserve_rate="0.3"
        )
        assert sum(plan.lines.values_list("amount", flat=True)) == plan.dividend_total

    t = time.perf_counter()
    draft()
    print(f"distribution_draft (first) {(time.perf_counter() - t) * 1000:.0f} ms")
    print("distribution_draft (redraft: old lines out, new lines in)", timed(draft, args.repeat))
    every = Organisation.objects.all()
    print("village_figures", timed(lambda: selectors.village_figures(every, today.year), args.repeat))
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
