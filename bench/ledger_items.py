"""Rectification ledger at scale: the as-of-date zero summary, the computed indicators and the
first list page over N items (default 100,000) spread over every village of the prefecture.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zx_ledger .venv/bin/python bench/ledger_items.py [N]

Writes into the database named by DATABASE_URL (creates its own items, marked BENCH-, and
removes them at the end)."""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenxing.settings.base")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from zhenxing.accounts.models import Role, User  # noqa: E402
from zhenxing.ledger import selectors, services  # noqa: E402
from zhenxing.ledger.models import ItemEvent, ItemStatus, RectificationItem  # noqa: E402
from zhenxing.lib.modules import indicators  # noqa: E402
from zhenxing.regions.models import Level, Region  # noqa: E402
from zhenxing.regions.services import regions_load_builtin  # noqa: E402


def timed(label, fn, repeat=3):
    best = None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - t
        best = elapsed if best is None else min(best, elapsed)
    print(f"{label:<48} {best * 1000:8.1f} ms")
    return result


def main(n: int) -> None:
    call_command("migrate", verbosity=0)
    regions_load_builtin()
    types = list(services.types_ensure().values())
    villages = list(Region.objects.filter(level=Level.VILLAGE))
    admin = User.objects.filter(username="bench-diqu").first() or User.objects.create_user(
        username="bench-diqu", password="x", role=Role.PREFECTURE_ADMIN, region=Region.objects.get(code="232700000000")
    )
    rng = random.Random(7)
    start = dt.date(2022, 1, 1)
    t = time.perf_counter()
    with transaction.atomic():
        items, events = [], []
        for i in range(n):
            found = start + dt.timedelta(days=rng.randrange(330))
            deadline = found + dt.timedelta(days=rng.choice([30, 60, 90]))
            closed = found + dt.timedelta(days=rng.randrange(120)) if rng.random() < 0.7 else None
            items.append(
                RectificationItem(
                    type=rng.choice(types),
                    region=rng.choice(villages),
                    source="self_check",
                    source_ref=f"BENCH-{i}",
                    problem="基准测试事项",
                    found_on=found,
                    deadline=deadline,
                    closed_on=closed,
                    status=ItemStatus.CLOSED if closed else ItemStatus.IN_PROGRESS,
                )
            )
        RectificationItem.objects.bulk_create(items, batch_size=5000)
        for it in items:
            events.append(ItemEvent(item=it, action="open", to_status=ItemStatus.PENDING, on=it.found_on))
            if it.closed_on:
                events.append(
                    ItemEvent(
                        item=it,
                        action="verify",
                        from_status=ItemStatus.AWAITING_VERIFICATION,
                        to_status=ItemStatus.CLOSED,
                        on=it.closed_on,
                    )
                )
        ItemEvent.objects.bulk_create(events, batch_size=10000)
    print(f"load {n} items, {len(events)} events: {time.perf_counter() - t:.1f} s")
    try:
        prefecture = Region.objects.get(code="232700000000")
        tahe = Region.objects.get(code="232722000000")
        as_of = dt.date(2022, 9, 30)
        qs = selectors.items(admin)
        timed("zero summary, prefecture node, as of a date", lambda: selectors.item_summary(qs, prefecture, as_of))
        timed("zero summary, county node, as of a date", lambda: selectors.item_summary(qs, tahe, as_of))
        inds = indicators()
        for code in ("ledger.rectification_on_time", "ledger.rectification_overdue"):
            timed(
                f"{code}, 4 counties", lambda c=code: [inds[c].compute(r, as_of) for r in services.counties(prefecture)]
            )
        timed("item list, first page of 100", lambda: list(qs.order_by("-id")[:100]))
        timed("escalation proposals (first 500)", lambda: selectors.escalation_proposals(admin, as_of), repeat=1)
    finally:
        with transaction.atomic():
            ItemEvent.objects.filter(item__source_ref__startswith="BENCH-").delete()
            RectificationItem.objects.filter(source_ref__startswith="BENCH-").delete()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
