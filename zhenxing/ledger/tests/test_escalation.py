"""Escalation: the system proposes 约谈提醒 → 挂牌督办 → 通报批评 → 责任追究; the prefecture decides."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from zhenxing.ledger import selectors, services
from zhenxing.ledger.models import EscalationRule, Notice, Unit

from .conftest import D


@pytest.fixture
def item(w, types, rules):
    unit = services.unit_ensure(name="塔河县水务局", region=w.r.tahe)
    return services.rectification_item_open(
        actor=w.tahe,
        type=types["water"],
        region=w.r.fendou,
        problem="断水",
        source="self_check",
        found_on=D(2022, 1, 1),
        deadline=D(2022, 1, 31),
        responsible_unit=unit,
    )


def test_the_ladder_is_data(rules):
    assert list(EscalationRule.objects.order_by("order").values_list("name", flat=True)) == [
        "约谈提醒",
        "挂牌督办",
        "通报批评",
        "责任追究",
    ]


def test_nothing_is_proposed_on_the_deadline_day(item):
    assert services.escalation_next(item, D(2022, 1, 31)) is None
    assert services.escalation_next(item, D(2022, 2, 1)).name == "约谈提醒"


def test_the_next_step_waits_for_the_decision_on_the_previous_one(w, item):
    services.escalation_decide(
        actor=w.diqu,
        item=item,
        rule=services.escalation_next(item, D(2022, 2, 1)),
        outcome="applied",
        document="大振督〔2022〕1号",
        on=D(2022, 2, 1),
    )
    assert services.escalation_next(item, D(2022, 3, 1)) is None  # 29 days overdue
    assert services.escalation_next(item, D(2022, 3, 2)).name == "挂牌督办"  # 30 days


def test_declining_still_moves_the_ladder_on(w, item):
    first = services.escalation_next(item, D(2022, 2, 1))
    services.escalation_decide(
        actor=w.diqu, item=item, rule=first, outcome="declined", note="已在整改", on=D(2022, 2, 1)
    )
    assert services.escalation_next(item, D(2022, 5, 1)).name == "挂牌督办"


def test_fixed_badly_more_than_once_proposes_admonition_even_before_the_deadline(w, item):
    for _ in range(2):
        services.item_transition(actor=w.fendou, item=item, action="fix", evidence="修", on=D(2022, 1, 5))
        services.item_transition(actor=w.shibazhan, item=item, action="fail", note="未修好", on=D(2022, 1, 6))
    item.refresh_from_db()
    assert item.failed_checks == 2
    assert services.escalation_next(item, D(2022, 1, 7)).name == "约谈提醒"
    assert [i.pk for i, _ in selectors.escalation_proposals(w.diqu, D(2022, 1, 7))] == [item.pk]


def test_a_closed_item_proposes_nothing(w, item):
    services.item_transition(actor=w.fendou, item=item, action="fix", evidence="修", on=D(2022, 2, 5))
    services.item_transition(actor=w.shibazhan, item=item, action="verify", on=D(2022, 2, 6))
    assert services.escalation_next(item, D(2022, 6, 1)) is None


def test_only_the_prefecture_decides_and_only_the_proposed_step(w, item):
    rules = list(EscalationRule.objects.order_by("order"))
    with pytest.raises(ValidationError, match="地区"):
        services.escalation_decide(
            actor=w.tahe, item=item, rule=rules[0], outcome="applied", document="x", on=D(2022, 2, 1)
        )
    with pytest.raises(ValidationError, match="挂牌督办"):
        services.escalation_decide(
            actor=w.diqu, item=item, rule=rules[1], outcome="applied", document="x", on=D(2022, 6, 1)
        )
    with pytest.raises(ValidationError, match="文件"):
        services.escalation_decide(actor=w.diqu, item=item, rule=rules[0], outcome="applied", on=D(2022, 2, 1))


def test_a_decision_is_on_the_units_record_and_notified(w, item):
    services.escalation_decide(
        actor=w.diqu,
        item=item,
        rule=EscalationRule.objects.get(order=1),
        outcome="applied",
        people="张某（示例）",
        document="大振督〔2022〕2号",
        on=D(2022, 2, 3),
    )
    unit = Unit.objects.get(name="塔河县水务局")
    record = selectors.unit_record(unit)
    assert [(d.rule.name, d.people) for d in record["decisions"]] == [("约谈提醒", "张某（示例）")]
    assert Notice.objects.filter(recipient=w.tahe, kind="escalation").exists()


def test_the_unit_page_shows_its_history(w, item, login):
    services.escalation_decide(
        actor=w.diqu,
        item=item,
        rule=EscalationRule.objects.get(order=1),
        outcome="applied",
        document="大振督〔2022〕2号",
        on=D(2022, 2, 3),
    )
    unit = Unit.objects.get(name="塔河县水务局")
    page = login(w.tahe).get(f"/ledger/units/{unit.pk}/").content.decode()
    assert "约谈提醒" in page and "大振督〔2022〕2号" in page and "断水" in page
    assert login(w.huma).get(f"/ledger/units/{unit.pk}/").status_code == 404


def test_the_prefecture_changes_when_a_step_is_proposed(w, item, login):
    rule = EscalationRule.objects.get(order=1)
    response = login(w.diqu).post(
        "/ledger/escalations/", {"rule": rule.pk, "min_overdue_days": "10", "min_failed_checks": ""}
    )
    assert response.status_code == 302
    assert services.escalation_next(item, D(2022, 2, 9)) is None
    assert services.escalation_next(item, D(2022, 2, 10)).name == "约谈提醒"
    assert login(w.tahe).post("/ledger/escalations/", {"rule": rule.pk, "min_overdue_days": "1"}).status_code == 403
