"""Concurrent redemptions of the last item in stock: exactly one succeeds, stock never below zero.

Real concurrent transactions: each thread has its own database connection and commits. Runs on
PostgreSQL; skipped on SQLite, whose in-memory test database cannot be shared between threads'
connections and which serialises all writers anyway (the CHECK constraints still apply there).
"""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from zhenxing.people import models as m
from zhenxing.people import points
from zhenxing.registry.testing import make_household

pytestmark = pytest.mark.skipif(
    connection.vendor == "sqlite", reason="需要 PostgreSQL 的并发事务（SQLite 测试库不能跨线程共享）"
)


def _race(n, work):
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i):
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except ValidationError as exc:
            results[i] = exc
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_last_item_in_stock_is_not_oversold(w):
    households = [make_household(village=w.r.fendou) for _ in range(4)]
    for h in households:
        m.PointAccount.objects.create(household=h, balance=100, earned=100)
    item = m.StoreItem.objects.create(village=w.r.fendou, name="暖水瓶", price=40, stock=1)

    results = _race(4, lambda i: points.redeem(actor=w.fendou, household=households[i], item=item))

    done = [r for r in results if isinstance(r, m.Redemption)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(done) == 1 and len(refused) == 3, results
    assert all("库存不足" in " ".join(r.messages) for r in refused)
    item.refresh_from_db()
    assert item.stock == 0
    assert m.Redemption.objects.filter(item=item).count() == 1
    assert sorted(m.PointAccount.objects.filter(household__in=households).values_list("balance", flat=True)) == [
        60,
        100,
        100,
        100,
    ]


@pytest.mark.django_db(transaction=True)
def test_one_balance_is_not_spent_twice(w):
    h = make_household(village=w.r.fendou)
    m.PointAccount.objects.create(household=h, balance=50, earned=50)
    items = [m.StoreItem.objects.create(village=w.r.fendou, name=f"商品{i}", price=40, stock=5) for i in range(3)]

    results = _race(3, lambda i: points.redeem(actor=w.fendou, household=h, item=items[i]))

    assert sum(isinstance(r, m.Redemption) for r in results) == 1, results
    assert sum(isinstance(r, ValidationError) and "余额不足" in " ".join(r.messages) for r in results) == 2
    assert m.PointAccount.objects.get(household=h).balance == 10
