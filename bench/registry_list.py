"""Benchmark: the household list at 1,000,000 households / ~3,000,000 members on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zx_registry_bench \
        .venv/bin/python bench/registry_list.py [--households 1000000] [--seed 1] [--runs 40]

If the database holds fewer households than asked, the script first generates the registry with
``zhenxing generate`` and loads it through the real importer in chunks of about 50,000 households
(one transaction each). Then it ANALYZEs and times the real list view through Django's
RequestFactory (server time: view + queries + template rendering) for a prefecture account and a
village cadre: the first page, filtered pages, a name search and an exact-ID search. It prints
p50/p95 per case and the EXPLAIN ANALYZE plans of the list queries.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenxing.settings.base")


def load(households: int, seed: int) -> None:
    from zhenxing.registry.generate import generate
    from zhenxing.registry.imports import run_import

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        path = generate(households=households, seed=seed, out_dir=Path(tmp))
        print(f"生成 {households} 户：{time.perf_counter() - t0:.0f} 秒", flush=True)
        with open(path, "rb") as f:
            header = f.readline()
            chunk, current, n = [], None, 0
            for line in f:
                number = line.split(b",", 1)[0]
                if number != current:
                    current = number
                    n += 1
                    if n > 50000:
                        _import(header, chunk, run_import)
                        chunk, n = [], 1
                chunk.append(line)
            _import(header, chunk, run_import)
        print(f"导入完成：{time.perf_counter() - t0:.0f} 秒", flush=True)


def _import(header, lines, run_import):
    t = time.perf_counter()
    report = run_import(header + b"".join(lines), filename="bench-chunk.csv")
    assert report.committed and not report.errors, report.errors[:3]
    print(f"  {len(lines)} 行成员，{report.households.created} 户新增，{time.perf_counter() - t:.0f} 秒", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("需要 DATABASE_URL 指向 PostgreSQL（例如 zx_registry_bench）")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import RequestFactory

    from zhenxing.accounts.models import Role, User
    from zhenxing.regions.models import Region
    from zhenxing.regions.services import regions_load_builtin
    from zhenxing.registry import idnumber, selectors
    from zhenxing.registry.models import Household, Member
    from zhenxing.registry.views import household_list

    call_command("migrate", verbosity=0)
    regions_load_builtin()
    have = Household.objects.count()
    if have < args.households:
        if have:
            sys.exit(f"数据库已有 {have} 户（少于 {args.households}）：请先清空 zx_registry_bench")
        load(args.households, args.seed)
    with connection.cursor() as c:
        c.execute("ANALYZE registry_household; ANALYZE registry_member; ANALYZE regions_region")
    print(f"农户 {Household.objects.count():,} 户，成员 {Member.objects.count():,} 人", flush=True)

    def user(name, role, code):
        u, _ = User.objects.get_or_create(
            username=name,
            defaults={"role": role, "region": Region.objects.get(code=code), "must_change_password": False},
        )
        return u

    diqu = user("bench-diqu", Role.PREFECTURE_ADMIN, "232700000000")
    fendou = user("bench-fendou", Role.VILLAGE_CADRE, "232722200206")
    sample = Member.objects.filter(household__village__code="232722200206").order_by("pk").first()
    id_number = idnumber.decrypt(sample.id_cipher)
    cases = [
        ("地区账户 首页", diqu, {}),
        (
            "地区账户 塔河县+脱贫户+人均纯收入≤10000",
            diqu,
            {"region": "232722000000", "formerly_poor": "1", "income_max": "10000"},
        ),
        ("地区账户 人均纯收入<7000 按收入排序", diqu, {"income_max": "7000", "sort": "income"}),
        ("地区账户 有成员为大病", diqu, {"health": "serious"}),
        ("地区账户 按户主姓名查询", diqu, {"q": sample.household.head_name or sample.name}),
        ("地区账户 按身份证号查询（键控散列）", diqu, {"idh": idnumber.id_hash(id_number)}),
        ("村干部 首页", fendou, {}),
        ("村干部 弱劳动力", fendou, {"labour": "weak"}),
    ]
    rf = RequestFactory()
    print(f"\n{'情形':40} {'p50 ms':>8} {'p95 ms':>8} {'行':>4}")
    for label, u, params in cases:
        times = []
        for i in range(args.runs + 3):
            request = rf.get("/registry/", params)
            request.user = u
            request.session = {}
            request._messages = []
            t = time.perf_counter()
            response = household_list(request)
            elapsed = (time.perf_counter() - t) * 1000
            assert response.status_code == 200
            if i >= 3:  # warm-up
                times.append(elapsed)
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        rows = response.content.decode().count('<tr><td><a href="/registry/')
        print(f"{label:40} {statistics.median(times):8.1f} {p95:8.1f} {rows:4}", flush=True)

    print("\nEXPLAIN ANALYZE（列表查询）")
    for label, u, params in cases[:4]:
        from zhenxing.registry.forms import HouseholdFilterForm

        form = HouseholdFilterForm(params or None, user=u)
        f = form.filters()
        qs = selectors.household_search(user=u, filters=f)
        field, desc = selectors.SORTS[f.sort]
        from django.db.models import F

        qs = qs.order_by(F(field).desc(nulls_last=True) if desc else F(field).asc(nulls_last=True), "pk")[:51]
        print(f"-- {label}")
        print(qs.explain(analyze=True))
    reset_queries()


if __name__ == "__main__":
    main()
