"""Benchmark: the alert list (page and API) at 280,000 and 2,800,000 alerts on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zx_alert_bench \
        .venv/bin/python bench/alert_list.py --alerts 280000 [--runs 30] [--deep 10000]

The alerts are generated set-based in PostgreSQL (``INSERT ... SELECT FROM generate_series``) over
the built-in villages, with the rule, state and department mix of a real run and ~650 bytes of
evidence each (what the 1,000,000-household run wrote); the household is left empty (the list
joins it by primary key, one lookup per row shown). If the table holds a different number of
alerts it is emptied first. Then the figures are recomputed and the tables ANALYZEd, exactly as
a run ends (``screening.figures``), and the real views are timed through Django's test client
(server time: middleware, view, queries, template or JSON; and the Python process's CPU time,
which the load of a shared machine does not inflate): the first page and a deep page
(``--deep`` rows in, reached by its keyset cursor) of the page and of the API, for the
prefecture, one county (塔河县) and one township (十八站乡, the per-village merge). Prints p50/p95
per case and the EXPLAIN ANALYZE of the page's list query.
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

PREFECTURE, COUNTY, TOWNSHIP = "232700000000", "232722000000", "232722200000"


def generate(n: int) -> None:
    from django.db import connection, transaction

    from zhenxing.regions.models import Level, Region
    from zhenxing.screening import rules

    villages = list(Region.objects.filter(level=Level.VILLAGE).order_by("code").values_list("pk", flat=True))
    codes = list(rules.RULES)
    names = [str(rules.RULES[c].name) for c in codes]
    depts = [rules.alert_department(c) for c in codes]
    t = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("TRUNCATE screening_alertnote, screening_recordcorrection, screening_alert, screening_alertcount")
        cur.execute(
            """
            INSERT INTO screening_alert (rule, rule_name, risk_types, severity, subject, household_id, village_id,
                department, state, is_open, metric, limit_value, evidence, evidence_digest, raised_at, updated_at,
                outcome_reason, outcome_evidence, case_ref, item_ref, version)
            SELECT r.code, r.name, '["02"]'::jsonb, 'high', 'b' || g, NULL, v.id, r.dept, s.state,
                   s.state IN ('new', 'issued', 'verifying'), 12345.67, 10000,
                   jsonb_build_object('sub', '', 'record_count', 3, 'records', jsonb_build_array(
                       jsonb_build_object('source', 'medical', 'key', 'A' || g, 'date', '2022-05-01',
                                          'note', '结算 ' || g || ' 个人负担 50000.00 元，超过家庭年纯收入的一半'),
                       jsonb_build_object('source', 'medical', 'key', 'B' || g, 'date', '2022-04-11',
                                          'note', '结算 ' || g || ' 个人负担 12000.00 元（住院）'),
                       jsonb_build_object('source', 'medical', 'key', 'C' || g, 'date', '2022-02-03',
                                          'note', '结算 ' || g || ' 个人负担 800.00 元（门诊）'))),
                   md5(g::text),
                   timestamptz '2024-01-01' + (g * interval '1 second') * (63072000.0 / %(n)s),
                   now(), '', '', '', '', 1
            FROM generate_series(1, %(n)s) g
            CROSS JOIN LATERAL (SELECT (%(villages)s::bigint[])[1 + (hashint4(g) & 2147483647) %% %(nv)s] AS id) v
            CROSS JOIN LATERAL (SELECT (%(codes)s::text[])[1 + g %% %(nc)s] AS code,
                                       (%(names)s::text[])[1 + g %% %(nc)s] AS name,
                                       (%(depts)s::text[])[1 + g %% %(nc)s] AS dept) r
            CROSS JOIN LATERAL (SELECT CASE WHEN g %% 20 < 14 THEN 'new' WHEN g %% 20 < 17 THEN 'issued'
                                            WHEN g %% 20 = 17 THEN 'verifying' WHEN g %% 20 = 18 THEN 'no_risk'
                                            ELSE 'lapsed' END AS state) s
            """,
            {
                "n": n,
                "villages": villages,
                "nv": len(villages),
                "codes": codes,
                "names": names,
                "depts": depts,
                "nc": len(codes),
            },
        )
    print(f"生成 {n:,} 条预警：{time.perf_counter() - t:.0f} 秒", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--alerts", type=int, default=280_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--deep", type=int, default=10_000, help="深页：从第几条开始")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("需要 DATABASE_URL 指向 PostgreSQL（例如 zx_alert_bench）")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction
    from django.test import Client

    from zhenxing.accounts.models import Role, User
    from zhenxing.lib.pagination import cursor_of
    from zhenxing.regions.models import Region
    from zhenxing.regions.services import regions_load_builtin
    from zhenxing.screening import figures, selectors
    from zhenxing.screening.models import Alert

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    regions_load_builtin()
    if Alert.objects.count() != args.alerts:
        generate(args.alerts)
    t = time.perf_counter()
    with transaction.atomic():
        figures.alert_counts_refresh()
    figures.alert_statistics_refresh()
    print(f"计数表重算 + ANALYZE（运行结束时所做）：{time.perf_counter() - t:.1f} 秒", flush=True)

    def user(name, role, code):
        u, _ = User.objects.get_or_create(
            username=name,
            defaults={"role": role, "region": Region.objects.get(code=code), "must_change_password": False},
        )
        return u

    people = {
        "地区": user("bench-diqu", Role.PREFECTURE_ADMIN, PREFECTURE),
        "塔河县": user("bench-tahe", Role.COUNTY_STAFF, COUNTY),
        "十八站乡": user("bench-shibazhan", Role.TOWNSHIP_STAFF, TOWNSHIP),
    }
    print(f"预警 {Alert.objects.count():,} 条", flush=True)
    cases = []
    for who, u in people.items():
        qs = selectors.alerts_for(u)
        in_scope = qs.count()
        deep = min(args.deep, max(in_scope - 60, 0))
        row = qs.order_by("-raised_at", "-id")[deep]
        api_row = qs.order_by("-id")[deep]
        cursor = cursor_of(row, ("-raised_at", "-pk"))
        print(f"{who}：范围内 {in_scope:,} 条", flush=True)
        cases += [
            (f"{who} 页面 第一页", u, "/screening/", {}),
            (f"{who} 页面 深页（第{deep:,}条起）", u, "/screening/", {"cursor": cursor}),
            (f"{who} 页面 状态=核实中", u, "/screening/", {"state": "verifying"}),
            (f"{who} API 第一页", u, "/api/v1/screening/alerts", {"limit": 50}),
            (f"{who} API 深页（第{deep:,}条起）", u, "/api/v1/screening/alerts", {"limit": 50, "after": api_row.pk}),
        ]
    clients = {}
    print(f"\n{'情形':36} {'p50 ms':>8} {'p95 ms':>8} {'CPU p50':>8} {'CPU p95':>8}")
    summary = []
    for label, u, url, params in cases:
        client = clients.get(u.pk)
        if client is None:
            client = clients[u.pk] = Client()
            client.force_login(u)
        times, cpu = [], []
        for i in range(args.runs + 3):
            t, c = time.perf_counter(), time.process_time()
            response = client.get(url, params)
            elapsed, spent = (time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000
            assert response.status_code == 200, (label, response.status_code)
            if i >= 3:  # warm-up
                times.append(elapsed)
                cpu.append(spent)
        times.sort()
        cpu.sort()
        k = max(int(len(times) * 0.95) - 1, 0)
        summary.append((label, statistics.median(times), times[k]))
        print(
            f"{label:36} {statistics.median(times):8.1f} {times[k]:8.1f} {statistics.median(cpu):8.1f} {cpu[k]:8.1f}",
            flush=True,
        )
    print(f"\n最慢 p95：{max(p for _, _, p in summary):.1f} ms")

    print("\nEXPLAIN ANALYZE（页面列表查询）")
    for who, u in people.items():
        rows, _ = selectors.alert_page(u, selectors.alerts_for(u))
        qs = selectors.alerts_for(u).order_by("-raised_at", "-id")[:51]
        print(f"-- {who}（第一页，{len(rows)} 行）")
        print(qs.explain(analyze=True))


if __name__ == "__main__":
    main()
