"""Find, fix, close: one mechanism for every rectification ledger, tracked to zero as of any date."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from zhenxing.accounts import scope
from zhenxing.ledger import selectors, services
from zhenxing.ledger.models import ItemStatus, RectificationItem

from .conftest import D


def _open(w, types, region, *, kind="water", found=D(2022, 1, 10), deadline=D(2022, 1, 31), actor=None):
    return services.rectification_item_open(
        actor=actor or w.tahe,
        type=types[kind],
        region=region,
        problem="问题",
        source="self_check",
        found_on=found,
        deadline=deadline,
    )


def test_a_screening_alert_opens_an_item_once(w, types):
    kwargs = dict(
        kind="housing",
        region=w.r.fendou,
        source_label="住建部门危房预警",
        source_ref="ALERT-17",
        problem="房屋鉴定为C级",
    )
    first = services.rectification_item_open_from_source(actor=w.shibazhan, **kwargs)
    again = services.rectification_item_open_from_source(actor=w.shibazhan, **kwargs)
    assert first.pk == again.pk
    assert (first.type.code, first.source, first.status) == ("housing", "screening", ItemStatus.PENDING)
    assert first.deadline == first.found_on + __import__("datetime").timedelta(days=60)


def test_a_new_alert_after_close_opens_a_new_item(w, types):
    kwargs = dict(kind="water", region=w.r.fendou, source_label="水务预警", source_ref="ALERT-9", problem="水质")
    first = services.rectification_item_open_from_source(actor=w.tahe, **kwargs)
    services.item_transition(actor=w.fendou, item=first, action="fix", evidence="已更换管线")
    services.item_transition(actor=w.shibazhan, item=first, action="verify")
    second = services.rectification_item_open_from_source(actor=w.tahe, **kwargs)
    assert second.pk != first.pk


def test_an_unknown_kind_is_refused(w, types):
    with pytest.raises(ValidationError, match="未知的整改台账类型"):
        services.rectification_item_open_from_source(
            actor=w.tahe, kind="roads", region=w.r.fendou, source_label="", source_ref="X1", problem="路"
        )


def test_the_village_fixes_and_the_level_above_verifies(w, types):
    item = _open(w, types, w.r.fendou)
    with pytest.raises(ValidationError, match="整改佐证"):
        services.item_transition(actor=w.fendou, item=item, action="fix")
    services.item_transition(actor=w.fendou, item=item, action="fix", evidence="照片", on=D(2022, 1, 20))
    with pytest.raises(ValidationError, match="无权"):
        services.item_transition(actor=w.fendou, item=item, action="verify")
    with pytest.raises(ValidationError, match="无权"):
        services.item_transition(actor=w.kaikukang_town, item=item, action="verify")
    services.item_transition(actor=w.shibazhan, item=item, action="verify", on=D(2022, 1, 25))
    item.refresh_from_db()
    assert (item.status, item.closed_on) == (ItemStatus.CLOSED, D(2022, 1, 25))


def test_a_failed_verification_counts_and_clears_the_fix(w, types):
    item = _open(w, types, w.r.fendou)
    services.item_transition(actor=w.fendou, item=item, action="fix", evidence="照片")
    with pytest.raises(ValidationError, match="理由"):
        services.item_transition(actor=w.shibazhan, item=item, action="fail")
    services.item_transition(actor=w.shibazhan, item=item, action="fail", note="仍漏水")
    item.refresh_from_db()
    assert (item.status, item.failed_checks, item.fixed_on) == (ItemStatus.IN_PROGRESS, 1, None)


def test_the_toilet_recheck_reopens_a_closed_item(w, types):
    item = _open(w, types, w.r.yongfeng, kind="toilet")
    services.item_transition(actor=w.yongfeng, item=item, action="fix", evidence="已改造", on=D(2022, 1, 20))
    services.item_transition(actor=w.shibazhan, item=item, action="verify", on=D(2022, 1, 21))
    services.item_transition(actor=w.tahe, item=item, action="recheck_fail", note="回头看：冬季冻堵", on=D(2022, 3, 1))
    item.refresh_from_db()
    assert (item.status, item.closed_on, item.failed_checks, item.recheck_result) == (
        ItemStatus.IN_PROGRESS,
        None,
        1,
        "回头看：冬季冻堵",
    )


def test_open_overdue_closed_and_zero_as_of_any_date(w, types):
    a = _open(w, types, w.r.fendou, found=D(2022, 1, 10), deadline=D(2022, 1, 31))
    _open(w, types, w.r.kaikukang, found=D(2022, 2, 10), deadline=D(2022, 4, 30))
    services.item_transition(actor=w.fendou, item=a, action="fix", evidence="修复", on=D(2022, 2, 20))
    services.item_transition(actor=w.shibazhan, item=a, action="verify", on=D(2022, 3, 5))
    qs = RectificationItem.objects.all()

    def row(node, day, child):
        rows, total = selectors.item_summary(qs, node, day)
        return {r.region.name: (r.open, r.overdue, r.closed, r.at_zero) for r in rows}[child], total

    assert row(w.r.shibazhan, D(2022, 1, 31), "奋斗村")[0] == (1, 0, 0, False)  # due today: not overdue
    assert row(w.r.shibazhan, D(2022, 2, 1), "奋斗村")[0] == (1, 1, 0, False)
    assert row(w.r.shibazhan, D(2022, 2, 20), "奋斗村")[0] == (1, 0, 0, False)  # fixed, awaiting verification
    assert row(w.r.shibazhan, D(2022, 3, 5), "奋斗村")[0] == (0, 0, 1, True)
    assert row(w.r.shibazhan, D(2022, 3, 5), "永丰村")[0] == (0, 0, 0, True)
    tahe_rows, total = row(w.r.tahe, D(2022, 3, 5), "开库康镇")
    assert tahe_rows == (1, 0, 0, False) and (total.open, total.closed, total.at_zero) == (1, 1, False)
    assert row(w.r.tahe, D(2022, 2, 1), "开库康镇")[0] == (0, 0, 0, True)  # found later


def test_a_line_department_sees_only_its_fields_items(w, types):
    _open(w, types, w.r.fendou, kind="water")
    _open(w, types, w.r.fendou, kind="toilet")
    assert scope.scoped(w.yibao, RectificationItem).count() == 0
    assert scope.scoped(w.tahe, RectificationItem).count() == 2
    assert scope.scoped(w.kaikukang, RectificationItem).count() == 0


def test_an_item_outside_the_actors_region_is_refused(w, types):
    with pytest.raises(ValidationError, match="数据权限"):
        _open(w, types, w.r.fendou, actor=w.huma)


def test_an_inspection_finding_becomes_an_item(w, types):
    ins = services.inspection_create(
        actor=w.diqu, kind="prefecture_spot", title="地级抽查", region=w.r.tahe, started_on=D(2022, 10, 1)
    )
    item = services.inspection_finding_add(actor=w.diqu, inspection=ins, region=w.r.kaikukang, problem="公示未更新")
    assert (item.source, item.inspection_id, item.type.code, item.found_on) == (
        "inspection",
        ins.pk,
        "inspection",
        D(2022, 10, 1),
    )
    with pytest.raises(ValidationError, match="被督导区划"):
        services.inspection_finding_add(actor=w.diqu, inspection=ins, region=w.r.huma_village, problem="x")


def test_a_line_department_opens_only_its_own_fields_items(w, types):
    with pytest.raises(ValidationError, match="本行业"):
        services.rectification_item_open(
            actor=w.yibao, type=types["water"], region=w.r.fendou, problem="p", source="self_check"
        )
