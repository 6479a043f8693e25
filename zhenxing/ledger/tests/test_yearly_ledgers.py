"""The prefecture confirms the suggested assignment; next year's ledger is copied and edited."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from zhenxing.accounts import scope
from zhenxing.ledger import services
from zhenxing.ledger.demo import load as demo_load
from zhenxing.ledger.models import (
    AssessmentScheme,
    Assignment,
    Ledger,
    Notice,
    RectificationItem,
    Task,
    Unit,
)

from .conftest import D, assignment


def test_confirming_units_moves_the_line_departments_view(w, ledger):
    t = Task.objects.get(ledger=ledger, kind="task", number=13)
    assert not scope.scoped(w.minzheng, Task).filter(pk=t.pk).exists()
    civil = Unit.objects.get(name="民政局", region=w.r.diqu)
    services.task_assign(
        actor=w.diqu,
        task=t,
        lead_unit=t.lead_unit,
        responsible_units=[civil],
        deadline=D(2022, 11, 30),
        rhythm="quarterly",
    )
    t.refresh_from_db()
    assert t.units_confirmed and t.dept_codes == ",civil_affairs,"
    assert scope.scoped(w.minzheng, Task).filter(pk=t.pk).exists()
    assert scope.scoped(w.minzheng, Assignment).filter(task=t).count() == 4
    assert set(Assignment.objects.filter(task=t).values_list("deadline", flat=True)) == {D(2022, 11, 30)}
    with pytest.raises(ValidationError):
        services.task_assign(
            actor=w.tahe, task=t, lead_unit=None, responsible_units=[], deadline=D(2022, 1, 1), rhythm="monthly"
        )


def test_next_years_ledger_is_a_copy_without_progress(w, ledger):
    a = assignment(ledger, 1, w.r.tahe)
    services.report_add(actor=w.tahe, assignment=a, text="进展", on=D(2022, 6, 1))
    services.milestone_add(actor=w.diqu, task=a.task, due=D(2022, 6, 30), title="上半年排查")
    copy = services.ledger_copy(actor=w.diqu, source=ledger, year=2023)
    assert copy.title == ledger.title.replace("2022", "2023")
    t1 = Task.objects.get(ledger=copy, kind="task", number=1)
    assert (t1.title, t1.deadline, list(t1.milestones.values_list("due", flat=True))) == (
        "实施动态监测",
        D(2023, 12, 31),
        [D(2023, 6, 30)],
    )
    assert Assignment.objects.filter(task__ledger=copy, status="not_started").count() == 27 * 4
    assert not Assignment.objects.filter(task__ledger=copy, reports__isnull=False).exists()
    with pytest.raises(ValidationError, match="已存在"):
        services.ledger_copy(actor=w.diqu, source=ledger, year=2023)


def test_editing_the_checklist_stops_once_evidence_exists(w, ledger):
    t = Task.objects.get(ledger=ledger, kind="task", number=10)
    services.task_edit(actor=w.diqu, task=t, title="抓好社会帮扶（百企兴百村）", measures=["结对帮扶", "", "培育产业"])
    assert [c.text for c in t.checklist.all()] == ["结对帮扶", "培育产业"]
    a = assignment(ledger, 10, w.r.huma)
    services.evidence_set(actor=w.huma, assignment=a, item=t.checklist.first(), text="已结对")
    with pytest.raises(ValidationError, match="不能再修改"):
        services.task_edit(actor=w.diqu, task=t, title="抓好社会帮扶", measures=["只一项"])
    services.task_edit(actor=w.diqu, task=t, title="抓好社会帮扶", measures=["结对帮扶", "培育产业"])  # wording only


def test_the_demo_loads_twice_without_duplicates(w):
    from zhenxing.accounts.demo import load as accounts_demo

    accounts_demo(out=io.StringIO())
    demo_load(out=io.StringIO())
    counts = (
        Ledger.objects.count(),
        RectificationItem.objects.count(),
        AssessmentScheme.objects.count(),
        Notice.objects.count(),
    )
    demo_load(out=io.StringIO())
    assert (
        Ledger.objects.count(),
        RectificationItem.objects.count(),
        AssessmentScheme.objects.count(),
        Notice.objects.count(),
    ) == counts
    # the 2022 ledger and this year's copy of it; the published 2022 assessment
    assert counts[:3] == (2, 9, 1)
    today = timezone.localdate()
    assert set(Ledger.objects.values_list("year", flat=True)) == {2022, today.year}
    this_year = Ledger.objects.get(year=today.year)
    assert this_year.tasks.count() == Ledger.objects.get(year=2022).tasks.count()
    # nothing more than a year overdue; the 2022 year is wrapped up (closed after its as-of date)
    assert max(a.overdue_days(today) for a in Assignment.objects.all()) <= 365
    assert max(i.overdue_days(today) for i in RectificationItem.objects.all()) <= 365
    closed_2022 = Assignment.objects.filter(task__ledger__year=2022, status="closed")
    assert closed_2022.count() == Assignment.objects.filter(task__ledger__year=2022).count()
    assert not closed_2022.filter(closed_on__lte=D(2022, 12, 31)).exclude(task__number=1).exists()
    assert set(RectificationItem.objects.values_list("status", flat=True)) == {
        "pending",
        "in_progress",
        "awaiting",
        "closed",
    }
    assert AssessmentScheme.objects.get().status == "published"


def test_the_reminder_command(w, types):
    services.rectification_item_open(
        actor=w.tahe,
        type=types["water"],
        region=w.r.fendou,
        problem="p",
        source="self_check",
        found_on=D(2022, 1, 1),
        deadline=D(2022, 1, 31),
    )
    out = io.StringIO()
    call_command("ledger_remind", date="2022-02-01", stdout=out)
    assert "已发送提醒 3 条" in out.getvalue()
    assert set(Notice.objects.filter(kind="reminder").values_list("recipient__username", flat=True)) == {
        "t-fendou",
        "t-shibazhan",
        "t-tahe",
    }  # the village, and the township and county offices above it
