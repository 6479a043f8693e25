"""Inspectors record inspections, findings (rectification items for the responsible unit) and
follow-ups through the API and the pages, and nothing else; a closed item of a 三保障/饮水 type
secures the household's flag (ledger ↔ registry)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from zhenxing.ledger import services
from zhenxing.ledger.models import Inspection, ItemStatus, RectificationItem, SourceKind
from zhenxing.registry.models import HouseholdFlagChange
from zhenxing.registry.testing import make_household

YESTERDAY = timezone.localdate() - dt.timedelta(days=1)


def post(client, path, body):
    return client.post(f"/api/v1/ledger/{path}", body, content_type="application/json")


def test_inspector_records_an_inspection_with_findings_that_open_items(w, login):
    unit = services.unit_ensure(name="塔河县住建局", region=w.r.tahe)
    client = login(w.ducha)
    response = post(
        client,
        "inspections",
        {
            "region": w.r.tahe.code,
            "date": YESTERDAY.isoformat(),
            "subject": "住房安全专项督查",
            "findings": [
                {"text": "2户C级危房未列入改造计划", "region": w.r.fendou.code},
                {"text": "台账资料不全", "region": w.r.kaikukang.code, "responsible_unit": unit.pk},
            ],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["subject"] == "住房安全专项督查" and body["date"] == YESTERDAY.isoformat()
    items = RectificationItem.objects.filter(inspection_id=body["id"]).order_by("pk")
    assert [(i.region.code, i.source, i.created_by_id) for i in items] == [
        (w.r.fendou.code, SourceKind.INSPECTION, w.ducha.pk),
        (w.r.kaikukang.code, SourceKind.INSPECTION, w.ducha.pk),
    ]
    assert items[1].responsible_unit_id == unit.pk and len(body["findings"]) == 2
    follow = post(client, f"inspections/{body['id']}/follow-ups", {"text": "回访：已列入改造计划"})
    assert follow.status_code == 201 and follow.json()["follow_ups"][0]["text"] == "回访：已列入改造计划"
    added = post(client, f"inspections/{body['id']}/findings", {"text": "公示栏未更新", "region": w.r.fendou.code})
    assert added.status_code == 201 and added.json()["source"] == "inspection"


def test_inspector_still_cannot_write_anywhere_else(w, login):
    client = login(w.ducha)
    assert post(client, "items", {"type": "inspection", "region": w.r.fendou.code, "problem": "x"}).status_code == 403
    item = services.rectification_item_open_from_source(
        actor=w.tahe,
        kind="inspection",
        region=w.r.fendou,
        source_label="自查",
        source_ref="SELF-1",
        problem="问题",
        source=SourceKind.SELF_CHECK,
    )
    assert post(client, f"items/{item.pk}/transitions", {"action": "start"}).status_code == 403
    assert (
        client.post("/api/v1/screening/alerts/bulk-issue", {"ids": [1]}, content_type="application/json").status_code
        == 403
    )
    assert RectificationItem.objects.get(pk=item.pk).status == ItemStatus.PENDING


def test_inspection_boundaries_region_outside_scope_future_date_and_unknown_code(w, login):
    tahe = login(w.tahe)
    assert (
        post(
            tahe, "inspections", {"region": w.r.huma.code, "date": YESTERDAY.isoformat(), "subject": "越界"}
        ).status_code
        == 404
    )
    ok = post(
        tahe,
        "inspections",
        {
            "region": w.r.tahe.code,
            "date": YESTERDAY.isoformat(),
            "subject": "自查",
            "kind": "county_self",
            "findings": [{"text": "越界问题", "region": w.r.huma_village.code}],
        },
    )
    assert ok.status_code == 404 and not Inspection.objects.exists()  # nothing half-written
    future = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    refused = post(
        tahe, "inspections", {"region": w.r.tahe.code, "date": future, "subject": "自查", "kind": "county_self"}
    )
    assert refused.status_code == 422 and "晚于今天" in refused.json()["detail"]
    today = post(
        tahe,
        "inspections",
        {"region": w.r.tahe.code, "date": timezone.localdate().isoformat(), "subject": "自查", "kind": "county_self"},
    )
    assert today.status_code == 201  # today itself is allowed


def test_inspector_uses_the_inspection_pages(w, login):
    client = login(w.ducha)
    page = client.get("/ledger/inspections/")
    assert page.status_code == 200 and "<form" in page.content.decode()
    ins = services.inspection_create(
        actor=w.ducha, kind="prefecture_spot", title="暗访", region=w.r.tahe, started_on=YESTERDAY
    )
    assert ins.created_by_id == w.ducha.pk


def test_closing_a_households_item_secures_its_flag_with_history(w):
    h = make_household(village=w.r.fendou, schooling_secured=False)
    item = services.rectification_item_open_from_source(
        actor=w.shibazhan,
        kind="schooling",
        region=w.r.fendou,
        household=h,
        source_label="自查",
        source_ref="SELF-2",
        problem="适龄儿童辍学",
        source=SourceKind.SELF_CHECK,
    )
    services.item_transition(actor=w.fendou, item=item, action="fix", evidence="已劝返复学")
    item.refresh_from_db()
    h.refresh_from_db()
    assert h.schooling_secured is False  # fixed is not closed: only the verified close counts
    services.item_transition(actor=w.shibazhan, item=item, action="verify")
    h.refresh_from_db()
    assert h.schooling_secured is True
    change = HouseholdFlagChange.objects.get(household=h)
    assert (change.field, change.old_value, change.new_value, change.source) == (
        "schooling_secured",
        False,
        True,
        f"ledger.item:{item.pk}",
    )


def test_closing_an_item_of_another_type_leaves_the_flags_alone(w):
    h = make_household(village=w.r.fendou, housing_safe=False)
    item = services.rectification_item_open_from_source(
        actor=w.shibazhan,
        kind="toilet",
        region=w.r.fendou,
        household=h,
        source_label="自查",
        source_ref="SELF-3",
        problem="问题厕所",
        source=SourceKind.SELF_CHECK,
    )
    services.item_transition(actor=w.fendou, item=item, action="fix", evidence="已改厕")
    item.refresh_from_db()
    services.item_transition(actor=w.shibazhan, item=item, action="verify")
    h.refresh_from_db()
    assert h.housing_safe is False and not HouseholdFlagChange.objects.exists()
