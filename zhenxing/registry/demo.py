"""Demo registry: a generated set of about 2,000 households (at least 12 in every demo village),
with last year's incomes (the year before ``timezone.localdate()`` at load time), loaded through
the bulk importer. The households count as registered two years before (建档时间), so the
dashboard's monthly history has them. Deterministic (fixed seed) and idempotent: a second run is
an import of the same file, which changes nothing; a run in a later year adds that year's incomes."""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from pathlib import Path

from django.utils import timezone

from .generate import generate
from .imports import run_import
from .models import Household

DEMO_HOUSEHOLDS = 2000
DEMO_SEED = 2022


def load(*, out) -> None:
    today = timezone.localdate()
    with tempfile.TemporaryDirectory(prefix="zx-demo-") as tmp:
        path = generate(households=DEMO_HOUSEHOLDS, seed=DEMO_SEED, out_dir=Path(tmp), year=today.year - 1)
        report = run_import(path.read_bytes(), filename="demo-households.csv", actor=None, only_valid=True)
        with path.open(encoding="utf-8") as f:
            numbers = {row[0] for row in csv.reader(f)} - {"户编号"}
    registered = timezone.make_aware(dt.datetime(today.year - 2, 1, 1))
    Household.objects.filter(number__in=numbers, created_at__gt=registered).update(created_at=registered)
    h, m = report.households, report.members
    out.write(f"农户：新增 {h.created} 户，修改 {h.updated} 户，未变 {h.unchanged} 户；成员：新增 {m.created} 人\n")
    if report.errors:
        out.write(f"农户演示数据有 {len(report.errors)} 处未导入（与已有数据冲突），例如：{report.errors[0]}\n")
