from __future__ import annotations

import datetime as dt

import pytest

from zhenxing.people import models as m
from zhenxing.registry.testing import make_household, members_of


@pytest.fixture
def hh(w):
    """Two households in 奋斗村 (one formerly poor), one in 开库康村."""
    poor = make_household(village=w.r.fendou, formerly_poor=True)
    plain = make_household(village=w.r.fendou)
    far = make_household(village=w.r.kaikukang, formerly_poor=True)
    return type(
        "HH",
        (),
        {
            "poor": poor,
            "plain": plain,
            "far": far,
            "poor_m": members_of(poor),
            "plain_m": members_of(plain),
            "far_m": members_of(far),
        },
    )


@pytest.fixture
def rules(w):
    return {
        "work": m.PointRule.objects.create(
            village=w.r.fendou, category=m.PointCategory.PUBLIC_WORKS, name="义务劳动", points=10
        ),
        "frugal": m.PointRule.objects.create(
            village=w.r.fendou, category=m.PointCategory.CUSTOMS, name="红白事简办", points=30
        ),
        "lavish": m.PointRule.objects.create(
            village=w.r.fendou, category=m.PointCategory.CUSTOMS, name="大操大办", points=-20
        ),
        "far": m.PointRule.objects.create(
            village=w.r.kaikukang, category=m.PointCategory.TIDY_HOME, name="美丽庭院", points=10
        ),
    }


TODAY = dt.date(2026, 6, 15)
