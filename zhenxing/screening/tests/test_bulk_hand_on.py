"""Bulk hand-on of 100 alerts in one request: 100 steps, 100 audit entries; an alert of another
region is listed as refused by id and the others go on; the list page's 全选本页 and 导出所选."""

from __future__ import annotations

from django.utils import timezone

from zhenxing.audit.models import AuditEntry
from zhenxing.screening.models import Alert, AlertState


def _alerts(village, n: int, prefix: str) -> list[Alert]:
    now = timezone.now()
    return Alert.objects.bulk_create(
        [
            Alert(
                rule="housing",
                rule_name="住房安全",
                subject=f"{prefix}{i}",
                village=village,
                state=AlertState.NEW,
                raised_at=now,
                updated_at=now,
                evidence={"records": [], "record_count": 0},
            )
            for i in range(n)
        ]
    )


def test_one_request_hands_on_100_alerts_with_100_audit_entries_and_refuses_another_regions(w, login):
    mine = _alerts(w.r.fendou, 100, "t")
    (there,) = _alerts(w.r.kaikukang, 1, "k")
    before = AuditEntry.objects.filter(action="transition", model="screening.alert").count()
    response = login(w.shibazhan).post(
        "/api/v1/screening/alerts/bulk-issue",
        {"ids": [a.pk for a in mine] + [there.pk], "instruction": "五个工作日内入户核实"},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["done"] == [a.pk for a in mine]
    assert body["refused"] == {str(there.pk): "记录不存在或不在您的数据权限范围内"}
    assert AuditEntry.objects.filter(action="transition", model="screening.alert").count() == before + 100
    assert Alert.objects.filter(pk__in=body["done"], state=AlertState.ISSUED).count() == 100
    assert Alert.objects.get(pk=there.pk).state == AlertState.NEW


def test_an_alert_in_the_wrong_state_is_listed_and_the_rest_go_on(w, login):
    a, b = _alerts(w.r.fendou, 2, "s")
    Alert.objects.filter(pk=b.pk).update(state=AlertState.ISSUED)
    response = login(w.shibazhan).post("/screening/", {"ids": [a.pk, b.pk], "instruction": "核实"}, follow=True)
    page = response.content.decode()
    assert "已下发 1 条预警" in page and f"预警 {b.pk} 未下发" in page
    assert Alert.objects.get(pk=a.pk).state == AlertState.ISSUED


def test_the_list_page_offers_select_all_and_export_selected(w, login):
    (a,) = _alerts(w.r.fendou, 1, "e")
    page = login(w.shibazhan).get("/screening/").content.decode()
    assert "全选本页" in page and "导出所选" in page and f'name="ids" value="{a.pk}"' in page
    assert login(w.shibazhan).get("/screening/alerts/export.xlsx", {"ids": [a.pk]}).status_code == 200
