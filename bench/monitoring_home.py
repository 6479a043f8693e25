"""Benchmark: the county's home page items and the overdue case list over many open cases.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zx_monitoring_bench \
        .venv/bin/python bench/monitoring_home.py --cases 50000

Creates (bulk, outside the services) households and cases in open states across the 塔河县 villages,
then times ``pending(user)`` for the county account and the overdue list query. Destroys nothing
outside its own database; run against a database made for it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenxing.settings.base")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from zhenxing.accounts.models import Role, User  # noqa: E402
from zhenxing.audit.context import bulk_logged  # noqa: E402
from zhenxing.monitoring import pending, selectors  # noqa: E402
from zhenxing.monitoring.models import MonitoringCase  # noqa: E402
from zhenxing.monitoring.testing import demo_standard  # noqa: E402
from zhenxing.regions.models import Level, Region  # noqa: E402
from zhenxing.regions.services import regions_load_builtin  # noqa: E402
from zhenxing.registry.models import Household  # noqa: E402

STATES = [
    "discovered",
    "verified",
    "posting",
    "township_review",
    "county_approval",
    "monitored",
    "elim_check",
    "elim_township_review",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=50000)
    n = parser.parse_args().cases
    call_command("migrate", verbosity=0)
    regions_load_builtin()
    demo_standard(2022)
    tahe = Region.objects.get(code="232722000000")
    villages = list(Region.objects.filter(level=Level.VILLAGE, path__startswith=tahe.path))
    user = User.objects.filter(username="bench-tahe").first() or User.objects.create(
        username="bench-tahe", role=Role.COUNTY_STAFF, region=tahe, must_change_password=False
    )
    if MonitoringCase.objects.count() < n:
        rng = random.Random(1)
        today = dt.date.today()
        with bulk_logged():
            households = Household.objects.bulk_create(
                [
                    Household(number=f"B{i:09d}", village=villages[i % len(villages)], head_name=f"户主{i}")
                    for i in range(n)
                ],
                batch_size=5000,
            )
            cases = []
            for i, h in enumerate(households):
                state = STATES[i % len(STATES)]
                start = today - dt.timedelta(days=rng.randrange(0, 60))
                cases.append(
                    MonitoringCase(
                        number=f"JCB{i:010d}",
                        household=h,
                        village=h.village,
                        channel="cadre_visit",
                        state=state,
                        discovered_on=start,
                        step_since=start,
                        risk_types=["07"],
                        risk_codes="|07|",
                        elimination_proposed_on=start if state.startswith("elim") else None,
                    )
                )
            MonitoringCase.objects.bulk_create(cases, batch_size=5000)
    print(f"cases: {MonitoringCase.objects.count()}")
    for label, fn in [
        ("pending(county)", lambda: pending.pending(user)),
        ("overdue list", lambda: selectors.overdue_cases(user)),
        ("overdue count", lambda: selectors.case_filter(user, overdue=True).count()),
    ]:
        best = None
        for _ in range(3):
            t0 = time.perf_counter()
            result = fn()
            elapsed = time.perf_counter() - t0
            best = elapsed if best is None else min(best, elapsed)
        size = len(result) if isinstance(result, list) else result
        print(f"{label}: {best * 1000:.0f} ms (best of 3; {size} items)")


if __name__ == "__main__":
    main()
