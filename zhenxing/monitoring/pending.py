"""Home page: what waits for this user's level, overdue steps (own level and every level below),
visits due and self-applications to receive."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from zhenxing.accounts.models import Role
from zhenxing.lib.modules import PendingItem

from . import selectors, workflow

OVERDUE_SHOWN = 20
RECENT_DAYS, RECENT_SHOWN = 30, 10


def _list_url(**params) -> str:
    return reverse("monitoring:list") + "?" + urlencode(params)


def pending(user) -> list[PendingItem]:
    level = workflow.level_of(user)
    if level is None and user.role not in {Role.PREFECTURE_ADMIN}:
        return []
    items: list[PendingItem] = []
    counts = selectors.state_counts(user)
    if level is not None:
        for code, state in workflow.STATES.items():
            if state.level == level and counts.get(code):
                items.append(
                    PendingItem(
                        category="待办理", label=f"{state.label}", url=_list_url(state=code), count=counts[code]
                    )
                )
    problem = selectors.calendar_problem(selectors.Standards(), timezone.localdate())
    if problem:
        items.append(PendingItem(category="工作日历", label=problem, url=reverse("calendar:home")))
    overdue = selectors.overdue_cases(user, limit=OVERDUE_SHOWN)
    for row in overdue:
        label = f"{row['household__head_name'] or row['number']}（{row['village__name']}）{workflow.STATES[row['state']].label}"
        items.append(
            PendingItem(
                category="逾期",
                label=label,
                url=reverse("monitoring:detail", args=[row["id"]]),
                overdue_days=row["overdue_days"],
                due=row["due"],
            )
        )
    if len(overdue) == OVERDUE_SHOWN and (total := selectors.overdue_count(user)) > OVERDUE_SHOWN:
        items.append(PendingItem(category="逾期", label="全部逾期案件", url=_list_url(overdue="on"), count=total))
    if level == workflow.VILLAGE:
        due = selectors.visits_due(user).count()
        if due:
            items.append(
                PendingItem(
                    category="待走访", label="超过走访间隔的监测户", url=_list_url(state="monitored_all"), count=due
                )
            )
        inbox = selectors.applications_inbox(user).count()
        if inbox:
            items.append(
                PendingItem(
                    category="自主申报待受理", label="农户自主申报", url=reverse("monitoring:applications"), count=inbox
                )
            )
    if counts.get("monitored") and level is not None:
        recent = (
            selectors.cases(user)
            .filter(state="monitored", identified_on__gte=timezone.localdate() - dt.timedelta(days=RECENT_DAYS))
            .order_by("-identified_on", "-id")
        )
        for case in recent[:RECENT_SHOWN]:
            items.append(
                PendingItem(
                    category="近期纳入监测",
                    label=f"{case.household.head_name or case.number}（{case.village.name}）监测中",
                    url=reverse("monitoring:detail", args=[case.pk]),
                )
            )
        items.append(
            PendingItem(
                category="近期纳入监测",
                label="全部监测中的农户",
                url=_list_url(state="monitored"),
                count=counts["monitored"],
            )
        )
    return items
