"""Benchmark: import a 100,000-member .xlsx (the standard template) into PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zx_registry_bench_import \
        .venv/bin/python bench/registry_import.py [--members 100000] [--seed 1]

Migrates the database (use its own database: the registry tables are EMPTIED), generates the file with
``zhenxing generate`` (same generator), converts it to .xlsx (ID column as text), then times
the real importer (validation + commit, one transaction) and reports rows/s and peak memory
(max RSS of this process, which also holds the file). A second run of the same file measures
the idempotent re-import (no change).
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenxing.settings.base")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("需要 DATABASE_URL 指向 PostgreSQL（例如 zx_registry_bench）")
    import django

    django.setup()
    import xlsxwriter
    from django.core.management import call_command
    from django.db import connection

    from zhenxing.regions.services import regions_load_builtin
    from zhenxing.registry.generate import generate
    from zhenxing.registry.imports import run_import

    call_command("migrate", verbosity=0)
    regions_load_builtin()
    with connection.cursor() as c:
        c.execute(
            "TRUNCATE registry_memberchange, registry_householdincome, registry_member, registry_household CASCADE"
        )

    with tempfile.TemporaryDirectory() as tmp:
        # about 2.99 members per household
        households = int(args.members / 2.99)
        path = generate(households=households, seed=args.seed, out_dir=Path(tmp))
        with open(path, encoding="utf-8") as f:
            rows = list(csv.reader(f))
        rows = rows[: args.members + 1]
        # do not cut a household in two
        while len(rows) > 2 and rows[-1][0] == rows[-2][0] and rows[-1][6] != "户主" and len(rows) > args.members:
            rows.pop()
        xlsx = Path(tmp) / "households.xlsx"
        book = xlsxwriter.Workbook(str(xlsx), {"constant_memory": True})
        sheet = book.add_worksheet()
        sheet.write(0, 0, "大兴安岭地区农户信息表（基准测试）")
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                sheet.write_string(r, c, value)
        book.close()
        data = xlsx.read_bytes()
        members = len(rows) - 1
        print(f"文件：{members} 行成员，{xlsx.stat().st_size / 1e6:.1f} MB")
        del rows

        with open("/proc/loadavg") as f:
            print(f"负载（loadavg）：{f.read().split()[:3]}")
        with connection.cursor() as c:
            c.execute("SELECT pg_backend_pid()")
            backend = c.fetchone()[0]

        def backend_cpu() -> float:
            # utime + stime of the PostgreSQL backend serving this connection (same machine)
            fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

        pg0 = backend_cpu()
        cpu0 = resource.getrusage(resource.RUSAGE_SELF)
        t0 = time.perf_counter()
        report = run_import(data, filename="bench.xlsx")
        t1 = time.perf_counter()
        cpu1 = resource.getrusage(resource.RUSAGE_SELF)
        cpu = cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime
        pg_cpu = backend_cpu() - pg0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        j = report.as_json()
        assert report.committed and not report.errors, j["errors"][:5]
        print(
            f"首次导入：{t1 - t0:.1f} 秒（本进程 CPU {cpu:.1f} 秒，PostgreSQL 后端 CPU {pg_cpu:.1f} 秒），{members / (t1 - t0):,.0f} 行/秒，"
            f"峰值内存 {peak:,.0f} MB；"
            f"农户 {j['households']}，成员 {j['members']}"
        )
        t0 = time.perf_counter()
        again = run_import(data, filename="bench.xlsx")
        t1 = time.perf_counter()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"重复导入（无变化）：{t1 - t0:.1f} 秒，{members / (t1 - t0):,.0f} 行/秒，峰值内存 {peak:,.0f} MB；"
            f"成员 {again.as_json()['members']}"
        )


if __name__ == "__main__":
    main()
