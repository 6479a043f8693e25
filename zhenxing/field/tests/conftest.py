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
    standard = demo_standard(2022)
    standard.home_check_unit = CALENDAR
    standard.save()
    return standard


@pytest.fixture
def make_case(w, std):
    """``make_case(village, to="monitored")``: a case of a new household in that village."""

    def _make(village, *, to: str = "monitored", village_actor=None, township=None):
        h = make_household(village=village)
        case = services.case_discover(
            actor=None,
            household=h,
            channel="cadre_visit",
            risk_types=["07"],
            discovered_on=timezone.localdate() - dt.timedelta(days=60),
        )
        if to != "discovered":
            case = advance(
                case,
                to=to,
                village=village_actor or w.fendou,
                township=township or w.shibazhan,
                county=w.tahe,
            )
        return case

    return _make


@pytest.fixture
def fendou_case(make_case, w):
    return make_case(w.r.fendou)


@pytest.fixture
def kaikukang_case(make_case, w):
    return make_case(w.r.kaikukang, village_actor=w.kaikukang, township=w.kaikukang_town)
