"""Hand-made households for the dashboard tests (figures computed by hand in each test).

奋斗村 (fendou): 4 households
  f1 formerly poor, monitored 脱贫不稳定户, income 6,000/person in 2021  (below 6,800)
  f2 monitored 边缘易致贫户, income exactly 6,800/person            (at the standard: not below)
  f3 formerly poor, eliminated, housing unsafe, income 20,000/person
  f4 not monitored, income 5,000/person (below, unmonitored), water unsafe, 3 members
永丰村 (yongfeng, same township): 2 households
  y1 monitored 突发严重困难户, uninsured, income 30,000/person
  y2 not monitored, income 10,000/person
开库康村 (kaikukang, other township of 塔河县): 1 household
  k1 formerly poor, not monitored, income 6,799.99/person (below), schooling not secured
呼玛县 village (huma_village): 1 household
  h1 monitored 脱贫不稳定户, income 8,000/person
Monitoring standard (monitoring.YearStandard, the single source): 2021 threshold 6,800.
Members: 2 per household except f4 (3): 9 + ... see MEMBERS.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from zhenxing.monitoring.models import YearStandard
from zhenxing.registry.models import Household
from zhenxing.registry.testing import make_household

ONE = [{"name": "户主", "relation": "head"}]
TWO = [{"name": "户主", "relation": "head"}, {"name": "配偶", "relation": "spouse", "male": False}]
THREE = TWO + [{"name": "子女", "relation": "son", "born": dt.date(2010, 5, 1)}]


def _hh(village, members, per_capita, **fields):
    status = fields.pop("status", "none")
    kind = fields.pop("kind", "")
    total = Decimal(str(per_capita)) * len(members)
    h = make_household(village=village, members=members, income={"wage_income": total}, income_year=2021, **fields)
    Household.objects.filter(pk=h.pk).update(monitoring_status=status, monitoring_kind=kind)
    h.refresh_from_db()
    return h


@pytest.fixture
def hh(w):
    YearStandard.objects.create(year=2021, threshold=Decimal("6800"), reference_income=Decimal("17889"))
    r = w.r
    return SimpleNamespace(
        f1=_hh(r.fendou, TWO, 6000, formerly_poor=True, status="monitored", kind="100A03001"),
        f2=_hh(r.fendou, TWO, 6800, status="monitored", kind="100A03002"),
        f3=_hh(r.fendou, TWO, 20000, formerly_poor=True, status="eliminated", kind="100A03001", housing_safe=False),
        f4=_hh(r.fendou, THREE, 5000, water_safe=False),
        y1=_hh(r.yongfeng, TWO, 30000, status="monitored", kind="100A03003", medical_insured=False),
        y2=_hh(r.yongfeng, TWO, 10000),
        k1=_hh(r.kaikukang, TWO, Decimal("6799.99"), formerly_poor=True, schooling_secured=False),
        h1=_hh(r.huma_village, TWO, 8000, formerly_poor=True, status="monitored", kind="100A03001"),
    )
