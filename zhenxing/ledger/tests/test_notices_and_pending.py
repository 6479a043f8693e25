"""The notice centre, daily reminders and the home page's due and overdue lines."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from zhenxing.accounts.models import Role
from zhenxing.ledger import pending, services
from zhenxing.ledger.models import Assignment, Notice

from .conftest import D


def test_notice_send_to_a_region_and_roles(w):
    n = services.notice_send(region=w.r.tahe, roles={Role.VILLAGE_CADRE}, title="请核实", url="/ledger/items/")
    assert n == 3  # 奋斗村, 永丰村, 开库康村
    assert set(Notice.objects.values_list("recipient__username", flat=True)) == {
        "t-fendou",
        "t-yongfeng",
        "t-kaikukang",
    }


def test_a_keyed_notice_arrives_once(w):
    assert services.notice_send(recipients=[w.tahe, w.huma], title="提醒", key="k1") == 2
    assert services.notice_send(recipients=[w.tahe], title="提醒", key="k1") == 0


def test_read_and_unread(w, login):
    services.notice_send(recipients=[w.tahe], title="甲", url="/ledger/items/")
    services.notice_send(recipients=[w.huma], title="乙")
    mine = Notice.objects.get(recipient=w.tahe)
    other = Notice.objects.get(recipient=w.huma)
    client = login(w.tahe)
    assert client.get(f"/ledger/notices/{other.pk}/").status_code == 404
    response = client.get(f"/ledger/notices/{mine.pk}/")
    assert response.status_code == 302 and response["Location"] == "/ledger/items/"
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.read_at is not None and other.read_at is None
    assert "甲" in client.get("/ledger/notices/").content.decode()


def test_reminders_are_sent_once_per_state(w, ledger, types):
    a = Assignment.objects.get(task__ledger=ledger, task__kind="task", task__number=5, region=w.r.tahe)
    Assignment.objects.filter(task__ledger=ledger).exclude(pk=a.pk).update(status="closed")
    a.deadline = D(2022, 6, 17)
    a.save()
    services.report_add(actor=w.tahe, assignment=a, text="五月进展", on=D(2022, 5, 31))  # May's report is in
    assert services.reminders_send(as_of=D(2022, 6, 9)) == 0  # 8 days before the deadline
    assert services.reminders_send(as_of=D(2022, 6, 10)) == 1  # 7 days before: 塔河县 county staff
    assert Notice.objects.get(kind="reminder").title.startswith("即将到期")
    assert services.reminders_send(as_of=D(2022, 6, 17)) == 0  # same state, already reminded
    assert services.reminders_send(as_of=D(2022, 6, 18)) == 1  # now overdue
    assert services.reminders_send(as_of=D(2022, 7, 1)) == 1  # and June's report is missing


def _item(w, types, problem, deadline, found_on=None):
    return services.rectification_item_open(
        actor=w.tahe,
        type=types["water"],
        region=w.r.fendou,
        problem=problem,
        source="self_check",
        found_on=found_on or deadline - dt.timedelta(days=40),
        deadline=deadline,
    )


def test_home_lists_what_is_due_within_5_working_days_across_national_day(w, types):
    # 2026: 国庆 10月1日–7日 off, Saturday 10月10日 worked (调休). On Wednesday 9月30日, the last working
    # day before the holiday, the 5 working days are 10月8日, 9日, 10日, 12日 and 13日.
    within = _item(w, types, "十月十三日", D(2026, 10, 13))
    _item(w, types, "十月十四日", D(2026, 10, 14))
    lines = pending.pending(w.fendou, as_of=D(2026, 9, 30))
    by_url = {p.url: p for p in lines}
    assert by_url[f"/ledger/items/{within.pk}/"].category == "5个工作日内到期"
    assert not any("十月十四日" in p.label for p in lines)  # in 14 calendar days, but the 6th working day
    assert not any(
        "items/" in p.url and "十月十三日" in p.label for p in pending.pending(w.kaikukang, as_of=D(2026, 9, 30))
    )


def test_the_worked_saturday_counts_and_a_weekend_deadline_belongs_to_the_week_before(w, types):
    # On Thursday 10月8日: 9日, 10日 (调休 Saturday), 12日, 13日, 14日 — so 15日 is out, although it is
    # only 7 calendar days away; and on Friday 10月9日 a deadline on Sunday 18日 is in (before the 6th day).
    _item(w, types, "十五日", D(2026, 10, 15))
    assert not any("十五日" in p.label for p in pending.pending(w.fendou, as_of=D(2026, 10, 8)))
    assert any("十五日" in p.label for p in pending.pending(w.fendou, as_of=D(2026, 10, 9)))
    _item(w, types, "十八日周日", D(2026, 10, 18))
    assert any("十八日周日" in p.label for p in pending.pending(w.fendou, as_of=D(2026, 10, 12)))
    assert not any("十八日周日" in p.label for p in pending.pending(w.fendou, as_of=D(2026, 10, 9)))


def test_reminders_count_working_days_across_national_day(w, types):
    item = _item(w, types, "节后到期", D(2026, 10, 13))
    assert services.reminders_send(as_of=D(2026, 9, 29)) == 0  # 9月30日 + 10月8日–13日: 6 working days
    sent = services.reminders_send(as_of=D(2026, 9, 30))  # before the holiday, not on its 2nd day
    assert sent >= 1
    assert Notice.objects.filter(key=f"i{item.pk}:soon:20261013").exists()


def test_the_window_falls_back_to_calendar_days_in_a_year_the_calendar_does_not_know(w, types):
    from zhenxing.ledger.dates import soon_until

    # 2027 is in neither the package (1.11 knows up to 2026) nor the table: a reminder window is not
    # a due date, so it falls back to 7 calendar days instead of refusing to remind.
    assert soon_until(D(2026, 12, 28)) == D(2027, 1, 4)
    assert soon_until(D(2026, 12, 7)) == D(2026, 12, 14)  # Monday: 8日–11日 and 14日; the 6th working day is 15日


def test_home_lists_overdue_items_with_their_days(w, types, login):
    today = timezone.localdate()
    late = _item(w, types, "逾期", today - dt.timedelta(days=2), found_on=today - dt.timedelta(days=30))
    lines = pending.pending(w.fendou)
    assert {p.url: p for p in lines}[f"/ledger/items/{late.pk}/"].overdue_days == 2
    assert "逾期2天" in login(w.fendou).get("/").content.decode()


def test_many_overdue_items_collapse_into_one_line(w, types):
    for i in range(pending.LIST_AT_MOST + 1):
        services.rectification_item_open(
            actor=w.tahe,
            type=types["water"],
            region=w.r.fendou,
            problem=f"问题{i}",
            source="self_check",
            found_on=D(2022, 1, 1),
            deadline=D(2022, 1, 31),
        )
    lines = [p for p in pending.pending(w.tahe) if p.category == "逾期"]
    assert [(p.label, p.count) for p in lines] == [("逾期整改事项", pending.LIST_AT_MOST + 1)]


def test_a_missing_monthly_report_is_asked_for_after_the_month_ends(w, ledger):
    from zhenxing.ledger import selectors
    from zhenxing.ledger.models import Assignment as A

    a = A.objects.get(task__ledger=ledger, task__kind="task", task__number=4, region=w.r.tahe)
    services.report_add(actor=w.tahe, assignment=a, text="一月进展", on=D(2022, 1, 31))
    missing = selectors.reports_missing(w.tahe, D(2022, 2, 28))  # January ended, reported
    assert a.pk not in set(missing.values_list("pk", flat=True))
    missing = selectors.reports_missing(w.tahe, D(2022, 3, 1))  # February ended on the 28th, not reported
    assert a.pk in set(missing.values_list("pk", flat=True))
    assert missing.count() == 27
    services.report_add(actor=w.tahe, assignment=a, text="二月进展", period=D(2022, 2, 10), on=D(2022, 3, 1))
    assert selectors.reports_missing(w.tahe, D(2022, 3, 1)).count() == 26
    assert selectors.reports_missing(w.tahe, D(2023, 2, 1)).count() == 0  # after the ledger's year
    lines = {p.category: p for p in pending.pending(w.tahe, as_of=D(2022, 3, 1))}
    assert lines["进度未报"].count == 26


def test_a_missing_report_is_reminded_once_per_period(w, ledger):
    from zhenxing.ledger.models import Assignment as A

    A.objects.filter(task__ledger=ledger).exclude(task__number=4, task__kind="task", region=w.r.tahe).update(
        status="closed"
    )
    assert services.reminders_send(as_of=D(2022, 3, 1)) == 1  # 塔河县, task 4, February's report
    assert services.reminders_send(as_of=D(2022, 3, 20)) == 0
    assert services.reminders_send(as_of=D(2022, 4, 1)) == 1  # March's report
    assert Notice.objects.filter(recipient=w.tahe, title__startswith="进度未报送").count() == 2
