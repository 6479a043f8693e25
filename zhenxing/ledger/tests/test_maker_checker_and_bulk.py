"""Maker ≠ checker on rectification items (who reported 整改完成 does not verify it), what the next
steps require shown before sending, and the township's or county's bulk 交办 / 催办 / 导出所选."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from zhenxing.accounts.models import Role, User
from zhenxing.audit.models import AuditEntry
from zhenxing.ledger import services, workflow
from zhenxing.ledger.models import ItemStatus, Notice, RectificationItem, Unit
from zhenxing.ledger.services.bulk import items_bulk

from .conftest import D


def _open(w, types, region, *, actor=None):
    return services.rectification_item_open(
        actor=actor or w.tahe,
        type=types["water"],
        region=region,
        problem="饮水不安全",
        source="self_check",
        found_on=D(2022, 1, 10),
        deadline=D(2022, 1, 31),
    )


@pytest.fixture
def tahe2(w):
    return User.objects.create(
        username="t-tahe2", role=Role.COUNTY_STAFF, region=w.r.tahe, full_name="塔河县另一名工作人员"
    )


def test_who_reported_the_fix_is_not_offered_and_is_refused_the_verification(w, types, tahe2, login):
    item = _open(w, types, w.r.fendou)
    services.item_transition(actor=w.tahe, item=item, action="fix", evidence="已接通自来水", on=D(2022, 1, 20))
    item.refresh_from_db()
    assert "verify" not in {t.code for t in workflow.allowed(workflow.ITEM_TRANSITIONS, w.tahe, item)}
    page = login(w.tahe).get(f"/ledger/items/{item.pk}/").content.decode()
    assert 'value="verify"' not in page and 'value="fail"' not in page
    with pytest.raises(ValidationError, match="“整改完成，报请核验”由您本人办理") as exc:
        services.item_transition(actor=w.tahe, item=item, action="verify", on=D(2022, 1, 21))
    assert "办理人与核验人不能为同一人" in str(exc.value)
    response = login(w.tahe).post(f"/ledger/items/{item.pk}/", {"action": "verify", "version": item.version})
    item.refresh_from_db()
    assert item.status == ItemStatus.AWAITING_VERIFICATION
    # another officer of the same county verifies it
    assert "verify" in {t.code for t in workflow.allowed(workflow.ITEM_TRANSITIONS, tahe2, item)}
    services.item_transition(actor=tahe2, item=item, action="verify", on=D(2022, 1, 21))
    item.refresh_from_db()
    assert item.status == ItemStatus.CLOSED
    assert response.status_code == 302


def test_the_latest_fix_counts(w, types, tahe2):
    """Fixed by A, failed by B, fixed again by B: A may now verify (B may not)."""
    item = _open(w, types, w.r.fendou)
    services.item_transition(actor=w.tahe, item=item, action="fix", evidence="第一次")
    services.item_transition(actor=tahe2, item=item, action="fail", note="仍未通水")
    services.item_transition(actor=tahe2, item=item, action="fix", evidence="第二次")
    with pytest.raises(ValidationError, match="办理人与核验人不能为同一人"):
        services.item_transition(actor=tahe2, item=item, action="verify")
    services.item_transition(actor=w.tahe, item=item, action="verify")
    assert RectificationItem.objects.get(pk=item.pk).status == ItemStatus.CLOSED


def test_the_item_page_says_what_the_next_steps_require(w, types, login):
    item = _open(w, types, w.r.fendou)
    rows = workflow.item_requirements(item)
    assert [r.transition.code for r in rows] == ["start", "fix", "verify"]
    assert rows[1].missing == ("请填写整改佐证",)
    assert "不能是办理“整改完成，报请核验”的同一人" in rows[2].who
    page = login(w.fendou).get(f"/ledger/items/{item.pk}/").content.decode()
    assert "本环节及后续环节的要求" in page and "✘ 请填写整改佐证" in page
    assert '<textarea name="evidence" rows="2" required>' in page  # the required field is marked


def test_bulk_assign_and_remind_with_one_audit_entry_each_and_refusals_by_item(w, types):
    unit = Unit.objects.create(name="十八站乡水利站", region=w.r.shibazhan)
    mine = [_open(w, types, w.r.fendou) for _ in range(3)]
    other = _open(w, types, w.r.kaikukang)  # another township's village
    closed = _open(w, types, w.r.yongfeng)
    services.item_transition(actor=w.yongfeng, item=closed, action="fix", evidence="已整改")
    services.item_transition(actor=w.shibazhan, item=closed, action="verify")
    from zhenxing import workflow as engine

    items, refused = engine.scoped_records(w.shibazhan, RectificationItem, [*(i.pk for i in mine), other.pk, closed.pk])
    before = AuditEntry.objects.filter(model="ledger.rectificationitem").count()
    result = items_bulk(actor=w.shibazhan, items=items, action="assign", unit=unit, person="王工", refused=refused)
    assert result["done"] == [i.pk for i in mine]
    assert result["refused"] == {other.pk: "记录不存在或不在您的数据权限范围内", closed.pk: "事项已销号"}
    assert AuditEntry.objects.filter(model="ledger.rectificationitem").count() == before + 3
    assert {i.responsible_unit_id for i in RectificationItem.objects.filter(pk__in=result["done"])} == {unit.pk}

    before = AuditEntry.objects.filter(action="transition", model="ledger.rectificationitem").count()
    result = items_bulk(actor=w.shibazhan, items=items, action="remind", note="请本周内完成")
    assert result["done"] == [i.pk for i in mine] and result["refused"] == {closed.pk: "事项已销号，无需催办"}
    assert AuditEntry.objects.filter(action="transition", model="ledger.rectificationitem").count() == before + 3
    assert Notice.objects.filter(recipient=w.fendou, kind="item_remind").count() == 3
    with pytest.raises(ValidationError, match="催办要求"):
        items_bulk(actor=w.shibazhan, items=items, action="remind", note=" ")


def test_bulk_from_the_list_page_village_refused_and_export_selected(w, types, login):
    a, b = _open(w, types, w.r.fendou), _open(w, types, w.r.fendou)
    assert (
        login(w.fendou).post("/ledger/items/", {"ids": [a.pk], "bulk_action": "remind", "note": "x"}).status_code == 403
    )
    page = login(w.shibazhan).get("/ledger/items/").content.decode()
    assert "全选本页" in page and f'name="ids" value="{a.pk}"' in page
    response = login(w.shibazhan).post("/ledger/items/", {"ids": [a.pk, b.pk], "bulk_action": "remind", "note": "催"})
    assert response.status_code == 302
    response = login(w.shibazhan).get("/ledger/items/export.xlsx", {"ids": [a.pk]})
    assert response.status_code == 200


def test_bulk_through_the_api_lists_another_regions_item(w, types, login):
    a, other = _open(w, types, w.r.fendou), _open(w, types, w.r.kaikukang)
    unit = Unit.objects.create(name="十八站乡水利站", region=w.r.shibazhan)
    response = login(w.shibazhan).post(
        "/api/v1/ledger/items/bulk",
        {"ids": [a.pk, other.pk], "action": "assign", "unit_id": unit.pk, "person": "王工"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json() == {"done": [a.pk], "refused": {str(other.pk): "记录不存在或不在您的数据权限范围内"}}
    assert RectificationItem.objects.get(pk=a.pk).responsible_person == "王工"
    assert (
        login(w.fendou)
        .post(
            "/api/v1/ledger/items/bulk",
            {"ids": [a.pk], "action": "remind", "note": "x"},
            content_type="application/json",
        )
        .status_code
        == 403
    )
