from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from zhenxing.lib.workdays import CALENDAR
from zhenxing.monitoring import services
from zhenxing.monitoring.testing import advance, demo_standard
from zhenxing.registry.testing import make_household


@pytest.fixture
def std(db):
    """The demo standard with every limit in 自然日: the tests around it count from the real today,
    which may lie in a year the working-day calendar does not know yet (test_workday_limits.py
    covers 工作日 on fixed dates)."""
    standard = demo_standard(2022)
    standard.home_check_unit = CALENDAR
    standard.save()
    return standard


@pytest.fixture
def household(w):
    return make_household(village=w.r.fendou)


@pytest.fixture
def new_case(w, std):
    """``new_case(village=..., days_ago=40, **kw)``: a freshly discovered case in that village."""

    def _make(
        *, village=None, days_ago: int = 40, formerly_poor: bool = False, risk_types=("07",), members=None, actor=None
    ):
        village = village or w.r.fendou
        h = make_household(village=village, formerly_poor=formerly_poor, members=members)
        return services.case_discover(
            actor=actor,
            household=h,
            channel="cadre_visit",
            risk_types=list(risk_types),
            discovered_on=timezone.localdate() - dt.timedelta(days=days_ago),
        )

    return _make


@pytest.fixture
def drive(w):
    """``drive(case, "monitored")``: along the happy path by 奋斗村, 十八站乡 and 塔河县."""

    def _drive(case, to, **kw):
        return advance(case, to=to, village=w.fendou, township=w.shibazhan, county=w.tahe, **kw)

    return _drive
