"""The ledger's queryset writes are audited row by row: the deadline cascade and checklist edits."""

from __future__ import annotations

from zhenxing.audit.models import AuditEntry
from zhenxing.ledger import services
from zhenxing.ledger.models import Assignment, ChecklistItem, Task

from .conftest import D


def test_a_new_deadline_cascades_to_the_counties_and_each_change_is_audited(w, ledger):
    t = Task.objects.get(ledger=ledger, kind="task", number=13)
    old = t.deadline
    own = Assignment.objects.filter(task=t).order_by("id").first()
    Assignment.objects.filter(pk=own.pk).update(deadline=D(2022, 10, 1))  # a county's own deadline stays
    start = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    services.task_assign(
        actor=w.diqu, task=t, lead_unit=t.lead_unit, responsible_units=[], deadline=D(2022, 11, 30), rhythm="quarterly"
    )
    entries = AuditEntry.objects.filter(id__gt=start, model="ledger.assignment")
    cascaded = set(Assignment.objects.filter(task=t).exclude(pk=own.pk).values_list("pk", flat=True))
    assert {int(e.object_id) for e in entries} == cascaded and len(cascaded) == 3
    for e in entries:
        assert (e.action, e.actor_id, e.before, e.after) == (
            "update",
            w.diqu.pk,
            {"deadline": old.isoformat()},
            {"deadline": "2022-11-30"},
        )
    assert Assignment.objects.get(pk=own.pk).deadline == D(2022, 10, 1)


def test_a_checklist_edit_audits_the_removed_and_the_new_items(w, ledger):
    t = Task.objects.get(ledger=ledger, kind="task", number=10)
    removed = set(t.checklist.values_list("pk", flat=True))
    start = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    services.task_edit(actor=w.diqu, task=t, title=t.title, measures=["结对帮扶", "培育产业"])
    entries = AuditEntry.objects.filter(id__gt=start, model="ledger.checklistitem", actor=w.diqu)
    assert {int(e.object_id) for e in entries.filter(action="delete")} == removed
    created = {e.object_id: e.after["text"] for e in entries.filter(action="create")}
    assert created == {str(c.pk): c.text for c in ChecklistItem.objects.filter(task=t)}
    assert sorted(created.values()) == sorted(["结对帮扶", "培育产业"])


def test_a_new_ledgers_checklists_and_county_assignments_are_audited(w):
    start = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    ledger = services.ledger_build(actor=w.diqu, data=services.plan_2022())
    logged = AuditEntry.objects.filter(id__gt=start)
    assert (
        logged.filter(model="ledger.assignment", action="create").count()
        == Assignment.objects.filter(task__ledger=ledger).count()
        > 0
    )
    assert (
        logged.filter(model="ledger.checklistitem", action="create").count()
        == ChecklistItem.objects.filter(task__ledger=ledger).count()
        > 0
    )
