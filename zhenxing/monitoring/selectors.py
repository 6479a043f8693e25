"""Reads of the monitoring module: always through the data scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from zhenxing.accounts import scope
from zhenxing.calendar.services import work_calendar
from zhenxing.lib.workdays import WORKDAYS, CalendarYearUnknown, WorkCalendar, limit_due, limit_late_before

from . import workflow
from .models import Application, ApplicationStatus, Measure, MonitoringCase, YearStandard


def cases(user) -> QuerySet[MonitoringCase]:
    return scope.scoped(user, MonitoringCase).select_related("household", "village", "helper")


@dataclass(frozen=True)
class Due:
    due: dt.date | None
    overdue_days: int  # 0 when not late (calendar days past the due date)
    problem: str = ""  # why the due date is unknown (a working-day limit reaching a year not in the calendar)


class Standards:
    """The yearly standards and the working-day calendar, loaded once per request (a handful of rows)."""

    def __init__(self):
        self.by_year = {s.year: s for s in YearStandard.objects.all()}
        self._cal: WorkCalendar | None = None

    @property
    def cal(self) -> WorkCalendar:
        if self._cal is None:
            self._cal = work_calendar()
        return self._cal

    def for_year(self, year: int) -> YearStandard | None:
        years = [y for y in self.by_year if y <= year]
        return self.by_year[max(years)] if years else None


def _limit_name(deadline: str) -> str:
    return "home_check" if deadline == "home_check" else "decision"


def due_of(
    *,
    state: str,
    discovered_on: dt.date,
    elimination_proposed_on: dt.date | None,
    standards: Standards,
    today: dt.date | None = None,
) -> Due | None:
    """The due date of the case's open step, from the configured time limits (自然日 or 工作日)."""
    today = today or timezone.localdate()
    info = workflow.STATES[state]
    if not info.deadline:
        return None
    start = elimination_proposed_on if info.phase == "elimination" and elimination_proposed_on else discovered_on
    standard = standards.for_year(start.year)
    if standard is None:
        return None
    days, unit = standard.limit(_limit_name(info.deadline))
    try:
        due = limit_due(standards.cal, start, days, unit)
    except CalendarYearUnknown as exc:
        return Due(due=None, overdue_days=0, problem=exc.messages[0])
    return Due(due=due, overdue_days=max((today - due).days, 0))


def case_due(case: MonitoringCase, standards: Standards | None = None) -> Due | None:
    return due_of(
        state=case.state,
        discovered_on=case.discovered_on,
        elimination_proposed_on=case.elimination_proposed_on,
        standards=standards or Standards(),
    )


def overdue_q(standards: Standards, today: dt.date) -> Q:
    """Set-based: open steps whose due date lies before ``today`` (due = start + the limit of the
    standard in force for the start's year), as one Q over the case table. A limit in 工作日 turns
    into one date bound too (``lib.workdays.limit_late_before``). When today's year is not in the
    working-day calendar, a working-day limit cannot be judged: its steps are left out and
    ``calendar_problem`` says so on the home page."""
    groups: dict[tuple[str, str], list[str]] = {}
    for code, info in workflow.STATES.items():
        if info.deadline:
            field = "elimination_proposed_on" if info.phase == "elimination" else "discovered_on"
            groups.setdefault((info.deadline, field), []).append(code)
    years = sorted(standards.by_year)
    q = Q(pk__in=[])
    for i, year in enumerate(years):
        s = standards.by_year[year]
        lo = dt.date(year, 1, 1)
        hi = dt.date(years[i + 1], 1, 1) if i + 1 < len(years) else dt.date.max
        for (deadline, field), states in groups.items():
            days, unit = s.limit(_limit_name(deadline))
            try:
                bound = limit_late_before(standards.cal, today, days, unit)
            except CalendarYearUnknown:
                continue
            q |= Q(state__in=states, **{f"{field}__gte": lo, f"{field}__lt": min(hi, bound)})
    return q


