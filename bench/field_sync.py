"""Benchmark: GET /api/v1/field/sync for one village cadre over N households in the village.

    createdb -h 127.0.0.1 -U postgres zx_field_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zx_field_bench \
        .venv/bin/python bench/field_sync.py --households 500 --households 5000

Puts N households (three members each, ID numbers masked) and one open case per 10 households
in a village made for the benchmark (bulk, outside the services), then times through Django's
test client, server side: the first sync (every page of 500 households), a sync with nothing
changed since, a sync after 20 households changed and one after 20 households' members changed. Run against a database made for it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from functools import partial

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenxing.settings.base")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from zhenxing.accounts.models import Role, User  # noqa: E402
from zhenxing.audit.context import bulk_logged  # noqa: E402
from zhenxing.monitoring.models import MonitoringCase  # noqa: E402
from zhenxing.monitoring.testing import demo_standard  # noqa: E402
from zhenxing.regions.models import Level, Region  # noqa: E402
from zhenxing.regions.services import regions_load_builtin  # noqa: E402
from zhenxing.registry.models import Household, Member  # noqa: E402
from zhenxing.registry.services import households_touch  # noqa: E402


def village_with(n: int) -> Region:
    """A benchmark village under 十八站乡 holding exactly n households (made once per size)."""
    township = Region.objects.get(code="232722200000")
    code = f"2327222009{len(str(n)):02d}"
    path = f"{township.path}{code}/"
    village, _ = Region.objects.get_or_create(
        code=code,
        defaults={
            "name": f"基准测试村{n}户",
            "level": Level.VILLAGE,
            "parent": township,
            "path": path,
            "depth": path.count("/") - 1,
            "is_sample": True,
        },
    )
    if Household.objects.filter(village=village).count() >= n:
        return village
    today = dt.date.today()
    with bulk_logged():
        households = Household.objects.bulk_create(
            [
                Household(number=f"F{village.code}{i:06d}", village=village, head_name=f"户主{i}", living_members=3)
                for i in range(n)
            ],
            batch_size=5000,
        )
        members = [
            Member(
                household=h,
                name=f"成员{h.pk}-{j}",
                id_cipher="x",
                id_hash=f"bench-{h.pk}-{j}",
                id_masked="232722********0011",
                relation="head" if j == 0 else "son",
                sex="male",
                birth_date=dt.date(1970 + j * 20, 1, 1),
            )
            for h in households
            for j in range(3)
        ]
        Member.objects.bulk_create(members, batch_size=5000)
        MonitoringCase.objects.bulk_create(
            [
                MonitoringCase(
                    number=f"JCF{h.pk:012d}",
                    household=h,
                    village=village,
                    channel="cadre_visit",
                    state="monitored",
                    discovered_on=today - dt.timedelta(days=30),
                    step_since=today - dt.timedelta(days=30),
                    risk_types=["07"],
                    risk_codes="|07|",
                )
                for h in households[::10]
            ],
            batch_size=5000,
        )
    return village


def sync_all(client: Client, since: str = "") -> tuple[int, int, str]:
    after, pages, rows, server_time = "", 0, 0, ""
    while True:
        body = client.get("/api/v1/field/sync", {"since": since, "after": after, "limit": 500}).json()
        pages += 1
        rows += len(body["households"])
        server_time = server_time or body["server_time"]
        if not body["next"]:
            return pages, rows, server_time
        after = body["next"]


def timed(fn, repeat: int):
    best_wall = best_cpu = None
    result = None
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        best_wall = wall if best_wall is None else min(best_wall, wall)
        best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
    return best_wall, best_cpu, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, action="append")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    regions_load_builtin()
    demo_standard(2022)
    for n in args.households or [500]:
        village = village_with(n)
        user = User.objects.filter(username=f"bench-field-{n}").first() or User.objects.create(
            username=f"bench-field-{n}", role=Role.VILLAGE_CADRE, region=village, must_change_password=False
        )
        client = Client()
        client.force_login(user)
        wall, cpu, (pages, rows, server_time) = timed(partial(sync_all, client), args.repeat)
        print(
            f"{n} households, first sync: {wall * 1000:.0f} ms wall, {cpu * 1000:.0f} ms CPU ({pages} pages, {rows} households)"
        )
        wall, cpu, (pages, rows, _) = timed(partial(sync_all, client, server_time), args.repeat)
        print(
            f"{n} households, nothing changed: {wall * 1000:.0f} ms wall, {cpu * 1000:.0f} ms CPU ({rows} households)"
        )
        mark = timezone.now().isoformat()
        ids = list(Household.objects.filter(village=village).values_list("pk", flat=True)[:20])
        Household.objects.filter(pk__in=ids).update(updated_at=timezone.now())
        wall, cpu, (pages, rows, _) = timed(partial(sync_all, client, mark), args.repeat)
        print(f"{n} households, 20 changed: {wall * 1000:.0f} ms wall, {cpu * 1000:.0f} ms CPU ({rows} households)")
        # a member-only change (member_add, a death, a move…) touches its household (registry.services)
        mark = timezone.now().isoformat()
        ids = list(Household.objects.filter(village=village).values_list("pk", flat=True)[20:40])
        households_touch(ids)
        wall, cpu, (pages, rows, _) = timed(partial(sync_all, client, mark), args.repeat)
        print(
            f"{n} households, 20 members changed: {wall * 1000:.0f} ms wall, {cpu * 1000:.0f} ms CPU ({rows} households)"
        )


if __name__ == "__main__":
    main()
