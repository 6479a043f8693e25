"""audited_update / audited_bulk_create: queryset writes leave one entry per row."""

from __future__ import annotations

from django.db.models import F

from zhenxing.audit.context import acting
from zhenxing.audit.models import AuditEntry
from zhenxing.audit.writes import audited_bulk_create, audited_update
from zhenxing.regions.models import Level, Region


def _entries(**kw):
    return AuditEntry.objects.filter(model="regions.region", **kw).order_by("id")


def test_an_update_logs_each_changed_row_with_before_and_after(w):
    villages = Region.objects.filter(pk__in=[w.r.fendou.pk, w.r.yongfeng.pk])
    Region.objects.filter(pk=w.r.yongfeng.pk).update(office_phone="123")
    start = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    with acting(w.diqu):
        assert audited_update(villages, office_phone="123") == 2
    (entry,) = AuditEntry.objects.filter(id__gt=start)  # the row already at "123" did not change
    assert (entry.action, entry.object_id, entry.actor_id) == ("update", str(w.r.fendou.pk), w.diqu.pk)
    assert (entry.before, entry.after) == ({"office_phone": ""}, {"office_phone": "123"})


def test_a_filter_on_the_updated_field_and_an_f_expression_are_logged_as_they_happened(w):
    qs = Region.objects.filter(pk=w.r.fendou.pk, depth=w.r.fendou.depth)
    audited_update(qs, depth=F("depth") + 1, actor=w.diqu)
    entry = _entries(action="update").last()
    assert (entry.before, entry.after) == ({"depth": w.r.fendou.depth}, {"depth": w.r.fendou.depth + 1})
    assert entry.actor_id == w.diqu.pk
    assert audited_update(Region.objects.filter(pk=-1), name="无") == 0


def test_bulk_create_logs_every_new_row(w):
    start = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    made = audited_bulk_create(
        Region,
        [
            Region(
                code=f"23272220099{i}",
                name=f"新村{i}",
                level=Level.VILLAGE,
                parent=w.r.shibazhan,
                path=f"{w.r.shibazhan.path}9{i}/",
                depth=w.r.shibazhan.depth + 1,
            )
            for i in (7, 9)
        ],
        actor=w.diqu,
    )
    entries = {e.object_id: e for e in AuditEntry.objects.filter(id__gt=start)}
    assert set(entries) == {str(r.pk) for r in made}
    for r in made:
        e = entries[str(r.pk)]
        assert (e.action, e.model, e.before, e.after["name"], e.actor_id) == (
            "create",
            "regions.region",
            None,
            r.name,
            w.diqu.pk,
        )
