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


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def issued_alert(w):
    """A screening alert of a 奋斗村 household, issued to the village for its home check."""
    from zhenxing.screening.models import Alert, AlertState

    h = make_household(village=w.r.fendou)
    return Alert.objects.create(
        rule="medical",
        rule_name="医疗费用个人负担过重",
        risk_types=["04"],
        subject=f"h{h.pk}",
        household=h,
        village=w.r.fendou,
        state=AlertState.ISSUED,
        raised_at=timezone.now(),
        updated_at=timezone.now(),
        verify_due=timezone.localdate() + dt.timedelta(days=10),
    )