def calendar_problem(standards: Standards, today: dt.date) -> str:
    """The Chinese warning when a limit counts 工作日 and today's year is not in the calendar."""
    uses_workdays = any(
        WORKDAYS in (s.decision_unit, s.home_check_unit, s.posting_unit, s.visit_interval_unit)
        for s in standards.by_year.values()
    )
    if uses_workdays and not standards.cal.knows(today.year):
        return CalendarYearUnknown(today.year).messages[0]
    return ""


def overdue_count(user, *, today: dt.date | None = None) -> int:
    return cases(user).filter(overdue_q(Standards(), today or timezone.localdate())).count()


def overdue_cases(
    user, *, states: list[str] | None = None, today: dt.date | None = None, limit: int | None = None
) -> list[dict]:
    """Open steps past their due date in the user's scope, most days late first: dicts with the case's
    id, number, head name, village name, state, due and days late (the filter is set-based). With
    ``limit``, the cases whose step started earliest are taken first."""
    today = today or timezone.localdate()
    standards = Standards()
    qs = cases(user).filter(overdue_q(standards, today))
    if states:
        qs = qs.filter(state__in=states)
    if limit is not None:
        qs = qs.order_by(Coalesce("elimination_proposed_on", "discovered_on"), "id")[:limit]
    rows = []
    for row in qs.values(
        "id", "number", "state", "discovered_on", "elimination_proposed_on", "household__head_name", "village__name"
    ):
        due = due_of(
            state=row["state"],
            discovered_on=row["discovered_on"],
            elimination_proposed_on=row["elimination_proposed_on"],
            standards=standards,
            today=today,
        )
        rows.append({**row, "due": due.due, "overdue_days": due.overdue_days})
    return sorted(rows, key=lambda r: -r["overdue_days"])


def visits_due(user, *, today: dt.date | None = None) -> QuerySet[MonitoringCase]:
    """Monitored cases whose last visit (or entry into monitoring) is older than the visit interval."""
    today = today or timezone.localdate()
    standards = Standards()
    standard = standards.for_year(today.year)
    if standard is None:
        return MonitoringCase.objects.none()
    days, unit = standard.limit("visit_interval")
    try:
        limit = limit_late_before(standards.cal, today, days, unit)
    except CalendarYearUnknown:
        return MonitoringCase.objects.none()
    qs = cases(user).filter(state__in=workflow.MONITORED_STATES).annotate(last_visit=Max("visits__date"))
    return qs.filter(Q(last_visit__lt=limit) | Q(last_visit__isnull=True, identified_on__lt=limit))


def state_counts(user) -> dict[str, int]:
    return dict(cases(user).order_by().values_list("state").annotate(n=Count("id")))


def applications_inbox(user) -> QuerySet[Application]:
    return scope.scoped(user, Application).filter(status=ApplicationStatus.RECEIVED).select_related("village")


def case_filter(
    user, *, kind: str = "", risk_type: str = "", state: str = "", region=None, overdue: bool = False, q: str = ""
) -> QuerySet[MonitoringCase]:
    qs = cases(user)
    if kind:
        qs = qs.filter(kind=kind)
    if state == "open":
        qs = qs.filter(state__in=workflow.OPEN_STATES)
    elif state == "monitored_all":
        qs = qs.filter(state__in=workflow.MONITORED_STATES)
    elif state:
        qs = qs.filter(state=state)
    if region is not None:
        qs = qs.filter(village__path__startswith=region.path)
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(household__head_name__icontains=q) | Q(household__number=q))
    if risk_type:
        qs = qs.filter(risk_codes__contains=f"|{risk_type}|")
    if overdue:
        qs = qs.filter(overdue_q(Standards(), timezone.localdate()))
    return qs


def without_help(qs: QuerySet[MonitoringCase]) -> QuerySet[MonitoringCase]:
    """Monitored cases lacking a measure or a helper."""
    has_measure = Exists(Measure.objects.filter(case=OuterRef("pk")))
    return qs.filter(state__in=workflow.MONITORED_STATES).filter(Q(helper__isnull=True) | ~has_measure)
